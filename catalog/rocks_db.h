// RocksDb: a RocksDB database that recovers from failed writes, for the
// components that keep data in RocksDB (product snapshots, the update journal,
// the merchandising config). After a failed write RocksDB refuses every later
// one (its "background error") until it is resumed; errors it will not resume
// from (a file size limit, I/O errors it deems fatal) need the database closed
// and opened again, which recovers every write made before the failure from its
// log. A failure thus refuses the writes made while its cause (a full disk)
// lasts, and no more. Readers share the handle; a reopen waits for them, and
// while the database cannot be opened for writing it is open read-only.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vitrine::catalog {

class RocksDb {
 public:
  // Opens `path` (`what` names it in errors: "product store", "journal").
  static absl::StatusOr<std::unique_ptr<RocksDb>> Open(const rocksdb::Options& options,
                                                       const std::string& path, bool read_only,
                                                       std::string_view what);
  ~RocksDb();

  // The database for reading, shared with other readers while the handle lives.
  class Handle {
   public:
    rocksdb::DB* operator->() const { return db_; }
    rocksdb::DB& operator*() const { return *db_; }

   private:
    friend class RocksDb;
    Handle(std::shared_lock<std::shared_mutex> lock, rocksdb::DB* db)
        : lock_(std::move(lock)), db_(db) {}
    std::shared_lock<std::shared_mutex> lock_;
    rocksdb::DB* db_;
  };
  // Unavailable while the database is being recovered and cannot be opened.
  absl::StatusOr<Handle> Read() const;

  // Writes `batch` (whole or not at all), recovering from an earlier failure
  // first; errors name `context` and the cause.
  absl::Status Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch& batch,
                     std::string_view context);

  const std::string& path() const { return path_; }

 private:
  RocksDb(const rocksdb::Options& options, std::string path, bool read_only, std::string what);
  // Closes and opens the database again, read-only when it cannot be written.
  // Under the exclusive lock.
  absl::Status ReopenLocked();

  const rocksdb::Options options_;
  const std::string path_;
  const bool read_only_;
  const std::string what_;
  mutable std::shared_mutex mutex_;
  std::unique_ptr<rocksdb::DB> db_;    // null only while a reopen failed outright
  bool writable_ = false;              // false while only a read-only open succeeds
  std::atomic<bool> stopped_ = false;  // a write failed: resume or reopen before the next
};

}  // namespace vitrine::catalog
