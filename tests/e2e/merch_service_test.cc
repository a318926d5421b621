// The merchandising config over real HTTP, on a Service on an ephemeral loopback
// port: synonym sets (CRUD, validation, live effect), previews of a draft config,
// named admin keys in the audit history, pin validation and pins across pages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "indexer/reindex.h"
#include "server/service.h"
#include "tests/testing/http_client.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using vitrine::testing::Headers;
using vitrine::testing::HttpConnection;
using vitrine::testing::HttpResult;
using Json = nlohmann::json;

constexpr std::string_view kLegacyAdminKey = "legacy-admin-key";
constexpr std::string_view kAliceKey = "alice-key-0001";
constexpr std::string_view kBobKey = "bob-key-000002";
constexpr std::string_view kShopKey = "shop-key-00003";

constexpr std::string_view kDenim = R"({"id": "denim", "synonyms": ["jeans", "denim"]})";

class MerchServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(indexer::Reindex({.feeds = {vitrine::testing::TestData("products.jsonl")},
                                  .data_dir = data_dir_})
                    .ok());
    ServeOptions options;
    options.data_dir = data_dir_;
    options.http.port = 0;
    options.http.threads = 2;
    options.reload_interval = std::chrono::seconds(60);
    options.access_log = false;
    options.keys = {.admin = std::string(kLegacyAdminKey),
                    .admin_keys = {{.name = "alice", .key = std::string(kAliceKey)},
                                   {.name = "bob", .key = std::string(kBobKey)}},
                    .search_keys = {{.name = "shop", .key = std::string(kShopKey)}}};
    absl::StatusOr<std::unique_ptr<Service>> service = Service::Start(options);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
  }

  HttpResult Call(std::string_view method, std::string_view target, std::string_view body = {},
                  std::string_view key = kAliceKey, Headers headers = {}) {
    if (!key.empty()) headers.emplace_back("X-API-Key", std::string(key));
    HttpConnection connection(service_->port());
    return connection.Request(method, target, body, headers);
  }
  Json CallJson(std::string_view method, std::string_view target, std::string_view body,
                int expected_status, std::string_view key = kAliceKey) {
    const HttpResult result = Call(method, target, body, key);
    EXPECT_EQ(result.status, expected_status) << method << " " << target << ": " << result.body;
    return Json::parse(result.body, nullptr, false);
  }
  std::vector<std::string> SearchIds(std::string_view target) {
    const Json body = CallJson("GET", target, {}, 200, kShopKey);
    std::vector<std::string> ids;
    for (const Json& hit : body["hits"]) ids.push_back(hit["id"].get<std::string>());
    return ids;
  }
  static std::vector<std::string> IdsOf(const Json& response) {
    std::vector<std::string> ids;
    for (const Json& hit : response["hits"]) ids.push_back(hit["id"].get<std::string>());
    return ids;
  }

  vitrine::testing::TempDir dir_;
  const std::string data_dir_ = dir_.Sub("data");
  std::unique_ptr<Service> service_;
};

TEST_F(MerchServiceTest, SynonymRoutesNeedAnAdminKey) {
  EXPECT_EQ(Call("GET", "/v1/config/synonyms", {}, {}).status, 401);
  EXPECT_EQ(Call("POST", "/v1/config/synonyms", kDenim, kShopKey).status, 403);
  EXPECT_EQ(Call("POST", "/v1/config/preview", "{}", {}).status, 401);
  EXPECT_EQ(Call("POST", "/v1/config/preview", "{}", kShopKey).status, 403);
  EXPECT_EQ(Call("GET", "/v1/config/synonyms", {}, "wrong-key-000").status, 403);
  EXPECT_EQ(Call("GET", "/v1/search?q=jeans", {}, {}).status, 401);
  EXPECT_EQ(Call("GET", "/v1/search?q=jeans", {}, kShopKey).status, 200);
  EXPECT_EQ(Call("GET", "/v1/config/synonyms", {}, kBobKey).status, 200);
  EXPECT_EQ(Call("GET", "/v1/config/synonyms", {}, kLegacyAdminKey).status, 200);
  EXPECT_EQ(CallJson("GET", "/v1/config", {}, 200)["version"], 0);
}

