#include "server/work_queue.h"

#include <algorithm>
#include <utility>

namespace vitrine::server {

WorkQueue::WorkQueue(WorkQueueOptions options)
    : options_(std::move(options)), interval_start_(Clock::now()) {
  const int workers = options_.workers > 0
                          ? options_.workers
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads_.reserve(static_cast<size_t>(workers));
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
}

WorkQueue::~WorkQueue() { Stop(); }

bool WorkQueue::TrySubmit(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    if (queue_.size() + running_ >= options_.max_in_flight) {
      ++stats_.shed_in_flight;
      return false;
    }
    // A standing queue: only as many wait as there are workers to take them next.
    if (standing_ && queue_.size() >= threads_.size()) {
      ++stats_.shed_standing;
      return false;
    }
    ++stats_.admitted;
    queue_.push_back({.task = std::move(task), .queued_at = Clock::now()});
  }
  ready_.notify_one();
  return true;
}

bool WorkQueue::OnDequeueLocked(Clock::time_point now, Clock::duration waited) {
  if (now - interval_start_ >= options_.interval) {
    standing_ = least_wait_ != Clock::duration::max() && least_wait_ > options_.target;
    interval_start_ = now;
    least_wait_ = waited;
  } else {
    least_wait_ = std::min(least_wait_, waited);
  }
  return standing_ && waited > 2 * options_.target;
}

void WorkQueue::Work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    Item item = std::move(queue_.front());
    queue_.pop_front();
    const Clock::time_point now = Clock::now();
    const Clock::duration waited = now - item.queued_at;
    const bool shed = OnDequeueLocked(now, waited);
    if (shed) ++stats_.shed_waited;
    ++running_;
    lock.unlock();
    item.task({.waited = waited, .shed = shed});
    item.task = nullptr;  // what it holds goes before the lock is taken again
    lock.lock();
    --running_;
  }
}

void WorkQueue::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

WorkQueue::Stats WorkQueue::stats() const {
  std::lock_guard lock(mutex_);
  Stats stats = stats_;
  stats.queued = queue_.size();
  stats.in_flight = queue_.size() + running_;
  return stats;
}

}  // namespace vitrine::server
