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
      refused_at_ = now;
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

WorkQueue::Clock::duration WorkQueue::MaxWaitLocked(Clock::time_point now) const {
  // Newest first, while requests are being refused at the door, one left
  // behind for longer than a run takes will not be reached in time. (A closed
  // loop of clients keeps a line without any being refused: its requests get
  // the whole target.)
  if (!overloaded_ || !refused_at_ || now - *refused_at_ >= options_.interval) {
    return options_.target;
  }
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
  const Clock::duration stale = MaxWaitLocked(now);  // newest first, answered 503 past it
  if (overloaded_) {
    // Newest first leaves the oldest behind: overload ends when the workers
    // have caught up, the queue emptying (not by shedding what went stale).
    if (queue_.size() == 1 && oldest <= stale) {
      overloaded_ = false;
      above_since_.reset();
      caught_up_at_ = now;
    }
  } else if (oldest <= options_.target / 4 || queue_.size() == 1) {
    // No standing queue: a lone request that waited (a worker woken late on a
    // busy machine) is not overload.
    above_since_.reset();
  } else if (caught_up_at_ && now - *caught_up_at_ < 10 * options_.interval) {
    overloaded_ = true;  // back within moments of catching up: the same overload
  } else if (!above_since_) {
    above_since_ = now;
  } else if (now - *above_since_ >= options_.interval) {
    overloaded_ = true;
  }
  const bool lifo = overloaded_ && !stopping_;  // stopping: run what is queued
  Item item;
  if (lifo && oldest > stale) {
    item = std::move(queue_.front());  // too late: answered at once, without work
    queue_.pop_front();
    shed = true;
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
    // Shed answers cost nothing and say nothing of the work. One slow request
    // (a page fault, a generation switch) moves the average by at most 3/16 of
    // itself, so it does not shrink the queue under ordinary load; a lasting
    // slowdown still raises it within a few dozen requests.
    if (!shed) {
      const double sample = service_seconds_ <= 0 ? ran : std::min(ran, 4 * service_seconds_);
      service_seconds_ =
          service_seconds_ <= 0 ? sample : service_seconds_ + (sample - service_seconds_) / 16;
    }
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
  stats.overloaded = overloaded_;
  return stats;
}

}  // namespace vitrine::server
