#include "server/work_queue.h"

#include <algorithm>
#include <utility>

#include "base/thread_priority.h"

namespace vitrine::server {

WorkQueue::WorkQueue(WorkQueueOptions options) : options_(std::move(options)) {
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
    const Clock::time_point now = Clock::now();
    if (queue_.size() >= QueueBoundLocked()) {
      ++stats_.shed_queue_full;
      last_refused_ = now;
      // Full, refusing, and with a standing queue: more comes than the workers
      // serve (a burst the queue absorbs would have left no line behind it).
      if (!queue_.empty() && now - queue_.front().queued_at > options_.target / 4) {
        overloaded_ = true;
      }
      return false;
    }
    ++stats_.admitted;
    queue_.push_back({.task = std::move(task), .queued_at = now});
  }
  ready_.notify_one();
  return true;
}

WorkQueue::Clock::duration WorkQueue::MaxWaitLocked() const {
  if (!overloaded_) return options_.target;
  // Newest first, more arriving than the workers serve: one left behind for
  // longer than a run takes will not be reached in time.
  return std::max<Clock::duration>(
      options_.overloaded_wait,
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(service_seconds_)));
}

size_t WorkQueue::QueueBoundLocked() const {
  const size_t workers = threads_.size();
  if (service_seconds_ <= 0) return options_.max_in_flight;  // nothing measured yet
  // (Not MaxWaitLocked: a bound that shrank while requests are refused would
  // keep them refused, a closed loop of clients refilling it at once.)
  const double startable = std::chrono::duration<double>(options_.target).count() /
                           service_seconds_ * static_cast<double>(workers);
  // Besides: two per worker, those a worker is about to take (a response can
  // reach its client, and the client's next request the queue, before the
  // worker that answered has taken the next one).
  return 2 * workers + static_cast<size_t>(std::min(startable, 1e9));
}

WorkQueue::Item WorkQueue::TakeLocked(Clock::time_point now, bool& shed) {
  const Clock::duration oldest = now - queue_.front().queued_at;
  const Clock::duration stale = MaxWaitLocked();  // newest first, answered 503 past it
  // Overload ends when the workers have caught up: a request they take is
  // alone and fresh, none having gone stale for ten times the wait allowed;
  // or nothing was refused for an interval. Not at the first lull: newest
  // first, more arriving than is served, the queue is short (what waited is
  // shed) and may find itself with one request now and then.
  if (overloaded_) {
    const Clock::duration quiet = now - last_refused_;
    if (quiet >= options_.interval ||
        (queue_.size() == 1 && oldest <= stale && quiet >= 10 * stale)) {
      overloaded_ = false;
    }
  }
  const bool lifo = overloaded_ && !stopping_;  // stopping: run what is queued
  Item item;
  if (lifo && oldest > stale) {
    item = std::move(queue_.front());  // too late: answered at once, without work
    queue_.pop_front();
    shed = true;
    last_refused_ = now;  // refused as surely as at the door
  } else if (lifo) {
    item = std::move(queue_.back());
    queue_.pop_back();
    ++stats_.newest_first;
    shed = now - item.queued_at > options_.max_wait;
  } else {
    item = std::move(queue_.front());
    queue_.pop_front();
    shed = now - item.queued_at > options_.max_wait;
  }
  return item;
}

void WorkQueue::Work() {
  LowerThreadPriority(options_.nice);
  std::unique_lock lock(mutex_);
  for (;;) {
    ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    const Clock::time_point started = Clock::now();
    bool shed = false;
    Item item = TakeLocked(started, shed);
    const Clock::duration waited = started - item.queued_at;
    if (shed) ++stats_.shed_waited;
    ++running_;
    lock.unlock();
    try {
      item.task({.waited = waited, .shed = shed});
    } catch (...) {
      // A task answers its request itself; nothing it throws may end the worker.
    }
    item.task = nullptr;  // what it holds goes before the lock is taken again
    const double ran = std::chrono::duration<double>(Clock::now() - started).count();
    lock.lock();
    --running_;
    // Shed answers cost nothing and say nothing of the work.
    if (!shed) MeasuredLocked(ran);
  }
}

void WorkQueue::MeasuredLocked(double seconds) {
  if (first_runs_ < kFirstRuns) {
    // The first runs of a process read cold caches and may take a hundred
    // times longer than the rest: one of them alone would shrink the queue to
    // a few requests, refusing a steady load it serves. Their median seeds
    // the average.
    first_[first_runs_++] = seconds;
    if (first_runs_ < kFirstRuns) return;
    std::nth_element(first_.begin(), first_.begin() + kFirstRuns / 2, first_.end());
    service_seconds_ = first_[kFirstRuns / 2];
    return;
  }
  // One slow request (a page fault, a generation switch) moves the average by
  // at most 3/16 of itself, so it does not shrink the queue under ordinary
  // load; a lasting slowdown still raises it within a few dozen requests.
  const double sample = std::min(seconds, 4 * service_seconds_);
  service_seconds_ += (sample - service_seconds_) / 16;
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
  stats.overloaded = overloaded_;
  stats.run_seconds = service_seconds_;
  return stats;
}

}  // namespace vitrine::server
