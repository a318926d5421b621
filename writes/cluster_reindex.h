// Reindexing a cluster. `vitrine reindex --nats ... --feed PATH` builds the
// generation once where it runs, then records a GenerationEvent in the shared
// write log: the feeds (paths every replica can read, e.g. a shared volume)
// with their SHA-256, the build options, the last log entry the build holds,
// and the build's document count and products digest. Every replica's
// GenerationFollower then builds the same generation in its own data directory
// in the background (builds are deterministic), checks the feeds' hashes and
// the build's count and digest against the event before it may become
// current, and the server switches to it, replaying the log's entries after
// the event's. A replica that starts with an empty data directory builds the
// last event's generation, so it becomes ready (/readyz) with the others' data.
//
//   ASSIGN_OR_RETURN(indexer::ReindexSummary summary, ReindexCluster(options, *log));
//   GenerationFollower follower(*log, data_dir, [&] { service.ReloadNow(); });
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "indexer/reindex.h"
#include "writes/write_log.h"

namespace vitrine::writes {

// Builds `options` into its data directory (taking the log's position as the
// build's) and records the event in `log`. `recorded`, when given, receives it.
absl::StatusOr<indexer::ReindexSummary> ReindexCluster(indexer::ReindexOptions options,
                                                       WriteLog& log,
                                                       GenerationEvent* recorded = nullptr);

// Builds the generation `event` describes into `data_dir` and makes it current
// there, unless a feed's hash, or the build's count or digest, differs from the
// event's (FailedPrecondition naming which; the build is then abandoned).
// `cancelled` as in indexer::ReindexOptions.
absl::StatusOr<indexer::ReindexSummary> BuildGeneration(const GenerationEvent& event,
                                                        const std::string& data_dir,
                                                        std::function<bool()> cancelled = {});

// The SHA-256 of a file's contents, as 64 hex digits.
absl::StatusOr<std::string> FileSha256(const std::string& path);

// Follows the log's reindex events for one replica, from a thread of its own:
// every `interval` it reads the log and, when the last event is newer than the
// one this data directory last built (<data-dir>/CLUSTER_GENERATION), builds
// it (BuildGeneration) and calls `built`. An event refused for a mismatch
// (a feed or the build differs from the event) is not tried again; one whose
// build failed otherwise (a volume not mounted, a full disk) is, after 5 s,
// doubling to 5 min. Failures are logged and shown on /metrics.
class GenerationFollower {
 public:
  struct Status {
    uint64_t built = 0;   // the last event built here (0: none)
    uint64_t failed = 0;  // the last event whose build failed (0: none)
  };

  GenerationFollower(WriteLog& log, std::string data_dir, std::function<void()> built,
                     std::chrono::milliseconds interval = std::chrono::seconds(1));
  ~GenerationFollower();  // cancels a build in progress and joins
  GenerationFollower(const GenerationFollower&) = delete;
  GenerationFollower& operator=(const GenerationFollower&) = delete;

  Status status() const;

 private:
  void Run();
  // One look at the log: builds its last event if this directory lacks it.
  void Step();

  WriteLog& log_;
  const std::string data_dir_;
  const std::function<void()> built_callback_;
  const std::chrono::milliseconds interval_;
  static constexpr std::chrono::seconds kFirstRetryPause{5};
  static constexpr std::chrono::seconds kMaxRetryPause{300};

  mutable std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;  // under mutex_
  Status status_;          // under mutex_
  // Of status_.failed, under mutex_: refused for good (a mismatch), or tried again at retry_at_.
  bool refused_ = false;
  std::chrono::seconds retry_pause_ = kFirstRetryPause;
  std::chrono::steady_clock::time_point retry_at_;
  std::thread thread_;
};

}  // namespace vitrine::writes
