// Api::Handle over a real index built from the fixture feed, without sockets.
#include "server/api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "indexer/generations.h"
#include "indexer/reindex.h"
#include "tests/server/server_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() : pool_(BuildFixtureIndex(dir_.Sub("data"))), api_(pool_, metrics_, log_) {}

  HttpResponse Get(std::string target,
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    return api_.Handle(
        {.method = "GET", .target = std::move(target), .headers = std::move(headers)});
  }

  vitrine::testing::TempDir dir_;
  query::SearcherPool pool_;
  Metrics metrics_;
  AccessLog log_{-1};
  Api api_;
};

TEST_F(ApiTest, SearchAnswersWithHydratedHits) {
  const HttpResponse response = Get("/v1/search?q=navy+shirt&per_page=5");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  const Json body = Json::parse(response.body);
  EXPECT_EQ(body["query"], "navy shirt");
  EXPECT_EQ(body["page"], 1);
  EXPECT_EQ(body["per_page"], 5);
  EXPECT_EQ(body["total_is_estimate"], false);
  EXPECT_EQ(body["relaxed"], true);  // one navy shirt, then other navy things and shirts
  EXPECT_GT(body["total"].get<int>(), 1);
  EXPECT_TRUE(body["took_ms"].is_number());
  ASSERT_EQ(body["hits"].size(), 5u);
  EXPECT_EQ(body["hits"][0]["id"], "1001");
  EXPECT_GT(body["hits"][0]["score"].get<double>(), 0);
  EXPECT_EQ(body["hits"][0]["product"]["title"], "Turtle Check Men Navy Blue Shirt");
  EXPECT_EQ(body["hits"][0]["product"]["price"], 1299);
  EXPECT_TRUE(body["facets"].is_object());
  EXPECT_TRUE(body["applied_rules"].is_array());
}

TEST_F(ApiTest, SaysWhichQueryItSearchedWhenItCorrectedOne) {
  EXPECT_TRUE(Json::parse(Get("/v1/search?q=jeans").body)["corrected_query"].is_null());
  const Json body = Json::parse(Get("/v1/search?q=roadstr+jacket").body);
  EXPECT_EQ(body["query"], "roadstr jacket");
  EXPECT_EQ(body["corrected_query"], "roadster jacket");
  ASSERT_FALSE(body["hits"].empty());
  EXPECT_EQ(body["hits"][0]["id"], "1005");
}

TEST_F(ApiTest, AnalyzeShowsTokensAndTheTermsOfEachField) {
  const HttpResponse response = Get("/v1/analyze?text=Men%27s+Navy+T-Shirts");
  ASSERT_EQ(response.status, 200) << response.body;
  const Json body = Json::parse(response.body);
  EXPECT_EQ(body["analyzer"], "fashion");
  ASSERT_EQ(body["tokens"].size(), 3u);
  EXPECT_EQ(body["tokens"][0]["kind"], "gender");
  EXPECT_EQ(body["tokens"][1]["kind"], "color");
  EXPECT_EQ(body["tokens"][1]["family"], "blue");
  EXPECT_EQ(body["tokens"][2]["term"], "tshirt");
  EXPECT_EQ(body["tokens"][2]["position"], 2);
  EXPECT_EQ(body["fields"]["title"], Json::array({"Smen", "Snavi", "Stshirt"}));
  EXPECT_THAT(body["fields"]["color"].dump(), HasSubstr("XCFblue"));
}

TEST_F(ApiTest, AnalyzeRejectsBadInputNamingTheParameter) {
  EXPECT_EQ(Json::parse(Get("/v1/analyze?txt=x").body)["error"]["parameter"], "txt");
  EXPECT_EQ(Json::parse(Get("/v1/analyze?text=%FF").body)["error"]["parameter"], "text");
  for (const std::string target : {"/v1/analyze", "/v1/analyze?text="}) {
    const HttpResponse missing = Get(target);
    EXPECT_EQ(missing.status, 400) << target;
    EXPECT_EQ(Json::parse(missing.body)["error"]["message"], "text is required") << target;
  }
  const HttpResponse long_text = Get("/v1/analyze?text=" + std::string(5000, 'a'));
  EXPECT_EQ(long_text.status, 400);
  EXPECT_EQ(Json::parse(long_text.body)["error"]["parameter"], "text");
}

TEST_F(ApiTest, FiltersRangesAndStockFromTheQueryString) {
  Json body = Json::parse(Get("/v1/search?filter.brand=Roadster&filter.brand=nike").body);
  EXPECT_EQ(body["total"], 3);
  body = Json::parse(
      Get("/v1/search?filter.gender=Men&filter.color=Navy+Blue&range.price=..2000&in_stock=true")
          .body);
  ASSERT_EQ(body["total"], 1);
  EXPECT_EQ(body["hits"][0]["id"], "1001");
  body = Json::parse(
      Get("/v1/search?filter.brand=Roadster&filter.brand=nike&exclude.brand=nike").body);
  EXPECT_EQ(body["total"], 2);
  body = Json::parse(Get("/v1/search?q=jeans&range.price=2000..").body);
  ASSERT_EQ(body["total"], 1);
  EXPECT_EQ(body["hits"][0]["id"], "1011");
}

