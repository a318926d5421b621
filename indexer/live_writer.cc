#include "indexer/live_writer.h"

#include <algorithm>
#include <optional>

#include "base/status.h"
#include "base/strings.h"
#include "catalog/index_schema.h"
#include "catalog/product.h"
#include "indexer/document_builder.h"

namespace vitrine::indexer {
namespace {

namespace schema = catalog::schema;

uint64_t RecordedSeq(const Xapian::Database& database) {
  return ParseInt64(database.get_metadata(std::string(schema::kJournalSeqKey))).value_or(0);
}

}  // namespace

LiveWriter::LiveWriter(LiveWriterOptions options, Xapian::WritableDatabase database)
    : options_(std::move(options)), database_(std::move(database)) {
  attributes_ =
      SplitTrimmed(database_.get_metadata(std::string(schema::kFilterableAttributesKey)), ',');
  std::erase(attributes_, std::string());
  applied_seq_ = committed_seq_ = RecordedSeq(database_);
}

LiveWriter::~LiveWriter() {
  // What was applied since the last commit is dropped, never committed: the
  // journal still holds it, and the next writer replays it.
  if (!in_transaction_) return;
  try {
    database_.cancel_transaction();
  } catch (const Xapian::Error&) {
    // Closing the database aborts the transaction too.
  }
}

absl::StatusOr<std::unique_ptr<LiveWriter>> LiveWriter::Open(LiveWriterOptions options) {
  try {
    Xapian::WritableDatabase database(options.xapian_path, Xapian::DB_OPEN);
    return std::unique_ptr<LiveWriter>(new LiveWriter(std::move(options), std::move(database)));
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError(StrCat("opening the index for updates: ", e.get_description()));
  }
}

absl::Status LiveWriter::ApplyOne(const JournalEntry& entry) {
  if (options_.fault) RETURN_IF_ERROR(options_.fault("apply"));
  if (!in_transaction_) {
    database_.begin_transaction(/*flushed=*/true);
    in_transaction_ = true;
  }
  const std::string id_term = schema::IdTerm(entry.id);
  if (entry.op == JournalOp::kDelete) {
    for (Xapian::PostingIterator it = database_.postlist_begin(id_term);
         it != database_.postlist_end(id_term); ++it) {
      changed_.push_back(*it);
    }
    database_.delete_document(id_term);
    return options_.store->Delete(std::span<const std::string>(&entry.id, 1),
                                  catalog::Durability::kLogged);
  }
  absl::StatusOr<catalog::Product> product = catalog::ProductFromJson(entry.snapshot);
  if (!product.ok()) {
    return absl::DataLossError(StrCat("journal entry ", entry.seq,
                                      " holds an invalid product: ", product.status().message()));
  }
  changed_.push_back(database_.replace_document(
      id_term, BuildDocument(*product, *options_.analyzer, attributes_)));
  const catalog::Snapshot snapshot{entry.id, entry.snapshot};
  return options_.store->Write(std::span<const catalog::Snapshot>(&snapshot, 1),
                               catalog::Durability::kLogged);
}

absl::Status LiveWriter::Apply(std::span<const JournalEntry> entries) {
  std::lock_guard lock(mutex_);
  try {
    for (const JournalEntry& entry : entries) {
      if (entry.seq <= applied_seq_) continue;  // the generation has it already
      if (entry.seq != applied_seq_ + 1) {
        return absl::FailedPreconditionError(StrCat("journal entry ", entry.seq, " follows ",
                                                    applied_seq_,
                                                    ": entries in between were not applied"));
      }
      RETURN_IF_ERROR(Annotate(ApplyOne(entry), StrCat("applying journal entry ", entry.seq)));
      applied_seq_ = entry.seq;
    }
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError(StrCat("updating the index: ", e.get_description()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Xapian::docid>> LiveWriter::Commit() {
  std::lock_guard lock(mutex_);
  if (applied_seq_ == committed_seq_) return std::vector<Xapian::docid>();
  if (options_.fault) RETURN_IF_ERROR(options_.fault("commit"));
  // The snapshots of the entries committed must outlive an operating system
  // crash as the index will: a replay starts after the committed sequence.
  RETURN_IF_ERROR(options_.store->SyncLog());
  try {
    // The sequence number is committed with the changes it stands for.
    database_.set_metadata(std::string(schema::kJournalSeqKey), std::to_string(applied_seq_));
    database_.commit_transaction();
    in_transaction_ = false;
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError(StrCat("committing updates: ", e.get_description()));
  }
  committed_seq_ = applied_seq_;
  return std::exchange(changed_, {});
}

uint64_t LiveWriter::applied_seq() const {
  std::lock_guard lock(mutex_);
  return applied_seq_;
}

uint64_t LiveWriter::committed_seq() const {
  std::lock_guard lock(mutex_);
  return committed_seq_;
}

absl::StatusOr<uint64_t> JournalSeqHeldByAll(const DataDir& dir) {
  ASSIGN_OR_RETURN(const std::vector<GenerationInfo> generations, dir.List());
  std::optional<uint64_t> held;
  for (const GenerationInfo& info : generations) {
    if (!info.complete) continue;  // a build in progress recorded the latest seq
    try {
      const uint64_t seq = RecordedSeq(Xapian::Database(info.generation.xapian_path()));
      held = std::min(held.value_or(seq), seq);
    } catch (const Xapian::Error& e) {
      return absl::UnavailableError(
          StrCat("reading generation ", info.generation.id, ": ", e.get_description()));
    }
  }
  return held.value_or(0);
}

}  // namespace vitrine::indexer
