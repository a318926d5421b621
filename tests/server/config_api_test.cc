// The merchandising config routes through Api::Handle (no sockets): auth, CRUD,
// versions with If-Match, history, rollback, and rules showing up in search.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "indexer/generations.h"
#include "indexer/reindex.h"
#include "merch/config_store.h"
#include "server/api.h"
#include "tests/server/server_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr std::string_view kSearchKey = "search-key";

constexpr std::string_view kPinRule = R"({"id": "jeans-hero",
    "conditions": {"query": {"equals": "jeans"}},
    "consequences": {"pin": [{"id": "1006", "position": 1}], "banner": {"text": "Denim"}}})";

class ConfigApiTest : public ::testing::Test {
 protected:
  ConfigApiTest()
      : pool_(BuildFixtureIndex(dir_.Sub("data"))),
        config_(merch::ConfigStore::Open(dir_.Sub("config")).value()),
        api_(pool_, metrics_, log_,
             {.admin = std::string(kAdminKey), .search = std::string(kSearchKey)}) {
    api_.SetConfig(config_.get());
    pool_.SetConfig([this] { return config_->snapshot(); });
  }

  HttpResponse Call(std::string method, std::string target, std::string body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {
                        {"x-api-key", std::string(kAdminKey)}}) {
    return api_.Handle({.method = std::move(method),
                        .target = std::move(target),
                        .headers = std::move(headers),
                        .body = std::move(body)});
  }

  vitrine::testing::TempDir dir_;
  query::SearcherPool pool_;
  std::unique_ptr<merch::ConfigStore> config_;
  Metrics metrics_;
  AccessLog log_{-1};
  Api api_;
};

