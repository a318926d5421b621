#include "writes/cluster_reindex.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <utility>

#include "base/log.h"
#include "base/status.h"
#include "base/strings.h"
#include "catalog/product_store.h"

namespace vitrine::writes {
namespace {

// A cluster's reindex runs inside the serving process: its threads give way to
// the searches and writes (ReindexOptions::nice).
constexpr int kBuildNice = 10;

// Where a data directory records the last reindex event it built.
std::string MarkerPath(const std::string& data_dir) { return data_dir + "/CLUSTER_GENERATION"; }

uint64_t ReadMarker(const std::string& data_dir) {
  std::ifstream in(MarkerPath(data_dir));
  std::string text;
  std::getline(in, text);
  const std::optional<int64_t> id = ParseInt64(text);
  return id && *id > 0 ? static_cast<uint64_t>(*id) : 0;
}

absl::Status WriteMarker(const std::string& data_dir, uint64_t event) {
  return indexer::WriteFileAtomically(MarkerPath(data_dir), StrCat(event, "\n"));
}

// The products digest of a built generation (before any write is replayed onto it).
absl::StatusOr<catalog::ProductStore::Digest> BuildDigest(const indexer::Generation& generation) {
  ASSIGN_OR_RETURN(std::unique_ptr<catalog::ProductStore> store,
                   catalog::ProductStore::Open(generation.snapshot_path(), {}));
  return store->ComputeDigest();
}

}  // namespace

absl::StatusOr<std::string> FileSha256(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return absl::NotFoundError(StrCat("cannot read ", path));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  bool ok = context != nullptr && EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1;
  std::string buffer(1 << 20, '\0');
  while (ok) {
    const size_t read = std::fread(buffer.data(), 1, buffer.size(), file);
    if (read > 0) ok = EVP_DigestUpdate(context.get(), buffer.data(), read) == 1;
    if (read < buffer.size()) break;
  }
  const bool read_error = std::ferror(file) != 0;
  std::fclose(file);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!ok || read_error || EVP_DigestFinal_ex(context.get(), digest, &size) != 1) {
    return absl::InternalError(StrCat("hashing ", path, " failed"));
  }
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    char pair[3];
    std::snprintf(pair, sizeof(pair), "%02x", digest[i]);
    hex += pair;
  }
  return hex;
}

absl::StatusOr<indexer::ReindexSummary> ReindexCluster(indexer::ReindexOptions options,
                                                       WriteLog& log, GenerationEvent* recorded) {
  // The event names no supplemental feeds, so replicas would build without
  // them and refuse the digest: refused here, before anything is built.
  if (!options.supplemental_feeds.empty()) {
    return InvalidParameter("supplemental-feed",
                            "a cluster reindex (--nats) cannot take supplemental feeds yet");
  }
  // Every replica reads the same files: named absolutely.
  for (std::string& feed : options.feeds) feed = std::filesystem::absolute(feed).string();
  if (!options.vocabulary_dir.empty()) {
    options.vocabulary_dir = std::filesystem::absolute(options.vocabulary_dir).string();
  }
  GenerationEvent event{.feeds = options.feeds,
                        .analyzer = std::string(analyzers::ProfileName(options.analyzer.profile)),
                        .vocabulary_dir = options.vocabulary_dir,
                        .filterable_attributes = options.filterable_attributes,
                        .max_errors = options.max_errors};
  for (const std::string& feed : options.feeds) {
    ASSIGN_OR_RETURN(std::string hash, FileSha256(feed));
    event.feed_sha256.push_back(std::move(hash));
  }
  // Writes from here on are the log's later entries: replayed onto the build.
  options.log_last_seq = [&log]() -> absl::StatusOr<uint64_t> {
    RETURN_IF_ERROR(log.Sync());
    return log.last_seq();
  };
  // Recorded before the build becomes current here: a reindex the cluster
  // did not hear of is abandoned, not left serving on this node alone.
  options.before_activate = [&](const indexer::Generation& generation, uint64_t seq) {
    ASSIGN_OR_RETURN(const catalog::ProductStore::Digest digest, BuildDigest(generation));
    event.log_seq = seq;
    event.documents = digest.count;
    event.digest = Hex64(digest.sum);
    ASSIGN_OR_RETURN(event.id, log.AppendGeneration(event));
    return absl::OkStatus();
  };
  options.nice = kBuildNice;
  ASSIGN_OR_RETURN(indexer::ReindexSummary summary, indexer::Reindex(options));
  // When this directory is a replica's, it has the event's generation already.
  RETURN_IF_ERROR(WriteMarker(options.data_dir, event.id));
  if (recorded != nullptr) *recorded = event;
  return summary;
}

