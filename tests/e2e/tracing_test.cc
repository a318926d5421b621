// Traces end to end: a Service exporting spans over OTLP/HTTP to a loopback
// collector stand-in. A search continues the caller's traceparent with a server
// span whose children are its stages; a write's children are its stages; a
// caller that did not sample is not exported; a collector that is down costs
// the requests nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "indexer/reindex.h"
#include "server/service.h"
#include "tests/telemetry/otlp_receiver.h"
#include "tests/testing/http_client.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using telemetry::testing::OtlpReceiver;
using telemetry::testing::ReceiverMode;
using ::testing::IsSupersetOf;
using ::testing::UnorderedElementsAre;
using vitrine::testing::HttpConnection;
using Json = nlohmann::json;

constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kCallerSpan[] = "00f067aa0ba902b7";
constexpr char kTracingAdminKey[] = "tracing-admin-key";

struct ReceivedSpan {
  std::string trace_id, span_id, parent, name;
  int kind = 0;
  uint64_t start = 0, end = 0;
  std::map<std::string, Json> attributes;
};

// Every span of every OTLP/JSON body the receiver got.
std::vector<ReceivedSpan> SpansOf(const OtlpReceiver& receiver) {
  std::vector<ReceivedSpan> spans;
  for (const auto& request : receiver.requests()) {
    EXPECT_EQ(request.target, "/v1/traces");
    EXPECT_EQ(request.content_type, "application/json");
    const Json body = Json::parse(request.body);
    for (const Json& resource : body["resourceSpans"]) {
      for (const Json& scope : resource["scopeSpans"]) {
        for (const Json& span : scope["spans"]) {
          ReceivedSpan received{.trace_id = span["traceId"],
                                .span_id = span["spanId"],
                                .parent = span.value("parentSpanId", ""),
                                .name = span["name"],
                                .kind = span["kind"],
                                .start = std::stoull(span["startTimeUnixNano"].get<std::string>()),
                                .end = std::stoull(span["endTimeUnixNano"].get<std::string>())};
          for (const Json& attribute : span.value("attributes", Json::array())) {
            received.attributes[attribute["key"]] = attribute["value"];
          }
          spans.push_back(std::move(received));
        }
      }
    }
  }
  return spans;
}

class TracingTest : public ::testing::Test {
 protected:
  void Start(const std::string& endpoint) {
    ASSERT_TRUE(indexer::Reindex({.feeds = {vitrine::testing::TestData("products.jsonl")},
                                  .data_dir = dir_.Sub("data")})
                    .ok());
    ServeOptions options;
    options.data_dir = dir_.Sub("data");
    options.http.port = 0;
    options.http.threads = 2;
    options.access_log = false;
    options.keys.admin = kTracingAdminKey;
    options.otlp_endpoint = endpoint;
    service_ = Service::Start(options).value();
  }

  // The children of `parent` by name.
  static std::vector<std::string> ChildNames(const std::vector<ReceivedSpan>& spans,
                                             const ReceivedSpan& parent) {
    std::vector<std::string> names;
    for (const ReceivedSpan& span : spans) {
      if (span.parent != parent.span_id) continue;
      EXPECT_EQ(span.trace_id, parent.trace_id) << span.name;
      EXPECT_EQ(span.kind, 1) << span.name;  // internal
      EXPECT_GE(span.start, parent.start) << span.name;
      EXPECT_LE(span.start, span.end) << span.name;
      EXPECT_LE(span.end, parent.end) << span.name;
      names.push_back(span.name);
    }
    return names;
  }

  static const ReceivedSpan* Find(const std::vector<ReceivedSpan>& spans, std::string_view name) {
    for (const ReceivedSpan& span : spans) {
      if (span.name == name) return &span;
    }
    return nullptr;
  }

  vitrine::testing::TempDir dir_;
  std::unique_ptr<Service> service_;
};

TEST_F(TracingTest, SearchesAndWritesAreServerSpansWithTheirStagesAsChildren) {
  OtlpReceiver receiver(ReceiverMode::kAnswer200);
  Start(receiver.endpoint());
  HttpConnection connection(service_->port());
  const std::string traceparent = std::string("00-") + kTraceId + "-" + kCallerSpan + "-01";
  EXPECT_EQ(
      connection.Get("/v1/search?q=shirt&facets=brand", {{"traceparent", traceparent}}).status,
      200);
  EXPECT_EQ(connection
                .Request("PUT", "/v1/products/t1",
                         R"({"title": "Traced Tee", "brand": "Acme", "price": 10})",
                         {{"X-API-Key", kTracingAdminKey}})
                .status,
            201);
  // A caller that did not sample its trace is not exported.
  EXPECT_EQ(connection
                .Get("/v1/search?q=jeans",
                     {{"traceparent", "00-11111111111111111111111111111111-2222222222222222-00"}})
                .status,
            200);
  const std::string metrics = connection.Get("/metrics").body;
  EXPECT_THAT(metrics, ::testing::HasSubstr("vitrine_trace_spans_dropped_total 0"));
  service_.reset();  // flushes the exporter's queue

  const std::vector<ReceivedSpan> spans = SpansOf(receiver);
  const ReceivedSpan* search = Find(spans, "GET /v1/search");
  ASSERT_NE(search, nullptr);
  EXPECT_EQ(search->trace_id, kTraceId);
  EXPECT_EQ(search->parent, kCallerSpan);
  EXPECT_EQ(search->kind, 2);  // server
  EXPECT_EQ(search->attributes.at("http.response.status_code")["intValue"], "200");
  EXPECT_EQ(search->attributes.at("http.route")["stringValue"], "/v1/search");
  EXPECT_THAT(ChildNames(spans, *search),
              UnorderedElementsAre("parse", "match", "facets", "rank", "hydrate", "highlight"));

  const ReceivedSpan* write = Find(spans, "PUT /v1/products/{id}");
  ASSERT_NE(write, nullptr);
  EXPECT_TRUE(write->parent.empty()) << "no traceparent: a new trace";
  EXPECT_EQ(write->trace_id.size(), 32u);
  EXPECT_NE(write->trace_id, kTraceId);
  EXPECT_THAT(ChildNames(spans, *write),
              IsSupersetOf({"lock", "sync", "validate", "journal", "apply"}));

  for (const ReceivedSpan& span : spans) {
    EXPECT_NE(span.trace_id, "11111111111111111111111111111111") << span.name;
  }
}

TEST_F(TracingTest, ACollectorThatIsDownCostsTheRequestsNothing) {
  Start(StrCat("http://127.0.0.1:", telemetry::testing::ClosedPort()));
  HttpConnection connection(service_->port());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(connection.Get("/v1/search?q=shirt").status, 200);
  service_.reset();
}

}  // namespace
}  // namespace vitrine::server