TEST_F(ConfigApiTest, ConfigRoutesNeedTheAdminKey) {
  const HttpResponse anonymous = Call("GET", "/v1/config/rules", {}, {});
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  const HttpResponse search_key = Call("POST", "/v1/config/rules", std::string(kPinRule),
                                       {{"x-api-key", std::string(kSearchKey)}});
  EXPECT_EQ(search_key.status, 403) << search_key.body;
  const HttpResponse wrong =
      Call("GET", "/v1/config/history", {}, {{"authorization", "Bearer nope"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(config_->version(), 0u);
  EXPECT_EQ(Call("GET", "/v1/config/rules", {}, {{"authorization", "Bearer admin-secret"}}).status,
            200);
}

TEST(ConfigApiWithoutAdminKeyTest, TheRefusalNamesTheRouteAndWhatItNeeds) {
  vitrine::testing::TempDir dir;
  query::SearcherPool pool(BuildFixtureIndex(dir.Sub("data")));
  Metrics metrics;
  AccessLog log(-1);
  Api api(pool, metrics, log, {.search = std::string(kSearchKey)});
  for (const auto& [method, target] :
       {std::pair{"GET", "/v1/config?x=1"}, std::pair{"POST", "/v1/config/rules"},
        std::pair{"PUT", "/v1/products/7"}}) {
    const HttpResponse refused = api.Handle({.method = method,
                                             .target = target,
                                             .headers = {{"x-api-key", std::string(kSearchKey)}},
                                             .body = {}});
    EXPECT_EQ(refused.status, 403) << refused.body;
    const std::string path = std::string(target).substr(0, std::string(target).find('?'));
    EXPECT_THAT(Json::parse(refused.body)["error"]["message"].get<std::string>(),
                HasSubstr(std::string(method) + " " + path + " needs the admin key"));
  }
}

TEST_F(ConfigApiTest, CreateThenSearchShowsAppliedRulesAndBanner) {
  const HttpResponse created = Call("POST", "/v1/config/rules", std::string(kPinRule));
  ASSERT_EQ(created.status, 201) << created.body;
  const Json body = Json::parse(created.body);
  EXPECT_EQ(body["version"], 1);
  EXPECT_EQ(body["rule"]["id"], "jeans-hero");
  const Json search = Json::parse(
      Call("GET", "/v1/search?q=jeans", {}, {{"x-api-key", std::string(kSearchKey)}}).body);
  EXPECT_EQ(search["applied_rules"], Json::array({"jeans-hero"}));
  EXPECT_EQ(search["banner"], Json({{"text", "Denim"}}));
  ASSERT_GE(search["hits"].size(), 1u);
  EXPECT_EQ(search["hits"][0]["id"], "1006");
  EXPECT_EQ(search["hits"][0]["product"]["brand"], "Fossil");
  const Json other = Json::parse(
      Call("GET", "/v1/search?q=shirt", {}, {{"x-api-key", std::string(kSearchKey)}}).body);
  EXPECT_EQ(other["applied_rules"], Json::array());
  EXPECT_FALSE(other.contains("banner"));
}

TEST_F(ConfigApiTest, CrudAnswersWithVersions) {
  ASSERT_EQ(Call("POST", "/v1/config/rules", std::string(kPinRule)).status, 201);
  EXPECT_EQ(Call("POST", "/v1/config/rules", std::string(kPinRule)).status, 409);
  const HttpResponse got = Call("GET", "/v1/config/rules/jeans-hero");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(Json::parse(got.body)["rule"]["consequences"]["pin"][0]["id"], "1006");
  const HttpResponse put = Call("PUT", "/v1/config/rules/jeans-hero",
                                R"({"priority": 4, "consequences": {"hide": ["1002"]}})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json::parse(put.body)["version"], 2);
  EXPECT_EQ(Json::parse(put.body)["rule"]["priority"], 4);
  const Json listed = Json::parse(Call("GET", "/v1/config/rules").body);
  EXPECT_EQ(listed["version"], 2);
  ASSERT_EQ(listed["rules"].size(), 1u);
  const HttpResponse deleted = Call("DELETE", "/v1/config/rules/jeans-hero");
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(Json::parse(deleted.body)["version"], 3);
  EXPECT_EQ(Call("GET", "/v1/config/rules/jeans-hero").status, 404);
  EXPECT_EQ(Call("DELETE", "/v1/config/rules/jeans-hero").status, 404);
  EXPECT_EQ(Call("PATCH", "/v1/config/rules/jeans-hero").status, 405);
}

TEST_F(ConfigApiTest, ValidationErrorsAre400NamingTheField) {
  const HttpResponse response =
      Call("POST", "/v1/config/rules",
           R"({"id": "x", "consequences": {"pin": [{"id": "1", "position": 0}]}})");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Json::parse(response.body)["error"]["parameter"], "consequences.pin[0].position");
  const HttpResponse mismatch =
      Call("PUT", "/v1/config/rules/a", R"({"id": "b", "consequences": {}})");
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_EQ(Json::parse(mismatch.body)["error"]["parameter"], "id");
}

TEST_F(ConfigApiTest, IfMatchConflictIs409) {
  ASSERT_EQ(Call("POST", "/v1/config/rules", std::string(kPinRule),
                 {{"x-api-key", std::string(kAdminKey)}, {"if-match", "\"0\""}})
                .status,
            201);
  const HttpResponse stale = Call("DELETE", "/v1/config/rules/jeans-hero", {},
                                  {{"x-api-key", std::string(kAdminKey)}, {"if-match", "0"}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  const HttpResponse fresh = Call("DELETE", "/v1/config/rules/jeans-hero", {},
                                  {{"x-api-key", std::string(kAdminKey)}, {"if-match", "1"}});
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(Call("GET", "/v1/config/rules", {},
                 {{"x-api-key", std::string(kAdminKey)}, {"if-match", "v1"}})
                .status,
            400);
}

TEST_F(ConfigApiTest, HistoryAndRollback) {
  ASSERT_EQ(Call("POST", "/v1/config/rules", std::string(kPinRule)).status, 201);
  ASSERT_EQ(Call("DELETE", "/v1/config/rules/jeans-hero").status, 200);
  const Json history = Json::parse(Call("GET", "/v1/config/history?limit=10").body);
  ASSERT_EQ(history["events"].size(), 2u);
  EXPECT_EQ(history["events"][0]["action"], "delete");
  EXPECT_EQ(history["events"][0]["who"], "admin");
  EXPECT_EQ(history["events"][0]["changes"][0]["before"]["id"], "jeans-hero");
  EXPECT_TRUE(history["events"][0]["changes"][0]["after"].is_null());
  const HttpResponse rolled = Call("POST", "/v1/config/rollback/1");
  ASSERT_EQ(rolled.status, 200) << rolled.body;
  EXPECT_EQ(Json::parse(rolled.body)["version"], 3);
  const Json search = Json::parse(
      Call("GET", "/v1/search?q=jeans", {}, {{"x-api-key", std::string(kSearchKey)}}).body);
  EXPECT_EQ(search["applied_rules"], Json::array({"jeans-hero"}));
  EXPECT_EQ(Call("POST", "/v1/config/rollback/99").status, 404);
  EXPECT_EQ(Call("GET", "/v1/config/history?limit=0").status, 400);
}

}  // namespace
}  // namespace vitrine::server
