// Product writes through Api::Handle over a real, writable generation and a real
// journal: upserts, patches, deletes and batches visible in search, filters,
// facets and sort after a commit; API keys; idempotency.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "indexer/generations.h"
#include "indexer/reindex.h"
#include "server/api.h"
#include "tests/server/server_testing.h"
#include "tests/testing/temp_dir.h"
#include "writes/product_writes.h"

namespace vitrine::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;

class WritesTest : public ::testing::Test {
 protected:
  WritesTest()
      : index_(BuildFixtureIndex(dir_.Sub("data"), /*writable=*/true)),
        pool_(index_),
        // Commits only when a test says so (CommitNow), never by the clock.
        writes_(writes::LocalWriteLog(indexer::Journal::Open(dir_.Sub("data/journal")).value()),
                {.commit_interval = std::chrono::hours(1)}, &pool_.cache()),
        api_(pool_, metrics_, log_, {.admin = kAdminKey}, &writes_) {
    EXPECT_TRUE(writes_.Switch(index_).ok());
  }

  HttpResponse Send(std::string method, std::string target, std::string body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {
                        {"x-api-key", kAdminKey}}) {
    return api_.Handle({.method = std::move(method),
                        .target = std::move(target),
                        .headers = std::move(headers),
                        .body = std::move(body)});
  }

  Json Search(const std::string& query) {
    EXPECT_TRUE(writes_.CommitNow().ok());
    const HttpResponse response = Send("GET", "/v1/search?" + query, {}, {});
    EXPECT_EQ(response.status, 200) << response.body;
    return Json::parse(response.body);
  }

  static std::vector<std::string> Ids(const Json& body) {
    std::vector<std::string> ids;
    for (const Json& hit : body["hits"]) ids.push_back(hit["id"]);
    return ids;
  }

  vitrine::testing::TempDir dir_;
  std::shared_ptr<const query::Index> index_;
  query::SearcherPool pool_;
  writes::ProductWrites writes_;
  Metrics metrics_;
  AccessLog log_{-1};
  Api api_;
};

TEST_F(WritesTest, PutCreatesAProductThatSearchFindsAfterTheCommit) {
  const HttpResponse put = Send("PUT", "/v1/products/2001",
                                R"({"title": "Zubaan Women Teal Anarkali Kurta", "brand": "Zubaan",
                                    "color": "Teal", "price": 2100, "in_stock": true})");
  ASSERT_EQ(put.status, 201) << put.body;
  const Json body = Json::parse(put.body);
  EXPECT_EQ(body["id"], "2001");
  EXPECT_EQ(body["product"]["brand"], "Zubaan");
  EXPECT_GT(body["seq"].get<int>(), 0);
  EXPECT_THAT(Ids(Search("q=anarkali")), ElementsAre("2001"));
  const HttpResponse get = Send("GET", "/v1/products/2001", {}, {});
  EXPECT_EQ(Json::parse(get.body)["title"], "Zubaan Women Teal Anarkali Kurta");
  // Facets count it too.
  EXPECT_EQ(Search("facets=brand&facet_size=100&filter.brand=Zubaan")["total"], 1);
}

TEST_F(WritesTest, PutReplacesAndPatchChangesFieldsVisibleToFiltersSortAndFacets) {
  ASSERT_EQ(Send("PATCH", "/v1/products/1004", R"({"price": 9999, "in_stock": true})").status, 200);
  const Json sorted = Search("sort=price_desc&per_page=1");
  EXPECT_THAT(Ids(sorted), ElementsAre("1004"));  // 9999 now tops 8995
  EXPECT_THAT(Ids(Search("q=pink&range.price=9000..")), ElementsAre("1004"));
  const Json facets = Search("facets=price&buckets.price=9000");
  EXPECT_EQ(facets["facets"]["price"][1]["count"], 1);  // 9000..
  // The rest of the product is kept.
  EXPECT_EQ(Json::parse(Send("GET", "/v1/products/1004", {}, {}).body)["title"],
            "Puma Women Pink T-Shirt");
  // A PUT replaces the whole product: fields left out are gone.
  ASSERT_EQ(Send("PUT", "/v1/products/1004", R"({"title": "Puma Women Pink Polo"})").status, 200);
  const Json replaced = Json::parse(Send("GET", "/v1/products/1004", {}, {}).body);
  EXPECT_FALSE(replaced.contains("price"));
  EXPECT_THAT(Ids(Search("q=polo")), ElementsAre("1004"));
}

