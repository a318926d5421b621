// The update journal: every product write accepted through the API, in order,
// made durable (RocksDB with its write-ahead log synced) before the write is
// acknowledged. Index generations apply it up to a sequence number they record,
// so a crash loses nothing acknowledged (the rest is replayed at start) and a
// generation built by a reindex catches up with the writes made during the build.
// Also holds the responses of writes sent with an Idempotency-Key.
//
//   <data-dir>/journal     RocksDB: "e" + seq -> entry, "i" + key -> idempotency record
//
//   ASSIGN_OR_RETURN(auto journal, Journal::Open(dir.path() + "/journal"));
//   std::vector<JournalEntry> entries = {{.op = JournalOp::kUpsert, .id = "7", .snapshot = json}};
//   RETURN_IF_ERROR(journal->Append(entries, nullptr));   // entries[i].seq set
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vitrine::indexer {

enum class JournalOp { kUpsert, kDelete };

struct JournalEntry {
  uint64_t seq = 0;  // assigned by Append, from 1
  JournalOp op = JournalOp::kUpsert;
  std::string id;
  std::string snapshot;  // kUpsert: the product's canonical JSON (ProductToJson)
};

// The stored outcome of a write sent with an Idempotency-Key.
struct IdempotencyRecord {
  std::string key;
  std::string request_hash;  // what was asked: method, path and body
  int status = 0;
  std::string body;
  int64_t expires_at = 0;  // Unix seconds
};

// An entry as the write logs store it (JSON: op, id, snapshot; the sequence
// number is kept beside it): the journal's value, a JetStream message's items.
std::string EncodeJournalEntry(const JournalEntry& entry);
// DataLoss naming `seq` when `encoded` is not an entry.
absl::StatusOr<JournalEntry> DecodeJournalEntry(uint64_t seq, std::string_view encoded);

class Journal {
 public:
  // Opens (creating when missing) the journal; read-only opens see what was
  // written before they opened, and never create.
  static absl::StatusOr<std::unique_ptr<Journal>> Open(const std::string& path,
                                                       bool read_only = false);
  // The last sequence number of `path`'s journal; 0 when there is none yet.
  static absl::StatusOr<uint64_t> LastSeqAt(const std::string& path);
  ~Journal();

  // Assigns the next sequence numbers to `entries` and writes them, with
  // `record` if given, in one synced write batch.
  absl::Status Append(std::vector<JournalEntry>& entries, const IdempotencyRecord* record);

  // Calls `visit` for every entry after `seq`, in order.
  absl::Status ForEachAfter(uint64_t seq,
                            const std::function<absl::Status(const JournalEntry&)>& visit) const;

  uint64_t last_seq() const;
  // The first entry still held (entries before it were pruned); last_seq() + 1
  // when there is none.
  absl::StatusOr<uint64_t> first_seq() const;

  // Retention: deletes the entries up to `through` (never the last one, which
  // keeps the sequence going across restarts) and the idempotency records that
  // expired by `now` (Unix seconds). Returns how many of each went.
  struct Pruned {
    uint64_t entries = 0;
    uint64_t idempotency_records = 0;
  };
  absl::StatusOr<Pruned> Prune(uint64_t through, int64_t now);

  // The record stored under `key`, unless it expired by `now` (Unix seconds).
  absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotency(const std::string& key,
                                                                   int64_t now) const;

 private:
  struct Impl;
  explicit Journal(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitrine::indexer
