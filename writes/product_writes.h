// Product writes: PUT (upsert), PATCH (merge into the stored product), DELETE and
// NDJSON batches, validated as feed records are, appended to the write log, then
// applied to the serving generation and committed in batches (every
// `commit_interval`), after which searches see them. An Idempotency-Key makes a
// retry answer with the first receipt instead of writing twice.
//
// Acknowledged means indexed: a receipt is given once the write is in the log,
// and every logged write reaches the index. Writes apply in log order; when
// applying one fails (a full disk, an I/O error), the writer is dropped with its
// uncommitted changes and the log is replayed from the last commit, now and then
// every commit interval until it succeeds, and no other write is taken meanwhile
// (Unavailable: a write merged into stale state would be wrong).
//
//   ProductWrites writes(LocalWriteLog(std::move(journal)), {}, &pool.cache());
//   RETURN_IF_ERROR(writes.Switch(index, [&] { pool.Publish(index); }));
//   ASSIGN_OR_RETURN(WriteReceipt receipt, writes.Write(WriteMethod::kPut, "7", body, ""));
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "indexer/live_writer.h"
#include "query/result_cache.h"
#include "query/search.h"
#include "writes/write_log.h"

namespace vitrine::writes {

struct ProductWritesOptions {
  std::chrono::seconds idempotency_ttl{24 * 3600};
  // Writes are committed in batches this often; searches see them after the commit.
  std::chrono::milliseconds commit_interval{100};
  // Fault injection for tests (indexer::LiveWriterOptions::fault); null in production.
  std::function<absl::Status(std::string_view step)> fault;
};

enum class WriteMethod { kPut, kPatch, kDelete };

enum class WriteOutcome { kCreated, kReplaced, kDeleted, kBatch };

// What a write answers: {"id", "seq", "product"} (or "deleted": true); for a
// batch {"applied", "rejected", "results": [...]}.
struct WriteReceipt {
  WriteOutcome outcome = WriteOutcome::kReplaced;
  std::string json;
  bool replayed = false;  // the stored answer to an earlier request with the same key
};

// Where the write path stands, for metrics and the admin state.
struct WriteState {
  uint64_t logged_seq = 0;     // the last write in the log
  uint64_t applied_seq = 0;    // the last applied to the serving generation
  uint64_t committed_seq = 0;  // the last searches can see
  std::string paused;          // why writes are refused now; empty when they are not
};

class ProductWrites {
 public:
  // `cache` (may be null): the search result cache the writes invalidate.
  ProductWrites(std::unique_ptr<WriteLog> log, ProductWritesOptions options,
                query::ResultCache* cache = nullptr);
  ~ProductWrites();  // stops committing (after a last commit)

  // Makes `index` (opened writable) the generation writes apply to: replays the
  // log entries it lacks, commits them, then calls `publish` before any later
  // write is taken, so a read after an acknowledged write finds it on whichever
  // generation serves. On error the previous generation stays. Until the first
  // Switch, writes are Unavailable.
  absl::Status Switch(const std::shared_ptr<const query::Index>& index,
                      const std::function<void()>& publish = {});

  // PUT, PATCH or DELETE of one product; `idempotency_key` may be empty.
  // `stages`, when set, gets the write's stages with their times ("sync",
  // "validate", "journal", "apply"; the server's trace spans).
  absl::StatusOr<WriteReceipt> Write(WriteMethod method, std::string_view id, std::string_view body,
                                     std::string_view idempotency_key,
                                     std::vector<query::StageTiming>* stages = nullptr);
  // One product per line (upsert) or {"delete": "<id>"}: good lines are logged in
  // one atomic append, bad ones reported by line number.
  absl::StatusOr<WriteReceipt> Batch(std::string_view body, std::string_view idempotency_key,
                                     std::vector<query::StageTiming>* stages = nullptr);

  // Applies what the log holds beyond the serving generation (after a failure),
  // commits and refreshes the index; the committer thread calls it every
  // commit_interval, tests may call it to skip the wait.
  absl::Status CommitNow();

  // Log retention: drops the entries up to `through` (indexer::JournalSeqHeldByAll)
  // and the expired idempotency records.
  absl::StatusOr<indexer::Journal::Pruned> PruneLog(uint64_t through);

  WriteState state() const;
  // The log this writes to (thread-safe, as every WriteLog).
  WriteLog& log() const { return *log_; }

  // Read-your-writes: waits (up to `timeout`) until searches on this node see
  // log entry `seq` and every one before it; false if they do not by then.
  bool AwaitVisible(uint64_t seq, std::chrono::milliseconds timeout);
  // The last entry searches see.
  uint64_t visible_seq() const;

 private:
  // What a write logs, and its receipt; `prepare` gets the sequence number its
  // first entry will take.
  struct Prepared {
    std::vector<JournalEntry> entries;
    WriteReceipt receipt;
    uint32_t scopes = 0;  // what the entries change (query::ScopesChanged)
  };
  using Prepare = std::function<absl::StatusOr<Prepared>(uint64_t first_seq)>;

  // Under the write lock: answers a retry of `request` (by idempotency key)
  // with its first receipt, else prepares, logs and applies the write.
  absl::StatusOr<WriteReceipt> Run(std::string_view request, std::string_view idempotency_key,
                                   const Prepare& prepare, std::vector<query::StageTiming>* stages);
  // Under the write lock: applies `entries` (just logged) or, when the writer is
  // behind them, replays the log up to its end; on failure drops the writer
  // and replays once more from the last commit (applier.cc).
  absl::Status CatchUp(std::span<const JournalEntry> entries = {});
  absl::Status ReplayLog();
  indexer::LiveWriterOptions WriterOptions(const query::Index& index) const;
  void CommitLoop();
  // After a commit reached searches (the index refreshed): wakes AwaitVisible.
  void MarkVisible(uint64_t seq);

  const ProductWritesOptions options_;
  std::unique_ptr<WriteLog> log_;
  query::ResultCache* const cache_;
  // Lock order: commit_mutex_, then mutex_.
  mutable std::mutex mutex_;  // one write at a time: log order = apply order
  std::shared_ptr<const query::Index> index_;
  std::unique_ptr<indexer::LiveWriter> writer_;  // null after a failure, until replayed
  absl::Status stalled_;                         // the failure that left entries unapplied
  uint32_t uncommitted_scopes_ = 0;              // of the writes applied since the last commit
  std::mutex commit_mutex_;
  std::condition_variable commit_wakeup_;
  bool stopping_ = false;
  bool appended_ = false;  // another replica appended (WriteLog::Watch)
  // The least time between two commits of the committer.
  static constexpr std::chrono::milliseconds kMinCommitGap{20};
  std::thread committer_;
  mutable std::mutex visible_mutex_;  // after the others
  std::condition_variable visible_changed_;
  uint64_t visible_seq_ = 0;
};

}  // namespace vitrine::writes
