// The wall clock in Unix seconds, for expiry times stored on disk.
#pragma once

#include <chrono>
#include <cstdint>

namespace vitrine {

inline int64_t UnixSecondsNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace vitrine
