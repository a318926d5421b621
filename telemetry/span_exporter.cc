// SpanExporter: a bounded queue that request threads append to, and one thread
// that takes batches off it and POSTs them. The request threads only ever take
// the mutex for as long as it takes to move their spans in; the network, the
// JSON encoding and the logging all happen on the exporter thread, outside it.
//
// Accounting: every span Export accepts is counted in `accepted`, and in
// `finished` once its batch was exported or failed (or it was dropped at
// shutdown). Batches leave in queue order, so "everything queued before this
// point is done" is `finished >= accepted-at-that-point`, which is what Flush
// waits for.
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <iterator>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "base/json_writer.h"
#include "base/log.h"
#include "base/status.h"
#include "base/strings.h"
#include "telemetry/endpoint.h"
#include "telemetry/otlp_http_client.h"
#include "telemetry/trace.h"

namespace vitrine::telemetry {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kWarningInterval = std::chrono::seconds(10);

struct Warning {
  std::string_view message;
  std::string fields;  // JSON members for LogEvent
};

absl::Status CheckOptions(const ExporterOptions& options) {
  if (options.service_name.empty()) {
    return InvalidParameter("service_name", "service_name must not be empty");
  }
  if (options.max_queue_spans == 0) {
    return InvalidParameter("max_queue_spans", "max_queue_spans must be at least 1");
  }
  if (options.max_batch_spans == 0) {
    return InvalidParameter("max_batch_spans", "max_batch_spans must be at least 1");
  }
  if (options.flush_interval.count() <= 0) {
    return InvalidParameter("flush_interval", "flush_interval must be positive");
  }
  if (options.timeout.count() <= 0) {
    return InvalidParameter("timeout", "timeout must be positive");
  }
  return absl::OkStatus();
}

}  // namespace

struct SpanExporter::Impl {
  Impl(ExporterOptions options, HttpEndpoint endpoint)
      : options(std::move(options)), endpoint(std::move(endpoint)) {}

  void Run();
  // Whether the spans queued should go now rather than wait for more.
  bool BatchDue(Clock::time_point now) const;
  std::vector<Span> TakeBatch();
  // Counts a batch that was sent or failed; returns a warning to log when one
  // is due.
  std::optional<Warning> Finish(const absl::Status& sent, size_t spans);
  // Shutdown ran out of time: what is still queued is dropped.
  size_t DropQueued();

  const ExporterOptions options;
  const HttpEndpoint endpoint;
  std::thread thread;

  mutable std::mutex mutex;
  std::condition_variable wake;      // the exporter thread: spans, a flush, or stop
  std::condition_variable progress;  // Flush callers: `finished` moved
  std::deque<Span> queue;
  Clock::time_point oldest_queued;  // when the queue last became non-empty
  uint64_t accepted = 0;
  uint64_t finished = 0;
  uint64_t flush_target = 0;  // a Flush waits for `finished` to reach it
  bool stopping = false;
  Clock::time_point stop_deadline;
  ExporterStats stats;

  // The exporter thread's warning limiter (under `mutex` as well).
  std::optional<Clock::time_point> last_warning;
  uint64_t warned_failed_batches = 0;  // stats at the last warning
  uint64_t warned_dropped_spans = 0;
  std::string last_failure;
};

bool SpanExporter::Impl::BatchDue(Clock::time_point now) const {
  return queue.size() >= options.max_batch_spans || stopping || flush_target > finished ||
         now >= oldest_queued + options.flush_interval;
}

std::vector<Span> SpanExporter::Impl::TakeBatch() {
  const size_t size = std::min(queue.size(), options.max_batch_spans);
  std::vector<Span> batch;
  batch.reserve(size);
  std::move(queue.begin(), queue.begin() + static_cast<ptrdiff_t>(size), std::back_inserter(batch));
  queue.erase(queue.begin(), queue.begin() + static_cast<ptrdiff_t>(size));
  // What is left keeps `oldest_queued`, which is no later than its own arrival,
  // so it too goes within flush_interval of arriving.
  return batch;
}

