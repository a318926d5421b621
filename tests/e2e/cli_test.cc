// The `vitrine` binary as an operator runs it: reindex reports, exit codes,
// --max-errors, generations, and `serve` answering over HTTP until SIGTERM.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/testing/http_client.h"
#include "tests/testing/temp_dir.h"

extern char** environ;

namespace vitrine {
namespace {

using ::testing::HasSubstr;
using vitrine::testing::ReadFile;
using vitrine::testing::TempDir;
using vitrine::testing::TestData;

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Starts the binary with stdout and stderr sent to files in `dir`.
pid_t Spawn(const TempDir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv_storage = {VITRINE_BINARY};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, dir.Sub("stdout").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, dir.Sub("stderr").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "cannot start " << VITRINE_BINARY;
  return pid;
}

int WaitExit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

CommandResult Vitrine(const std::vector<std::string>& args) {
  TempDir io;
  CommandResult run;
  run.exit_code = WaitExit(Spawn(io, args));
  run.out = ReadFile(io.Sub("stdout"));
  run.err = ReadFile(io.Sub("stderr"));
  return run;
}

TEST(Cli, ReindexReportsCountsAndEveryRejectedRecord) {
  TempDir dir;
  const CommandResult run =
      Vitrine({"reindex", "--feed", TestData("mixed.jsonl"), "--data-dir", dir.Sub("data")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("generation 000001 is now current"));
  EXPECT_THAT(run.out, HasSubstr("accepted  2\n"));
  EXPECT_THAT(run.out, HasSubstr("rejected  6\n"));
  EXPECT_THAT(run.out, HasSubstr("docs/s"));
  EXPECT_THAT(run.err, HasSubstr("mixed.jsonl:2: price: price must be a number, got string"));
  EXPECT_THAT(run.err, HasSubstr("mixed.jsonl:3: id: duplicate id '3001'"));
  EXPECT_THAT(run.err, HasSubstr("mixed.jsonl:5: id: id is required"));
  EXPECT_THAT(run.err, HasSubstr("mixed.jsonl:6: colour: unknown field 'colour'"));
  EXPECT_THAT(run.err, HasSubstr("mixed.jsonl:7: malformed JSON"));
  EXPECT_THAT(run.err, HasSubstr("mixed.jsonl:9: title: title has invalid UTF-8 at byte 29"));
  EXPECT_EQ(ReadFile(dir.Sub("data/CURRENT")), "000001\n");
}

TEST(Cli, MaxErrorsAbortsAndLeavesTheLiveGenerationAlone) {
  TempDir dir;
  const std::string data = dir.Sub("data");
  ASSERT_EQ(
      Vitrine({"reindex", "--feed", TestData("products.jsonl"), "--data-dir", data}).exit_code, 0);
  const CommandResult run = Vitrine(
      {"reindex", "--feed", TestData("mixed.jsonl"), "--data-dir", data, "--max-errors", "2"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("more than 2 records rejected"));
  EXPECT_EQ(ReadFile(data + "/CURRENT"), "000001\n");
  const CommandResult list = Vitrine({"generations", "list", "--data-dir", data});
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_THAT(list.out, HasSubstr("000001   current  12"));
  EXPECT_THAT(list.out, ::testing::Not(HasSubstr("000002")));  // the partial build is gone
}

TEST(Cli, UsageErrorsExitWith2AndSayWhatIsWrong) {
  EXPECT_EQ(Vitrine({}).exit_code, 2);
  CommandResult run = Vitrine({"reindex", "--feed", TestData("products.jsonl")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--data-dir is required"));
  run = Vitrine({"reindex", "--bogus"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("unknown flag --bogus"));
  run = Vitrine({"frobnicate"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("unknown command 'frobnicate'"));
  run = Vitrine({"serve", "--data-dir", "unused", "--idempotency-hours", "0"});
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("--idempotency-hours must be 1 to 720"));
}

TEST(Cli, MissingFeedFailsWithoutTouchingTheDataDir) {
  TempDir dir;
  const CommandResult run =
      Vitrine({"reindex", "--feed", dir.Sub("nope.jsonl"), "--data-dir", dir.Sub("data")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.err, HasSubstr("nope.jsonl"));
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("data/CURRENT")));
}

TEST(Cli, SearchPrintsRankedProducts) {
  TempDir dir;
  ASSERT_EQ(
      Vitrine({"reindex", "--feed", TestData("products.jsonl"), "--data-dir", dir.Sub("data")})
          .exit_code,
      0);
  const CommandResult run = Vitrine({"search", "--data-dir", dir.Sub("data"), "navy", "shirt"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("relaxed"));
  EXPECT_THAT(run.out, HasSubstr(R"("id":"1001")"));
}

// The port `vitrine serve` (started with `io` for its output) listens on, from
// its {"msg":"listening",...,"port":N} log line; 0 if it never says.
uint16_t WaitForPort(const TempDir& io) {
  for (int i = 0; i < 300; ++i) {
    const std::string log = ReadFile(io.Sub("stderr"));
    const size_t line = log.find(R"("msg":"listening")");
    const size_t at = line == std::string::npos ? line : log.find(R"("port":)", line);
    if (at != std::string::npos) return static_cast<uint16_t>(std::stoi(log.substr(at + 7)));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return 0;
}

TEST(Cli, AcknowledgedWritesSurviveSigkill) {
  TempDir dir;
  ASSERT_EQ(
      Vitrine({"reindex", "--feed", TestData("products.jsonl"), "--data-dir", dir.Sub("data")})
          .exit_code,
      0);
  setenv("VITRINE_ADMIN_KEY", "kill-test", 1);
  const std::vector<std::string> serve = {"serve",  "--data-dir", dir.Sub("data"),
                                          "--port", "0",          "--no-access-log"};
  TempDir io;
  pid_t pid = Spawn(io, serve);
  uint16_t port = WaitForPort(io);
  ASSERT_NE(port, 0) << ReadFile(io.Sub("stderr"));
  const vitrine::testing::Headers admin = {{"X-API-Key", "kill-test"}};
  {
    vitrine::testing::HttpConnection connection(port);
    for (int i = 0; i < 20; ++i) {
      const std::string body =
          R"({"title": "Kalini Women Mustard Ikat Saree )" + std::to_string(i) + R"("})";
      ASSERT_EQ(connection.Request("PUT", "/v1/products/k" + std::to_string(i), body, admin).status,
                201);
    }
    ASSERT_EQ(connection.Request("PATCH", "/v1/products/1001", R"({"price": 111})", admin).status,
              200);
  }
  // No chance to commit or flush anything: every write above was acknowledged.
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  EXPECT_EQ(WaitExit(pid), 128 + SIGKILL);

  TempDir io2;
  pid = Spawn(io2, serve);
  port = WaitForPort(io2);
  ASSERT_NE(port, 0) << ReadFile(io2.Sub("stderr"));
  vitrine::testing::HttpConnection connection(port);
  EXPECT_THAT(connection.Get("/v1/search?q=ikat+saree&per_page=50").body,
              HasSubstr(R"("total":20)"));
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(connection.Get("/v1/products/k" + std::to_string(i)).status, 200) << i;
  }
  EXPECT_THAT(connection.Get("/v1/products/1001").body, HasSubstr(R"("price":111)"));
  EXPECT_THAT(connection.Get("/v1/search?q=shirt&range.price=..200").body,
              HasSubstr(R"("id":"1001")"));
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(WaitExit(pid), 0);
  unsetenv("VITRINE_ADMIN_KEY");
}

TEST(Cli, ServeAnswersHttpAndShutsDownGracefullyOnSigterm) {
  TempDir dir;
  ASSERT_EQ(
      Vitrine({"reindex", "--feed", TestData("products.jsonl"), "--data-dir", dir.Sub("data")})
          .exit_code,
      0);
  TempDir io;
  const pid_t pid =
      Spawn(io, {"serve", "--data-dir", dir.Sub("data"), "--port", "0", "--threads", "2"});
  const uint16_t port = WaitForPort(io);
  ASSERT_NE(port, 0) << ReadFile(io.Sub("stderr"));
  const vitrine::testing::HttpResult result =
      vitrine::testing::HttpGet(port, "/v1/search?q=jeans", {{"X-Request-Id", "cli-e2e-1"}});
  EXPECT_EQ(result.status, 200);
  EXPECT_THAT(result.body, HasSubstr(R"("total":2)"));

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  EXPECT_EQ(WaitExit(pid), 0);
  // One JSON access-log line per request on stdout, with the caller's request id.
  const std::string access_log = ReadFile(io.Sub("stdout"));
  EXPECT_THAT(access_log, HasSubstr(R"("request_id":"cli-e2e-1")"));
  EXPECT_THAT(access_log, HasSubstr(R"("path":"/v1/search?q=jeans")"));
  EXPECT_THAT(access_log, HasSubstr(R"("status":200)"));
  EXPECT_THAT(ReadFile(io.Sub("stderr")), HasSubstr(R"("msg":"shutting down")"));
}

}  // namespace
}  // namespace vitrine
