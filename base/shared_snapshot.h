// SharedSnapshot: an immutable value that readers take whole and a writer
// replaces whole (the live merchandising config, a cached analysis). Readers copy
// the pointer under a mutex held for that alone, and the replaced value is
// released outside it. (Not std::atomic<std::shared_ptr>: libstdc++ 12 unlocks
// its readers with a relaxed store, a data race ThreadSanitizer reports.)
#pragma once

#include <memory>
#include <mutex>

namespace vitrine {

template <typename T>
class SharedSnapshot {
 public:
  std::shared_ptr<const T> Get() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  void Set(std::shared_ptr<const T> value) {
    {
      std::lock_guard lock(mutex_);
      value_.swap(value);
    }
    // `value` now holds the replaced snapshot, released here without the lock.
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> value_;
};

}  // namespace vitrine