TEST_F(ApiTest, BadFiltersAre400NamingTheParameter) {
  for (const auto& [target, parameter] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/search?filter.colour=red", "filter.colour"},
           {"/v1/search?exclude.colour=red", "exclude.colour"},
           {"/v1/search?range.price=cheap", "range.price"},
           {"/v1/search?range.price=10..abc", "range.price"},
           {"/v1/search?range.price=10..5", "range.price"},
           {"/v1/search?range.price=..", "range.price"},
           {"/v1/search?range.price=1..2&range.price=3..4", "range.price"},
           {"/v1/search?in_stock=maybe", "in_stock"},
           // Exactly true or false, as in a POST body.
           {"/v1/search?in_stock=yes", "in_stock"},
           {"/v1/search?in_stock=1", "in_stock"},
           {"/v1/search?in_stock=TRUE", "in_stock"},
           {"/v1/search?collapse=0", "collapse"},
           {"/v1/search?highlight=no", "highlight"},
       }) {
    const HttpResponse response = Get(target);
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_EQ(Json::parse(response.body)["error"]["parameter"], parameter) << target;
  }
}

TEST_F(ApiTest, FacetsAndSortFromTheQueryString) {
  const Json body = Json::parse(
      Get("/v1/search?filter.brand=Roadster&facets=brand,gender&facet_size=2&sort=price_desc")
          .body);
  EXPECT_EQ(body["facets"]["brand"],
            Json::parse(R"([{"value":"Roadster","count":2},{"value":"Adidas","count":1}])"));
  EXPECT_EQ(body["facets"]["gender"],
            Json::parse(R"([{"value":"Men","count":1},{"value":"Women","count":1}])"));
  ASSERT_EQ(body["hits"].size(), 2u);
  EXPECT_EQ(body["hits"][0]["id"], "1005");  // 2499 before 1599
  EXPECT_EQ(Json::parse(Get("/v1/search?sort=cheapest").body)["error"]["parameter"], "sort");
  EXPECT_EQ(Json::parse(Get("/v1/search?facets=colour").body)["error"]["parameter"], "facets");
  EXPECT_EQ(Json::parse(Get("/v1/search?facets=brand&facet_size=0").body)["error"]["parameter"],
            "facet_size");
}

TEST_F(ApiTest, FacetValuesListedInTheOrderAsked) {
  const Json get =
      Json::parse(Get("/v1/search?facets=brand&facet_size=3&facet_order.brand=value").body);
  EXPECT_EQ(get["facets"]["brand"], Json::parse(R"([{"value":"Adidas","count":1},
      {"value":"Biba","count":1},{"value":"Roadster","count":2}])"));
  const HttpResponse post = api_.Handle(
      {.method = "POST", .target = "/v1/search", .body = R"({"facets": ["brand"], "facet_size": 3,
                                                     "facet_order": {"brand": "value"}})"});
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(Json::parse(post.body)["facets"], get["facets"]);
  for (const std::string target :
       {"/v1/search?facets=brand&facet_order.brand=alpha", "/v1/search?facet_order.colour=count"}) {
    const Json error = Json::parse(Get(target).body)["error"];
    EXPECT_EQ(error["parameter"].get<std::string>().substr(0, 12), "facet_order.") << target;
  }
  EXPECT_EQ(api_.Handle({.method = "POST",
                         .target = "/v1/search",
                         .body = R"({"facet_order": {"brand": 1}})"})
                .status,
            400);
}

TEST_F(ApiTest, PriceFacetHasBucketsWithBoundsAndStats) {
  const Json body =
      Json::parse(Get("/v1/search?facets=price&buckets.price=1000,3000&range.price=2000..").body);
  EXPECT_EQ(body["facets"]["price"], Json::parse(R"([{"value":"..1000","count":1,"to":1000},
      {"value":"1000..3000","count":8,"from":1000,"to":3000},
      {"value":"3000..","count":3,"from":3000}])"));
  EXPECT_EQ(body["facet_stats"]["price"]["count"], 12);
  EXPECT_EQ(body["facet_stats"]["price"]["min"], 799);
  EXPECT_EQ(body["facet_stats"]["price"]["max"], 8995);
  EXPECT_EQ(body["total"], 6);
  const HttpResponse post =
      api_.Handle({.method = "POST",
                   .target = "/v1/search",
                   .body = R"({"facets": ["price"], "buckets": {"price": [1000, 3000]},
                   "ranges": {"price": {"gte": 2000}}})"});
  ASSERT_EQ(post.status, 200) << post.body;
  EXPECT_EQ(Json::parse(post.body)["facets"], body["facets"]);
  for (const std::string target :
       {"/v1/search?facets=price&buckets.price=10,x", "/v1/search?facets=price&buckets.price=9,3",
        "/v1/search?buckets.price=10"}) {
    EXPECT_EQ(Json::parse(Get(target).body)["error"]["parameter"], "buckets.price") << target;
  }
  EXPECT_EQ(Json::parse(Get("/v1/search?collapse=maybe").body)["error"]["parameter"], "collapse");
}