TEST_F(MerchServiceTest, SynonymSetsCrudWithVersionsAndIfMatch) {
  const Json created = CallJson("POST", "/v1/config/synonyms", kDenim, 201);
  EXPECT_EQ(created["version"], 1);
  EXPECT_EQ(created["synonym_set"]["synonyms"], Json::array({"jeans", "denim"}));
  EXPECT_EQ(Call("POST", "/v1/config/synonyms", kDenim).status, 409);
  const Json one_way =
      CallJson("PUT", "/v1/config/synonyms/kicks",
               R"({"input": "kicks", "synonyms": ["sneakers", "running shoes"]})", 200);
  EXPECT_EQ(one_way["version"], 2);
  EXPECT_EQ(one_way["synonym_set"]["id"], "kicks");
  EXPECT_EQ(one_way["synonym_set"]["input"], "kicks");
  const Json listed = CallJson("GET", "/v1/config/synonyms", {}, 200);
  EXPECT_EQ(listed["version"], 2);
  ASSERT_EQ(listed["synonyms"].size(), 2u);
  EXPECT_EQ(listed["synonyms"][0]["id"], "denim");
  EXPECT_EQ(listed["synonyms"][1]["id"], "kicks");
  EXPECT_EQ(CallJson("GET", "/v1/config/synonyms/kicks", {}, 200)["synonym_set"]["synonyms"],
            Json::array({"sneakers", "running shoes"}));
  const HttpResult stale =
      Call("DELETE", "/v1/config/synonyms/kicks", {}, kAliceKey, {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 409) << stale.body;
  const HttpResult fresh =
      Call("DELETE", "/v1/config/synonyms/kicks", {}, kAliceKey, {{"If-Match", "\"2\""}});
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(Json::parse(fresh.body)["version"], 3);
  EXPECT_EQ(fresh.Header("etag"), "\"3\"");
  EXPECT_EQ(Call("GET", "/v1/config/synonyms/kicks").status, 404);
  EXPECT_EQ(Call("DELETE", "/v1/config/synonyms/kicks").status, 404);
  EXPECT_EQ(Call("PATCH", "/v1/config/synonyms/denim").status, 405);
  EXPECT_EQ(CallJson("PUT", "/v1/config/synonyms/a", R"({"id": "b", "synonyms": ["x", "y"]})",
                     400)["error"]["parameter"],
            "id");
  // Rules and synonym sets have their own ids.
  EXPECT_EQ(Call("GET", "/v1/config/rules/denim").status, 404);
}

TEST_F(MerchServiceTest, InvalidSynonymSetsAre400NamingTheField) {
  const std::string long_word(101, 'x');
  std::string many = R"({"id": "many", "synonyms": [)";
  for (int i = 0; i < 33; ++i) many += (i ? ",\"w" : "\"w") + std::to_string(i) + "\"";
  many += "]}";
  const struct {
    std::string body;
    std::string parameter;
  } kCases[] = {
      {R"({"id": "e", "synonyms": []})", "synonyms"},
      {R"({"id": "e", "synonyms": ["jeans", ""]})", "synonyms[1]"},
      {many, "synonyms"},
      {"{\"id\": \"u\", \"synonyms\": [\"jeans\", \"den\xFFim\"]}", "synonyms[1]"},
      {R"({"id": "l", "synonyms": [")" + long_word + R"(", "jeans"]})", "synonyms[0]"},
      {R"({"id": "o", "input": "  ", "synonyms": ["jeans"]})", "input"},
      {R"({"id": "k", "synonyms": ["jeans", "denim"], "extra": 1})", "extra"},
  };
  for (const auto& c : kCases) {
    const Json body = CallJson("POST", "/v1/config/synonyms", c.body, 400);
    EXPECT_EQ(body["error"]["parameter"], c.parameter) << c.body;
  }
  EXPECT_EQ(CallJson("GET", "/v1/config", {}, 200)["version"], 0);  // nothing stored
}

TEST_F(MerchServiceTest, SynonymsTakeEffectOnEveryThreadWithoutAReindex) {
  // Searched (and cached) before the change, on several connections.
  for (int i = 0; i < 4; ++i) EXPECT_THAT(SearchIds("/v1/search?q=denim"), ElementsAre("1005"));
  ASSERT_EQ(Call("POST", "/v1/config/synonyms", kDenim).status, 201);
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(SearchIds("/v1/search?q=denim"), ElementsAre("1005", "1002", "1011"));
    EXPECT_THAT(SearchIds("/v1/search?q=jeans"), ElementsAre("1002", "1011", "1005"));
  }
  ASSERT_EQ(Call("PUT", "/v1/config/synonyms/kurta",
                 R"({"input": "kurta", "synonyms": ["summer dress"]})")
                .status,
            200);
  EXPECT_THAT(SearchIds("/v1/search?q=kurta"), ElementsAre("1008", "1012"));
  EXPECT_THAT(SearchIds("/v1/search?q=summer+dress"), ElementsAre("1012"));  // one way
  ASSERT_EQ(Call("DELETE", "/v1/config/synonyms/denim").status, 200);
  EXPECT_THAT(SearchIds("/v1/search?q=denim"), ElementsAre("1005"));
  ASSERT_EQ(Call("POST", "/v1/config/rollback/2").status, 200);
  EXPECT_THAT(SearchIds("/v1/search?q=denim"), ElementsAre("1005", "1002", "1011"));
}

