// Losing a replica behind the load balancer: three `vitrine serve --nats`
// processes and haproxy in front (health checks on /readyz, retries and
// redispatch for reads, as docs/operations.md sets it up). Readers search and
// a writer writes through haproxy while one replica is killed (SIGKILL) and
// later restarted: no read fails, no acknowledged write is lost, and the
// restarted replica catches up to the same products as the others. And a
// rolling restart of all three under reads fails none.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "base/strings.h"
#include "indexer/reindex.h"
#include "tests/testing/http_client.h"
#include "tests/testing/nats_server.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace vitrine {
namespace {

using testing::ChildProcess;
using testing::HttpConnection;
using testing::HttpResult;
using Json = nlohmann::json;

constexpr char kAdminKey[] = "failover-admin";
constexpr int kReplicas = 3;

class FailoverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < kReplicas; ++i) {
      const std::string data = dir_.Sub(StrCat("data", i));
      absl::StatusOr<indexer::ReindexSummary> built =
          indexer::Reindex({.feeds = {testing::TestData("products.jsonl")}, .data_dir = data});
      ASSERT_TRUE(built.ok()) << built.status();
      ports_.push_back(testing::FreePort());
      replicas_.push_back(nullptr);
      Start(i);
    }
    balancer_ = testing::FreePort();
    std::ofstream config(dir_.Sub("haproxy.cfg"));
    config << "global\n  maxconn 1024\n"
           << "defaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n"
           << "  timeout server 30s\n  retries 3\n  option redispatch\n"
           << "  retry-on conn-failure empty-response response-timeout 503\n"
           << "frontend vitrine\n  bind 127.0.0.1:" << balancer_ << "\n  default_backend replicas\n"
           << "backend replicas\n  balance roundrobin\n  option httpchk GET /readyz\n"
           << "  http-check expect status 200\n  default-server inter 200ms fall 2 rise 2\n";
    for (int i = 0; i < kReplicas; ++i) {
      config << "  server replica" << i << " 127.0.0.1:" << ports_[i] << " check\n";
    }
    config.close();
    haproxy_ = std::make_unique<ChildProcess>(
        "/usr/sbin/haproxy", std::vector<std::string>{"-f", dir_.Sub("haproxy.cfg"), "-db"},
        testing::ProcessOptions{.stderr_path = dir_.Sub("haproxy.log")});
    for (int attempt = 0; attempt < 100 && !Ready(); ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(Ready()) << testing::ReadFile(dir_.Sub("haproxy.log"));
  }

  void Start(int i) {
    const std::string log = dir_.Sub(StrCat("serve", i, "-", ++starts_, ".log"));
    replicas_[i] = std::make_unique<ChildProcess>(
        VITRINE_BINARY,
        std::vector<std::string>{"serve", "--data-dir", dir_.Sub(StrCat("data", i)), "--port",
                                 std::to_string(ports_[i]), "--threads", "2", "--no-access-log",
                                 "--no-ui", "--nats", nats_.url(), "--drain-ms", "1000"},
        testing::ProcessOptions{.stderr_path = log,
                                .environment = {StrCat("VITRINE_ADMIN_KEY=", kAdminKey)}});
    ASSERT_NE(testing::WaitForListeningPort(log), 0) << testing::ReadFile(log);
  }

  bool Ready() {
    try {
      return HttpConnection(balancer_).Get("/readyz").status == 200;
    } catch (const std::exception&) {
      return false;
    }
  }

  HttpResult Direct(int i, const std::string& target) {
    return HttpConnection(ports_[i]).Get(target, {{"X-API-Key", kAdminKey}});
  }

  testing::NatsServer nats_;
  testing::TempDir dir_;
  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<ChildProcess>> replicas_;
  int starts_ = 0;
  uint16_t balancer_ = 0;
  std::unique_ptr<ChildProcess> haproxy_;
};

// Readers searching through haproxy until stopped: counts reads and failures.
class Readers {
 public:
  Readers(uint16_t balancer, int count) {
    for (int r = 0; r < count; ++r) {
      threads_.emplace_back([this, balancer] {
        std::unique_ptr<HttpConnection> connection;
        while (!stop_) {
          try {
            if (connection == nullptr) connection = std::make_unique<HttpConnection>(balancer);
            const HttpResult result = connection->Get("/v1/search?q=shirt&facets=brand");
            if (result.status != 200) ++failed_;
            ++reads_;
          } catch (const std::exception&) {
            ++failed_;
            connection.reset();
          }
        }
      });
    }
  }
  void Stop() {
    stop_ = true;
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }
  ~Readers() { Stop(); }
  int reads() const { return reads_; }
  int failed() const { return failed_; }

