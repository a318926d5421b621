// WorkQueue: the handler threads behind the I/O threads, and the admission
// control that keeps them from queueing past what a shopper waits for.
//
// The I/O threads read and parse requests and hand each to this queue; a worker
// runs the handler and hands the response back. Because the I/O threads never
// run a search, they can always read the next request and refuse it at once
// when the queue is overloaded, instead of letting it wait in the socket behind
// searches that are already late. A request is refused (shed) when:
//   - the work admitted (queued plus running) is at `max_in_flight`; or
//   - the queue has stood: every request that left it during the last
//     `interval` had waited longer than `target` (CoDel's test for a standing
//     queue rather than a burst, as in Nichols & Jacobson, "Controlling Queue
//     Delay", 2012, and folly's Codel for request queues). While it stands, new
//     requests beyond one per worker are refused at once, and a queued request
//     that has waited more than twice the target is answered without running.
// The caller answers a shed request with 503 and Retry-After.
//
//   WorkQueue queue({.workers = 2});
//   if (!queue.TrySubmit([](WorkQueue::Admission a) { ... })) Answer503();
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vitrine::server {

struct WorkQueueOptions {
  int workers = 0;  // handler threads; 0: one per core
  // Queued plus running requests at most; past it new ones are refused.
  size_t max_in_flight = 512;
  // CoDel: the queueing delay the queue may keep for longer than `interval`.
  std::chrono::microseconds target{std::chrono::milliseconds(5)};
  std::chrono::microseconds interval{std::chrono::milliseconds(100)};
};

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // What a task learns when a worker takes it.
  struct Admission {
    Clock::duration waited;  // time in the queue
    bool shed;  // true: the queue stood and this request waited too long; answer 503, do no work
  };
  using Task = std::function<void(Admission)>;

  struct Stats {
    uint64_t admitted = 0;
    uint64_t shed_in_flight = 0;  // refused at the in-flight bound
    uint64_t shed_standing = 0;   // refused at once while the queue stood
    uint64_t shed_waited = 0;     // taken from the queue too late and answered without work
    size_t in_flight = 0;         // queued plus running now
    size_t queued = 0;
  };

  explicit WorkQueue(WorkQueueOptions options);
  ~WorkQueue();  // Stop()
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `task`, or returns false (shed) without calling it. Thread-safe.
  bool TrySubmit(Task task);

  // Runs what is queued, then joins the workers; later submissions are refused.
  void Stop();

  Stats stats() const;
  int workers() const { return static_cast<int>(threads_.size()); }

 private:
  struct Item {
    Task task;
    Clock::time_point queued_at;
  };
  void Work();
  // CoDel's state after a request that waited `waited` left the queue at `now`;
  // true when this one should be shed. Under mutex_.
  bool OnDequeueLocked(Clock::time_point now, Clock::duration waited);

  const WorkQueueOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Item> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  // CoDel: the least wait of the requests that left the queue since
  // `interval_start_`, and whether the last full interval's least wait was over
  // the target.
  Clock::time_point interval_start_;
  Clock::duration least_wait_ = Clock::duration::max();
  bool standing_ = false;
  Stats stats_;
  std::vector<std::thread> threads_;
};

}  // namespace vitrine::server