TEST_F(MerchServiceTest, PreviewShowsLiveAndDraftSideBySideAndChangesNothing) {
  ASSERT_EQ(Call("POST", "/v1/config/rules",
                 R"({"id": "jeans-hero", "conditions": {"query": {"equals": "jeans"}},
                     "consequences": {"pin": [{"id": "1011", "position": 1}]}})")
                .status,
            201);
  const Json preview = CallJson("POST", "/v1/config/preview", R"({
      "search": {"q": "jeans", "per_page": 5},
      "config": {"rules": [{"id": "hide-levis", "consequences": {"hide": ["1011"]},
                            "conditions": {"query": {"contains": ["jeans"]}}}],
                 "synonyms": [{"id": "denim", "synonyms": ["jeans", "denim"]}]}})",
                                200);
  EXPECT_EQ(preview["version"], 1);
  EXPECT_THAT(IdsOf(preview["live"]), ElementsAre("1011", "1002"));
  EXPECT_EQ(preview["live"]["applied_rules"], Json::array({"jeans-hero"}));
  EXPECT_THAT(IdsOf(preview["draft"]), ElementsAre("1002", "1005"));
  EXPECT_EQ(preview["draft"]["applied_rules"], Json::array({"hide-levis"}));
  EXPECT_EQ(preview["draft"]["total"], 2);
  EXPECT_EQ(preview["draft"]["per_page"], 5);
  // A draft without rules keeps the live ones.
  const Json synonyms_only = CallJson(
      "POST", "/v1/config/preview",
      R"({"search": {"q": "jeans"}, "config": {"synonyms": [{"id": "d", "synonyms": ["jeans", "denim"]}]}})",
      200);
  EXPECT_THAT(IdsOf(synonyms_only["draft"]), ElementsAre("1011", "1002", "1005"));
  // A draft ranking: the same products, as weighed by it.
  const Json ranking_only = CallJson(
      "POST", "/v1/config/preview",
      R"({"search": {"q": "jeans"}, "config": {"ranking": {"fields": {"title": 0.5}}}})", 200);
  EXPECT_EQ(ranking_only["draft"]["total"], ranking_only["live"]["total"]);
  EXPECT_EQ(ranking_only["draft"]["applied_rules"], Json::array({"jeans-hero"}));
  // Nothing live changed, and the draft's results were not cached for live searches.
  EXPECT_EQ(CallJson("GET", "/v1/config", {}, 200)["version"], 1);
  EXPECT_EQ(CallJson("GET", "/v1/config/history", {}, 200)["events"].size(), 1u);
  EXPECT_THAT(SearchIds("/v1/search?q=jeans&per_page=5"), ElementsAre("1011", "1002"));
}

TEST_F(MerchServiceTest, AnInvalidDraftIs400NamingTheField) {
  const struct {
    std::string body;
    std::string parameter;
  } kCases[] = {
      {R"({"config": {"rules": [{"id": "a", "consequences": {"pin": [{"id": "1001", "position": 0}]}}]}})",
       "config.rules[0].consequences.pin[0].position"},
      {R"({"config": {"rules": [{"id": "a", "consequences": {}}, {"id": "a", "consequences": {}}]}})",
       "config.rules[1].id"},
      {R"({"config": {"rules": [{"id": "a", "consequences": {"pin": [{"id": "nope", "position": 1}]}}]}})",
       "config.rules[0].consequences.pin[0].id"},
      {R"({"config": {"rules": ["x"]}})", "config.rules[0]"},
      {R"({"config": {"synonyms": [{"id": "d", "synonyms": ["a", "b"]}, {"id": "e", "synonyms": []}]}})",
       "config.synonyms[1].synonyms"},
      {R"({"config": {"weights": {}}})", "config.weights"},
      {R"({"config": {"ranking": {"fields": {"titel": 1}}}})", "config.ranking.fields.titel"},
      {R"({"config": {"ranking": {"signals": {"popularity": 0.4, "rating": 0.4}}}})",
       "config.ranking.signals"},
      {R"({"search": {"q": "jeans", "page": 0}})", "search.page"},
      {R"({"search": {"colour": "red"}})", "search.colour"},
      {R"({"search": {"q": "jeans"}, "draft": {}})", "draft"},
      {"[1]", "body"},
  };
  for (const auto& c : kCases) {
    const Json body = CallJson("POST", "/v1/config/preview", c.body, 400);
    EXPECT_EQ(body["error"]["parameter"], c.parameter) << c.body;
  }
  EXPECT_EQ(Call("GET", "/v1/config/preview").status, 405);
}

