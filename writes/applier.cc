// How logged writes reach the serving generation: applied in log order, committed
// in batches, replayed from the last commit after any failure, and replayed onto
// each new generation before it serves.
#include <algorithm>
#include <chrono>

#include "base/log.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/unix_time.h"
#include "writes/product_writes.h"

namespace vitrine::writes {

ProductWrites::ProductWrites(std::unique_ptr<WriteLog> log, ProductWritesOptions options,
                             query::ResultCache* cache)
    : options_(std::move(options)), log_(std::move(log)), cache_(cache) {
  committer_ = std::thread([this] { CommitLoop(); });
  // Another replica's append wakes the committer, which reads and applies it
  // (after kMinCommitGap since the last commit) instead of at the next interval.
  log_->Watch([this] {
    {
      std::lock_guard lock(commit_mutex_);
      appended_ = true;
    }
    commit_wakeup_.notify_all();
  });
}

ProductWrites::~ProductWrites() {
  log_->Watch(nullptr);  // no call into this from the log's threads after this
  {
    std::lock_guard lock(commit_mutex_);
    stopping_ = true;
  }
  commit_wakeup_.notify_all();
  committer_.join();
  (void)CommitNow();
}

indexer::LiveWriterOptions ProductWrites::WriterOptions(const query::Index& index) const {
  return {.xapian_path = index.xapian_path(),
          .store = index.shared_store(),
          .analyzer = index.shared_analyzer(),
          .fault = options_.fault};
}

absl::Status ProductWrites::Switch(const std::shared_ptr<const query::Index>& index,
                                   const std::function<void()>& publish) {
  // The same order as CommitNow: the commit lock, then the write lock.
  std::lock_guard commit_lock(commit_mutex_);
  std::lock_guard lock(mutex_);
  // The new generation catches up with the whole log before it takes writes.
  ASSIGN_OR_RETURN(std::unique_ptr<indexer::LiveWriter> writer,
                   indexer::LiveWriter::Open(WriterOptions(*index)));
  RETURN_IF_ERROR(log_->ForEachAfter(writer->applied_seq(), [&](const JournalEntry& entry) {
    return writer->Apply(std::span<const JournalEntry>(&entry, 1));
  }));
  {
    const std::unique_lock revision = index->LockRevision();
    ASSIGN_OR_RETURN(std::vector<Xapian::docid> replayed, writer->Commit());
    RETURN_IF_ERROR(index->Refresh(replayed));
  }
  // The old generation keeps what it applied (a rollback may serve it again).
  if (writer_ != nullptr) {
    const std::unique_lock revision = index_->LockRevision();
    absl::StatusOr<std::vector<Xapian::docid>> changed = writer_->Commit();
    if (absl::Status refreshed = changed.ok() ? index_->Refresh(*changed) : changed.status();
        !refreshed.ok()) {
      LogError("committing the previous generation's writes failed", refreshed);
    }
  }
  writer_ = std::move(writer);
  index_ = index;
  stalled_ = absl::OkStatus();
  // Published before the write lock is let go: no write is acknowledged on the
  // new generation while reads still go to the old one.
  if (publish) publish();
  MarkVisible(writer_->committed_seq());
  return absl::OkStatus();
}

absl::Status ProductWrites::ReplayLog() {
  if (writer_ == nullptr) {
    ASSIGN_OR_RETURN(writer_, indexer::LiveWriter::Open(WriterOptions(*index_)));
  }
  return log_->ForEachAfter(writer_->applied_seq(), [&](const JournalEntry& entry) {
    return writer_->Apply(std::span<const JournalEntry>(&entry, 1));
  });
}

absl::Status ProductWrites::CatchUp(std::span<const JournalEntry> entries) {
  const bool was_stalled = !stalled_.ok();
  if (writer_ != nullptr && stalled_.ok()) {
    if (entries.empty() && log_->last_seq() > writer_->applied_seq()) {
      // Entries another replica appended to a shared log: applied in log order.
      // What they change is not known here, so every cached result goes.
      uncommitted_scopes_ |= (1u << query::kCacheScopes) - 1;
      absl::Status applied = ReplayLog();
      if (applied.ok()) return applied;
      stalled_ = applied;
    } else if (entries.empty() || entries.front().seq == writer_->applied_seq() + 1) {
      // The usual case: the entries just logged are the next ones.
      absl::Status applied = writer_->Apply(entries);
      if (applied.ok()) return applied;
      stalled_ = applied;
    } else {
      stalled_ = absl::InternalError("the writer fell behind the log");
    }
  }
  if (stalled_.ok() && writer_ != nullptr) return stalled_;
  // What the failed writer applied since its last commit is in an unknown
  // state: drop it (uncommitted, never written) and replay from the commit.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!stalled_.ok()) writer_.reset();
    stalled_ = ReplayLog();
    if (stalled_.ok()) {
      if (was_stalled) LogEvent("info", "logged writes reach the index again");
      return stalled_;
    }
  }
  if (!was_stalled) {
    LogError("applying logged writes failed; writes are paused, retrying every commit interval",
             stalled_);
  }
  return stalled_;
}

