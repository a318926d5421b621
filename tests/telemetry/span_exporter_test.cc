// Specification of SpanExporter against a loopback receiver: every span of
// concurrent callers arrives, in batches of the configured size, with its
// parentage; failures are counted and never block callers; the queue bound
// drops exactly what does not fit; shutdown is bounded by the timeout.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "telemetry/trace.h"
#include "tests/telemetry/otlp_receiver.h"

namespace vitrine::telemetry {
namespace {

using nlohmann::json;
using testing::ClosedPort;
using testing::OtlpReceiver;
using testing::ReceivedRequest;
using testing::ReceiverMode;
using namespace std::chrono_literals;

std::unique_ptr<SpanExporter> StartOrDie(ExporterOptions options) {
  absl::StatusOr<std::unique_ptr<SpanExporter>> exporter = SpanExporter::Start(std::move(options));
  EXPECT_TRUE(exporter.ok()) << exporter.status();
  return exporter.ok() ? std::move(exporter).value() : nullptr;
}

// `count` root spans of new traces, named "<prefix>-<i>".
std::vector<Span> RootSpans(size_t count, const std::string& prefix = "span") {
  std::vector<Span> spans;
  for (size_t i = 0; i < count; ++i) {
    spans.push_back({.trace_id = NewTraceId(),
                     .span_id = NewSpanId(),
                     .name = prefix + "-" + std::to_string(i),
                     .start_unix_nano = UnixNanosNow(),
                     .end_unix_nano = UnixNanosNow()});
  }
  return spans;
}

// The spans of one request body (one resource, one scope).
json SpansOf(const ReceivedRequest& request) {
  const json body = json::parse(request.body);
  EXPECT_EQ(body.at("resourceSpans").size(), 1u);
  EXPECT_EQ(body["resourceSpans"][0].at("scopeSpans").size(), 1u);
  return body["resourceSpans"][0]["scopeSpans"][0].at("spans");
}

size_t SpanCount(const std::vector<ReceivedRequest>& requests) {
  size_t count = 0;
  for (const ReceivedRequest& request : requests) count += SpansOf(request).size();
  return count;
}

TEST(SpanExporter, DeliversEverySpanOfConcurrentCallersWithTheirParents) {
  OtlpReceiver receiver(ReceiverMode::kAnswer200);
  constexpr size_t kBatch = 16;
  std::unique_ptr<SpanExporter> exporter = StartOrDie(
      {.endpoint = receiver.endpoint(), .max_batch_spans = kBatch, .flush_interval = 20ms});
  ASSERT_NE(exporter, nullptr);

  // Each call is one request: a server span and two children.
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 40;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&exporter, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const std::string trace_id = NewTraceId();
        const std::string root_id = NewSpanId();
        const std::string name = std::to_string(t) + "/" + std::to_string(i);
        std::vector<Span> spans;
        spans.push_back({.trace_id = trace_id,
                         .span_id = root_id,
                         .name = "root " + name,
                         .kind = SpanKind::kServer});
        for (const char* child : {"query ", "hydrate "}) {
          spans.push_back({.trace_id = trace_id,
                           .span_id = NewSpanId(),
                           .parent_span_id = root_id,
                           .name = child + name});
        }
        exporter->Export(std::move(spans));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  exporter->Flush();

  constexpr uint64_t kSpans = kThreads * kCallsPerThread * 3;
  const ExporterStats stats = exporter->stats();
  EXPECT_EQ(stats.exported_spans, kSpans);
  EXPECT_EQ(stats.dropped_spans, 0u);
  EXPECT_EQ(stats.failed_batches, 0u);

  std::map<std::string, json> by_id;
  for (const ReceivedRequest& request : receiver.requests()) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/v1/traces");
    EXPECT_EQ(request.content_type, "application/json");
    const json spans = SpansOf(request);
    EXPECT_GE(spans.size(), 1u);
    EXPECT_LE(spans.size(), kBatch);
    for (const json& span : spans) {
      EXPECT_TRUE(by_id.emplace(span.at("spanId"), span).second) << "sent twice: " << span;
    }
  }
  ASSERT_EQ(by_id.size(), kSpans);
  size_t children = 0;
  for (const auto& [id, span] : by_id) {
    if (!span.contains("parentSpanId")) {
      EXPECT_EQ(span.at("name").get<std::string>().rfind("root ", 0), 0u);
      continue;
    }
    ++children;
    const json& parent = by_id.at(span.at("parentSpanId"));
    EXPECT_EQ(parent.at("traceId"), span.at("traceId"));
    EXPECT_FALSE(parent.contains("parentSpanId"));
    const std::string name = span.at("name");
    EXPECT_EQ(parent.at("name"), "root " + name.substr(name.find(' ') + 1));
  }
  EXPECT_EQ(children, kSpans / 3 * 2);
}

TEST(SpanExporter, SendsAPartialBatchAfterTheFlushInterval) {
  OtlpReceiver receiver(ReceiverMode::kAnswer200);
  std::unique_ptr<SpanExporter> exporter =
      StartOrDie({.endpoint = receiver.endpoint(), .max_batch_spans = 100, .flush_interval = 50ms});
  ASSERT_NE(exporter, nullptr);
  exporter->Export(RootSpans(3));
  ASSERT_TRUE(receiver.WaitForRequests(1));  // without Flush
  EXPECT_EQ(SpanCount(receiver.requests()), 3u);
}

TEST(SpanExporter, SendsFullBatchesWithoutWaitingForTheInterval) {
  OtlpReceiver receiver(ReceiverMode::kAnswer200);
  std::unique_ptr<SpanExporter> exporter =
      StartOrDie({.endpoint = receiver.endpoint(), .max_batch_spans = 4, .flush_interval = 1h});
  ASSERT_NE(exporter, nullptr);
  exporter->Export(RootSpans(10));
  ASSERT_TRUE(receiver.WaitForRequests(2));
  const std::vector<ReceivedRequest> requests = receiver.requests();
  EXPECT_EQ(SpansOf(requests[0]).size(), 4u);
  EXPECT_EQ(SpansOf(requests[1]).size(), 4u);
  exporter->Flush();  // the last two go now
  EXPECT_EQ(SpanCount(receiver.requests()), 10u);
}

TEST(SpanExporter, KeepsOneConnectionAcrossBatches) {
  OtlpReceiver receiver(ReceiverMode::kAnswer200);
  std::unique_ptr<SpanExporter> exporter = StartOrDie({.endpoint = receiver.endpoint()});
  ASSERT_NE(exporter, nullptr);
  for (int i = 0; i < 3; ++i) {
    exporter->Export(RootSpans(2));
    exporter->Flush();
  }
  EXPECT_EQ(receiver.requests().size(), 3u);
  EXPECT_EQ(receiver.connections(), 1u);
  EXPECT_EQ(exporter->stats().exported_spans, 6u);
}

TEST(SpanExporter, SendsAgainOnANewConnectionWhenTheKeptOneWasClosed) {
  // The receiver closes after each answer without saying so: the next POST
  // fails on the stale connection and goes again on a new one.
  OtlpReceiver receiver(ReceiverMode::kCloseAfterEachAnswer);
  std::unique_ptr<SpanExporter> exporter = StartOrDie({.endpoint = receiver.endpoint()});
  ASSERT_NE(exporter, nullptr);
  for (int i = 0; i < 3; ++i) {
    exporter->Export(RootSpans(2));
    exporter->Flush();
  }
  const ExporterStats stats = exporter->stats();
  EXPECT_EQ(stats.exported_spans, 6u);
  EXPECT_EQ(stats.failed_batches, 0u);
  EXPECT_EQ(receiver.requests().size(), 3u);
  EXPECT_EQ(receiver.connections(), 3u);
}

TEST(SpanExporter, CountsFailedBatchesWhenNothingListensAndNeverBlocksCallers) {
  std::unique_ptr<SpanExporter> exporter =
      StartOrDie({.endpoint = "http://127.0.0.1:" + std::to_string(ClosedPort()),
                  .max_batch_spans = 8,
                  .flush_interval = 10ms});
  ASSERT_NE(exporter, nullptr);
  // Export only queues: these calls finish however the network behaves (not
  // timed here; a blocking Export would show as a hung test).
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&exporter] {
      for (int i = 0; i < 25; ++i) exporter->Export(RootSpans(1));
    });
  }
  for (std::thread& thread : threads) thread.join();
  exporter->Flush();
  const ExporterStats stats = exporter->stats();
  EXPECT_EQ(stats.exported_spans, 0u);
  EXPECT_EQ(stats.failed_spans, 100u);
  EXPECT_GE(stats.failed_batches, 100u / 8);
  EXPECT_EQ(stats.dropped_spans, 0u);
}

