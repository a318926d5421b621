// Index generations inside a data directory. Each reindex builds a complete new
// generation (Xapian database + product snapshots) beside the live one; a single
// atomic rename of CURRENT switches readers to it, and the old ones stay for rollback.
//
//   <data-dir>/CURRENT                   id of the live generation ("000007")
//   <data-dir>/LOCK                      held by the one process building a generation
//   <data-dir>/journal                   product writes made through the API
//   <data-dir>/generations/000007/xapian     Xapian glass database
//   <data-dir>/generations/000007/snapshots  RocksDB product snapshots
//   <data-dir>/generations/000007/analyzers  analyzer profile and vocabulary
//   <data-dir>/generations/000007/MANIFEST.json  counts, feeds, time; written last
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vitrine::indexer {

struct Generation {
  std::string id;    // zero-padded, increasing: "000007"
  std::string path;  // <data-dir>/generations/<id>

  std::string xapian_path() const { return path + "/xapian"; }
  std::string snapshot_path() const { return path + "/snapshots"; }
  std::string manifest_path() const { return path + "/MANIFEST.json"; }
  // The analyzer the generation was built with: PROFILE ("fashion" or "baseline")
  // and the vocabulary files, so queries are analysed exactly as the index was.
  std::string analyzers_path() const { return path + "/analyzers"; }
};

struct GenerationInfo {
  Generation generation;
  bool current = false;
  bool complete = false;  // has a MANIFEST: built and verified when it was built
  uint64_t documents = 0;
  int64_t created_at = 0;  // Unix seconds
};

class DataDirLock;

class DataDir {
 public:
  // Creates the directory layout when missing.
  static absl::StatusOr<DataDir> Open(const std::string& path);

  const std::string& path() const { return path_; }
  // The update journal (indexer/journal.h), shared by every generation.
  std::string journal_path() const { return path_ + "/journal"; }

  // The live generation; NotFound before the first successful reindex.
  absl::StatusOr<Generation> Current() const;

  // Reserves a new, empty generation directory with the next id.
  absl::StatusOr<Generation> CreateGeneration() const;

  // Makes `generation` live: writes CURRENT.tmp, fsyncs it, renames it over CURRENT
  // and fsyncs the directory. Refuses a generation without a manifest.
  absl::Status Activate(const Generation& generation) const;

  // Makes the complete generation `id` current again (an older one, after a bad
  // reindex); empty `id`: the newest complete generation older than the current.
  // Servers switch to it like to a new build, replaying the API writes it lacks.
  absl::StatusOr<Generation> Rollback(std::string_view id) const;

  // Deletes a generation that is not current (failed builds, garbage collection).
  absl::Status Remove(const Generation& generation) const;

  // All generations, oldest first.
  absl::StatusOr<std::vector<GenerationInfo>> List() const;

  // Keeps the current generation and the newest `keep` complete ones besides it;
  // removes the rest, including abandoned incomplete builds older than the current.
  absl::Status CollectGarbage(int keep) const;

  // Removes every incomplete generation (a build killed or out of disk): only
  // while holding `lock`, so no build is running. Returns the ids removed.
  absl::StatusOr<std::vector<std::string>> RemoveAbandonedBuilds(const DataDirLock& lock) const;

 private:
  explicit DataDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// An exclusive advisory lock on <data-dir>/LOCK, so two reindexes never build at
// once. Released on destruction (and by the kernel if the process dies).
class DataDirLock {
 public:
  static absl::StatusOr<DataDirLock> Acquire(const DataDir& dir);
  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

// Checks that a generation can be served: every Xapian table block readable and
// consistent (Xapian's own check) and every snapshot store block matching its
// checksum. DataLoss naming the damaged part; a truncated or overwritten file is
// found here rather than by a search. Reads the whole generation once (a few
// hundred milliseconds for the bundled catalog).
absl::Status VerifyGeneration(const Generation& generation);

// Writes `contents` to `path` durably: temp file, fsync, rename, fsync directory.
absl::Status WriteFileAtomically(const std::string& path, std::string_view contents);

// fsyncs every regular file below `dir`, then `dir` itself.
absl::Status SyncTree(const std::string& dir);

}  // namespace vitrine::indexer