TEST_F(ApiTest, PostSearchMeansTheSameAsGet) {
  const std::string get =
      Get("/v1/search?q=jeans&filter.gender=Men&filter.gender=Women&range.price=1000..3000"
          "&in_stock=true&facets=brand&facet_size=5&sort=price_desc&page=1&per_page=10")
          .body;
  const HttpResponse post =
      api_.Handle({.method = "POST",
                   .target = "/v1/search",
                   .body = R"({"q": "jeans", "filters": {"gender": ["Men", "Women"]},
                   "ranges": {"price": {"gte": 1000, "lte": 3000}}, "in_stock": true,
                   "facets": ["brand"], "facet_size": 5, "sort": "price_desc",
                   "page": 1, "per_page": 10})"});
  ASSERT_EQ(post.status, 200) << post.body;
  Json get_json = Json::parse(get), post_json = Json::parse(post.body);
  get_json.erase("took_ms");
  post_json.erase("took_ms");
  EXPECT_EQ(post_json, get_json);
  EXPECT_EQ(post_json["hits"][0]["id"], "1011");
}

TEST_F(ApiTest, BadPostBodiesAre400NamingTheKey) {
  for (const auto& [body, parameter] : std::vector<std::pair<std::string, std::string>>{
           {"{not json", "body"},
           {"[1, 2]", "body"},
           {R"({"q": 5})", "q"},
           {R"({"colour": "red"})", "colour"},
           {R"({"filters": {"brand": "Nike"}})", "filters.brand"},
           {R"({"ranges": {"price": {"min": 5}}})", "ranges.price"},
           // Checked by the search itself, named as the body names them.
           {R"({"filters": {"colour": ["Red"]}})", "filters.colour"},
           {R"({"filters": {"gender": [""]}})", "filters.gender"},
           {R"({"ranges": {"price": {"gte": 10, "lte": 5}}})", "ranges.price"},
           {R"({"sort": "cheapest"})", "sort"},
           {R"({"per_page": 500})", "per_page"},
           {R"({"in_stock": "yes"})", "in_stock"},
           {R"({"buckets": {"price": "100"}})", "buckets.price"},
           {R"({"collapse": 1})", "collapse"},
           {std::string("{\"q\": \"\xff\"}"), "body"},
       }) {
    const HttpResponse response =
        api_.Handle({.method = "POST", .target = "/v1/search", .body = body});
    EXPECT_EQ(response.status, 400) << body;
    const Json error = Json::parse(response.body)["error"];
    EXPECT_EQ(error["parameter"], parameter) << body;
    // The message speaks of the body's keys, never of query-string parameters.
    EXPECT_THAT(error["message"].get<std::string>(), Not(HasSubstr("filter."))) << body;
    EXPECT_THAT(error["message"].get<std::string>(), Not(HasSubstr("range."))) << body;
  }
}

TEST_F(ApiTest, HitsCarryHighlights) {
  Json body = Json::parse(Get("/v1/search?q=leather+handbag&per_page=1").body);
  EXPECT_EQ(body["hits"][0]["highlight"]["title"], "Fossil Women Brown <em>Leather Handbag</em>");
  EXPECT_EQ(body["hits"][0]["highlight"]["description"],
            "A roomy <em>leather handbag</em> in brown, with a zip closure.");
  body = Json::parse(Get("/v1/search?q=leather+handbag&per_page=1&highlight=false").body);
  EXPECT_FALSE(body["hits"][0].contains("highlight"));
  EXPECT_EQ(Json::parse(Get("/v1/search?q=tee&highlight_tag=%3Cb%3E").body)["error"]["parameter"],
            "highlight_tag");
}

TEST_F(ApiTest, EmptyQueryListsTheCatalog) {
  const Json body = Json::parse(Get("/v1/search?per_page=100").body);
  EXPECT_EQ(body["total"], 12);
  EXPECT_EQ(body["hits"].size(), 12u);
}

