// The Algolia-compatible endpoint through Api::Handle over a real index of the
// fixture feed: Algolia's request and response shapes, the multi-query plan,
// keys and refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "merch/rule.h"
#include "merch/rule_set.h"
#include "server/algolia_plan.h"
#include "server/algolia_query.h"
#include "server/algolia_response.h"
#include "server/api.h"
#include "tests/server/server_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;

class AlgoliaApiTest : public ::testing::Test {
 protected:
  explicit AlgoliaApiTest(ApiKeys keys = {})
      : pool_(BuildFixtureIndex(dir_.Sub("data"))), api_(pool_, metrics_, log_, std::move(keys)) {}

  HttpResponse Post(std::string target, const Json& body,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    return api_.Handle({.method = "POST",
                        .target = std::move(target),
                        .headers = std::move(headers),
                        .body = body.dump()});
  }
  Json Queries(const Json& requests) {
    const HttpResponse response = Post("/1/indexes/*/queries", {{"requests", requests}});
    EXPECT_EQ(response.status, 200) << response.body;
    return Json::parse(response.body)["results"];
  }
  Json V1(std::string target) {
    return Json::parse(api_.Handle({.method = "GET", .target = std::move(target)}).body);
  }

  vitrine::testing::TempDir dir_;
  query::SearcherPool pool_;
  Metrics metrics_;
  AccessLog log_{-1};
  Api api_;
};

TEST_F(AlgoliaApiTest, AnswersAParamsStringInAlgoliasFormat) {
  const Json results = Queries(
      Json::array({{{"indexName", "products"},
                    {"params",
                     "query=shirt&hitsPerPage=2&facets=%5B%22brand%22%5D&highlightPreTag=%5B&"
                     "highlightPostTag=%5D"}}}));
  ASSERT_EQ(results.size(), 1u);
  const Json& result = results[0];
  const Json reference = V1("/v1/search?q=shirt&per_page=2&facets=brand");
  EXPECT_EQ(result["nbHits"], reference["total"]);
  EXPECT_EQ(result["page"], 0);
  EXPECT_EQ(result["hitsPerPage"], 2);
  EXPECT_EQ(result["query"], "shirt");
  EXPECT_EQ(result["index"], "products");
  EXPECT_EQ(result["exhaustiveFacetsCount"], true);
  EXPECT_THAT(result["params"].get<std::string>(), HasSubstr("hitsPerPage=2"));
  ASSERT_FALSE(result["hits"].empty());
  ASSERT_EQ(result["hits"].size(), reference["hits"].size());
  const Json& hit = result["hits"][0];
  EXPECT_EQ(hit["objectID"], reference["hits"][0]["id"]);
  EXPECT_EQ(hit["title"], reference["hits"][0]["product"]["title"]);
  EXPECT_THAT(hit["_highlightResult"]["title"]["value"].get<std::string>(), HasSubstr("[Shirt]"));
  EXPECT_THAT(hit["_highlightResult"]["title"]["matchedWords"], ElementsAre("shirt"));
  for (const Json& value : reference["facets"]["brand"]) {
    EXPECT_EQ(result["facets"]["brand"][value["value"].get<std::string>()], value["count"]);
  }
}

TEST_F(AlgoliaApiTest, TheSingleIndexRouteTakesTypedParameters) {
  const HttpResponse response =
      Post("/1/indexes/products_price_desc/query",
           {{"query", ""}, {"hitsPerPage", 3}, {"numericFilters", {"price<=2000"}}});
  ASSERT_EQ(response.status, 200) << response.body;
  const Json result = Json::parse(response.body);
  const Json reference = V1("/v1/search?sort=price_desc&per_page=3&range.price=..2000");
  EXPECT_EQ(result["nbHits"], reference["total"]);
  for (size_t i = 0; i < reference["hits"].size(); ++i) {
    EXPECT_EQ(result["hits"][i]["objectID"], reference["hits"][i]["id"]);
  }
}

TEST_F(AlgoliaApiTest, ARefinedFacetsQueryGetsTheCountsOfItsOwnSearch) {
  const Json base = {
      {"indexName", "products"}, {"facets", {"brand", "gender"}}, {"maxValuesPerFacet", 10}};
  Json main = base, derived = base;
  main["facetFilters"] = {{"brand:Roadster"}, {"gender:Women"}};
  main["hitsPerPage"] = 5;
  derived["facetFilters"] = {{"gender:Women"}};
  derived["facets"] = "brand";
  derived["hitsPerPage"] = 0;
  Json alone = derived;
  alone["hitsPerPage"] = 1;
  alone["facets"] = {"brand"};
  const Json results = Queries(Json::array({main, derived}));
  const Json separate = Queries(Json::array({alone}));
  EXPECT_EQ(results[1]["facets"], separate[0]["facets"]);
  EXPECT_EQ(results[1]["nbHits"], separate[0]["nbHits"]);
  EXPECT_TRUE(results[1]["hits"].empty());
  EXPECT_EQ(results[1]["nbHits"], V1("/v1/search?filter.gender=Women")["total"]);
  EXPECT_EQ(results[0]["nbHits"],
            V1("/v1/search?filter.gender=Women&filter.brand=Roadster")["total"]);
}