TEST_F(WritesTest, DeleteRemovesTheProductFromSearchAndReads) {
  ASSERT_EQ(Send("DELETE", "/v1/products/1003").status, 200);
  EXPECT_EQ(Send("GET", "/v1/products/1003", {}, {}).status, 404);
  EXPECT_THAT(Ids(Search("q=running+shoes")), ::testing::Not(::testing::Contains("1003")));
  EXPECT_EQ(Search("")["total"], 11);
  EXPECT_EQ(Send("DELETE", "/v1/products/1003").status, 404);  // already gone
  EXPECT_EQ(Send("PATCH", "/v1/products/nope", R"({"price": 1})").status, 404);
}

TEST_F(WritesTest, CachedResultsAreNeverServedStaleAfterACommit) {
  const std::string by_price = "sort=price_desc&per_page=1";
  const std::string text = "q=shirt&facets=brand";
  EXPECT_THAT(Ids(Search(by_price)), ElementsAre("1006"));
  const Json before = Search(text);
  const uint64_t hits_before = pool_.cache().stats().hits;
  // A price change: price-dependent results are recomputed...
  ASSERT_EQ(Send("PATCH", "/v1/products/1001", R"({"price": 20000})").status, 200);
  EXPECT_THAT(Ids(Search(by_price)), ElementsAre("1001"));
  // ...the text search's result is still good and comes from the cache, with
  // the product itself read fresh.
  const Json after = Search(text);
  EXPECT_EQ(pool_.cache().stats().hits, hits_before + 1);
  EXPECT_EQ(after["facets"], before["facets"]);
  const auto changed = std::find_if(after["hits"].begin(), after["hits"].end(),
                                    [](const Json& hit) { return hit["id"] == "1001"; });
  ASSERT_NE(changed, after["hits"].end());
  EXPECT_EQ((*changed)["product"]["price"], 20000);
  // A new product changes every result.
  ASSERT_EQ(Send("PUT", "/v1/products/6001", R"({"title": "Arrow Men White Formal Shirt",
                                                   "brand": "Arrow"})")
                .status,
            201);
  const Json added = Search(text);
  EXPECT_EQ(added["total"].get<int>(), before["total"].get<int>() + 1);
}

TEST_F(WritesTest, BadWritesAre400sNamingTheFieldAndChangeNothing) {
  for (const auto& [method, body, parameter] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"PUT", "{not json", "body"},
           {"PUT", R"({"title": "X", "colour": "red"})", "colour"},
           {"PUT", R"({"title": ""})", "title"},
           {"PUT", R"({"id": "other", "title": "X"})", "id"},
           {"PATCH", R"({"price": -5})", "price"},
           {"PATCH", R"([1])", "body"},
       }) {
    const HttpResponse response = Send(method, "/v1/products/1001", body);
    EXPECT_EQ(response.status, 400) << method << " " << body;
    EXPECT_EQ(Json::parse(response.body)["error"]["parameter"], parameter) << body;
  }
  EXPECT_EQ(Json::parse(Send("GET", "/v1/products/1001", {}, {}).body)["price"], 1299);
}

TEST_F(WritesTest, BatchAppliesGoodLinesAndReportsBadOnesByLine) {
  const HttpResponse response = Send("POST", "/v1/products:batch",
                                     "{\"id\": \"3001\", \"title\": \"Wildcraft Grey Backpack\"}\n"
                                     "{\"id\": \"3002\", \"title\": 5}\n"
                                     "\n"
                                     "{\"delete\": \"1006\"}\n"
                                     "not json\n");
  ASSERT_EQ(response.status, 200) << response.body;
  const Json body = Json::parse(response.body);
  EXPECT_EQ(body["applied"], 2);
  EXPECT_EQ(body["rejected"], 2);
  EXPECT_EQ(body["results"][0]["status"], "upserted");
  EXPECT_EQ(body["results"][1]["line"], 2);
  EXPECT_EQ(body["results"][1]["error"]["parameter"], "title");
  EXPECT_EQ(body["results"][2]["line"], 4);
  EXPECT_EQ(body["results"][2]["status"], "deleted");
  EXPECT_EQ(body["results"][3]["line"], 5);
  EXPECT_THAT(Ids(Search("q=backpack")), ElementsAre("3001"));
  EXPECT_EQ(Send("GET", "/v1/products/1006", {}, {}).status, 404);
}

