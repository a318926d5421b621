// ProductStore: product snapshots in RocksDB, keyed by product id. Search hydrates
// its hits from here with one MultiGet; /v1/products/{id} reads one key.
//
//   ASSIGN_OR_RETURN(auto store, ProductStore::Open(dir, {.mode = StoreMode::kReadOnly}));
//   ASSIGN_OR_RETURN(std::string json, store->Get("15970"));
//
// Thread-safe: one store serves every thread. Values are ProductToJson bytes.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vitrine::catalog {

enum class StoreMode {
  kReadOnly,   // serving: no writes, many readers may open the same directory
  kReadWrite,  // opens an existing store or creates a new one
};

enum class Durability {
  kSynced,  // the write-ahead log is synced before Write returns
  kLogged,  // in the write-ahead log, not synced (another log makes it durable)
  kBulk,    // no write-ahead log; durable only after Flush() (index builds)
};

struct ProductStoreOptions {
  StoreMode mode = StoreMode::kReadOnly;
  // Block cache for snapshot reads, shared by all readers of this store.
  size_t block_cache_bytes = 64 << 20;
  // Snapshots read, by id, in front of RocksDB (a hash probe instead of a
  // block search per key; hydrating a page reads ~24), until this many bytes are
  // kept. Writes through this store evict what they change. 0: none.
  size_t snapshot_cache_bytes = 32 << 20;
};

struct Snapshot {
  std::string id;
  std::string json;
};

class ProductStore {
 public:
  static absl::StatusOr<std::unique_ptr<ProductStore>> Open(const std::string& path,
                                                            const ProductStoreOptions& options);
  ~ProductStore();
  ProductStore(const ProductStore&) = delete;
  ProductStore& operator=(const ProductStore&) = delete;

  // Writes all snapshots atomically (one RocksDB write batch).
  absl::Status Write(std::span<const Snapshot> snapshots, Durability durability);

  // Removes the snapshots of `ids` (unknown ids are fine) in one write batch.
  absl::Status Delete(std::span<const std::string> ids, Durability durability);

  // NotFound when no product has this id.
  absl::StatusOr<std::string> Get(std::string_view id) const;

  // One entry per id, nullopt where the id is unknown. Errors only on I/O failure.
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      std::span<const std::string> ids) const;

  // Persists memtables to synced table files (after Durability::kBulk writes).
  absl::Status Flush();

  // Syncs the write-ahead log: every Durability::kLogged write before it survives
  // an operating system crash too.
  absl::Status SyncLog();

  // Reads every stored block and checks its checksum: a damaged or truncated
  // store is DataLoss naming the file, before it serves garbage.
  absl::Status Verify() const;

  // Exact number of products, by a full key scan (verification, not the hot path).
  absl::StatusOr<uint64_t> Count() const;

  // Calls `visit` with every product in id order (a full scan that bypasses the
  // block cache; for building in-memory structures when a generation opens).
  // The views are valid during the call only.
  absl::Status ForEach(
      const std::function<void(std::string_view id, std::string_view json)>& visit) const;

  // An order-independent digest of every product: the sum, modulo 2^64, of a
  // 64-bit FNV-1a hash of each id and stored JSON. Two stores holding the same
  // products have the same one, whatever built them (a full scan).
  struct Digest {
    uint64_t count = 0;
    uint64_t sum = 0;
  };
  absl::StatusOr<Digest> ComputeDigest() const;

 private:
  struct Impl;
  explicit ProductStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitrine::catalog