TEST_F(AlgoliaApiTest, SuggestionsComeFromTheSuggestionsIndex) {
  const Json results = Queries(Json::array(
      {{{"indexName", "products_query_suggestions"}, {"query", "roa"}, {"hitsPerPage", 3}},
       {{"indexName", "products_query_suggestions"}, {"query", ""}}}));
  ASSERT_FALSE(results[0]["hits"].empty());
  EXPECT_EQ(results[0]["hits"][0]["query"], "Roadster");
  EXPECT_EQ(results[0]["hits"][0]["type"], "brand");
  EXPECT_EQ(results[0]["hits"][0]["_highlightResult"]["query"]["value"], "<em>Roa</em>dster");
  EXPECT_TRUE(results[1]["hits"].empty());  // an empty box suggests nothing
}

TEST_F(AlgoliaApiTest, UnsupportedParametersAre400sNamingThem) {
  const HttpResponse response = Post("/1/indexes/products/query",
                                     {{"query", "tee"}, {"aroundLatLng", "1,2"}, {"typo", true}});
  EXPECT_EQ(response.status, 400);
  const Json body = Json::parse(response.body);
  EXPECT_EQ(body["status"], 400);
  EXPECT_THAT(body["message"].get<std::string>(),
              HasSubstr("unsupported parameters: aroundLatLng, typo"));
  EXPECT_EQ(body["error"]["parameter"], "aroundLatLng");
  const struct {
    Json params;
    std::string message;
  } kCases[] = {
      {{{"hitsPerPage", 1000}}, "hitsPerPage must be an integer from 0 to 100"},
      {{{"facets", {"colour"}}}, "cannot count 'colour'"},
      {{{"attributesToHighlight", {"brand"}}}, "'brand' cannot be highlighted"},
      {{{"attributesToSnippet", {"description"}}}, "attributesToSnippet is supported only"},
      {{{"facetFilters", Json::array({Json::array({"brand:-Nike", "brand:Puma"})})}},
       "not inside an OR group"},
      {{{"page", 200}, {"hitsPerPage", 100}}, "10000"},
  };
  for (const auto& c : kCases) {
    const HttpResponse refused = Post("/1/indexes/products/query", c.params);
    EXPECT_EQ(refused.status, 400) << c.params;
    EXPECT_THAT(refused.body, HasSubstr(c.message)) << c.params;
  }
  EXPECT_EQ(Post("/1/indexes/catalog/query", Json::object()).status, 404);
  EXPECT_THAT(Post("/1/indexes/*/queries", {{"requests", Json::array()}}).body,
              HasSubstr("non-empty array"));
  EXPECT_THAT(Post("/1/indexes/*/queries", {{"requests", {{{"query", "x"}}}}}).body,
              HasSubstr("needs an indexName"));
}

