#include "indexer/journal.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"
#include "catalog/rocks_db.h"
#include "catalog/rocks_status.h"

namespace vitrine::indexer {
namespace {

using catalog::FromRocks;
using Json = nlohmann::json;

constexpr char kEntryPrefix = 'e';
constexpr char kIdempotencyPrefix = 'i';

// "e" + the sequence number big-endian, so keys sort in sequence order.
std::string EntryKey(uint64_t seq) {
  std::string key(1, kEntryPrefix);
  for (int shift = 56; shift >= 0; shift -= 8) {
    key.push_back(static_cast<char>((seq >> shift) & 0xFF));
  }
  return key;
}

uint64_t SeqOf(const rocksdb::Slice& key) {
  uint64_t seq = 0;
  for (size_t i = 1; i < key.size() && i <= 8; ++i) {
    seq = (seq << 8) | static_cast<unsigned char>(key[i]);
  }
  return seq;
}

}  // namespace

std::string EncodeJournalEntry(const JournalEntry& entry) {
  Json json = {{"op", entry.op == JournalOp::kUpsert ? "upsert" : "delete"}, {"id", entry.id}};
  if (entry.op == JournalOp::kUpsert) json["snapshot"] = entry.snapshot;
  return json.dump();
}

absl::StatusOr<JournalEntry> DecodeJournalEntry(uint64_t seq, std::string_view encoded) {
  const Json json = Json::parse(encoded, nullptr, false);
  if (!json.is_object() || !json.contains("op") || !json.contains("id") ||
      !json["id"].is_string()) {
    return absl::DataLossError(StrCat("journal entry ", seq, " is corrupt"));
  }
  JournalEntry entry{.seq = seq,
                     .op = json["op"] == "delete" ? JournalOp::kDelete : JournalOp::kUpsert,
                     .id = json["id"].get<std::string>()};
  if (entry.op == JournalOp::kUpsert) entry.snapshot = json.value("snapshot", std::string());
  return entry;
}

struct Journal::Impl {
  std::unique_ptr<catalog::RocksDb> db;
  mutable std::mutex mutex;  // appends take sequence numbers in order
  uint64_t last_seq = 0;
};

Journal::Journal(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Journal::~Journal() = default;

absl::StatusOr<std::unique_ptr<Journal>> Journal::Open(const std::string& path, bool read_only) {
  rocksdb::Options options;
  options.create_if_missing = !read_only;
  options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  options.keep_log_file_num = 2;
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->db, catalog::RocksDb::Open(options, path, read_only, "journal"));
  ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl->db->Read());
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev(EntryKey(UINT64_MAX));
  if (it->Valid() && it->key().starts_with(std::string(1, kEntryPrefix))) {
    impl->last_seq = SeqOf(it->key());
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading the journal"));
  return std::unique_ptr<Journal>(new Journal(std::move(impl)));
}

absl::StatusOr<uint64_t> Journal::LastSeqAt(const std::string& path) {
  if (!std::filesystem::exists(path)) return 0;
  ASSIGN_OR_RETURN(std::unique_ptr<Journal> journal, Open(path, /*read_only=*/true));
  return journal->last_seq();
}

absl::Status Journal::Append(std::vector<JournalEntry>& entries, const IdempotencyRecord* record) {
  std::lock_guard lock(impl_->mutex);
  rocksdb::WriteBatch batch;
  uint64_t seq = impl_->last_seq;
  for (JournalEntry& entry : entries) {
    entry.seq = ++seq;
    RETURN_IF_ERROR(
        FromRocks(batch.Put(EntryKey(entry.seq), EncodeJournalEntry(entry)), "journal"));
  }
  if (record != nullptr) {
    const Json json = {{"hash", record->request_hash},
                       {"status", record->status},
                       {"body", record->body},
                       {"expires_at", record->expires_at}};
    RETURN_IF_ERROR(FromRocks(
        batch.Put(std::string(1, kIdempotencyPrefix) + record->key, json.dump()), "journal"));
  }
  rocksdb::WriteOptions options;
  options.sync = true;  // acknowledged means on disk
  RETURN_IF_ERROR(impl_->db->Write(options, batch, "writing the journal"));
  impl_->last_seq = seq;
  return absl::OkStatus();
}

absl::Status Journal::ForEachAfter(
    uint64_t seq, const std::function<absl::Status(const JournalEntry&)>& visit) const {
  ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl_->db->Read());
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(EntryKey(seq + 1)); it->Valid() && it->key()[0] == kEntryPrefix; it->Next()) {
    ASSIGN_OR_RETURN(JournalEntry entry,
                     DecodeJournalEntry(SeqOf(it->key()), it->value().ToStringView()));
    RETURN_IF_ERROR(visit(entry));
  }
  return FromRocks(it->status(), "reading the journal");
}