absl::StatusOr<indexer::ReindexSummary> BuildGeneration(const GenerationEvent& event,
                                                        const std::string& data_dir,
                                                        std::function<bool()> cancelled) {
  if (event.feeds.size() != event.feed_sha256.size()) {
    return absl::InvalidArgumentError("the reindex event's feeds and hashes do not pair up");
  }
  for (size_t i = 0; i < event.feeds.size(); ++i) {
    ASSIGN_OR_RETURN(const std::string hash, FileSha256(event.feeds[i]));
    if (hash != event.feed_sha256[i]) {
      return absl::FailedPreconditionError(StrCat("the feed ", event.feeds[i],
                                                  " is not the one reindexed (SHA-256 ", hash,
                                                  ", the event says ", event.feed_sha256[i], ")"));
    }
  }
  indexer::ReindexOptions options{.feeds = event.feeds,
                                  .data_dir = data_dir,
                                  .max_errors = event.max_errors,
                                  .vocabulary_dir = event.vocabulary_dir,
                                  .filterable_attributes = event.filterable_attributes};
  if (!analyzers::ParseProfile(event.analyzer, options.analyzer.profile)) {
    return absl::InvalidArgumentError(
        StrCat("the reindex event names an unknown analyzer '", event.analyzer, "'"));
  }
  options.log_last_seq = [&event]() -> absl::StatusOr<uint64_t> { return event.log_seq; };
  options.before_activate = [&event](const indexer::Generation& generation, uint64_t) {
    ASSIGN_OR_RETURN(const catalog::ProductStore::Digest digest, BuildDigest(generation));
    if (digest.count != event.documents || Hex64(digest.sum) != event.digest) {
      return absl::FailedPreconditionError(
          StrCat("generation ", generation.id, " built from reindex event ", event.id, " holds ",
                 digest.count, " products with digest ", Hex64(digest.sum), "; the event says ",
                 event.documents, " with ", event.digest));
    }
    return absl::OkStatus();
  };
  options.cancelled = std::move(cancelled);
  options.nice = kBuildNice;
  ASSIGN_OR_RETURN(indexer::ReindexSummary summary, indexer::Reindex(options));
  RETURN_IF_ERROR(WriteMarker(data_dir, event.id));
  return summary;
}

GenerationFollower::GenerationFollower(WriteLog& log, std::string data_dir,
                                       std::function<void()> built,
                                       std::chrono::milliseconds interval)
    : log_(log),
      data_dir_(std::move(data_dir)),
      built_callback_(std::move(built)),
      interval_(interval) {
  status_.built = ReadMarker(data_dir_);
  thread_ = std::thread([this] { Run(); });
}

GenerationFollower::~GenerationFollower() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wakeup_.notify_all();
  thread_.join();
}

GenerationFollower::Status GenerationFollower::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void GenerationFollower::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    Step();
    lock.lock();
    wakeup_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

void GenerationFollower::Step() {
  // The log is read by the write path (every commit interval, and at once when
  // another process appends): no request of its own, so a slow poll here never
  // trips the write path's breaker.
  const std::optional<GenerationEvent> event = log_.generation();
  {
    std::lock_guard lock(mutex_);
    if (!event || event->id <= status_.built) return;
    // A new event: the CLI may have built it into this very directory.
    status_.built = std::max(status_.built, ReadMarker(data_dir_));
    if (event->id <= status_.built) return;
    if (event->id == status_.failed && (refused_ || std::chrono::steady_clock::now() < retry_at_)) {
      return;
    }
  }
  LogEvent("info", "building the cluster's reindex", StrCat(R"("event":)", event->id));
  const absl::StatusOr<indexer::ReindexSummary> summary =
      BuildGeneration(*event, data_dir_, [this] {
        std::lock_guard lock(mutex_);
        return stopping_;
      });
  const bool cancelled = absl::IsCancelled(summary.status());
  {
    std::lock_guard lock(mutex_);
    if (summary.ok()) {
      status_.built = event->id;
    } else if (!cancelled) {
      // A feed or build that does not match the event stays refused; anything
      // else (the shared volume not mounted, a full disk) is tried again, at
      // growing intervals.
      const bool again = event->id == status_.failed;
      status_.failed = event->id;
      refused_ =
          absl::IsFailedPrecondition(summary.status()) || absl::IsInvalidArgument(summary.status());
      retry_pause_ = again ? std::min(retry_pause_ * 2, kMaxRetryPause) : kFirstRetryPause;
      retry_at_ = std::chrono::steady_clock::now() + retry_pause_;
    }
  }
  if (!summary.ok()) {
    if (!cancelled) {
      LogError(StrCat("cannot build the cluster's reindex event ", event->id,
                      refused_ ? "; refused until a new event" : "; trying again later"),
               summary.status());
    }
    return;
  }
  LogEvent("info", "built the cluster's reindex",
           StrCat(R"("event":)", event->id, R"(,"generation":")", summary->generation, "\""));
  if (built_callback_) built_callback_();
}

}  // namespace vitrine::writes
