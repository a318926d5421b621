#include "indexer/generations.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::indexer {
namespace {

namespace fs = std::filesystem;

absl::Status Errno(std::string_view what, const std::string& path) {
  return absl::InternalError(StrCat(what, " ", path, ": ", std::strerror(errno)));
}

absl::Status SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("opening", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? absl::OkStatus() : Errno("syncing", path);
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

bool IsGenerationId(std::string_view name) {
  return name.size() == 6 && ParseInt64(name).value_or(-1) > 0;
}

}  // namespace

absl::Status WriteFileAtomically(const std::string& path, std::string_view contents) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("creating", temp);
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Errno("writing", temp);
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return Errno("syncing", temp);
  }
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0) return Errno("renaming", temp);
  return SyncPath(fs::path(path).parent_path().string(), /*directory=*/true);
}

absl::Status SyncTree(const std::string& dir) {
  std::error_code error;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir, error)) {
    if (entry.is_regular_file()) RETURN_IF_ERROR(SyncPath(entry.path().string(), false));
  }
  if (error) return absl::InternalError(StrCat("listing ", dir, ": ", error.message()));
  return SyncPath(dir, /*directory=*/true);
}

absl::StatusOr<DataDir> DataDir::Open(const std::string& path) {
  std::error_code error;
  fs::create_directories(fs::path(path) / "generations", error);
  if (error) {
    return absl::InternalError(StrCat("creating data dir ", path, ": ", error.message()));
  }
  return DataDir(fs::absolute(path).lexically_normal().string());
}

absl::StatusOr<Generation> DataDir::Current() const {
  absl::StatusOr<std::string> id = ReadSmallFile(path_ + "/CURRENT");
  if (!id.ok()) {
    return absl::NotFoundError(
        StrCat("no index in ", path_, " yet: run `vitrine reindex --data-dir ", path_, "`"));
  }
  std::string trimmed(Trim(*id));
  if (!IsGenerationId(trimmed)) {
    return absl::DataLossError(StrCat(path_, "/CURRENT holds no generation id"));
  }
  Generation generation{trimmed, StrCat(path_, "/generations/", trimmed)};
  if (!fs::exists(generation.manifest_path())) {
    return absl::DataLossError(StrCat("current generation ", trimmed, " has no manifest"));
  }
  return generation;
}

absl::StatusOr<Generation> DataDir::CreateGeneration() const {
  uint64_t highest = 0;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(path_ + "/generations", error)) {
    const std::string name = entry.path().filename().string();
    if (IsGenerationId(name)) highest = std::max<uint64_t>(highest, *ParseInt64(name));
  }
  if (error) return absl::InternalError(StrCat("listing generations: ", error.message()));
  std::string id = std::to_string(highest + 1);
  id.insert(0, id.size() < 6 ? 6 - id.size() : 0, '0');
  Generation generation{id, StrCat(path_, "/generations/", id)};
  if (!fs::create_directory(generation.path, error) || error) {
    return absl::InternalError(StrCat("creating ", generation.path, ": ", error.message()));
  }
  return generation;
}

absl::Status DataDir::Activate(const Generation& generation) const {
  if (!fs::exists(generation.manifest_path())) {
    return absl::FailedPreconditionError(
        StrCat("generation ", generation.id, " is incomplete (no manifest)"));
  }
  return WriteFileAtomically(path_ + "/CURRENT", generation.id + "\n");
}

absl::StatusOr<Generation> DataDir::Rollback(std::string_view id) const {
  ASSIGN_OR_RETURN(const Generation current, Current());
  ASSIGN_OR_RETURN(const std::vector<GenerationInfo> infos, List());
  const GenerationInfo* target = nullptr;
  for (const GenerationInfo& info : infos) {
    if (!info.complete) continue;
    if (id.empty() ? info.generation.id < current.id : info.generation.id == id) {
      target = &info;  // oldest first: the last one before current wins
    }
  }
  if (target == nullptr) {
    return absl::NotFoundError(id.empty()
                                   ? std::string("no complete generation before the current one")
                                   : StrCat("no complete generation '", id, "'"));
  }
  RETURN_IF_ERROR(Activate(target->generation));
  return target->generation;
}

absl::Status DataDir::Remove(const Generation& generation) const {
  absl::StatusOr<Generation> current = Current();
  if (current.ok() && current->id == generation.id) {
    return absl::FailedPreconditionError(
        StrCat("generation ", generation.id, " is current and cannot be removed"));
  }
  std::error_code error;
  fs::remove_all(generation.path, error);
  if (error) {
    return absl::InternalError(StrCat("removing ", generation.path, ": ", error.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<GenerationInfo>> DataDir::List() const {
  absl::StatusOr<Generation> current = Current();
  std::vector<GenerationInfo> infos;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(path_ + "/generations", error)) {
    const std::string id = entry.path().filename().string();
    if (!IsGenerationId(id)) continue;
    GenerationInfo info;
    info.generation = Generation{id, entry.path().string()};
    info.current = current.ok() && current->id == id;
    absl::StatusOr<std::string> manifest = ReadSmallFile(info.generation.manifest_path());
    if (manifest.ok()) {
      nlohmann::json json = nlohmann::json::parse(*manifest, nullptr, false);
      info.complete = json.is_object();
      if (info.complete) {
        info.documents = json.value("documents", uint64_t{0});
        info.created_at = json.value("created_at", int64_t{0});
      }
    }
    infos.push_back(std::move(info));
  }
  if (error) return absl::InternalError(StrCat("listing generations: ", error.message()));
  std::sort(infos.begin(), infos.end(), [](const GenerationInfo& a, const GenerationInfo& b) {
    return a.generation.id < b.generation.id;
  });
  return infos;
}

absl::Status DataDir::CollectGarbage(int keep) const {
  ASSIGN_OR_RETURN(std::vector<GenerationInfo> infos, List());
  int kept = 0;
  // Newest first: keep the current one and `keep` complete others; a build still
  // in progress is newer than the current generation and is left alone.
  const auto current = std::find_if(infos.begin(), infos.end(),
                                    [](const GenerationInfo& info) { return info.current; });
  if (current == infos.end()) return absl::OkStatus();
  for (auto it = infos.rbegin(); it != infos.rend(); ++it) {
    if (it->current) continue;
    const bool newer_than_current = it->generation.id > current->generation.id;
    if (newer_than_current) continue;
    if (it->complete && kept < keep) {
      ++kept;
      continue;
    }
    RETURN_IF_ERROR(Remove(it->generation));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> DataDir::RemoveAbandonedBuilds(
    const DataDirLock& /*held*/) const {
  ASSIGN_OR_RETURN(const std::vector<GenerationInfo> infos, List());
  std::vector<std::string> removed;
  for (const GenerationInfo& info : infos) {
    if (info.complete || info.current) continue;
    RETURN_IF_ERROR(Remove(info.generation));
    removed.push_back(info.generation.id);
  }
  return removed;
}

absl::StatusOr<DataDirLock> DataDirLock::Acquire(const DataDir& dir) {
  const std::string path = dir.path() + "/LOCK";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("opening", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return absl::AbortedError(
        StrCat("another reindex is running on ", dir.path(), " (", path, " is locked)"));
  }
  return DataDirLock(fd);
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace vitrine::indexer
