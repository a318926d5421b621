// Losing a replica behind the load balancer: three `vitrine serve --nats`
// processes and haproxy in front (health checks on /readyz, retries and
// redispatch for reads, as docs/operations.md sets it up). Readers search and
// a writer writes through haproxy while one replica is killed (SIGKILL) and
// later restarted: no read fails, no acknowledged write is lost, and the
// restarted replica catches up to the same products as the others. A rolling
// restart of all three under reads fails none. And after a cluster reindex
// (`vitrine reindex --nats`), a replica with an empty data directory joins
// under load, builds the cluster's generation and serves the same products.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/process_cluster.h"

namespace vitrine {
namespace {

using FailoverTest = ProcessCluster;

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

TEST_F(FailoverTest, ANewReplicaWithAnEmptyDataDirectoryJoinsUnderLoad) {
  // The cluster's generation, recorded by a reindex through the CLI.
  std::string urls;
  for (const std::string& url : nats_.urls()) urls += (urls.empty() ? "" : ",") + url;
  ChildProcess reindex(VITRINE_BINARY,
                       {"reindex", "--nats", urls, "--data-dir", dir_.Sub("staging"), "--feed",
                        testing::TestData("products.jsonl"), "--quiet"},
                       testing::ProcessOptions{.stdout_path = dir_.Sub("reindex.out"),
                                               .stderr_path = dir_.Sub("reindex.err")});
  ASSERT_EQ(reindex.Wait(), 0) << testing::ReadFile(dir_.Sub("reindex.err"));
  EXPECT_THAT(testing::ReadFile(dir_.Sub("reindex.out")), ::testing::HasSubstr("reindex event"));

  Readers readers(balancer_, 6);
  std::atomic<bool> stop = false;
  std::atomic<int> written = 0;
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      try {
        const HttpResult put = HttpConnection(balancer_).Request(
            "PUT", StrCat("/v1/products/join", i), R"({"title":"Joining tee","price":7})",
            {{"X-API-Key", kAdminKey}, {"Idempotency-Key", StrCat("join-", i)}});
        if (put.status == 201) ++written;
      } catch (const std::exception&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  Start(kSpare);  // an empty data directory
  bool ready = false;
  for (int attempt = 0; attempt < 600 && !ready; ++attempt) {
    ready = Direct(kSpare, "/readyz").status == 200;
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(ready) << "the new replica did not become ready";
  std::this_thread::sleep_for(std::chrono::seconds(1));  // haproxy sends it reads
  stop = true;
  writer.join();
  readers.Stop();
  RecordProperty("reads", readers.reads());
  EXPECT_GT(written, 10);
  EXPECT_EQ(readers.failed(), 0);
  const Json state = Converged(kReplicas + 1);
  // At least every acknowledged write (one whose answer was lost may be there too).
  EXPECT_GE(state["products"]["count"].get<int>(), 12 + written);
}

}  // namespace
}  // namespace vitrine
