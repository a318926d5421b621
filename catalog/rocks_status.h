// RocksDB status -> absl::Status, with the context of what was being done. For the
// components that keep data in RocksDB (product snapshots, the update journal).
#pragma once

#include <rocksdb/status.h>

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

}  // namespace vitrine::catalog
