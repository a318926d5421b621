// Replicas sharing one write log: in-process Services, each with its own data
// directory built from the same feed, joined through a real nats-server
// (--nats), over real loopback HTTP. A write sent to any replica is
// acknowledged once the stream holds it and reaches every replica (at once for
// a read with min_seq); a PATCH
// merges into what the others wrote; an Idempotency-Key retried on another
// replica answers with the first receipt; concurrent writers to both replicas
// leave them with the same products (GET /v1/admin/state digests); a replica
// that was down catches up; without NATS writes are refused and reads go on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "base/strings.h"
#include "tests/cluster/replica_testing.h"

namespace vitrine::server {
namespace {

using ReplicasTest = ReplicaFixture;

TEST_F(ReplicasTest, AWriteToAnyReplicaReachesEveryReplica) {
  const HttpResult put = Send(0, "PUT", "/v1/products/c1",
                              R"({"title":"Zebra cluster tee","brand":"Nimbus","price":499})");
  ASSERT_EQ(put.status, 201) << put.body;
  EXPECT_EQ(Json::parse(put.body)["seq"], 1);
  EXPECT_TRUE(Eventually(1, "c1", [](const Json& p) { return p.value("price", 0) == 499; }));
  // Searchable there too, not only stored.
  const Json found = Json::parse(Send(1, "GET", "/v1/search?q=zebra+cluster").body);
  ASSERT_FALSE(found["hits"].empty());
  EXPECT_EQ(found["hits"][0]["id"], "c1");

  // A PATCH on the other replica merges into the product as the first wrote it.
  const HttpResult patch = Send(1, "PATCH", "/v1/products/c1", R"({"price":299})");
  ASSERT_EQ(patch.status, 200) << patch.body;
  EXPECT_EQ(Json::parse(patch.body)["seq"], 2);
  EXPECT_TRUE(Eventually(0, "c1", [](const Json& p) {
    return p.value("price", 0) == 299 && p.value("brand", "") == "Nimbus";
  }));

  const HttpResult removed = Send(0, "DELETE", "/v1/products/c1");
  ASSERT_EQ(removed.status, 200) << removed.body;
  EXPECT_TRUE(Eventually(1, "c1", [](const Json& p) { return p.empty(); }));

  // A batch is one append: its lines take consecutive seqs, bad lines none.
  const HttpResult batch =
      Send(1, "POST", "/v1/products:batch",
           "{\"id\":\"b1\",\"title\":\"Batch one\",\"price\":1}\n{\"id\":\"b2\"}\n"
           "{\"id\":\"b3\",\"title\":\"Batch three\",\"price\":3}\n{\"delete\":\"b1\"}");
  ASSERT_EQ(batch.status, 200) << batch.body;
  const Json results = Json::parse(batch.body);
  EXPECT_EQ(results["applied"], 3);
  EXPECT_EQ(results["rejected"], 1);
  EXPECT_EQ(results["results"][3]["seq"], 6);
  EXPECT_EQ(Send(0, "GET", "/v1/products/b3?min_seq=6").status, 200);
  EXPECT_EQ(Send(0, "GET", "/v1/products/b1?min_seq=6").status, 404);
}

TEST_F(ReplicasTest, MinSeqReadsYourWritesOnAnotherReplica) {
  for (int i = 0; i < 5; ++i) {
    const std::string id = "ryw" + std::to_string(i);
    const HttpResult put =
        Send(i % 2, "PUT", "/v1/products/" + id,
             R"({"title":"Read your writes","price":)" + std::to_string(10 + i) + "}");
    ASSERT_EQ(put.status, 201) << put.body;
    const std::string seq = std::to_string(Json::parse(put.body)["seq"].get<uint64_t>());
    // At once on the other replica, no polling: the read waits for the write.
    const HttpResult got = Send(1 - i % 2, "GET", "/v1/products/" + id + "?min_seq=" + seq);
    EXPECT_EQ(got.status, 200) << got.body;
    const Json found =
        Json::parse(Send(1 - i % 2, "GET", "/v1/search?q=read+your+writes&min_seq=" + seq).body);
    EXPECT_EQ(found["total"], i + 1);
  }
  // A write this replica will not see within the wait: 503, retry.
  const HttpResult ahead = Send(0, "GET", "/v1/search?q=shirt&min_seq=1000000");
  EXPECT_EQ(ahead.status, 503) << ahead.body;
  EXPECT_EQ(ahead.Header("Retry-After"), "1");
  const HttpResult bad = Send(0, "GET", "/v1/products/ryw0?min_seq=latest");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Json::parse(bad.body)["error"]["parameter"], "min_seq");
}

TEST_F(ReplicasTest, AnIdempotentRetryOnAnotherReplicaAnswersTheFirstReceipt) {
  vitrine::testing::Headers headers = kAdmin;
  headers.emplace_back("Idempotency-Key", "order-7");
  const std::string body = R"({"title":"Linen shirt","price":1200})";
  const HttpResult first = Send(0, "PUT", "/v1/products/c2", body, headers);
  ASSERT_EQ(first.status, 201) << first.body;
  const HttpResult retried = Send(1, "PUT", "/v1/products/c2", body, headers);
  EXPECT_EQ(retried.status, 201) << retried.body;
  EXPECT_EQ(retried.Header("Idempotent-Replayed"), "true");
  EXPECT_EQ(retried.body, first.body);
  // The same key for another request is refused, on either replica.
  const HttpResult reused = Send(1, "PUT", "/v1/products/c3", body, headers);
  EXPECT_EQ(reused.status, 422) << reused.body;
}

TEST_F(ReplicasTest, ConcurrentWritersOnBothReplicasLeaveThemTheSame) {
  // Four writers, two per replica: each puts its own products and patches
  // shared ones, so appends race for the same place in the log.
  constexpr int kWriters = 4;
  constexpr int kWrites = 30;
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Send(i % 2, "PUT", "/v1/products/shared" + std::to_string(i),
                   R"({"title":"Shared","price":1})")
                  .status,
              201);
  }
  std::atomic<int> failed = 0;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kWrites; ++i) {
        const std::string own = "w" + std::to_string(w) + "-" + std::to_string(i);
        const HttpResult put =
            Send(w % 2, "PUT", "/v1/products/" + own,
                 R"({"title":"Writer product","price":)" + std::to_string(100 + i) + "}");
        const HttpResult patch = Send(w % 2, "PATCH", "/v1/products/shared" + std::to_string(i % 3),
                                      R"({"title":"Shared","price":)" + std::to_string(w) + "}");
        if (put.status != 201 || patch.status != 200) {
          ++failed;
          ADD_FAILURE() << put.status << " " << put.body << " / " << patch.status << " "
                        << patch.body;
        }
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(failed, 0);
  // Both replicas end with the same products (the shared ones: the last patch
  // in log order, whichever replica took it).
  std::vector<std::string> ids = {"shared0", "shared1", "shared2"};
  for (int w = 0; w < kWriters; ++w) {
    for (int i = 0; i < kWrites; ++i)
      ids.push_back("w" + std::to_string(w) + "-" + std::to_string(i));
  }
  // Same products on both (the shared ones: the last patch in log order,
  // whichever replica took it), by digest and product by product.
  const Json state = Converged();
  EXPECT_EQ(state["writes"]["applied_seq"], 3 + 2 * kWriters * kWrites);
  EXPECT_EQ(state["products"]["count"], 12 + 3 + kWriters * kWrites);
  for (const std::string& id : ids) {
    const HttpResult on_first = Send(0, "GET", "/v1/products/" + id);
    EXPECT_EQ(on_first.status, 200) << id;
    EXPECT_EQ(on_first.body, Send(1, "GET", "/v1/products/" + id).body) << id;
  }
  // And searches answer alike: the same hits in the same order, totals and facets.
  for (const char* query :
       {"q=writer+product&per_page=50&facets=brand,price", "q=shared", "q=shirt&sort=price_asc",
        "q=&per_page=100&facets=gender", "q=product&range.price=100..110"}) {
    Json first = Json::parse(Send(0, "GET", std::string("/v1/search?") + query).body);
    Json second = Json::parse(Send(1, "GET", std::string("/v1/search?") + query).body);
    first.erase("took_ms");
    second.erase("took_ms");
    EXPECT_EQ(first, second) << query;
  }
}

