#include "server/access_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "base/log.h"
#include "server/api.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

TEST(AccessLog, WritesOneJsonLinePerRequest) {
  vitrine::testing::TempDir dir;
  const std::string path = dir.Sub("access.log");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  AccessLog log(fd);
  log.Write({.request_id = "abc123",
             .method = "GET",
             .target = "/v1/search?q=\"tee\"",
             .remote_address = "127.0.0.1",
             .key_name = "shop",
             .status = 200,
             .duration_ms = 0.5237,
             .response_bytes = 1024});
  log.Write({.request_id = "def", .method = "GET", .target = "/healthz", .status = 503});
  ::close(fd);

  const std::string text = vitrine::testing::ReadFile(path);
  const size_t newline = text.find('\n');
  ASSERT_NE(newline, std::string::npos);
  EXPECT_EQ(text.back(), '\n');
  const nlohmann::json first = nlohmann::json::parse(text.substr(0, newline));
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["msg"], "request");
  EXPECT_EQ(first["request_id"], "abc123");
  EXPECT_EQ(first["method"], "GET");
  EXPECT_EQ(first["path"], "/v1/search?q=\"tee\"");
  EXPECT_EQ(first["remote"], "127.0.0.1");
  EXPECT_EQ(first["key"], "shop");  // the key's name, never the key
  EXPECT_EQ(first["status"], 200);
  EXPECT_DOUBLE_EQ(first["duration_ms"].get<double>(), 0.523);
  EXPECT_EQ(first["bytes"], 1024);
  // RFC 3339 UTC with milliseconds.
  const std::string time = first["time"];
  ASSERT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time.back(), 'Z');
  const nlohmann::json second = nlohmann::json::parse(text.substr(newline + 1));
  EXPECT_EQ(second["status"], 503);
  EXPECT_FALSE(second.contains("key"));
}

TEST(AccessLog, NegativeDescriptorDisablesLogging) {
  AccessLog log(-1);
  EXPECT_FALSE(log.enabled());
  log.Write({.request_id = "x", .method = "GET", .target = "/", .status = 200});  // no crash
}

// Every log line of a request carries its trace id: the access log's, and any
// event logged on the thread while the request is handled.
TEST(AccessLog, LinesCarryTheTraceIdOfTheCallersTraceparent) {
  vitrine::testing::TempDir dir;
  const std::string path = dir.Sub("access.log");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  AccessLog log(fd);
  query::SearcherPool pool(nullptr, {});  // no index: the search answers 503
  Metrics metrics;
  Api api(pool, metrics, log);
  const HttpResponse response = api.Handle(
      {.method = "GET",
       .target = "/v1/search?q=tee",
       .headers = {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
                   {"x-request-id", "req-1"}}});
  EXPECT_EQ(response.status, 503);
  api.Handle({.method = "GET", .target = "/healthz", .headers = {{"traceparent", "garbage"}}});
  ::close(fd);

  const std::string text = vitrine::testing::ReadFile(path);
  const size_t newline = text.find('\n');
  const nlohmann::json first = nlohmann::json::parse(text.substr(0, newline));
  EXPECT_EQ(first["request_id"], "req-1");
  EXPECT_EQ(first["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(first["span_id"].get<std::string>().size(), 16u);
  // A bad traceparent starts a new trace.
  const nlohmann::json second = nlohmann::json::parse(text.substr(newline + 1));
  EXPECT_EQ(second["trace_id"].get<std::string>().size(), 32u);
  EXPECT_NE(second["trace_id"], first["trace_id"]);
}

TEST(LogContext, EventsLoggedDuringARequestCarryItsIds) {
  vitrine::testing::TempDir dir;
  const std::string path = dir.Sub("stderr.log");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  const int saved = ::dup(STDERR_FILENO);
  ::dup2(fd, STDERR_FILENO);
  {
    const ScopedLogContext context("req-7", "4bf92f3577b34da6a3ce929d0e0e4736");
    LogEvent("warn", "inside");
  }
  LogEvent("info", "outside");
  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  ::close(fd);
  const std::string text = vitrine::testing::ReadFile(path);
  const size_t newline = text.find('\n');
  const nlohmann::json inside = nlohmann::json::parse(text.substr(0, newline));
  EXPECT_EQ(inside["msg"], "inside");
  EXPECT_EQ(inside["request_id"], "req-7");
  EXPECT_EQ(inside["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
  const nlohmann::json outside = nlohmann::json::parse(text.substr(newline + 1));
  EXPECT_FALSE(outside.contains("trace_id"));
}

}  // namespace
}  // namespace vitrine::server
