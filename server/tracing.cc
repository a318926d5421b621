#include "server/tracing.h"

#include <random>

#include "base/strings.h"

namespace vitrine::server {
namespace {

bool Sample(double ratio) {
  if (ratio >= 1) return true;
  if (ratio <= 0) return false;
  thread_local std::minstd_rand random(std::random_device{}());
  return std::uniform_real_distribution<double>(0, 1)(random) < ratio;
}

}  // namespace

RequestTrace::RequestTrace(const HttpRequest& request, const TraceOptions& options)
    : exporter_(options.exporter) {
  const std::optional<telemetry::SpanContext> parent =
      telemetry::ParseTraceparent(request.Header("traceparent"));
  span_.trace_id = parent ? parent->trace_id : telemetry::NewTraceId();
  span_.span_id = telemetry::NewSpanId();
  if (parent) span_.parent_span_id = parent->span_id;
  span_.kind = telemetry::SpanKind::kServer;
  exported_ = exporter_ != nullptr && (parent ? parent->sampled : Sample(options.sample_ratio));
  if (!exported_) return;
  steady_origin_ = std::chrono::steady_clock::now();
  unix_origin_ = telemetry::UnixNanosNow();
  span_.start_unix_nano = UnixNanos(request.received);
}

uint64_t RequestTrace::UnixNanos(std::chrono::steady_clock::time_point time) const {
  const int64_t offset =
      std::chrono::duration_cast<std::chrono::nanoseconds>(time - steady_origin_).count();
  return static_cast<uint64_t>(static_cast<int64_t>(unix_origin_) + offset);
}

void RequestTrace::Finish(std::string_view method, std::string_view route, int status,
                          std::string_view request_id) {
  // Probes and scrapes would be most of the spans and say nothing.
  if (!exported_ || route == "/healthz" || route == "/readyz" || route == "/metrics") return;
  span_.end_unix_nano = UnixNanos(std::chrono::steady_clock::now());
  span_.name = StrCat(method, " ", route);
  span_.attributes = {{"http.request.method", std::string(method)},
                      {"http.route", std::string(route)},
                      {"http.response.status_code", int64_t{status}},
                      {"vitrine.request_id", std::string(request_id)}};
  if (status >= 500) {
    span_.error = true;
    span_.status_message = StrCat("HTTP ", status);
  }
  // The server span first: a queue that is nearly full keeps it rather than
  // its children. Copied: the ids stay for the access log.
  std::vector<telemetry::Span> spans;
  spans.reserve(1 + stages_.size());
  spans.push_back(span_);
  for (const query::StageTiming& stage : stages_) {
    spans.push_back({.trace_id = span_.trace_id,
                     .span_id = telemetry::NewSpanId(),
                     .parent_span_id = span_.span_id,
                     .name = std::string(stage.name),
                     .kind = telemetry::SpanKind::kInternal,
                     .start_unix_nano = UnixNanos(stage.start),
                     .end_unix_nano = UnixNanos(stage.end)});
  }
  exporter_->Export(std::move(spans));
}

}  // namespace vitrine::server