TEST_F(MerchServiceTest, HistoryNamesTheKeyNeverTheKeyItself) {
  ASSERT_EQ(Call("POST", "/v1/config/synonyms", kDenim, kAliceKey).status, 201);
  ASSERT_EQ(Call("DELETE", "/v1/config/synonyms/denim", {}, kBobKey).status, 200);
  ASSERT_EQ(Call("POST", "/v1/config/rollback/1", {}, kLegacyAdminKey).status, 200);
  const HttpResult history = Call("GET", "/v1/config/history", {}, kBobKey);
  ASSERT_EQ(history.status, 200);
  const Json events = Json::parse(history.body)["events"];
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["who"], "admin");
  EXPECT_EQ(events[0]["action"], "rollback");
  EXPECT_EQ(events[1]["who"], "bob");
  EXPECT_EQ(events[1]["changes"][0]["kind"], "synonyms");
  EXPECT_EQ(events[1]["changes"][0]["id"], "denim");
  EXPECT_EQ(events[2]["who"], "alice");
  for (std::string_view key : {kAliceKey, kBobKey, kLegacyAdminKey, kShopKey}) {
    EXPECT_THAT(history.body, Not(HasSubstr(key)));
  }
}

TEST_F(MerchServiceTest, PinsOfProductsNotInTheCatalogAreRefused) {
  constexpr std::string_view kRule = R"({"id": "p", "consequences": {"pin": [
      {"id": "1001", "position": 1}, {"id": "x", "position": 2}]}})";
  const Json created = CallJson("POST", "/v1/config/rules", kRule, 400);
  EXPECT_EQ(created["error"]["parameter"], "consequences.pin[1].id");
  EXPECT_EQ(created["error"]["message"], "consequences.pin[1].id: unknown product id 'x'");
  EXPECT_EQ(CallJson("PUT", "/v1/config/rules/p", kRule, 400)["error"]["parameter"],
            "consequences.pin[1].id");
  EXPECT_EQ(CallJson("GET", "/v1/config", {}, 200)["version"], 0);
  EXPECT_EQ(Call("PUT", "/v1/config/rules/p",
                 R"({"consequences": {"pin": [{"id": "1001", "position": 1}]}})")
                .status,
            200);
}

TEST_F(MerchServiceTest, PagingThroughPinnedResultsShowsEachProductOnce) {
  ASSERT_EQ(Call("PUT", "/v1/config/rules/browse-pins", R"({
      "conditions": {"query": {"equals": ""}},
      "consequences": {"pin": [{"id": "1012", "position": 2}, {"id": "1001", "position": 5},
                               {"id": "1008", "position": 7}]}})")
                .status,
            200);
  EXPECT_THAT(SearchIds("/v1/search?per_page=3&page=1"), ElementsAre("1002", "1012", "1003"));
  EXPECT_THAT(SearchIds("/v1/search?per_page=3&page=2"), ElementsAre("1004", "1001", "1005"));
  EXPECT_THAT(SearchIds("/v1/search?per_page=3&page=3"), ElementsAre("1008", "1006", "1007"));
  EXPECT_THAT(SearchIds("/v1/search?per_page=3&page=4"), ElementsAre("1009", "1010", "1011"));
  const Json last = CallJson("GET", "/v1/search?per_page=3&page=4", {}, 200, kShopKey);
  EXPECT_EQ(last["total"], 12);
  EXPECT_EQ(last["applied_rules"], Json::array({"browse-pins"}));
}

}  // namespace
}  // namespace vitrine::server
