// WriteLog: the ordered, durable log of product writes. A write is acknowledged
// once its append returns; every serving generation applies the log in sequence
// order (writes/product_writes.h), and replays what it lacks from it. One node
// keeps the log in its data directory (LocalWriteLog: the RocksDB journal);
// replicas share one through a replicated log (jetstream_write_log.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "indexer/journal.h"

namespace vitrine::writes {

using indexer::IdempotencyRecord;
using indexer::JournalEntry;
using indexer::JournalOp;

// A reindex of a whole cluster, as the log records it: what to build, the
// entries it holds, and what the build must come out as. Every replica builds
// the same generation from it (builds are deterministic), checks it against
// `documents` and `digest`, replays the entries after `log_seq` and switches
// (writes/cluster_reindex.h).
struct GenerationEvent {
  uint64_t id = 0;  // its place in the log (the stream sequence), increasing
  // The feeds, in order, as paths every replica can read, and the SHA-256 (hex) of each.
  std::vector<std::string> feeds;
  std::vector<std::string> feed_sha256;
  std::string analyzer;                            // "fashion" or "baseline"
  std::string vocabulary_dir;                      // empty: the default
  std::vector<std::string> filterable_attributes;  // as given to reindex
  int64_t max_errors = -1;
  uint64_t log_seq = 0;    // the last log entry the build includes
  uint64_t documents = 0;  // what the build holds: count and
  std::string digest;      // digest of its products (catalog::ProductStore::Digest, hex)
};

// What went wrong with a shared log's requests, since it was opened.
struct WriteLogStats {
  uint64_t conflicts = 0;    // appends refused because another replica appended first
  uint64_t unavailable = 0;  // requests that failed as unavailable (no quorum, timed out)
};

class WriteLog {
 public:
  virtual ~WriteLog() = default;

  // Assigns the next sequence numbers to `entries` and makes them durable, with
  // `record` (if given) in the same atomic append. On error nothing was logged,
  // except that a shared log's Unavailable may come after the append reached
  // it (its acknowledgement was lost): the entries then show at the next Sync,
  // and a retry with the same idempotency key finds their record.
  // A log shared by replicas answers Aborted when another one appended since
  // this one last read it: Sync, apply what came, and prepare the write again.
  virtual absl::Status Append(std::vector<JournalEntry>& entries,
                              const IdempotencyRecord* record) = 0;

  // Reads what other replicas appended since the last call (nothing to do for
  // a log of one node).
  virtual absl::Status Sync() { return absl::OkStatus(); }

  // Calls `appended`, from a thread of the log's own, whenever another replica
  // appended, so that the caller can Sync at once instead of at its next poll.
  // Null stops the calls, and Watch returns only once no call is running. A log
  // of one node never calls it.
  virtual void Watch(std::function<void()> /*appended*/) {}

  // Calls `visit` for every entry after `seq`, in order; stops at its first error.
  virtual absl::Status ForEachAfter(
      uint64_t seq, const std::function<absl::Status(const JournalEntry&)>& visit) const = 0;

  // Records a cluster reindex after what the log holds; returns its id. A log
  // of one node has none (Unimplemented).
  virtual absl::StatusOr<uint64_t> AppendGeneration(const GenerationEvent& /*event*/) {
    return absl::UnimplementedError("a reindex event needs a cluster's log (--nats)");
  }
  // The last reindex event read (by Sync or at open); nullopt when none.
  virtual std::optional<GenerationEvent> generation() const { return std::nullopt; }

  virtual WriteLogStats stats() const { return {}; }

  // Whether the log can be reached now (a shared log's connection); a local one always can.
  virtual bool connected() const { return true; }

  // The last sequence number appended; 0 when the log is empty.
  virtual uint64_t last_seq() const = 0;

  // The record stored under `key`, unless it expired by `now` (Unix seconds).
  virtual absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotency(const std::string& key,
                                                                           int64_t now) const = 0;

  // Retention: drops the entries up to `through` (those every kept generation
  // holds) and the idempotency records that expired by `now`.
  virtual absl::StatusOr<indexer::Journal::Pruned> Prune(uint64_t through, int64_t now) = 0;
};

// The local journal (indexer/journal.h) as the write log of a single node.
std::unique_ptr<WriteLog> LocalWriteLog(std::unique_ptr<indexer::Journal> journal);

}  // namespace vitrine::writes
