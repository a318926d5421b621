#include "server/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace vitrine::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Metrics, CountsRequestsByRouteMethodAndStatus) {
  Metrics metrics;
  metrics.RecordRequest("/v1/search", "GET", 200, 0.0004);
  metrics.RecordRequest("/v1/search", "GET", 200, 0.002);
  metrics.RecordRequest("/v1/search", "GET", 400, 0.0001);
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE vitrine_http_requests_total counter\n"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(vitrine_http_requests_total{route="/v1/search",method="GET",status="200"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(vitrine_http_requests_total{route="/v1/search",method="GET",status="400"} 1)"));
}

TEST(Metrics, LatencyHistogramIsCumulativeWithSumAndCount) {
  Metrics metrics;
  metrics.RecordRequest("/v1/search", "GET", 200, 0.0004);  // <= 0.0005
  metrics.RecordRequest("/v1/search", "GET", 200, 0.002);   // <= 0.0025
  metrics.RecordRequest("/v1/search", "GET", 200, 10);      // only +Inf
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE vitrine_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr(R"(_bucket{route="/v1/search",le="0.00025"} 0)"));
  EXPECT_THAT(text, HasSubstr(R"(_bucket{route="/v1/search",le="0.0005"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(_bucket{route="/v1/search",le="0.0025"} 2)"));
  EXPECT_THAT(text, HasSubstr(R"(_bucket{route="/v1/search",le="5"} 2)"));
  EXPECT_THAT(text, HasSubstr(R"(_bucket{route="/v1/search",le="+Inf"} 3)"));
  EXPECT_THAT(text,
              HasSubstr(R"(vitrine_http_request_duration_seconds_count{route="/v1/search"} 3)"));
  EXPECT_THAT(
      text, HasSubstr(R"(vitrine_http_request_duration_seconds_sum{route="/v1/search"} 10.0024)"));
}

TEST(Metrics, UnknownMethodsShareOneLabelValue) {
  Metrics metrics;
  metrics.RecordRequest("unmatched", "BREW", 404, 0.001);
  metrics.RecordRequest("unmatched", "FROB", 404, 0.001);
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr(R"({route="unmatched",method="other",status="404"} 2)"));
  EXPECT_THAT(text, Not(HasSubstr("BREW")));
}

TEST(Metrics, ExportsTheServedIndexAndProcessStart) {
  Metrics metrics;
  EXPECT_THAT(metrics.Render(), Not(HasSubstr("vitrine_index_info{")));
  metrics.SetIndex("000007", 44440);
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("vitrine_index_documents 44440\n"));
  EXPECT_THAT(text, HasSubstr(R"(vitrine_index_info{generation="000007"} 1)"));
  EXPECT_THAT(text,
              HasSubstr("# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds 1"));
  EXPECT_THAT(text, HasSubstr("process_resident_memory_bytes "));
}

TEST(Metrics, NamedCountersAccumulate) {
  Metrics metrics;
  metrics.Increment("vitrine_search_zero_results_total");
  metrics.Increment("vitrine_search_zero_results_total", 4);
  EXPECT_THAT(metrics.Render(), HasSubstr("vitrine_search_zero_results_total 5\n"));
}

TEST(Metrics, ConcurrentRecordingLosesNoCounts) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < 1000; ++i) {
        metrics.RecordRequest(i % 2 == 0 ? "/v1/search" : "/healthz", "GET", 200 + t % 2, 0.001);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::string text = metrics.Render();
  EXPECT_THAT(text,
              HasSubstr(R"(vitrine_http_request_duration_seconds_count{route="/v1/search"} 2000)"));
  EXPECT_THAT(text, HasSubstr(R"({route="/healthz",method="GET",status="201"} 1000)"));
}

}  // namespace
}  // namespace vitrine::server
