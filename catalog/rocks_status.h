// RocksDB status -> absl::Status, with the context of what was being done. For the
// components that keep data in RocksDB (product snapshots, the update journal).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/status.h>
#include <rocksdb/write_batch.h>

#include <string_view>

#include "absl/status/status.h"
#include "base/status.h"
#include "base/strings.h"

namespace vitrine::catalog {

inline absl::Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = StrCat(context, ": ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  // A full disk (ENOSPC) or a file size limit (EFBIG, RLIMIT_FSIZE), which
  // RocksDB reports as a plain I/O error: the same for the caller.
  if (status.IsNoSpace() || message.find("File too large") != std::string::npos) {
    return WithErrorCode(absl::ResourceExhaustedError(message), "insufficient_storage");
  }
  if (status.IsBusy() || status.IsTryAgain() || status.IsIOError()) {
    return absl::UnavailableError(message);
  }
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  return absl::InternalError(message);
}

// Writes `batch`. After a failed write RocksDB refuses every write until it is
// resumed (a background error): a failure resumes it and retries once, so writes
// work again as soon as the cause (a full disk) is gone. A batch applies whole or
// not at all, so the retry cannot apply it twice.
inline absl::Status WriteResuming(rocksdb::DB& db, const rocksdb::WriteOptions& options,
                                  rocksdb::WriteBatch& batch, std::string_view context) {
  rocksdb::Status status = db.Write(options, &batch);
  if (!status.ok() && !status.IsInvalidArgument() && db.Resume().ok()) {
    status = db.Write(options, &batch);
  }
  return FromRocks(status, context);
}

}  // namespace vitrine::catalog
