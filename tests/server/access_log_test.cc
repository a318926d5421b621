#include "server/access_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

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

}  // namespace
}  // namespace vitrine::server
