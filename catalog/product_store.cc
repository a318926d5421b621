#include "catalog/product_store.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include "base/status.h"
#include "base/strings.h"
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

struct ProductStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::string path;
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

  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = options.mode == StoreMode::kReadOnly
                               ? rocksdb::DB::OpenForReadOnly(db_options, path, &raw)
                               : rocksdb::DB::Open(db_options, path, &raw);
  if (!status.ok()) return FromRocks(status, StrCat("opening product store ", path));
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  impl->path = path;
  return std::unique_ptr<ProductStore>(new ProductStore(std::move(impl)));
}

absl::Status ProductStore::Write(std::span<const Snapshot> snapshots, Durability durability) {
  rocksdb::WriteBatch batch;
  for (const Snapshot& snapshot : snapshots) {
    rocksdb::Status status = batch.Put(snapshot.id, snapshot.json);
    if (!status.ok()) return FromRocks(status, "batching snapshots");
  }
  return FromRocks(impl_->db->Write(WriteOptionsFor(durability), &batch), "writing snapshots");
}

absl::Status ProductStore::Delete(std::span<const std::string> ids, Durability durability) {
  rocksdb::WriteBatch batch;
  for (const std::string& id : ids) {
    rocksdb::Status status = batch.Delete(id);
    if (!status.ok()) return FromRocks(status, "batching deletes");
  }
  return FromRocks(impl_->db->Write(WriteOptionsFor(durability), &batch), "deleting snapshots");
}

absl::StatusOr<std::string> ProductStore::Get(std::string_view id) const {
  std::string value;
  rocksdb::Status status =
      impl_->db->Get(rocksdb::ReadOptions(), rocksdb::Slice(id.data(), id.size()), &value);
  if (status.IsNotFound()) return absl::NotFoundError(StrCat("no product with id '", id, "'"));
  if (!status.ok()) return FromRocks(status, "reading snapshot");
  return value;
}

absl::StatusOr<std::vector<std::optional<std::string>>> ProductStore::MultiGet(
    std::span<const std::string> ids) const {
  std::vector<rocksdb::Slice> keys(ids.begin(), ids.end());
  std::vector<rocksdb::PinnableSlice> values(ids.size());
  std::vector<rocksdb::Status> statuses(ids.size());
  impl_->db->MultiGet(rocksdb::ReadOptions(), impl_->db->DefaultColumnFamily(), keys.size(),
                      keys.data(), values.data(), statuses.data());
  std::vector<std::optional<std::string>> out(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i].ok()) {
      out[i] = values[i].ToString();
    } else if (!statuses[i].IsNotFound()) {
      return FromRocks(statuses[i], "reading snapshots");
    }
  }
  return out;
}

absl::Status ProductStore::Flush() {
  rocksdb::FlushOptions flush_options;
  flush_options.wait = true;
  RETURN_IF_ERROR(FromRocks(impl_->db->Flush(flush_options), "flushing snapshots"));
  return FromRocks(impl_->db->SyncWAL(), "syncing snapshot log");
}

absl::StatusOr<uint64_t> ProductStore::Count() const {
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
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
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(read_options));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    visit(std::string_view(it->key().data(), it->key().size()),
          std::string_view(it->value().data(), it->value().size()));
  }
  return FromRocks(it->status(), "scanning snapshots");
}

}  // namespace vitrine::catalog
