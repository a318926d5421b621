// WorkQueue: the handler threads behind the I/O threads, and the admission
// control that keeps them from queueing past what a shopper waits for.
//
// The I/O threads read and parse requests and hand each to this queue; a worker
// runs the handler and hands the response back. Because the I/O threads never
// run a search, they can always read the next request and refuse it at once
// when the queue is full, instead of letting it wait in the socket behind
// searches that are already late. The queue is bounded by time, not only by
// count: it holds at most what the workers can start within `target`, reckoned
// from how long recent requests took to run (a moving average), so the bound
// follows the work (a few hundred quick searches, a handful of slow ones). A
// request is refused (shed) when:
//   - the work admitted (queued plus running) is at `max_in_flight`; or
//   - the queue already holds what the workers can start within `target`
//     (two requests per worker may always wait); or
//   - it waited more than `max_wait` when a worker takes it (a stall, a wrong
//     estimate): its answer would come too late, so it gets one without being
//     run. Not sooner: a generation switch or a page fault may hold the workers
//     for tens of milliseconds, and that is a burst to absorb, not overload.
// Under sustained overload the queue stays full, and first-in-first-out would
// make every admitted request wait the whole target. So the queue is
// overloaded when it is full and refuses a request while its oldest has
// waited over a quarter of the target: more arrives than the workers serve (a
// burst the queue absorbs leaves no line behind it). It then serves the newest
// first, so a request admitted now is answered at about its normal latency,
// and answers with a 503 without work those that waited over
// `overloaded_wait` (1 ms) or a mean run time, whichever is longer: newest
// first, they would be reached late or never (adaptive LIFO, as in "Fail at
// Scale", ACM Queue 2015). It is first-in-first-out again once a worker finds
// the request it takes alone and fresh, none having gone stale for ten such
// waits, or once nothing was refused for `interval`.
// A line alone is not overload: a closed loop of clients (each waiting for its
// answer before it sends again) keeps a line as long as it has clients, and
// can never send more than the workers serve. Newest first would make some of
// them wait the whole target and be shed, for nothing; first-in-first-out
// serves them all in turn.
// The caller answers a shed request with 503 and Retry-After. A closed-loop
// client with a few requests under way never fills such a queue; an arrival
// rate above what the cores serve does, and the excess is refused at once.
//
//   WorkQueue queue({.workers = 2});
//   if (!queue.TrySubmit([](WorkQueue::Admission a) { ... })) Answer503();
#pragma once

#include <array>
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
  // The longest a request should wait for a worker.
  std::chrono::microseconds target{std::chrono::milliseconds(20)};
  // A request that waited longer is answered 503 without being run (the
  // server's search budget: it could not be answered in time anyway).
  std::chrono::microseconds max_wait{std::chrono::seconds(1)};
  // An overload ends when nothing was refused (at the door or for waiting)
  // for this long.
  std::chrono::microseconds interval{std::chrono::milliseconds(100)};
  // While overloaded, a request that waited longer than this, and than a run
  // takes on average, is answered 503 without being run: newest first, the one
  // a worker takes has just come, and one left behind would be answered late.
  std::chrono::microseconds overloaded_wait{std::chrono::milliseconds(1)};
  // How many nice levels the handler threads run below the I/O threads
  // (Linux: per thread), so that, with every core busy with searches, the I/O
  // threads still get a core at once to read requests and refuse the ones past
  // the bounds. Lowering a priority needs no privilege. 0: as the process.
  int nice = 5;
};

class WorkQueue {
 public:
  using Clock = std::chrono::steady_clock;

  // What a task learns when a worker takes it.
  struct Admission {
    Clock::duration waited;  // time in the queue
    bool shed;               // true: it waited over max_wait; answer 503, do no work
  };
  using Task = std::function<void(Admission)>;

  struct Stats {
    uint64_t admitted = 0;
    uint64_t shed_in_flight = 0;   // refused at the in-flight bound
    uint64_t shed_queue_full = 0;  // refused at once: the queue held `target` of work
    uint64_t shed_waited = 0;      // taken from the queue too late and answered without work
    uint64_t newest_first = 0;     // taken newest first, the queue being overloaded
    bool overloaded = false;
    double run_seconds = 0;  // how long a run takes on average; 0 until measured
    size_t in_flight = 0;    // queued plus running now
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
  // The longest a request should wait: the target, or less while overloaded
  // (WorkQueueOptions::overloaded_wait). Under mutex_.
  Clock::duration MaxWaitLocked() const;
  // Adds a run of `seconds` to the average. Under mutex_.
  void MeasuredLocked(double seconds);
  // How many may wait: what the workers start within the target. Under mutex_.
  size_t QueueBoundLocked() const;

  const WorkQueueOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Item> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  // The next item to run, and whether to answer it without work. Under mutex_,
  // with queue_ not empty.
  Item TakeLocked(Clock::time_point now, bool& shed);

  // A moving average of how long a task runs (seconds), 0 before the first
  // kFirstRuns, whose median seeds it.
  double service_seconds_ = 0;
  static constexpr int kFirstRuns = 9;
  std::array<double, kFirstRuns> first_{};
  int first_runs_ = 0;
  bool overloaded_ = false;
  // When a request was last refused: at the door, or taken too late.
  Clock::time_point last_refused_;
  Stats stats_;
  std::vector<std::thread> threads_;
};

}  // namespace vitrine::server