TEST_F(WritesTest, ARetryWithTheSameIdempotencyKeyReturnsTheFirstResponse) {
  const std::vector<std::pair<std::string, std::string>> headers = {{"x-api-key", kAdminKey},
                                                                    {"idempotency-key", "req-1"}};
  const std::string body = R"({"title": "Nike Men Grey Hoodie", "price": 2500})";
  const HttpResponse first = Send("PUT", "/v1/products/4001", body, headers);
  ASSERT_EQ(first.status, 201) << first.body;
  const HttpResponse retry = Send("PUT", "/v1/products/4001", body, headers);
  EXPECT_EQ(retry.status, 201);  // the first answer, not a 200 "replaced"
  EXPECT_EQ(retry.body, first.body);
  bool replayed = false;
  for (const auto& [name, value] : retry.headers) replayed |= name == "Idempotent-Replayed";
  EXPECT_TRUE(replayed);
  // The same key for another request is refused.
  const HttpResponse reused =
      Send("PUT", "/v1/products/4001", R"({"title": "Something else"})", headers);
  EXPECT_EQ(reused.status, 422);
  EXPECT_EQ(Json::parse(reused.body)["error"]["parameter"], "Idempotency-Key");
  EXPECT_EQ(Json::parse(Send("GET", "/v1/products/4001", {}, {}).body)["title"],
            "Nike Men Grey Hoodie");
}

TEST_F(WritesTest, WritesNeedTheAdminKey) {
  const std::string body = R"({"title": "X"})";
  const HttpResponse missing = Send("PUT", "/v1/products/5001", body, {});
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(Send("PUT", "/v1/products/5001", body, {{"x-api-key", "wrong"}}).status, 403);
  EXPECT_EQ(Send("PUT", "/v1/products/5001", body,
                 {{"authorization", std::string("Bearer ") + kAdminKey}})
                .status,
            201);
  EXPECT_EQ(Send("POST", "/v1/products:batch", body, {}).status, 401);
  // Reads stay open when no search key is configured.
  EXPECT_EQ(Send("GET", "/v1/products/5001", {}, {}).status, 200);
}

TEST(ApiKeys, ASearchKeyClosesReadsAndNoAdminKeyClosesWrites) {
  vitrine::testing::TempDir dir;
  auto index = BuildFixtureIndex(dir.Sub("data"), /*writable=*/true);
  query::SearcherPool pool(index);
  Metrics metrics;
  AccessLog log{-1};
  Api api(pool, metrics, log, {.admin = "", .search = "s3arch"});
  auto get = [&](std::vector<std::pair<std::string, std::string>> headers) {
    return api.Handle({.method = "GET", .target = "/v1/search?q=jeans", .headers = headers}).status;
  };
  EXPECT_EQ(get({}), 401);
  EXPECT_EQ(get({{"x-api-key", "nope"}}), 403);
  EXPECT_EQ(get({{"x-api-key", "s3arch"}}), 200);
  EXPECT_EQ(api.Handle({.method = "GET", .target = "/healthz"}).status, 200);  // always open
  const HttpResponse write = api.Handle({.method = "PUT",
                                         .target = "/v1/products/1",
                                         .headers = {{"x-api-key", "s3arch"}},
                                         .body = R"({"title": "X"})"});
  EXPECT_EQ(write.status, 403);
  EXPECT_THAT(write.body, HasSubstr("VITRINE_ADMIN_KEY"));
}

}  // namespace
}  // namespace vitrine::server
