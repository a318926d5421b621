#include "catalog/rocks_db.h"

#include "base/log.h"
#include "base/strings.h"
#include "catalog/rocks_status.h"

namespace vitrine::catalog {

RocksDb::RocksDb(const rocksdb::Options& options, std::string path, bool read_only,
                 std::string what)
    : options_(options), path_(std::move(path)), read_only_(read_only), what_(std::move(what)) {}

RocksDb::~RocksDb() = default;

absl::StatusOr<std::unique_ptr<RocksDb>> RocksDb::Open(const rocksdb::Options& options,
                                                       const std::string& path, bool read_only,
                                                       std::string_view what) {
  std::unique_ptr<RocksDb> db(new RocksDb(options, path, read_only, std::string(what)));
  rocksdb::DB* raw = nullptr;
  const rocksdb::Status status = read_only ? rocksdb::DB::OpenForReadOnly(options, path, &raw)
                                           : rocksdb::DB::Open(options, path, &raw);
  RETURN_IF_ERROR(FromRocks(status, StrCat("opening ", what, " ", path)));
  db->db_.reset(raw);
  db->writable_ = !read_only;
  return db;
}

absl::StatusOr<RocksDb::Handle> RocksDb::Read() const {
  std::shared_lock lock(mutex_);
  if (db_ == nullptr) {
    return absl::UnavailableError(StrCat(what_, " ", path_, " is being recovered"));
  }
  rocksdb::DB* db = db_.get();
  return Handle(std::move(lock), db);
}

absl::Status RocksDb::ReopenLocked() {
  db_.reset();  // waits for background work; a stopped database closes too
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status = rocksdb::DB::Open(options_, path_, &raw);
  writable_ = status.ok();
  if (!status.ok()) {
    // Still no room to recover into: reads go on from a read-only open.
    if (rocksdb::DB::OpenForReadOnly(options_, path_, &raw).ok()) db_.reset(raw);
    return FromRocks(status, StrCat("reopening ", what_, " ", path_));
  }
  db_.reset(raw);
  LogEvent("info", StrCat(what_, " reopened after a failed write"));
  return absl::OkStatus();
}

absl::Status RocksDb::Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch& batch,
                            std::string_view context) {
  if (read_only_) return absl::FailedPreconditionError(StrCat(what_, " is open read-only"));
  {
    std::shared_lock lock(mutex_);
    if (db_ != nullptr && writable_ && !stopped_) {
      const rocksdb::Status status = db_->Write(options, &batch);
      if (status.ok() || status.IsInvalidArgument()) return FromRocks(status, context);
      // RocksDB takes no write after a failed one until it is resumed.
      if (db_->Resume().ok() && db_->Write(options, &batch).ok()) return absl::OkStatus();
      stopped_ = true;
      return FromRocks(status, context);
    }
  }
  // Stopped by an earlier failure: resume it, or, when RocksDB will not resume
  // (or could not be opened for writing), close it and open it again, which
  // replays its log of every write before the failure.
  std::unique_lock lock(mutex_);
  if (db_ == nullptr || !writable_ || !db_->Resume().ok()) {
    RETURN_IF_ERROR(Annotate(ReopenLocked(), context));
  }
  const rocksdb::Status status = db_->Write(options, &batch);
  stopped_ = !status.ok() && !status.IsInvalidArgument();
  return FromRocks(status, context);
}

}  // namespace vitrine::catalog
