// The single-node write log: a thin adapter over the RocksDB journal.
#include "writes/write_log.h"

namespace vitrine::writes {
namespace {

class LocalLog final : public WriteLog {
 public:
  explicit LocalLog(std::unique_ptr<indexer::Journal> journal) : journal_(std::move(journal)) {}

  absl::Status Append(std::vector<JournalEntry>& entries,
                      const IdempotencyRecord* record) override {
    return journal_->Append(entries, record);
  }
  absl::Status ForEachAfter(
      uint64_t seq, const std::function<absl::Status(const JournalEntry&)>& visit) const override {
    return journal_->ForEachAfter(seq, visit);
  }
  uint64_t last_seq() const override { return journal_->last_seq(); }
  absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotency(const std::string& key,
                                                                   int64_t now) const override {
    return journal_->FindIdempotency(key, now);
  }
  absl::StatusOr<indexer::Journal::Pruned> Prune(uint64_t through, int64_t now) override {
    return journal_->Prune(through, now);
  }

 private:
  std::unique_ptr<indexer::Journal> journal_;
};

}  // namespace

std::unique_ptr<WriteLog> LocalWriteLog(std::unique_ptr<indexer::Journal> journal) {
  return std::make_unique<LocalLog>(std::move(journal));
}

}  // namespace vitrine::writes