std::optional<Warning> SpanExporter::Impl::Finish(const absl::Status& sent, size_t spans) {
  finished += spans;
  if (sent.ok()) {
    stats.exported_spans += spans;
  } else {
    ++stats.failed_batches;
    stats.failed_spans += spans;
    last_failure = std::string(FromAbsl(sent.message()));
  }
  progress.notify_all();

  const uint64_t failed = stats.failed_batches - warned_failed_batches;
  const uint64_t dropped = stats.dropped_spans - warned_dropped_spans;
  const Clock::time_point now = Clock::now();
  if ((failed == 0 && dropped == 0) || (last_warning && now - *last_warning < kWarningInterval)) {
    return std::nullopt;
  }
  last_warning = now;
  warned_failed_batches = stats.failed_batches;
  warned_dropped_spans = stats.dropped_spans;
  std::string fields = R"("endpoint":)";
  AppendJsonString(fields, options.endpoint);
  fields.append(StrCat(R"(,"failed_batches":)", failed, R"(,"dropped_spans":)", dropped));
  if (failed == 0) return Warning{"span export queue full: spans dropped", std::move(fields)};
  fields.append(R"(,"reason":)");
  AppendJsonString(fields, last_failure);
  return Warning{"span export failing", std::move(fields)};
}

size_t SpanExporter::Impl::DropQueued() {
  const size_t dropped = queue.size();
  queue.clear();
  finished += dropped;
  stats.dropped_spans += dropped;
  progress.notify_all();
  return dropped;
}

void SpanExporter::Impl::Run() {
  OtlpHttpClient client(endpoint);
  std::unique_lock lock(mutex);
  for (;;) {
    if (queue.empty()) {
      if (stopping) return;
      wake.wait(lock);
      continue;
    }
    const Clock::time_point now = Clock::now();
    if (!BatchDue(now)) {
      wake.wait_until(lock, oldest_queued + options.flush_interval);
      continue;
    }
    Clock::time_point deadline = now + options.timeout;
    if (stopping) {
      if (now >= stop_deadline) {
        const size_t dropped = DropQueued();
        lock.unlock();
        LogEvent("warn", "spans left unsent at shutdown", StrCat(R"("dropped_spans":)", dropped));
        return;
      }
      deadline = std::min(deadline, stop_deadline);
    }
    std::vector<Span> batch = TakeBatch();
    lock.unlock();
    const size_t size = batch.size();
    const absl::Status sent = client.Post(EncodeOtlpJson(batch, options), deadline);
    batch = {};  // freed here, not under the mutex that Export waits for
    lock.lock();
    const std::optional<Warning> warning = Finish(sent, size);
    if (warning) {
      lock.unlock();
      LogEvent("warn", warning->message, warning->fields);
      lock.lock();
    }
  }
}

absl::StatusOr<std::unique_ptr<SpanExporter>> SpanExporter::Start(ExporterOptions options) {
  RETURN_IF_ERROR(CheckOptions(options));
  ASSIGN_OR_RETURN(HttpEndpoint endpoint, ParseHttpEndpoint(options.endpoint));
  auto impl = std::make_unique<Impl>(std::move(options), std::move(endpoint));
  try {
    impl->thread = std::thread([raw = impl.get()] { raw->Run(); });
  } catch (const std::system_error& error) {
    return absl::ResourceExhaustedError(
        ToAbsl(StrCat("cannot start the span exporter thread: ", error.what())));
  }
  return std::unique_ptr<SpanExporter>(new SpanExporter(std::move(impl)));
}

SpanExporter::SpanExporter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SpanExporter::~SpanExporter() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    impl_->stop_deadline = Clock::now() + impl_->options.timeout;
  }
  impl_->wake.notify_all();
  impl_->thread.join();
}

void SpanExporter::Export(std::vector<Span> spans) {
  if (spans.empty()) return;
  bool wake_exporter = false;
  {
    std::lock_guard lock(impl_->mutex);
    std::deque<Span>& queue = impl_->queue;
    const size_t before = queue.size();
    const size_t taken = std::min(spans.size(), impl_->options.max_queue_spans - before);
    if (taken == 0) {
      impl_->stats.dropped_spans += spans.size();
      return;
    }
    if (before == 0) impl_->oldest_queued = Clock::now();
    std::move(spans.begin(), spans.begin() + static_cast<ptrdiff_t>(taken),
              std::back_inserter(queue));
    impl_->accepted += taken;
    impl_->stats.dropped_spans += spans.size() - taken;
    // The exporter thread sleeps without a deadline while the queue is empty,
    // and until the oldest span is due while a batch is filling: it needs a
    // wake-up when either changes, not for every span.
    const size_t batch = impl_->options.max_batch_spans;
    wake_exporter = before == 0 || (before < batch && queue.size() >= batch);
  }
  if (wake_exporter) impl_->wake.notify_one();
}

ExporterStats SpanExporter::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

void SpanExporter::Flush() {
  std::unique_lock lock(impl_->mutex);
  const uint64_t target = impl_->accepted;
  if (impl_->finished >= target) return;
  impl_->flush_target = std::max(impl_->flush_target, target);
  impl_->wake.notify_one();
  impl_->progress.wait(lock, [&] { return impl_->finished >= target; });
}

}  // namespace vitrine::telemetry
