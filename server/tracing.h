// RequestTrace: one request's place in a distributed trace. It continues the
// caller's W3C `traceparent` (or starts a trace), gives the request the trace id
// every log line of it carries, and, when spans are exported (serve
// --otlp-endpoint), turns the request into a server span with a child span per
// stage of a search (parse, match, facets, rank, hydrate, highlight) or a write
// (lock, sync, validate, journal, apply), handed to the exporter's bounded queue.
// Private to server/.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "query/request.h"
#include "server/http.h"
#include "telemetry/trace.h"

namespace vitrine::server {

struct TraceOptions {
  telemetry::SpanExporter* exporter = nullptr;  // null: ids for the logs, no spans
  // The share of new traces (no sampled `traceparent` from the caller) that are
  // exported, 0 to 1. A caller's sampling decision is kept.
  double sample_ratio = 1.0;
};

class RequestTrace {
 public:
  RequestTrace(const HttpRequest& request, const TraceOptions& options);

  const std::string& trace_id() const { return span_.trace_id; }
  const std::string& span_id() const { return span_.span_id; }
  // Where the request's stages go; null when the request is not exported.
  std::vector<query::StageTiming>* stages() { return exported_ ? &stages_ : nullptr; }

  // Ends the server span and exports it with its stages (if exported).
  // `route` is the route pattern (low cardinality), as metrics name it.
  void Finish(std::string_view method, std::string_view route, int status,
              std::string_view request_id);

 private:
  uint64_t UnixNanos(std::chrono::steady_clock::time_point time) const;

  telemetry::SpanExporter* const exporter_;
  bool exported_ = false;
  telemetry::Span span_;
  // steady_clock -> Unix time, read once per request.
  std::chrono::steady_clock::time_point steady_origin_;
  uint64_t unix_origin_ = 0;
  std::vector<query::StageTiming> stages_;
};

}  // namespace vitrine::server
