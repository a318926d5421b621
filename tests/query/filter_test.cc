// Filters, ranges and stock: exact ids on the fixture catalog, combined with
// text or on their own, and never changing scores.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "query/search.h"
#include "tests/query/query_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::query {
namespace {

using ::testing::UnorderedElementsAre;

class FilterTest : public FixtureCatalogTest {
 protected:
  absl::StatusOr<SearchResponse> Run(SearchRequest request) {
    request.per_page = 100;
    return searcher_->Search(request);
  }

  std::vector<std::string> Ids(SearchRequest request) {
    absl::StatusOr<SearchResponse> response = Run(std::move(request));
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> ids;
    if (response.ok()) {
      for (const SearchHit& hit : response->hits) ids.push_back(hit.id);
    }
    return ids;
  }

  static SearchRequest Filter(std::map<std::string, std::vector<std::string>> filters) {
    SearchRequest request;
    request.filters = std::move(filters);
    return request;
  }
};

TEST_F(FilterTest, ValuesOfOneFieldOrTogether) {
  EXPECT_THAT(Ids(Filter({{"brand", {"Roadster"}}})), UnorderedElementsAre("1002", "1005"));
  EXPECT_THAT(Ids(Filter({{"brand", {"roadster", "NIKE"}}})),
              UnorderedElementsAre("1002", "1003", "1005"));
}

TEST_F(FilterTest, FieldsAndTogether) {
  EXPECT_THAT(Ids(Filter({{"gender", {"Men"}}, {"color", {"Navy Blue"}}})),
              UnorderedElementsAre("1001", "1005"));
}

TEST_F(FilterTest, ExcludedValuesLeaveTheirProductsOutOfHitsTotalsAndFacets) {
  SearchRequest request;
  request.excluded = {{"brand", {"roadster", "Nike"}}};
  request.facets = {"brand"};
  const std::vector<std::string> ids = Ids(request);
  absl::StatusOr<SearchResponse> all = Run(SearchRequest{});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(ids.size(), all->total - 3);
  for (std::string_view id : {"1002", "1003", "1005"}) {
    EXPECT_EQ(std::count(ids.begin(), ids.end(), id), 0) << id;
  }
  absl::StatusOr<SearchResponse> response = Run(request);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->total, ids.size());
  ASSERT_EQ(response->facets.size(), 1u);
  for (const FacetValue& value : response->facets[0].values) {
    EXPECT_NE(value.value, "Roadster");
    EXPECT_NE(value.value, "Nike");
  }
  // With filters: Men in Navy Blue but not Roadster.
  request = Filter({{"gender", {"Men"}}, {"color", {"Navy Blue"}}});
  request.excluded = {{"brand", {"Roadster"}}};
  EXPECT_THAT(Ids(request), UnorderedElementsAre("1001"));
}

TEST_F(FilterTest, CategoryMatchesAnyLevelOfThePath) {
  EXPECT_THAT(Ids(Filter({{"category", {"Jeans"}}})), UnorderedElementsAre("1002", "1011"));
  EXPECT_EQ(Ids(Filter({{"category", {"Apparel"}}})).size(), 8u);
}

TEST_F(FilterTest, SizeAndAccentsAndCase) {
  EXPECT_THAT(Ids(Filter({{"size", {"M"}}})), UnorderedElementsAre("1001", "1004", "1007"));
  EXPECT_THAT(Ids(Filter({{"brand", {"CAFE CREME"}}})), UnorderedElementsAre("1012"));
}

TEST_F(FilterTest, RangesAreInclusiveAndMayBeOpen) {
  SearchRequest request;
  request.ranges["price"] = {.gte = 1299, .lte = 1999};
  EXPECT_THAT(Ids(request), UnorderedElementsAre("1001", "1002", "1007", "1008", "1012"));
  request.ranges["price"] = {.gte = 5000, .lte = std::nullopt};
  EXPECT_THAT(Ids(request), UnorderedElementsAre("1006", "1010"));
  request.ranges["price"] = {.gte = std::nullopt, .lte = 799};
  EXPECT_THAT(Ids(request), UnorderedElementsAre("1004"));
}

TEST_F(FilterTest, InStock) {
  SearchRequest request;
  request.in_stock = false;
  EXPECT_THAT(Ids(request), UnorderedElementsAre("1004"));
  request.in_stock = true;
  EXPECT_EQ(Ids(request).size(), 11u);
}

TEST_F(FilterTest, CombineWithTextAndNeverChangeScores) {
  SearchRequest text;
  text.q = "jeans";
  SearchRequest filtered = text;
  filtered.filters["brand"] = {"Levis"};
  const SearchResponse all = Run(text).value();
  const SearchResponse levis = Run(filtered).value();
  ASSERT_EQ(levis.hits.size(), 1u);
  EXPECT_EQ(levis.hits[0].id, "1011");
  const auto unfiltered = std::find_if(all.hits.begin(), all.hits.end(),
                                       [](const SearchHit& hit) { return hit.id == "1011"; });
  ASSERT_NE(unfiltered, all.hits.end());
  EXPECT_DOUBLE_EQ(unfiltered->score, levis.hits[0].score);
}

TEST_F(FilterTest, RelaxedAndCorrectedQueriesKeepTheFilters) {
  SearchRequest request;
  request.q = "navy shirt";  // one full match, then partial ones
  request.filters["brand"] = {"Roadster"};
  EXPECT_THAT(Ids(request), UnorderedElementsAre("1005"));
  request.q = "jeens";  // corrected to "jeans"
  EXPECT_THAT(Ids(request), UnorderedElementsAre("1002"));
}

TEST_F(FilterTest, BadFiltersNameTheParameter) {
  struct Case {
    SearchRequest request;
    std::string parameter;
  };
  std::vector<Case> cases(6);
  cases[0].request.filters["colour"] = {"Red"};
  cases[0].parameter = "filter.colour";
  cases[1].request.filters["brand"] = {""};
  cases[1].parameter = "filter.brand";
  cases[2].request.ranges["price"] = {.gte = 10, .lte = 5};
  cases[2].parameter = "range.price";
  cases[3].request.ranges["weight"] = {.gte = 1, .lte = std::nullopt};
  cases[3].parameter = "range.weight";
  cases[4].request.filters["brand"] = std::vector<std::string>(65, "Nike");
  cases[4].parameter = "filter";
  cases[5].request.excluded["colour"] = {"Red"};
  cases[5].parameter = "exclude.colour";
  for (Case& c : cases) {
    absl::StatusOr<SearchResponse> response = Run(c.request);
    EXPECT_TRUE(absl::IsInvalidArgument(response.status())) << c.parameter;
    EXPECT_EQ(ParameterOf(response.status()), c.parameter);
  }
}

}  // namespace
}  // namespace vitrine::query