absl::Status ProductWrites::CommitNow() {
  std::lock_guard commit_lock(commit_mutex_);
  std::vector<Xapian::docid> changed;
  uint32_t scopes = 0;
  std::shared_ptr<const query::Index> index;
  std::unique_lock<std::shared_mutex> revision;  // from the commit to its Refresh
  absl::Status sync_failed;
  uint64_t visible = 0;
  {
    // No write slips between the commit and taking what it changes.
    std::lock_guard lock(mutex_);
    if (index_ == nullptr) return absl::OkStatus();
    revision = index_->LockRevision();
    // What other replicas appended (a shared log); when the log cannot be read
    // now, what this replica applied is still committed.
    const absl::Status synced = log_->Sync();
    RETURN_IF_ERROR(CatchUp());  // a backlog left by a failure or by other replicas
    if (!synced.ok()) sync_failed = synced;
    absl::StatusOr<std::vector<Xapian::docid>> committed = writer_->Commit();
    if (!committed.ok()) {
      stalled_ = committed.status();
      writer_.reset();  // replayed from the last commit at the next attempt
      return stalled_;
    }
    changed = *std::move(committed);
    scopes = std::exchange(uncommitted_scopes_, 0);
    index = index_;
    visible = writer_->committed_seq();
  }
  // Searches see the commit once the index refreshes; cached results computed
  // before it stop being served after the invalidation.
  RETURN_IF_ERROR(index->Refresh(changed));
  revision.unlock();
  if (cache_ != nullptr && scopes != 0) cache_->Invalidate(scopes);
  MarkVisible(visible);
  return sync_failed;
}

void ProductWrites::MarkVisible(uint64_t seq) {
  {
    std::lock_guard lock(visible_mutex_);
    visible_seq_ = std::max(visible_seq_, seq);
  }
  visible_changed_.notify_all();
}

bool ProductWrites::AwaitVisible(uint64_t seq, std::chrono::milliseconds timeout) {
  std::unique_lock lock(visible_mutex_);
  return visible_changed_.wait_for(lock, timeout, [&] { return visible_seq_ >= seq; });
}

uint64_t ProductWrites::visible_seq() const {
  std::lock_guard lock(visible_mutex_);
  return visible_seq_;
}

void ProductWrites::CommitLoop() {
  std::unique_lock lock(commit_mutex_);
  bool failing = false;  // logged once per failure, not every interval
  auto last_commit = std::chrono::steady_clock::now();
  while (true) {
    commit_wakeup_.wait_for(lock, options_.commit_interval, [&] { return stopping_ || appended_; });
    // Woken by appends elsewhere: a burst of them makes one commit here, not
    // one per append (the interval's own commits are not held back).
    if (appended_) {
      commit_wakeup_.wait_until(lock, last_commit + kMinCommitGap, [&] { return stopping_; });
    }
    if (stopping_) break;
    appended_ = false;
    lock.unlock();
    const absl::Status status = CommitNow();
    last_commit = std::chrono::steady_clock::now();
    if (!status.ok() && !failing) LogError("committing product writes failed", status);
    failing = !status.ok();
    lock.lock();
  }
}

absl::StatusOr<indexer::Journal::Pruned> ProductWrites::PruneLog(uint64_t through) {
  return log_->Prune(through, UnixSecondsNow());
}

WriteState ProductWrites::state() const {
  std::lock_guard lock(mutex_);
  WriteState state{.logged_seq = log_->last_seq()};
  if (writer_ != nullptr) {
    state.applied_seq = writer_->applied_seq();
    state.committed_seq = writer_->committed_seq();
  }
  if (index_ == nullptr) {
    state.paused = "no index is being served yet";
  } else if (!stalled_.ok()) {
    state.paused = StrCat("applying logged writes failed: ", stalled_.message());
  }
  return state;
}

}  // namespace vitrine::writes