 private:
  std::atomic<bool> stop_ = false;
  std::atomic<int> reads_ = 0;
  std::atomic<int> failed_ = 0;
  std::vector<std::thread> threads_;
};

TEST_F(FailoverTest, KillingAReplicaFailsNoReadAndLosesNoAcknowledgedWrite) {
  std::atomic<bool> stop = false;
  Readers readers(balancer_, 6);
  // One writer at about 50 writes/s; a write it could not get acknowledged it
  // retries with the same Idempotency-Key, as a client would.
  std::vector<std::pair<std::string, uint64_t>> acknowledged;  // id, seq
  std::atomic<int> unacknowledged = 0;
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      const std::string id = StrCat("fo", i);
      for (int attempt = 0; attempt < 20; ++attempt) {
        try {
          const HttpResult put = HttpConnection(balancer_).Request(
              "PUT", "/v1/products/" + id, StrCat(R"({"title":"Failover tee","price":)", i, "}"),
              {{"X-API-Key", kAdminKey}, {"Idempotency-Key", "key-" + id}});
          if (put.status == 201) {
            acknowledged.emplace_back(id, Json::parse(put.body)["seq"].get<uint64_t>());
            break;
          }
        } catch (const std::exception&) {
        }
        if (attempt == 19) ++unacknowledged;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  replicas_[1]->Kill(SIGKILL);
  replicas_[1]->Wait();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  Start(1);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  stop = true;
  readers.Stop();
  writer.join();

  RecordProperty("reads", readers.reads());
  RecordProperty("acknowledged_writes", static_cast<int>(acknowledged.size()));
  EXPECT_GT(readers.reads(), 100);
  EXPECT_EQ(readers.failed(), 0);
  EXPECT_EQ(unacknowledged, 0);
  ASSERT_GT(acknowledged.size(), 20u);
  // Every acknowledged write on every replica, the restarted one too (min_seq:
  // each waits until it sees the last of them).
  const std::string last = std::to_string(acknowledged.back().second);
  for (int i = 0; i < kReplicas; ++i) {
    for (const auto& [id, seq] : acknowledged) {
      const HttpResult got = Direct(i, "/v1/products/" + id + "?min_seq=" + last);
      EXPECT_EQ(got.status, 200) << "replica " << i << " lacks " << id << " (seq " << seq << ")";
    }
  }
  const Json first = Json::parse(Direct(0, "/v1/admin/state").body);
  for (int i = 1; i < kReplicas; ++i) {
    const Json state = Json::parse(Direct(i, "/v1/admin/state").body);
    EXPECT_EQ(state["products"], first["products"]) << "replica " << i;
    EXPECT_EQ(state["writes"]["applied_seq"], first["writes"]["applied_seq"]) << "replica " << i;
  }
}

// A rolling deploy: each replica in turn gets SIGTERM (/readyz turns 503 while
// it keeps serving for --drain-ms, then it stops taking connections and
// finishes what it serves), exits, and a new process takes its place on the
// same data directory; haproxy sends reads elsewhere meanwhile.
TEST_F(FailoverTest, ARollingRestartFailsNoRead) {
  Readers readers(balancer_, 6);
  for (int i = 0; i < kReplicas; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    replicas_[i]->Kill(SIGTERM);
    // Draining: not ready, still serving.
    bool draining = false;
    for (int attempt = 0; attempt < 50 && !draining; ++attempt) {
      try {
        draining = HttpConnection(ports_[i]).Get("/readyz").status == 503;
      } catch (const std::exception&) {
        break;  // already gone: the check below fails
      }
      if (!draining) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(draining) << "replica " << i << " did not turn unready on SIGTERM";
    EXPECT_EQ(Direct(i, "/v1/search?q=shirt").status, 200) << "replica " << i;
    EXPECT_EQ(replicas_[i]->Wait(), 0) << "replica " << i << " did not exit cleanly";
    Start(i);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  readers.Stop();
  RecordProperty("reads", readers.reads());
  EXPECT_GT(readers.reads(), 100);
  EXPECT_EQ(readers.failed(), 0);
}

}  // namespace
}  // namespace vitrine
