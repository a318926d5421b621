// The fixture of the in-process replica tests: Services (replicas), each with
// its own data directory built from the same feed, joined through a real
// nats-server (--nats), over real loopback HTTP.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "indexer/reindex.h"
#include "server/service.h"
#include "tests/testing/http_client.h"
#include "tests/testing/nats_server.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {

using vitrine::testing::HttpConnection;
using vitrine::testing::HttpResult;
using vitrine::testing::TestData;
using Json = nlohmann::json;

inline constexpr char kAdminKey[] = "cluster-admin";
inline const vitrine::testing::Headers kAdmin = {
    {"Authorization", std::string("Bearer ") + kAdminKey}};

class ReplicaFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 2; ++i) {
      data_dirs_.push_back(dir_.Sub("replica" + std::to_string(i)));
      absl::StatusOr<indexer::ReindexSummary> built =
          indexer::Reindex({.feeds = {TestData("products.jsonl")}, .data_dir = data_dirs_[i]});
      ASSERT_TRUE(built.ok()) << built.status();
      replicas_.push_back(StartReplica(i));
      ASSERT_NE(replicas_.back(), nullptr);
    }
  }

  std::unique_ptr<Service> StartReplica(int i) {
    ServeOptions options;
    options.data_dir = data_dirs_[i];
    options.http.port = 0;
    options.http.threads = 2;
    options.http.work.target = std::chrono::seconds(1);  // sanitizer builds: 10-50x slower
    options.access_log = false;
    options.keys.admin = kAdminKey;
    options.nats.servers = {nats_.url()};
    options.writes.commit_interval = std::chrono::milliseconds(50);
    absl::StatusOr<std::unique_ptr<Service>> service = Service::Start(options);
    EXPECT_TRUE(service.ok()) << service.status();
    return service.ok() ? std::move(*service) : nullptr;
  }

  HttpResult Send(int replica, std::string_view method, const std::string& target,
                  const std::string& body = "", vitrine::testing::Headers headers = kAdmin) {
    HttpConnection connection(replicas_[replica]->port());
    return connection.Request(method, target, body, headers);
  }

  // Polls `replica` until `done(product, or {} when there is none)` holds (up to 10 s).
  bool Eventually(int replica, const std::string& id,
                  const std::function<bool(const Json&)>& done) {
    for (int i = 0; i < 200; ++i) {
      const HttpResult result = Send(replica, "GET", "/v1/products/" + id);
      const Json product = result.status == 200 ? Json::parse(result.body) : Json::object();
      if (done(product)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // Polls until every replica reports the same products digest at the same
  // applied sequence, and the same config (up to 10 s); that state.
  Json Converged() {
    Json first;
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      first = Json::parse(Send(0, "GET", "/v1/admin/state").body);
      bool same = true;
      for (size_t i = 1; i < replicas_.size() && same; ++i) {
        const Json other = Json::parse(Send(static_cast<int>(i), "GET", "/v1/admin/state").body);
        same = other["products"] == first["products"] && other["config"] == first["config"] &&
               other["writes"]["applied_seq"] == first["writes"]["applied_seq"];
      }
      if (same) return first;
    }
    ADD_FAILURE() << "replicas did not converge: " << first.dump();
    return first;
  }

  vitrine::testing::NatsServer nats_;
  vitrine::testing::TempDir dir_;
  std::vector<std::string> data_dirs_;
  std::vector<std::unique_ptr<Service>> replicas_;
};

}  // namespace vitrine::server