TEST_F(AlgoliaApiTest, PreflightsAndResponsesAllowAnyOrigin) {
  const HttpResponse preflight =
      api_.Handle({.method = "OPTIONS", .target = "/1/indexes/*/queries"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(HeaderOf(preflight, "Access-Control-Allow-Origin"), "*");
  EXPECT_THAT(HeaderOf(preflight, "Access-Control-Allow-Headers"), HasSubstr("X-Algolia-API-Key"));
  EXPECT_EQ(
      HeaderOf(Post("/1/indexes/products/query", Json::object()), "Access-Control-Allow-Origin"),
      "*");
  EXPECT_EQ(api_.Handle({.method = "GET", .target = "/1/indexes/*/queries"}).status, 405);
}

class AlgoliaKeysTest : public AlgoliaApiTest {
 protected:
  AlgoliaKeysTest()
      : AlgoliaApiTest({.admin = "admin-key-123456", .search = "search-key-123456"}) {}
};

TEST_F(AlgoliaKeysTest, TakesSearchKeysFromAlgoliasHeadersOrParametersNeverTheAdminKey) {
  const Json body = {{"query", "shirt"}};
  EXPECT_EQ(Post("/1/indexes/products/query", body).status, 401);
  EXPECT_EQ(
      Post("/1/indexes/products/query", body, {{"x-algolia-api-key", "search-key-123456"}}).status,
      200);
  EXPECT_EQ(Post("/1/indexes/products/query?x-algolia-api-key=search-key-123456&"
                 "x-algolia-application-id=shop",
                 body)
                .status,
            200);
  EXPECT_EQ(
      Post("/1/indexes/products/query", body, {{"x-algolia-api-key", "wrong-key-123456"}}).status,
      403);
  const HttpResponse admin =
      Post("/1/indexes/products/query", body, {{"x-algolia-api-key", "admin-key-123456"}});
  EXPECT_EQ(admin.status, 403);
  EXPECT_THAT(admin.body, HasSubstr("admin key is never accepted"));
}

TEST(AlgoliaPlan, DerivesOnlyQueriesThatDropOneRefinedFacet) {
  auto query = [](std::vector<std::string> facets,
                  std::map<std::string, std::vector<std::string>> filters, int hits) {
    algolia::AlgoliaQuery q{.index_name = "products", .hits_per_page = hits};
    q.search.facets = std::move(facets);
    q.search.filters = std::move(filters);
    return q;
  };
  const std::vector<algolia::AlgoliaQuery> queries = {
      query({"brand", "color", "category.lvl0"},
            {{"brand", {"Nike"}}, {"color", {"Red"}}, {"category", {"Shoes"}}}, 20),
      query({"brand"}, {{"color", {"Red"}}, {"category", {"Shoes"}}}, 0),      // drops brand
      query({"category.lvl0"}, {{"brand", {"Nike"}}, {"color", {"Red"}}}, 0),  // drops category
      query({"color"}, {{"brand", {"Nike"}}, {"category", {"Shoes"}}}, 0),     // drops color
      query({"brand"}, {{"category", {"Shoes"}}}, 0),                          // drops two
      query({"color"}, {{"color", {"Red"}}, {"category", {"Shoes"}}}, 0),      // counts another
      query({"brand"}, {{"brand", {"Nike"}}, {"color", {"Red"}}, {"category", {"Shoes"}}}, 0),
  };
  const std::vector<algolia::PlannedQuery> plan =
      algolia::PlanQueries(queries, nullptr, absl::Now());
  using How = algolia::PlannedQuery::How;
  EXPECT_EQ(plan[0].how, How::kSearch);
  for (size_t i : {1, 2, 3}) {
    EXPECT_EQ(plan[i].how, How::kFacetsFrom) << i;
    EXPECT_EQ(plan[i].source, 0u) << i;
    EXPECT_TRUE(plan[i].count) << i;
  }
  EXPECT_EQ(plan[4].how, How::kSearch);
  EXPECT_EQ(plan[5].how, How::kSearch);
  EXPECT_EQ(plan[6].how, How::kFacetsFrom);  // same filters: the main total is its total
  EXPECT_FALSE(plan[6].count);
}

TEST(AlgoliaPlan, RunsItsOwnSearchWhenARuleTestsTheDroppedFilter) {
  merch::Rule rule{.id = "brand-page"};
  rule.conditions.context_filters = {{"brand", {"nike"}}};  // normalised, as parsed
  rule.consequences.hide = {"1"};
  const auto rules = merch::RuleSet::Build({rule});
  algolia::AlgoliaQuery main{.index_name = "products", .hits_per_page = 20};
  main.search.facets = {"brand"};
  main.search.filters = {{"brand", {"Nike"}}};
  algolia::AlgoliaQuery derived = main;
  derived.hits_per_page = 0;
  derived.search.filters.clear();
  EXPECT_EQ(algolia::PlanQueries({main, derived}, rules.get(), absl::Now())[1].how,
            algolia::PlannedQuery::How::kSearch);
  EXPECT_EQ(algolia::PlanQueries({main, derived}, nullptr, absl::Now())[1].how,
            algolia::PlannedQuery::How::kFacetsFrom);
}

TEST(AlgoliaHighlight, UnescapesVitrinesHtmlAndUsesTheRequestedTags) {
  std::vector<std::string> matched;
  EXPECT_EQ(algolia::ConvertHighlight("Tom &amp; <em>Jerry&#39;s</em> &lt;b&gt; <em>Tee</em>",
                                      "__ais-highlight__", "__/ais-highlight__", &matched),
            "Tom & __ais-highlight__Jerry's__/ais-highlight__ <b> __ais-highlight__Tee__/"
            "ais-highlight__");
  EXPECT_THAT(matched, ElementsAre("jerry's", "tee"));
  EXPECT_EQ(algolia::ConvertHighlight("plain &quot;text&quot;", "<", ">"), "plain \"text\"");
}

}  // namespace
}  // namespace vitrine::server
