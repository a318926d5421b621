// Specification of EncodeOtlpJson: the OTLP/HTTP JSON body, read back with a
// JSON parser and checked field by field against the OTLP proto3 JSON mapping.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <type_traits>
#include <vector>

#include "telemetry/trace.h"

namespace vitrine::telemetry {
namespace {

using nlohmann::json;

constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kRootId[] = "00f067aa0ba902b7";
constexpr char kChildId[] = "b7ad6b7169203331";

// The attribute called `key` in a JSON attribute list, or null.
json AttributeValue(const json& attributes, std::string_view key) {
  for (const json& attribute : attributes) {
    if (attribute.at("key") == key) return attribute.at("value");
  }
  return nullptr;
}

std::vector<Span> TwoSpans() {
  return {
      {.trace_id = kTraceId,
       .span_id = kRootId,
       .name = "GET /v1/search",
       .kind = SpanKind::kServer,
       .start_unix_nano = 1'700'000'000'123'456'789,
       .end_unix_nano = 1'700'000'000'223'456'789,
       .attributes = {{"http.route", "/v1/search"},
                      {"http.response.status_code", int64_t{200}},
                      {"vitrine.hits", std::numeric_limits<int64_t>::max()},
                      {"vitrine.offset", int64_t{-42}},
                      {"vitrine.score", 0.25},
                      {"vitrine.cache_hit", true}}},
      {.trace_id = kTraceId,
       .span_id = kChildId,
       .parent_span_id = kRootId,
       .name = "query \"red dress\"",
       .kind = SpanKind::kClient,
       .start_unix_nano = std::numeric_limits<uint64_t>::max(),
       .end_unix_nano = 0,
       .error = true,
       .status_message = "index \"main\" unavailable"},
  };
}

ExporterOptions Options() {
  return {.endpoint = "http://127.0.0.1:4318",
          .service_name = "search-api",
          .resource = {{"service.instance.id", "replica-1"},
                       {"service.version", "0.1.0"},
                       {"service.name", "ignored: service_name wins"},
                       {"host.cpus", int64_t{8}}}};
}

TEST(Attribute, PicksTheAlternativeOfItsValue) {
  // {"key", "text"} must not become a bool, nor {"key", 5} a double.
  EXPECT_TRUE(std::holds_alternative<std::string>(Attribute{"k", "text"}.value));
  EXPECT_TRUE(std::holds_alternative<int64_t>(Attribute{"k", 5}.value));
  EXPECT_TRUE(std::holds_alternative<double>(Attribute{"k", 0.5}.value));
  EXPECT_TRUE(std::holds_alternative<bool>(Attribute{"k", false}.value));
}

TEST(EncodeOtlpJson, HasOneResourceWithTheServiceAndOneScope) {
  const json body = json::parse(EncodeOtlpJson(TwoSpans(), Options()));
  ASSERT_EQ(body.size(), 1u);
  ASSERT_EQ(body.at("resourceSpans").size(), 1u);
  const json& resource_spans = body["resourceSpans"][0];
  const json& resource = resource_spans.at("resource").at("attributes");
  ASSERT_EQ(resource.size(), 4u);  // the resource's own service.name is left out
  EXPECT_EQ(resource[0],
            json::parse(R"({"key":"service.name","value":{"stringValue":"search-api"}})"));
  EXPECT_EQ(AttributeValue(resource, "service.instance.id"), json({{"stringValue", "replica-1"}}));
  EXPECT_EQ(AttributeValue(resource, "service.version"), json({{"stringValue", "0.1.0"}}));
  EXPECT_EQ(AttributeValue(resource, "host.cpus"), json({{"intValue", "8"}}));

  ASSERT_EQ(resource_spans.at("scopeSpans").size(), 1u);
  const json& scope_spans = resource_spans["scopeSpans"][0];
  EXPECT_EQ(scope_spans.at("scope").at("name"), "vitrine");
  EXPECT_EQ(scope_spans.at("spans").size(), 2u);
}

TEST(EncodeOtlpJson, WritesEachSpanField) {
  const json spans = json::parse(
      EncodeOtlpJson(TwoSpans(), Options()))["resourceSpans"][0]["scopeSpans"][0]["spans"];
  const json& root = spans[0];
  EXPECT_EQ(root.at("traceId"), kTraceId);  // hex, not base64
  EXPECT_EQ(root.at("spanId"), kRootId);
  EXPECT_FALSE(root.contains("parentSpanId"));  // a root span
  EXPECT_EQ(root.at("name"), "GET /v1/search");
  EXPECT_EQ(root.at("kind"), 2);
  EXPECT_EQ(root.at("startTimeUnixNano"), "1700000000123456789");  // decimal strings
  EXPECT_EQ(root.at("endTimeUnixNano"), "1700000000223456789");
  EXPECT_EQ(root.at("status"), json({{"code", 0}}));  // UNSET

  const json& attributes = root.at("attributes");
  ASSERT_EQ(attributes.size(), 6u);
  EXPECT_EQ(attributes[0].at("key"), "http.route");  // in the order given
  EXPECT_EQ(AttributeValue(attributes, "http.route"), json({{"stringValue", "/v1/search"}}));
  EXPECT_EQ(AttributeValue(attributes, "http.response.status_code"), json({{"intValue", "200"}}));
  EXPECT_EQ(AttributeValue(attributes, "vitrine.hits"),
            json({{"intValue", "9223372036854775807"}}));
  EXPECT_EQ(AttributeValue(attributes, "vitrine.offset"), json({{"intValue", "-42"}}));
  EXPECT_EQ(AttributeValue(attributes, "vitrine.score"), json({{"doubleValue", 0.25}}));
  EXPECT_EQ(AttributeValue(attributes, "vitrine.cache_hit"), json({{"boolValue", true}}));

  const json& child = spans[1];
  EXPECT_EQ(child.at("traceId"), kTraceId);
  EXPECT_EQ(child.at("spanId"), kChildId);
  EXPECT_EQ(child.at("parentSpanId"), kRootId);
  EXPECT_EQ(child.at("name"), "query \"red dress\"");
  EXPECT_EQ(child.at("kind"), 3);
  EXPECT_EQ(child.at("startTimeUnixNano"), "18446744073709551615");
  EXPECT_EQ(child.at("endTimeUnixNano"), "0");
  EXPECT_EQ(child.at("attributes"), json::array());
  EXPECT_EQ(child.at("status"),
            json({{"code", 2}, {"message", "index \"main\" unavailable"}}));  // ERROR
}

TEST(EncodeOtlpJson, WritesEverySpanKindAsItsOtlpNumber) {
  std::vector<Span> spans;
  for (const SpanKind kind : {SpanKind::kInternal, SpanKind::kServer, SpanKind::kClient,
                              SpanKind::kProducer, SpanKind::kConsumer}) {
    spans.push_back({.trace_id = kTraceId, .span_id = kRootId, .name = "s", .kind = kind});
  }
  const json encoded =
      json::parse(EncodeOtlpJson(spans, Options()))["resourceSpans"][0]["scopeSpans"][0]["spans"];
  ASSERT_EQ(encoded.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(encoded[i].at("kind"), i + 1);
}

TEST(EncodeOtlpJson, WritesNonFiniteDoublesAsProto3Strings) {
  const std::vector<Span> spans = {
      {.trace_id = kTraceId,
       .span_id = kRootId,
       .name = "s",
       .attributes = {{"nan", std::numeric_limits<double>::quiet_NaN()},
                      {"inf", std::numeric_limits<double>::infinity()},
                      {"-inf", -std::numeric_limits<double>::infinity()},
                      {"big", 1e300},
                      {"whole", 3.0}}}};
  const json attributes = json::parse(EncodeOtlpJson(
      spans, Options()))["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"];
  EXPECT_EQ(AttributeValue(attributes, "nan"), json({{"doubleValue", "NaN"}}));
  EXPECT_EQ(AttributeValue(attributes, "inf"), json({{"doubleValue", "Infinity"}}));
  EXPECT_EQ(AttributeValue(attributes, "-inf"), json({{"doubleValue", "-Infinity"}}));
  EXPECT_EQ(AttributeValue(attributes, "big"), json({{"doubleValue", 1e300}}));
  EXPECT_EQ(AttributeValue(attributes, "whole"), json({{"doubleValue", 3.0}}));
}

TEST(EncodeOtlpJson, StaysValidJsonForAnyText) {
  // Names and values may carry user input: quotes, control characters and
  // bytes that are not UTF-8 (replaced by U+FFFD).
  const std::vector<Span> spans = {{.trace_id = kTraceId,
                                    .span_id = kRootId,
                                    .name = "a\"b\\c\nd\x01 \xff\xfe</script>",
                                    .attributes = {{"q\tkey", "caf\xc3\xa9 \xc3"}},
                                    .error = true,
                                    .status_message = "bad \x80 byte"}};
  const json span = json::parse(
      EncodeOtlpJson(spans, Options()))["resourceSpans"][0]["scopeSpans"][0]["spans"][0];
  EXPECT_EQ(span.at("name"), "a\"b\\c\nd\x01 \xEF\xBF\xBD\xEF\xBF\xBD</script>");
  EXPECT_EQ(span.at("attributes")[0].at("key"), "q\tkey");
  EXPECT_EQ(span.at("attributes")[0].at("value"),
            json({{"stringValue", "caf\xc3\xa9 \xEF\xBF\xBD"}}));
  EXPECT_EQ(span.at("status").at("message"), "bad \xEF\xBF\xBD byte");
}

TEST(EncodeOtlpJson, WritesAnEmptySpanList) {
  const json body = json::parse(EncodeOtlpJson({}, {.endpoint = "http://127.0.0.1:4318"}));
  const json& resource_spans = body["resourceSpans"][0];
  EXPECT_EQ(resource_spans["resource"]["attributes"],
            json::parse(R"([{"key":"service.name","value":{"stringValue":"vitrine"}}])"));
  EXPECT_EQ(resource_spans["scopeSpans"][0]["spans"], json::array());
}

}  // namespace
}  // namespace vitrine::telemetry
