// Convergence of a cluster (3 `vitrine serve --nats` replicas on a 3-node
// JetStream cluster, built from the bundled Myntra catalog): 8 clients send
// 5,000 mixed product writes (PUT, PATCH, DELETE, NDJSON batches, many to the
// same products) to random replicas, retrying a failed one with the same
// Idempotency-Key on another, while two of them also change the merchandising
// config (rules, synonym sets, ranking). Afterwards every replica reports the
// same products and config digests at the same applied sequence, and answers
// 200 storefront workload queries (tests/testdata/workload-200.paths: every
// tenth request of bench/workload's storefront workload) alike: the same ids
// in the same order, the same totals.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/process_cluster.h"

namespace vitrine {
namespace {

constexpr int kClients = 8;
constexpr int kWrites = 5000;
constexpr int kPool = 300;  // product ids the clients share

class ConvergenceTest : public ProcessCluster {
 protected:
  std::vector<std::string> Feeds() const override {
    return {testing::TestData("../../data/catalog/myntra-products.jsonl.gz")};
  }
};

// Sends one write to random replicas until one answers other than 5xx (at most
// 20 tries, the same Idempotency-Key each time); its status, 0 if none did.
int Send(const std::vector<uint16_t>& ports, std::mt19937& random, std::string_view method,
         const std::string& target, const std::string& body, const std::string& key) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const uint16_t port = ports[random() % ports.size()];
    try {
      testing::Headers headers = {{"X-API-Key", kAdminKey}};
      if (!key.empty()) headers.push_back({"Idempotency-Key", key});
      const HttpResult result = HttpConnection(port).Request(method, target, body, headers);
      if (result.status < 500) return result.status;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

std::string Product(int id, int version) {
  static const char* const kBrands[] = {"Roadster", "Nike", "Puma", "Mango", "HRX"};
  return StrCat(R"({"title":"Convergence tee )", id, " v", version, R"(","brand":")",
                kBrands[(id + version) % 5], R"(","price":)", 100 + (id * 7 + version) % 900,
                R"(,"in_stock":)", version % 3 == 0 ? "false" : "true", "}");
}

// One config change by `client` (rules, synonym sets, ranking; no If-Match).
int ChangeConfig(const std::vector<uint16_t>& ports, std::mt19937& random, int client, int n) {
  switch (n % 3) {
    case 0:
      return Send(ports, random, "PUT", StrCat("/v1/config/rules/boost-", client, "-", n % 4),
                  StrCat(R"({"conditions":{"query":{"equals":"shirt"}},"consequences":{"boost":)",
                         R"([{"filter":{"brand":["Roadster"]},"factor":)", 1 + n % 5, "}]}}"),
                  "");
    case 1:
      return Send(ports, random, "PUT", StrCat("/v1/config/synonyms/syn-", client, "-", n % 3),
                  StrCat(R"({"synonyms":["tee","t-shirt","tshirt )", n, R"("]})"), "");
    default:
      return Send(ports, random, "PUT", "/v1/config/ranking",
                  StrCat(R"({"signals":{"popularity":0.)", n % 5, "}}"), "");
  }
}

TEST_F(ConvergenceTest, ReplicasAgreeAfterConcurrentWritesAndConfigChanges) {
  // Catalog products the clients also change.
  const Json catalog = Json::parse(Direct(0, "/v1/search?q=shirt&per_page=50").body);
  std::vector<std::string> catalog_ids;
  for (const Json& hit : catalog["hits"]) catalog_ids.push_back(hit["id"]);
  ASSERT_EQ(catalog_ids.size(), 50u);
  const std::vector<uint16_t> ports(ports_.begin(), ports_.begin() + kReplicas);

  std::atomic<int> failed = 0;
  std::atomic<int> config_changes = 0;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937 random(c + 1);
      for (int n = 0; n < kWrites / kClients; ++n) {
        const std::string key = StrCat("client", c, "-", n);
        const int id = static_cast<int>(random() % kPool);
        const int pick = static_cast<int>(random() % 100);
        int status = 0;
        if (pick < 40) {
          status = Send(ports, random, "PUT", StrCat("/v1/products/cv", id), Product(id, n), key);
        } else if (pick < 60) {
          status = Send(ports, random, "PATCH", StrCat("/v1/products/cv", id),
                        StrCat(R"({"price":)", 50 + n, "}"), key);
        } else if (pick < 70) {
          status = Send(ports, random, "PATCH",
                        StrCat("/v1/products/", catalog_ids[random() % catalog_ids.size()]),
                        StrCat(R"({"in_stock":)", n % 2 == 0 ? "true" : "false", "}"), key);
        } else if (pick < 80) {
          status = Send(ports, random, "DELETE", StrCat("/v1/products/cv", id), "", key);
        } else {
          std::ostringstream batch;
          for (int line = 0; line < 4; ++line) {
            const int other = static_cast<int>(random() % kPool);
            batch << R"({"id":"cv)" << other << R"(",)" << Product(other, n).substr(1) << "\n";
          }
          batch << R"({"delete":"cv)" << random() % kPool << R"("})";
          status = Send(ports, random, "POST", "/v1/products:batch", batch.str(), key);
        }
        // 404: a PATCH or DELETE of a product another client deleted.
        if (status != 200 && status != 201 && status != 404) ++failed;
        if (c < 2 && n % 40 == 39) {
          if (ChangeConfig(ports, random, c, n / 40) == 200) ++config_changes;
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(failed, 0);
  EXPECT_GT(config_changes, 20);

  const Json state = Converged(kReplicas, 60);
  RecordProperty("applied_seq", state["writes"]["applied_seq"].dump());
  EXPECT_GE(state["writes"]["applied_seq"].get<int>(), kWrites);
  EXPECT_GE(state["config"]["version"].get<int>(), config_changes.load());

  for (int i = 0; i < kReplicas; ++i) {
    const std::string metrics = Direct(i, "/metrics").body;
    EXPECT_NE(metrics.find("vitrine_writes_lag 0\n"), std::string::npos) << "replica " << i;
    EXPECT_NE(metrics.find("\nvitrine_write_log_conflicts_total "), std::string::npos);
    EXPECT_NE(
        metrics.find(StrCat("\nvitrine_config_version ", state["config"]["version"].get<int>())),
        std::string::npos);
  }

  // The same answers everywhere: ids in order and totals.
  std::istringstream paths(testing::ReadFile(testing::TestData("workload-200.paths")));
  int queries = 0;
  for (std::string path; std::getline(paths, path);) {
    std::vector<Json> answers;
    for (int i = 0; i < kReplicas; ++i) {
      const HttpResult result = Direct(i, path);
      ASSERT_EQ(result.status, 200) << path << ": " << result.body;
      const Json body = Json::parse(result.body);
      Json ids = Json::array();
      for (const Json& hit : body["hits"]) ids.push_back(hit["id"]);
      answers.push_back({{"total", body["total"]}, {"ids", ids}});
    }
    for (int i = 1; i < kReplicas; ++i) {
      EXPECT_EQ(answers[i], answers[0]) << "replica " << i << " answers " << path << " otherwise";
    }
    ++queries;
  }
  EXPECT_EQ(queries, 200);
}

}  // namespace
}  // namespace vitrine