TEST_F(ApiTest, BadParametersAre400NamingTheParameter) {
  struct Case {
    std::string target;
    std::string parameter;
  };
  const std::vector<Case> cases = {
      {"/v1/search?q=tee&page=two", "page"},
      {"/v1/search?q=tee&page=0", "page"},
      {"/v1/search?q=tee&per_page=500", "per_page"},
      {"/v1/search?q=tee&per_page=-1", "per_page"},
      {"/v1/search?q=tee&page=500&per_page=100", "page"},
      {"/v1/search?q=" + std::string(513, 'a'), "q"},
      {"/v1/search?q=%FF%FE", "q"},
      {"/v1/search?q=tee&q=shirt", "q"},
      {"/v1/search?q=tee&colour=red", "colour"},
      {"/v1/search?q=%G1", "q"},
  };
  for (const Case& c : cases) {
    const HttpResponse response = Get(c.target);
    EXPECT_EQ(response.status, 400) << c.target;
    const Json body = Json::parse(response.body);
    EXPECT_EQ(body["error"]["code"], "invalid_parameter") << c.target;
    EXPECT_EQ(body["error"]["parameter"], c.parameter) << c.target;
    EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  }
}

TEST_F(ApiTest, ProductByIdReturnsItsSnapshot) {
  const HttpResponse response = Get("/v1/products/1003");
  ASSERT_EQ(response.status, 200);
  const Json product = Json::parse(response.body);
  EXPECT_EQ(product["id"], "1003");
  EXPECT_EQ(product["brand"], "Nike");
  EXPECT_EQ(product["sizes"], Json::array({"8", "9", "10"}));
}

TEST_F(ApiTest, UnknownProductIs404WithJsonError) {
  for (const char* target : {"/v1/products/9999", "/v1/products/", "/v1/products/a/b"}) {
    const HttpResponse response = Get(target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(Json::parse(response.body)["error"]["code"], "not_found") << target;
  }
}

TEST_F(ApiTest, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  EXPECT_EQ(Get("/v2/nothing").status, 404);
  const HttpResponse response = api_.Handle({.method = "DELETE", .target = "/v1/search"});
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET, POST");
  EXPECT_EQ(Json::parse(response.body)["error"]["code"], "method_not_allowed");
}

TEST_F(ApiTest, HealthAndReadiness) {
  EXPECT_EQ(Get("/healthz").status, 200);
  const HttpResponse ready = Get("/readyz");
  ASSERT_EQ(ready.status, 200);
  EXPECT_EQ(Json::parse(ready.body)["documents"], 12);
}

TEST_F(ApiTest, NotReadyWithoutAnIndex) {
  query::SearcherPool empty(nullptr);
  Api api(empty, metrics_, log_);
  EXPECT_EQ(api.Handle({.method = "GET", .target = "/healthz"}).status, 200);
  EXPECT_EQ(api.Handle({.method = "GET", .target = "/readyz"}).status, 503);
  const HttpResponse search = api.Handle({.method = "GET", .target = "/v1/search?q=tee"});
  EXPECT_EQ(search.status, 503);
  EXPECT_EQ(Json::parse(search.body)["error"]["code"], "unavailable");
}

TEST_F(ApiTest, KeepsASaneCallerRequestIdAndReplacesOthers) {
  EXPECT_EQ(HeaderOf(Get("/healthz", {{"x-request-id", "edge-42.abc"}}), "X-Request-Id"),
            "edge-42.abc");
  const std::string generated = HeaderOf(Get("/healthz"), "X-Request-Id");
  EXPECT_EQ(generated.size(), 16u);
  EXPECT_NE(generated, HeaderOf(Get("/healthz"), "X-Request-Id"));
  for (const std::string& bad :
       {std::string("has space"), std::string("quo\"te"), std::string(200, 'x')}) {
    const std::string id = HeaderOf(Get("/healthz", {{"x-request-id", bad}}), "X-Request-Id");
    EXPECT_NE(id, bad);
    EXPECT_EQ(id.size(), 16u);
  }
}

TEST_F(ApiTest, MetricsUseRoutePatternsNotRawPaths) {
  Get("/v1/products/1001");
  Get("/v1/products/1002");
  Get("/v1/products/nope");
  Get("/no/such/route");
  const HttpResponse response = Get("/metrics");
  ASSERT_EQ(response.status, 200);
  EXPECT_THAT(response.content_type, HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(response.body,
              HasSubstr(R"({route="/v1/products/{id}",method="GET",status="200"} 2)"));
  EXPECT_THAT(response.body,
              HasSubstr(R"({route="/v1/products/{id}",method="GET",status="404"} 1)"));
  EXPECT_THAT(response.body, HasSubstr(R"({route="unmatched",method="GET",status="404"} 1)"));
  EXPECT_THAT(response.body, ::testing::Not(HasSubstr("/v1/products/1001")));
}

}  // namespace
}  // namespace vitrine::server
