// RocksDB status -> absl::Status, with the context of what was being done. For the
// components that keep data in RocksDB (product snapshots, the update journal).
#pragma once

#include <rocksdb/status.h>

#include <string_view>

#include "absl/status/status.h"
#include "base/strings.h"

namespace vitrine::catalog {

inline absl::Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = StrCat(context, ": ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsBusy() || status.IsTryAgain() || status.IsIOError()) {
    return absl::UnavailableError(message);
  }
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  return absl::InternalError(message);
}

}  // namespace vitrine::catalog