uint64_t Journal::last_seq() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->last_seq;
}

absl::StatusOr<uint64_t> Journal::first_seq() const {
  {
    ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl_->db->Read());
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    it->Seek(EntryKey(0));
    RETURN_IF_ERROR(FromRocks(it->status(), "reading the journal"));
    if (it->Valid() && it->key()[0] == kEntryPrefix) return SeqOf(it->key());
  }
  // (Not under the handle: Append takes the journal's lock before the database's.)
  return last_seq() + 1;
}

absl::StatusOr<Journal::Pruned> Journal::Prune(uint64_t through, int64_t now) {
  auto expired = [now](const rocksdb::Slice& value) {
    const Json json = Json::parse(value.data(), value.data() + value.size(), nullptr, false);
    // A corrupt record can never be answered either: it goes too.
    return !json.is_object() || json.value("expires_at", int64_t{0}) <= now;
  };
  // Scan for expired records without holding up writes...
  std::vector<std::string> candidates;
  {
    ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl_->db->Read());
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    const std::string prefix(1, kIdempotencyPrefix);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (expired(it->value())) candidates.push_back(it->key().ToString());
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "reading the journal"));
  }
  ASSIGN_OR_RETURN(const uint64_t first, first_seq());

  // ...then delete under the write lock, rechecking each record: a retry may
  // have stored a fresh response under an expired key since the scan.
  std::lock_guard lock(impl_->mutex);
  Pruned pruned;
  rocksdb::WriteBatch batch;
  through = std::min(through, impl_->last_seq == 0 ? 0 : impl_->last_seq - 1);
  if (through >= first) {
    pruned.entries = through - first + 1;  // sequence numbers have no gaps
    RETURN_IF_ERROR(
        FromRocks(batch.DeleteRange(EntryKey(first), EntryKey(through + 1)), "journal"));
  }
  for (const std::string& key : candidates) {
    std::string value;
    ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl_->db->Read());
    const rocksdb::Status status = db->Get(rocksdb::ReadOptions(), key, &value);
    if (status.IsNotFound()) continue;
    RETURN_IF_ERROR(FromRocks(status, "reading an idempotency key"));
    if (!expired(value)) continue;
    RETURN_IF_ERROR(FromRocks(batch.Delete(key), "journal"));
    ++pruned.idempotency_records;
  }
  if (batch.Count() == 0) return pruned;
  rocksdb::WriteOptions options;
  options.sync = true;
  RETURN_IF_ERROR(impl_->db->Write(options, batch, "pruning the journal"));
  return pruned;
}

absl::StatusOr<std::optional<IdempotencyRecord>> Journal::FindIdempotency(const std::string& key,
                                                                          int64_t now) const {
  std::string value;
  ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl_->db->Read());
  const rocksdb::Status status =
      db->Get(rocksdb::ReadOptions(), std::string(1, kIdempotencyPrefix) + key, &value);
  if (status.IsNotFound()) return std::nullopt;
  RETURN_IF_ERROR(FromRocks(status, "reading an idempotency key"));
  const Json json = Json::parse(value, nullptr, false);
  if (!json.is_object()) return absl::DataLossError("idempotency record is corrupt");
  IdempotencyRecord record{.key = key,
                           .request_hash = json.value("hash", ""),
                           .status = json.value("status", 0),
                           .body = json.value("body", ""),
                           .expires_at = json.value("expires_at", int64_t{0})};
  if (record.expires_at <= now) return std::nullopt;
  return record;
}

}  // namespace vitrine::indexer
