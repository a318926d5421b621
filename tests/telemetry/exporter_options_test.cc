// Specification of the exporter's options: how a valid collector address is
// split, and what SpanExporter::Start refuses, naming the field at fault.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/status.h"
#include "telemetry/endpoint.h"
#include "telemetry/trace.h"

namespace vitrine::telemetry {
namespace {

using namespace std::chrono_literals;

struct EndpointCase {
  std::string endpoint;
  HttpEndpoint expected;
};

TEST(ParseHttpEndpoint, SplitsHostPortAndTarget) {
  const std::vector<EndpointCase> cases = {
      {"http://127.0.0.1:4318", {"127.0.0.1", 4318, "/v1/traces", "127.0.0.1:4318"}},
      {"http://otel-collector:4318/v1/traces",
       {"otel-collector", 4318, "/v1/traces", "otel-collector:4318"}},
      {"http://collector.internal/otlp/v1/traces",
       {"collector.internal", 80, "/otlp/v1/traces", "collector.internal:80"}},
      {"HTTP://Collector:4318/", {"Collector", 4318, "/", "Collector:4318"}},
      {"http://localhost:4318/v1/traces?tenant=a",
       {"localhost", 4318, "/v1/traces?tenant=a", "localhost:4318"}},
      {"http://[::1]:4318", {"::1", 4318, "/v1/traces", "[::1]:4318"}},
      {"http://[fd00::1]/t", {"fd00::1", 80, "/t", "[fd00::1]:80"}},
      {"http://[::ffff:127.0.0.1]:9",
       {"::ffff:127.0.0.1", 9, "/v1/traces", "[::ffff:127.0.0.1]:9"}},
  };
  for (const EndpointCase& test : cases) {
    SCOPED_TRACE(test.endpoint);
    const absl::StatusOr<HttpEndpoint> parsed = ParseHttpEndpoint(test.endpoint);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->host, test.expected.host);
    EXPECT_EQ(parsed->port, test.expected.port);
    EXPECT_EQ(parsed->target, test.expected.target);
    EXPECT_EQ(parsed->host_header, test.expected.host_header);
  }
}

struct BadOptionsCase {
  ExporterOptions options;
  std::string parameter;
  std::string message;  // a part of the message
};

TEST(SpanExporter, StartRefusesBadOptionsNamingTheField) {
  const std::vector<BadOptionsCase> cases = {
      {{.endpoint = ""}, "endpoint", "empty"},
      {{.endpoint = "https://collector:4318"}, "endpoint", "https is not supported"},
      {{.endpoint = "HTTPS://collector:4318"}, "endpoint", "OpenTelemetry Collector"},
      {{.endpoint = "grpc://collector:4317"}, "endpoint", "only http"},
      {{.endpoint = "127.0.0.1:4318"}, "endpoint", "must start with http://"},
      {{.endpoint = "http://"}, "endpoint", "no host"},
      {{.endpoint = "http://:4318"}, "endpoint", "no host"},
      {{.endpoint = "http://collector:"}, "endpoint", "port"},
      {{.endpoint = "http://collector:0"}, "endpoint", "port"},
      {{.endpoint = "http://collector:65536"}, "endpoint", "port"},
      {{.endpoint = "http://collector:+80"}, "endpoint", "port"},
      {{.endpoint = "http://collector:43x8"}, "endpoint", "port"},
      {{.endpoint = "http://a:b:4318"}, "endpoint", "port"},
      {{.endpoint = "http://user:secret@collector:4318"}, "endpoint", "credentials"},
      {{.endpoint = "http://coll ector:4318"}, "endpoint", "whitespace"},
      {{.endpoint = "http://collector:4318/v1/traces\r\nX: y"}, "endpoint", "whitespace"},
      {{.endpoint = "http://collector:4318/#top"}, "endpoint", "fragment"},
      {{.endpoint = "http://collector:4318?x=1"}, "endpoint", "path must start with '/'"},
      {{.endpoint = "http://[::1:4318"}, "endpoint", "'[' without ']'"},
      {{.endpoint = "http://[::1]4318"}, "endpoint", "':port'"},
      {{.endpoint = "http://[zz]:4318"}, "endpoint", "IPv6"},
      {{.endpoint = "http://coll/ector"}, "", ""},  // valid: host "coll", path "/ector"
      {{.endpoint = "http://127.0.0.1:4318", .service_name = ""}, "service_name", "empty"},
      {{.endpoint = "http://127.0.0.1:4318", .max_queue_spans = 0}, "max_queue_spans", "at least"},
      {{.endpoint = "http://127.0.0.1:4318", .max_batch_spans = 0}, "max_batch_spans", "at least"},
      {{.endpoint = "http://127.0.0.1:4318", .flush_interval = 0ms}, "flush_interval", "positive"},
      {{.endpoint = "http://127.0.0.1:4318", .timeout = -1ms}, "timeout", "positive"},
  };
  for (const BadOptionsCase& test : cases) {
    SCOPED_TRACE(test.options.endpoint);
    const absl::StatusOr<std::unique_ptr<SpanExporter>> exporter =
        SpanExporter::Start(test.options);
    if (test.parameter.empty()) {
      EXPECT_TRUE(exporter.ok()) << exporter.status();
      continue;
    }
    ASSERT_FALSE(exporter.ok());
    EXPECT_EQ(exporter.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(ParameterOf(exporter.status()), test.parameter);
    EXPECT_NE(exporter.status().message().find(test.message), absl::string_view::npos)
        << exporter.status();
  }
}

}  // namespace
}  // namespace vitrine::telemetry
