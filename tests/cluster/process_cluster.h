// The fixture of the cluster tests that run real processes: a 3-node
// nats-server cluster (JetStream, the stream and the config bucket with 3
// copies), three `vitrine serve --nats` replicas, each with its own data
// directory built from the same feeds, and haproxy in front (health checks on
// /readyz, retries and redispatch for reads, as docs/operations.md sets it
// up). haproxy also knows a fourth, spare slot that nothing serves until a
// test starts a replica there (a new pod joining).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
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

using testing::ChildProcess;
using testing::HttpConnection;
using testing::HttpResult;
using Json = nlohmann::json;

inline constexpr char kAdminKey[] = "cluster-admin";

class ProcessCluster : public ::testing::Test {
 protected:
  static constexpr int kReplicas = 3;
  static constexpr int kSpare = kReplicas;  // the slot of a replica that joins later

  // The feeds the replicas' data directories are built from.
  virtual std::vector<std::string> Feeds() const { return {testing::TestData("products.jsonl")}; }

  void SetUp() override {
    // Built once and copied: builds are deterministic.
    absl::StatusOr<indexer::ReindexSummary> built =
        indexer::Reindex({.feeds = Feeds(), .data_dir = DataDir(0)});
    ASSERT_TRUE(built.ok()) << built.status();
    for (int i = 1; i < kReplicas; ++i) {
      std::filesystem::copy(DataDir(0), DataDir(i), std::filesystem::copy_options::recursive);
    }
    for (int i = 0; i <= kSpare; ++i) {
      ports_.push_back(testing::FreePort());
      replicas_.push_back(nullptr);
    }
    for (int i = 0; i < kReplicas; ++i) Start(i);
    balancer_ = testing::FreePort();
    std::ofstream config(dir_.Sub("haproxy.cfg"));
    config << "global\n  maxconn 1024\n"
           << "defaults\n  mode http\n  timeout connect 1s\n  timeout client 30s\n"
           << "  timeout server 30s\n  retries 3\n  option redispatch\n"
           << "  retry-on conn-failure empty-response response-timeout 503\n"
           << "frontend vitrine\n  bind 127.0.0.1:" << balancer_ << "\n  default_backend replicas\n"
           << "backend replicas\n  balance roundrobin\n  option httpchk GET /readyz\n"
           << "  http-check expect status 200\n  default-server inter 200ms fall 2 rise 2\n";
    for (int i = 0; i <= kSpare; ++i) {
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

  std::string DataDir(int i) { return dir_.Sub(StrCat("data", i)); }

  // Starts (or restarts) replica `i` on its data directory and port.
  void Start(int i) {
    const std::string log = dir_.Sub(StrCat("serve", i, "-", ++starts_, ".log"));
    std::string urls;
    for (const std::string& url : nats_.urls()) urls += (urls.empty() ? "" : ",") + url;
    replicas_[i] = std::make_unique<ChildProcess>(
        VITRINE_BINARY,
        std::vector<std::string>{"serve", "--data-dir", DataDir(i), "--port",
                                 std::to_string(ports_[i]), "--threads", "2", "--no-access-log",
                                 "--no-ui", "--nats", urls, "--nats-replicas", "3", "--drain-ms",
                                 "1000",
                                 // Sanitizer builds search 10-50x slower: a production
                                 // queue target would refuse the tests' own load.
                                 "--queue-target-ms", "1000"},
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

  // Polls until the replicas `count` report the same products and config at the
  // same applied sequence (up to `seconds`); the first one's state.
  Json Converged(int count = kReplicas, int seconds = 30) {
    Json first;
    for (int attempt = 0; attempt < seconds * 10; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      first = Json::parse(Direct(0, "/v1/admin/state").body);
      bool same = true;
      for (int i = 1; i < count && same; ++i) {
        const Json other = Json::parse(Direct(i, "/v1/admin/state").body);
        same = other["products"] == first["products"] && other["config"] == first["config"] &&
               other["writes"]["applied_seq"] == first["writes"]["applied_seq"];
      }
      if (same) return first;
    }
    ADD_FAILURE() << "replicas did not converge: " << first.dump();
    return first;
  }

  testing::NatsCluster nats_;
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

}  // namespace vitrine
