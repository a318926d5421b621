#include "catalog/product_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <mutex>

#include "absl/container/flat_hash_map.h"
#include "base/status.h"
#include "base/strings.h"
#include "catalog/rocks_db.h"
#include "catalog/rocks_status.h"

namespace vitrine::catalog {
namespace {

rocksdb::WriteOptions WriteOptionsFor(Durability durability) {
  rocksdb::WriteOptions options;
  options.sync = durability == Durability::kSynced;
  options.disableWAL = durability == Durability::kBulk;
  return options;
}

}  // namespace

// Snapshots by id. A write evicts its ids before it starts and nothing is kept
// while one is in progress, and a read that missed keeps what it read only if
// no write began or ended meanwhile (the epoch is unchanged): so a snapshot
// older than one already readable is never served from here.
class SnapshotCache {
 public:
  explicit SnapshotCache(size_t max_bytes) : max_bytes_(max_bytes) {}

  // Copies the kept snapshots of `ids` into `out` (entries already set stay);
  // returns the epoch to pass to Keep.
  uint64_t Find(std::span<const std::string> ids, std::vector<std::optional<std::string>>& out) {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < ids.size(); ++i) {
      if (const auto found = snapshots_.find(ids[i]); found != snapshots_.end()) {
        out[i] = found->second;
      }
    }
    return epoch_;
  }
  // Once full, nothing more is kept (writes still evict).
  void Keep(uint64_t epoch, std::string_view id, std::string_view json) {
    const size_t bytes = id.size() + json.size() + kEntryOverhead;
    std::lock_guard lock(mutex_);
    if (epoch != epoch_ || writing_ != 0 || bytes_ + bytes > max_bytes_) return;
    if (snapshots_.try_emplace(std::string(id), json).second) bytes_ += bytes;
  }
  template <typename Ids>
  void BeginWrite(const Ids& ids) {
    std::lock_guard lock(mutex_);
    for (const auto& id : ids) {
      // (Debian's Abseil has its own string_view for heterogeneous lookup.)
      const auto found = snapshots_.find(absl::string_view(id.data(), id.size()));
      if (found == snapshots_.end()) continue;
      bytes_ -= found->first.size() + found->second.size() + kEntryOverhead;
      snapshots_.erase(found);
    }
    ++writing_;
    ++epoch_;
  }
  void EndWrite() {
    std::lock_guard lock(mutex_);
    --writing_;
    ++epoch_;
  }

 private:
  static constexpr size_t kEntryOverhead = 64;  // the map's slot and allocations
  const size_t max_bytes_;
  std::mutex mutex_;
  absl::flat_hash_map<std::string, std::string> snapshots_;
  size_t bytes_ = 0;
  uint64_t epoch_ = 0;
  int writing_ = 0;  // writes in progress
};

struct ProductStore::Impl {
  std::unique_ptr<RocksDb> db;
  std::string path;
  std::unique_ptr<SnapshotCache> cache;
};

ProductStore::ProductStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProductStore::~ProductStore() = default;

absl::StatusOr<std::unique_ptr<ProductStore>> ProductStore::Open(
    const std::string& path, const ProductStoreOptions& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = options.mode == StoreMode::kReadWrite;
  db_options.compression = rocksdb::kNoCompression;  // snapshots are small; reads stay cheap
  // Point lookups by id: bloom filters, a hash index in each data block (a key
  // is found without a binary search) and a shared block cache.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.keep_log_file_num = 2;

  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->db, RocksDb::Open(db_options, path, options.mode == StoreMode::kReadOnly,
                                           "product store"));
  impl->path = path;
  impl->cache = std::make_unique<SnapshotCache>(options.snapshot_cache_bytes);
  return std::unique_ptr<ProductStore>(new ProductStore(std::move(impl)));
}

absl::Status ProductStore::Write(std::span<const Snapshot> snapshots, Durability durability) {
  rocksdb::WriteBatch batch;
  for (const Snapshot& snapshot : snapshots) {
    rocksdb::Status status = batch.Put(snapshot.id, snapshot.json);
    if (!status.ok()) return FromRocks(status, "batching snapshots");
  }
  std::vector<std::string_view> ids;
  for (const Snapshot& snapshot : snapshots) ids.push_back(snapshot.id);
  impl_->cache->BeginWrite(ids);
  const absl::Status written =
      impl_->db->Write(WriteOptionsFor(durability), batch, "writing snapshots");
  impl_->cache->EndWrite();
  return written;
}