TEST(SpanExporter, CountsAnErrorAnswerAsAFailedBatchAndDoesNotResend) {
  OtlpReceiver receiver(ReceiverMode::kAnswer500);
  std::unique_ptr<SpanExporter> exporter = StartOrDie({.endpoint = receiver.endpoint()});
  ASSERT_NE(exporter, nullptr);
  exporter->Export(RootSpans(5));
  exporter->Flush();
  const ExporterStats stats = exporter->stats();
  EXPECT_EQ(stats.failed_batches, 1u);
  EXPECT_EQ(stats.failed_spans, 5u);
  EXPECT_EQ(stats.exported_spans, 0u);
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(SpanExporter, FlushAndDestructorReturnWhenTheCollectorNeverAnswers) {
  OtlpReceiver receiver(ReceiverMode::kNeverAnswer);
  constexpr auto kTimeout = 200ms;
  std::unique_ptr<SpanExporter> exporter =
      StartOrDie({.endpoint = receiver.endpoint(), .max_batch_spans = 5, .timeout = kTimeout});
  ASSERT_NE(exporter, nullptr);
  exporter->Export(RootSpans(10));
  exporter->Flush();  // two batches, each given up after the timeout
  const ExporterStats stats = exporter->stats();
  EXPECT_EQ(stats.failed_batches, 2u);
  EXPECT_EQ(stats.failed_spans, 10u);

  // Destroyed while a POST hangs and more spans wait behind it: about one
  // timeout (the bound asserted is loose, for loaded machines and sanitizers).
  exporter->Export(RootSpans(20));
  ASSERT_TRUE(receiver.WaitForRequests(3));
  const auto start = std::chrono::steady_clock::now();
  exporter.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(SpanExporter, DropsExactlyWhatDoesNotFitWhileTheCollectorStalls) {
  OtlpReceiver receiver(ReceiverMode::kHoldUntilReleased);
  std::unique_ptr<SpanExporter> exporter = StartOrDie({.endpoint = receiver.endpoint(),
                                                       .max_queue_spans = 8,
                                                       .max_batch_spans = 4,
                                                       .flush_interval = 1h,
                                                       .timeout = 30s});
  ASSERT_NE(exporter, nullptr);
  exporter->Export(RootSpans(4, "first"));  // a full batch: sent, then held
  ASSERT_TRUE(receiver.WaitForRequests(1));
  // The exporter thread waits for the answer; the queue (8) fills and overflows.
  exporter->Export(RootSpans(6, "queued"));
  EXPECT_EQ(exporter->stats().dropped_spans, 0u);
  exporter->Export(RootSpans(5, "partly"));  // 2 fit
  EXPECT_EQ(exporter->stats().dropped_spans, 3u);
  exporter->Export(RootSpans(1, "over"));
  EXPECT_EQ(exporter->stats().dropped_spans, 4u);

  receiver.Release();
  exporter->Flush();
  const ExporterStats stats = exporter->stats();
  EXPECT_EQ(stats.exported_spans, 12u);
  EXPECT_EQ(stats.dropped_spans, 4u);
  EXPECT_EQ(stats.failed_batches, 0u);
  // The first spans of the last call are the ones kept.
  std::vector<std::string> names;
  for (const ReceivedRequest& request : receiver.requests()) {
    for (const json& span : SpansOf(request)) names.push_back(span.at("name"));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"first-0", "first-1", "first-2", "first-3", "queued-0",
                                             "queued-1", "queued-2", "queued-3", "queued-4",
                                             "queued-5", "partly-0", "partly-1"}));
}

TEST(SpanExporter, DestructorSendsWhatIsQueued) {
  OtlpReceiver receiver(ReceiverMode::kAnswer200);
  std::unique_ptr<SpanExporter> exporter =
      StartOrDie({.endpoint = receiver.endpoint(), .flush_interval = 1h});
  ASSERT_NE(exporter, nullptr);
  exporter->Export(RootSpans(7));
  exporter.reset();
  EXPECT_EQ(SpanCount(receiver.requests()), 7u);
}

TEST(SpanExporter, FlushWithNothingQueuedReturns) {
  std::unique_ptr<SpanExporter> exporter =
      StartOrDie({.endpoint = "http://127.0.0.1:" + std::to_string(ClosedPort())});
  ASSERT_NE(exporter, nullptr);
  exporter->Flush();
  exporter->Export({});
  exporter->Flush();
  EXPECT_EQ(exporter->stats().failed_batches, 0u);
}

}  // namespace
}  // namespace vitrine::telemetry
