// Distributed tracing without an OpenTelemetry SDK: W3C trace context (the
// `traceparent` header) and an exporter that sends finished spans to an
// OpenTelemetry Collector over OTLP/HTTP with JSON bodies.
//
// The caller times its own work and fills `Span`s; this component only carries
// ids across processes and ships spans. Example (one request):
//
//   std::optional<SpanContext> parent = ParseTraceparent(request.Header("traceparent"));
//   Span span{.trace_id = parent ? parent->trace_id : NewTraceId(),
//             .span_id = NewSpanId(),
//             .parent_span_id = parent ? parent->span_id : "",
//             .name = "GET /v1/search",
//             .kind = SpanKind::kServer,
//             .start_unix_nano = UnixNanosNow()};
//   ... handle the request ...
//   span.end_unix_nano = UnixNanosNow();
//   span.attributes.push_back({"http.response.status_code", int64_t{200}});
//   exporter.Export({std::move(span)});  // never waits for the network
//
// Not here: sampling decisions (every span given to Export is sent; `sampled` is
// only carried), tracestate, span events and links, https (send to a collector
// on the same host or network over http; it can forward with TLS).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrine::telemetry {

// Where a request is in a trace, as the `traceparent` header carries it.
struct SpanContext {
  std::string trace_id;  // 32 lowercase hex digits, not all zeros
  std::string span_id;   // 16 lowercase hex digits, not all zeros (the caller's span)
  bool sampled = true;   // trace-flags bit 0

  friend bool operator==(const SpanContext&, const SpanContext&) = default;
};

// Parses a `traceparent` header value (W3C Trace Context level 1):
// "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>", lowercase hex only.
// Spaces and tabs around the value are ignored (HTTP optional whitespace).
// nullopt when it is invalid: version "ff", all-zero ids, uppercase or other
// non-hex digits, wrong lengths or separators, or version 00 with anything after
// the flags. A higher version is read by its first 55 characters when they are
// followed by '-' or nothing (what a later version appends is skipped). On
// nullopt the caller starts a new trace.
std::optional<SpanContext> ParseTraceparent(std::string_view header);

// "00-<trace_id>-<span_id>-01" (or "-00" when not sampled). The ids are written
// as given: pass ids from ParseTraceparent, NewTraceId or NewSpanId.
std::string FormatTraceparent(const SpanContext& context);

// Random ids, never all zeros: 32 and 16 lowercase hex digits. Thread-safe and
// cheap (a generator per thread, seeded from std::random_device); not for secrets.
std::string NewTraceId();
std::string NewSpanId();

// The wall clock in nanoseconds since the Unix epoch (span start and end times).
uint64_t UnixNanosNow();

// What a span stands for; the values are OTLP's SpanKind numbers.
enum class SpanKind { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };

// A span or resource attribute. Integers must be int64_t: {"n", 5} picks int64_t,
// {"s", "text"} a std::string (never bool).
struct Attribute {
  std::string key;
  std::variant<std::string, int64_t, double, bool> value;
};

// One finished unit of work.
struct Span {
  std::string trace_id;        // 32 lowercase hex digits
  std::string span_id;         // 16 lowercase hex digits
  std::string parent_span_id;  // 16 lowercase hex digits; empty for a root span
  std::string name;            // low cardinality: a route, not a URL
  SpanKind kind = SpanKind::kInternal;
  uint64_t start_unix_nano = 0;  // UnixNanosNow() when the work began
  uint64_t end_unix_nano = 0;    // and when it ended
  std::vector<Attribute> attributes;
  bool error = false;          // OTLP status ERROR (code 2) with status_message; else UNSET (0)
  std::string status_message;  // sent only with error
};

// Where and how SpanExporter sends spans. Fill with designated initialisers.
struct ExporterOptions {
  // "http://host:port[/path]": the collector's OTLP/HTTP receiver. Without a path,
  // "/v1/traces"; without a port, 80. Host is a name, an IPv4 address or a
  // bracketed IPv6 address. http only: run a collector next to the server.
  std::string endpoint;
  // The resource's service.name.
  std::string service_name = "vitrine";
  // More resource attributes (service.instance.id, service.version, ...); a
  // "service.name" here is ignored in favour of service_name.
  std::vector<Attribute> resource;
  // Spans waiting to be sent; past it, new spans are dropped and counted.
  size_t max_queue_spans = 8192;
  // Spans per POST.
  size_t max_batch_spans = 512;
  // How long a span may wait for its batch to fill before it is sent anyway.
  std::chrono::milliseconds flush_interval{1000};
  // Connect + write + read of one POST (a retry on a fresh connection included).
  // Also bounds the flush in ~SpanExporter.
  std::chrono::milliseconds timeout{2000};
};

// Counters since Start; each span is counted once, in exactly one of
// exported_spans, failed_spans or dropped_spans (or is still queued).
struct ExporterStats {
  uint64_t exported_spans = 0;  // in batches the collector answered 2xx
  uint64_t dropped_spans = 0;   // not queued (the queue was full), or unsent at shutdown
  uint64_t failed_batches = 0;  // POSTs that failed (network error, timeout, non-2xx)
  uint64_t failed_spans = 0;    // spans of those batches (they are not sent again)
};

// An OTLP ExportTraceServiceRequest in the proto3 JSON mapping (OTLP/HTTP JSON):
// one resourceSpans (service.name and options.resource), one scopeSpans (scope
// "vitrine") holding `spans` in order. Ids are hex strings, times decimal
// strings, kind and status.code integers; a root span has no parentSpanId.
// Attribute values are {"stringValue"}, {"intValue": "<decimal>"}, {"doubleValue"}
// (non-finite ones as "NaN", "Infinity", "-Infinity") or {"boolValue"}. Text that
// is not valid UTF-8 has its invalid bytes replaced by U+FFFD.
std::string EncodeOtlpJson(const std::vector<Span>& spans, const ExporterOptions& options);

// Sends spans to an OTLP/HTTP collector from one background thread: batches of
// at most max_batch_spans, a partial batch after flush_interval, one keep-alive
// connection (reconnected after an error). A batch the collector does not answer
// 2xx within `timeout` is dropped and counted, never queued again (a POST that
// fails on a kept-alive connection is sent once more on a fresh one). Failures
// and drops are logged as a "warn" event at most once per 10 s.
//
// Thread-safe: Export, stats and Flush may be called from any thread.
class SpanExporter {
 public:
  // Checks the options (InvalidArgument naming the field at fault, see
  // base/status.h ParameterOf) and starts the exporter thread; does not connect.
  static absl::StatusOr<std::unique_ptr<SpanExporter>> Start(ExporterOptions options);

  // Sends what is queued, for at most options.timeout (what is left unsent then
  // is dropped), and joins the thread.
  ~SpanExporter();

  SpanExporter(const SpanExporter&) = delete;
  SpanExporter& operator=(const SpanExporter&) = delete;

  // Queues `spans` for sending and returns: no network I/O, only a short mutex.
  // Spans that do not fit in the queue (max_queue_spans) are dropped, the last
  // ones first, and counted.
  void Export(std::vector<Span> spans);

  ExporterStats stats() const;

  // Blocks until every span queued before the call was exported or failed
  // (each batch takes at most options.timeout). For tests and shutdown paths.
  void Flush();

 private:
  struct Impl;
  explicit SpanExporter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitrine::telemetry