absl::Status ProductStore::Delete(std::span<const std::string> ids, Durability durability) {
  rocksdb::WriteBatch batch;
  for (const std::string& id : ids) {
    rocksdb::Status status = batch.Delete(id);
    if (!status.ok()) return FromRocks(status, "batching deletes");
  }
  impl_->cache->BeginWrite(ids);
  const absl::Status written =
      impl_->db->Write(WriteOptionsFor(durability), batch, "deleting snapshots");
  impl_->cache->EndWrite();
  return written;
}

absl::StatusOr<std::string> ProductStore::Get(std::string_view id) const {
  const std::string ids[] = {std::string(id)};
  ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> found, MultiGet(ids));
  if (!found[0]) return absl::NotFoundError(StrCat("no product with id '", id, "'"));
  return *std::move(found[0]);
}

absl::StatusOr<std::vector<std::optional<std::string>>> ProductStore::MultiGet(
    std::span<const std::string> ids) const {
  std::vector<std::optional<std::string>> out(ids.size());
  const uint64_t epoch = impl_->cache->Find(ids, out);
  std::vector<size_t> missing;  // indexes into ids
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!out[i]) missing.push_back(i);
  }
  if (missing.empty()) return out;
  std::vector<rocksdb::Slice> keys;
  keys.reserve(missing.size());
  for (const size_t i : missing) keys.emplace_back(ids[i]);
  std::vector<rocksdb::PinnableSlice> values(missing.size());
  std::vector<rocksdb::Status> statuses(missing.size());
  ASSIGN_OR_RETURN(const RocksDb::Handle db, impl_->db->Read());
  db->MultiGet(rocksdb::ReadOptions(), db->DefaultColumnFamily(), keys.size(), keys.data(),
               values.data(), statuses.data());
  for (size_t k = 0; k < missing.size(); ++k) {
    if (statuses[k].ok()) {
      out[missing[k]] = values[k].ToString();
      impl_->cache->Keep(epoch, ids[missing[k]], *out[missing[k]]);
    } else if (!statuses[k].IsNotFound()) {
      return FromRocks(statuses[k], "reading snapshots");
    }
  }
  return out;
}

absl::Status ProductStore::Flush() {
  ASSIGN_OR_RETURN(const RocksDb::Handle db, impl_->db->Read());
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  RETURN_IF_ERROR(FromRocks(db->Flush(flush_options), "flushing snapshots"));
  return FromRocks(db->SyncWAL(), "syncing snapshot log");
}

absl::Status ProductStore::SyncLog() {
  ASSIGN_OR_RETURN(const RocksDb::Handle db, impl_->db->Read());
  return FromRocks(db->SyncWAL(), "syncing snapshot log");
}

absl::Status ProductStore::Verify() const {
  ASSIGN_OR_RETURN(const RocksDb::Handle db, impl_->db->Read());
  const rocksdb::Status status = db->VerifyChecksum();
  if (status.ok()) return absl::OkStatus();
  return absl::DataLossError(StrCat("product store ", impl_->path, ": ", status.ToString()));
}

absl::StatusOr<uint64_t> ProductStore::Count() const {
  ASSIGN_OR_RETURN(const RocksDb::Handle db, impl_->db->Read());
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  uint64_t count = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  if (!it->status().ok()) return FromRocks(it->status(), "counting snapshots");
  return count;
}

absl::Status ProductStore::ForEach(
    const std::function<void(std::string_view id, std::string_view json)>& visit) const {
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;  // one pass: keep the serving cache as it is
  read_options.readahead_size = 2 << 20;
  ASSIGN_OR_RETURN(const RocksDb::Handle db, impl_->db->Read());
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    visit(std::string_view(it->key().data(), it->key().size()),
          std::string_view(it->value().data(), it->value().size()));
  }
  return FromRocks(it->status(), "scanning snapshots");
}

absl::StatusOr<ProductStore::Digest> ProductStore::ComputeDigest() const {
  Digest digest;
  RETURN_IF_ERROR(ForEach([&](std::string_view id, std::string_view json) {
    // The id and the JSON apart: ("ab", "c") and ("a", "bc") differ.
    digest.sum += Fnv1a64(json, Fnv1a64(std::string_view("\0", 1), Fnv1a64(id)));
    ++digest.count;
  }));
  return digest;
}

}  // namespace vitrine::catalog