TEST_F(ReplicasTest, TheAdminStateNeedsTheAdminKeyAndTracksWrites) {
  EXPECT_EQ(Send(0, "GET", "/v1/admin/state", "", {}).status, 401);
  const Json before = Converged();
  EXPECT_EQ(before["products"]["count"], 12);
  EXPECT_EQ(before["writes"]["logged_seq"], 0);
  ASSERT_EQ(Send(1, "PUT", "/v1/products/c7", R"({"title":"Digest","price":3})").status, 201);
  const Json after = Converged();
  EXPECT_EQ(after["writes"]["applied_seq"], 1);
  EXPECT_EQ(after["products"]["count"], 13);
  EXPECT_NE(after["products"]["digest"], before["products"]["digest"]);
  // Back to the same products, back to the same digest (order-independent).
  ASSERT_EQ(Send(0, "DELETE", "/v1/products/c7").status, 200);
  EXPECT_EQ(Converged()["products"], before["products"]);
}

TEST_F(ReplicasTest, AReplicaThatWasDownCatchesUp) {
  replicas_[1].reset();  // down
  ASSERT_EQ(Send(0, "PUT", "/v1/products/c4", R"({"title":"While away","price":5})").status, 201);
  ASSERT_EQ(Send(0, "DELETE", "/v1/products/c4").status, 200);
  ASSERT_EQ(Send(0, "PUT", "/v1/products/c5", R"({"title":"Also while away","price":6})").status,
            201);
  replicas_[1] = StartReplica(1);
  ASSERT_NE(replicas_[1], nullptr);
  EXPECT_TRUE(Eventually(1, "c5", [](const Json& p) { return p.value("price", 0) == 6; }));
  EXPECT_EQ(Send(1, "GET", "/v1/products/c4").status, 404);
  EXPECT_EQ(Converged()["writes"]["applied_seq"], 3);
}

