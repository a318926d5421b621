// GET/PUT /v1/config/ranking on a Service on an ephemeral loopback port: the
// defaults, validation, versions with If-Match, auth, live effect on search
// and rollback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "indexer/reindex.h"
#include "server/service.h"
#include "tests/testing/http_client.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using vitrine::testing::HttpConnection;
using vitrine::testing::HttpResult;
using Json = nlohmann::json;

constexpr std::string_view kAdminKey = "admin-secret";
constexpr std::string_view kSearchKey = "search-key";
constexpr std::string_view kPopular = R"({"signals": {"popularity": 0.1}})";

class RankingApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(indexer::Reindex({.feeds = {vitrine::testing::TestData("products.jsonl")},
                                  .data_dir = dir_.Sub("data")})
                    .ok());
    ServeOptions options;
    options.data_dir = dir_.Sub("data");
    options.http.port = 0;
    options.http.threads = 2;
    options.reload_interval = std::chrono::seconds(60);
    options.access_log = false;
    options.keys.admin = std::string(kAdminKey);
    options.keys.search = std::string(kSearchKey);
    absl::StatusOr<std::unique_ptr<Service>> service = Service::Start(options);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = std::move(*service);
    connection_ = std::make_unique<HttpConnection>(service_->port());
  }

  HttpResult Admin(std::string_view method, std::string_view target, std::string_view body = {},
                   vitrine::testing::Headers headers = {}) {
    headers.emplace_back("X-API-Key", std::string(kAdminKey));
    return connection_->Request(method, target, body, headers);
  }

  // The ids of the hits of a search.
  std::vector<std::string> Search(std::string_view query) {
    const HttpResult result =
        connection_->Get(StrCat("/v1/search?q=", query), {{"X-API-Key", std::string(kSearchKey)}});
    EXPECT_EQ(result.status, 200) << result.body;
    std::vector<std::string> ids;
    const Json body = Json::parse(result.body);
    for (const Json& hit : body["hits"]) ids.push_back(hit["id"]);
    return ids;
  }

  vitrine::testing::TempDir dir_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpConnection> connection_;
};

TEST_F(RankingApiTest, GetAnswersTheDefaultsWithTheVersion) {
  const HttpResult result = Admin("GET", "/v1/config/ranking");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.Header("etag"), "\"0\"");
  const Json body = Json::parse(result.body);
  EXPECT_EQ(body["version"], 0);
  EXPECT_EQ(body["fields"], Json::parse(R"({"title": 3, "brand": 2, "category": 3, "color": 1.5,
                                            "gender": 1, "description": 0.5})"));
  EXPECT_EQ(body["signals"], Json::parse(R"({"popularity": 0, "in_stock": 0, "recency": 0,
                                             "rating": 0, "attribute": null})"));
}

TEST_F(RankingApiTest, TheRoutesNeedTheAdminKey) {
  EXPECT_EQ(connection_->Get("/v1/config/ranking").status, 401);
  EXPECT_EQ(
      connection_
          ->Request("PUT", "/v1/config/ranking", kPopular, {{"X-API-Key", std::string(kSearchKey)}})
          .status,
      403);
  EXPECT_EQ(Json::parse(Admin("GET", "/v1/config/ranking").body)["version"], 0);
  EXPECT_EQ(Admin("DELETE", "/v1/config/ranking").status, 405);
}

TEST_F(RankingApiTest, PutReplacesTheWeightsAndTakesEffectAtOnce) {
  EXPECT_THAT(Search("jeans"), ::testing::ElementsAre("1002", "1011"));
  const HttpResult put = Admin("PUT", "/v1/config/ranking",
                               R"({"fields": {"description": 1}, "signals": {"popularity": 0.1}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.Header("etag"), "\"1\"");
  const Json body = Json::parse(put.body);
  EXPECT_EQ(body["version"], 1);
  EXPECT_EQ(body["fields"]["description"], 1);
  EXPECT_EQ(body["fields"]["title"], 3);
  EXPECT_EQ(body["signals"]["popularity"], 0.1);
  EXPECT_EQ(Json::parse(Admin("GET", "/v1/config/ranking").body), body);
  // The more popular pair of jeans first, from the next search on (no cache).
  EXPECT_THAT(Search("jeans"), ::testing::ElementsAre("1011", "1002"));
  EXPECT_EQ(Json::parse(Admin("GET", "/v1/config").body)["version"], 1);
}

TEST_F(RankingApiTest, BadWeightsAre400NamingTheFieldAndChangeNothing) {
  const struct {
    std::string_view body;
    std::string_view parameter;
  } kCases[] = {
      {R"({"fields": {"titel": 3}})", "fields.titel"},
      {R"({"fields": {"title": -1}})", "fields.title"},
      {R"({"signals": {"popularity": 0.4, "rating": 0.2}})", "signals"},
      {R"({"signals": {"clicks": 0.1}})", "signals.clicks"},
      {R"({"signals": {"attribute": {"name": "", "weight": 0.1}}})", "signals.attribute.name"},
      {"not json", "ranking"},
  };
  for (const auto& test : kCases) {
    const HttpResult result = Admin("PUT", "/v1/config/ranking", test.body);
    EXPECT_EQ(result.status, 400) << test.body;
    EXPECT_EQ(Json::parse(result.body)["error"]["parameter"], test.parameter) << result.body;
  }
  EXPECT_EQ(Json::parse(Admin("GET", "/v1/config/ranking").body)["version"], 0);
}

TEST_F(RankingApiTest, IfMatchRefusesAStaleVersion) {
  ASSERT_EQ(Admin("PUT", "/v1/config/ranking", kPopular, {{"If-Match", "\"0\""}}).status, 200);
  const HttpResult stale = Admin("PUT", "/v1/config/ranking", "{}", {{"If-Match", "\"0\""}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(Json::parse(Admin("GET", "/v1/config/ranking").body)["signals"]["popularity"], 0.1);
  EXPECT_EQ(Admin("PUT", "/v1/config/ranking", "{}", {{"If-Match", "\"1\""}}).status, 200);
}

TEST_F(RankingApiTest, RollbackRestoresTheRankingAndHistoryShowsIt) {
  ASSERT_EQ(Admin("PUT", "/v1/config/ranking", kPopular).status, 200);  // version 1
  ASSERT_EQ(Search("jeans").front(), "1011");
  const HttpResult rolled = Admin("POST", "/v1/config/rollback/0");
  ASSERT_EQ(rolled.status, 200) << rolled.body;
  EXPECT_EQ(Json::parse(rolled.body)["version"], 2);
  EXPECT_EQ(Json::parse(Admin("GET", "/v1/config/ranking").body)["signals"]["popularity"], 0);
  EXPECT_THAT(Search("jeans"), ::testing::ElementsAre("1002", "1011"));
  const Json history = Json::parse(Admin("GET", "/v1/config/history").body);
  ASSERT_EQ(history["events"].size(), 2u);
  EXPECT_EQ(history["events"][1]["action"], "ranking");
  const Json& change = history["events"][0]["changes"][0];
  EXPECT_EQ(change["kind"], "ranking");
  EXPECT_EQ(change["before"]["signals"]["popularity"], 0.1);
  EXPECT_TRUE(change["after"].is_null());  // the defaults
}

}  // namespace
}  // namespace vitrine::server