TEST_F(ReplicasTest, WithoutTheLogWritesAreRefusedAndReadsGoOn) {
  nats_.Kill();
  const HttpResult refused = Send(0, "PUT", "/v1/products/c6", R"({"title":"Lost","price":1})");
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(Json::parse(refused.body)["error"]["code"], "unavailable");
  EXPECT_FALSE(refused.Header("Retry-After").empty());
  const HttpResult read = Send(1, "GET", "/v1/search?q=shirt");
  EXPECT_EQ(read.status, 200) << read.body;
  ASSERT_TRUE(nats_.Start());
  int status = 0;
  for (int i = 0; i < 100 && status != 201; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = Send(0, "PUT", "/v1/products/c6", R"({"title":"Back","price":1})").status;
  }
  EXPECT_EQ(status, 201);
  EXPECT_TRUE(Eventually(1, "c6", [](const Json& p) { return p.value("title", "") == "Back"; }));
}

// A replica's /metrics, with the cluster's gauges and counters, is an
// exposition Prometheus accepts: promtool (Debian prometheus) parses and lints
// it; and it has every series deploy/'s alert rules and dashboard use.
TEST_F(ReplicasTest, TheMetricsExpositionPassesPromtool) {
  ASSERT_EQ(Send(0, "PUT", "/v1/products/m1", R"({"title":"Metric tee","price":1})").status, 201);
  ASSERT_EQ(Send(1, "GET", "/v1/search?q=tee").status, 200);
  ASSERT_EQ(Send(1, "GET", "/v1/search?q=zzqxv").status, 200);  // finds nothing
  const HttpResult metrics = Send(1, "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  for (const char* series :
       {"vitrine_writes_applied_seq ", "vitrine_writes_lag ", "vitrine_nats_connected 1",
        "vitrine_config_version ", "vitrine_write_log_conflicts_total ",
        "vitrine_cluster_reindex_failed ", "vitrine_http_request_duration_seconds_bucket{",
        "vitrine_searches_total 2", "vitrine_search_zero_results_total 1",
        "vitrine_search_cache_misses_total "}) {
    EXPECT_THAT(metrics.body, ::testing::HasSubstr(series));
  }
  const std::string path = dir_.Sub("metrics.txt");
  std::ofstream(path) << metrics.body;
  const int status = std::system(
      ("/usr/bin/promtool check metrics < " + path + " > " + path + ".out 2>&1").c_str());
  EXPECT_EQ(status, 0) << vitrine::testing::ReadFile(path + ".out");

  // Every series the alert rules and the Grafana dashboard name is one a
  // replica exposes (a renamed metric would silence its alert).
  for (const char* file : {"deploy/prometheus/alerts.yaml", "deploy/grafana/vitrine.json"}) {
    const std::string text = vitrine::testing::ReadFile(TestData(StrCat("../../", file)));
    int named = 0;
    for (size_t at = 0; at < text.size(); ++at) {
      const bool starts =
          text.compare(at, 8, "vitrine_") == 0 || text.compare(at, 8, "process_") == 0;
      if (!starts || (at > 0 && (std::isalnum(static_cast<unsigned char>(text[at - 1])) ||
                                 text[at - 1] == '_'))) {
        continue;
      }
      size_t end = at;
      while (end < text.size() &&
             (std::islower(static_cast<unsigned char>(text[end])) || text[end] == '_')) {
        ++end;
      }
      const std::string name = text.substr(at, end - at);
      at = end;
      ++named;
      EXPECT_TRUE(metrics.body.find("\n" + name + " ") != std::string::npos ||
                  metrics.body.find("\n" + name + "{") != std::string::npos)
          << file << " names " << name << ", which /metrics lacks";
    }
    EXPECT_GT(named, 5) << file;
  }
}

}  // namespace
}  // namespace vitrine::server
