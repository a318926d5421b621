// Facets (disjunctive counts, category levels, sizes) and sort orders, with
// exact values on the fixture catalog.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "query/search.h"
#include "tests/query/query_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;

using Counts = std::vector<std::pair<std::string, uint64_t>>;

class FacetSortTest : public FixtureCatalogTest {
 protected:
  SearchResponse Run(SearchRequest request) {
    request.per_page = 100;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(SearchResponse());
  }

  static Counts CountsOf(const SearchResponse& response, std::string_view field) {
    Counts counts;
    for (const Facet& facet : response.facets) {
      if (facet.field != field) continue;
      for (const FacetValue& value : facet.values) counts.emplace_back(value.value, value.count);
    }
    return counts;
  }
};

TEST_F(FacetSortTest, CountsTopValuesByCountThenValue) {
  SearchRequest request;
  request.facets = {"brand"};
  request.facet_size = 4;
  EXPECT_EQ(CountsOf(Run(request), "brand"),
            (Counts{{"Roadster", 2}, {"Adidas", 1}, {"Biba", 1}, {"Café Crème", 1}}));
}

TEST_F(FacetSortTest, AFieldsCountsIgnoreItsOwnFilter) {
  SearchRequest request;
  request.filters["brand"] = {"Roadster"};
  request.facets = {"brand", "gender"};
  const SearchResponse response = Run(request);
  EXPECT_EQ(response.total, 2u);
  // Choosing Roadster still shows the other brands...
  const Counts brands = CountsOf(response, "brand");
  ASSERT_EQ(brands.size(), 10u);
  EXPECT_EQ(brands[0], (std::pair<std::string, uint64_t>{"Roadster", 2}));
  // ...while other fields count within Roadster.
  EXPECT_EQ(CountsOf(response, "gender"), (Counts{{"Men", 1}, {"Women", 1}}));
}

TEST_F(FacetSortTest, CountsFollowTheQueryText) {
  SearchRequest request;
  request.q = "jeans";
  request.facets = {"gender", "color"};
  const SearchResponse response = Run(request);
  EXPECT_EQ(CountsOf(response, "gender"), (Counts{{"Men", 1}, {"Women", 1}}));
  EXPECT_EQ(CountsOf(response, "color"), (Counts{{"Black", 1}, {"Blue", 1}}));
}

TEST_F(FacetSortTest, CategoryLevelsAndLeaf) {
  SearchRequest request;
  request.facets = {"category.lvl0", "category"};
  request.filters["category"] = {"Footwear"};
  const SearchResponse response = Run(request);
  EXPECT_EQ(response.total, 2u);
  // The category filter is left out of every category facet.
  EXPECT_EQ(CountsOf(response, "category.lvl0"),
            (Counts{{"Apparel", 8}, {"Accessories", 2}, {"Footwear", 2}}));
  EXPECT_EQ(CountsOf(response, "category").front(), (std::pair<std::string, uint64_t>{"Jeans", 2}));
}

TEST_F(FacetSortTest, SortsByPriceEitherWayWithTiesById) {
  SearchRequest request;
  request.sort = "price_asc";
  EXPECT_THAT(Ids(Run(request)), ElementsAre("1004", "1001", "1008", "1002", "1007", "1012", "1005",
                                             "1011", "1009", "1003", "1010", "1006"));
  request.sort = "price_desc";
  EXPECT_THAT(Ids(Run(request)), ElementsAre("1006", "1010", "1003", "1009", "1011", "1005", "1012",
                                             "1007", "1002", "1008", "1001", "1004"));
}

TEST_F(FacetSortTest, SortsByRatingAndPopularity) {
  SearchRequest request;
  request.sort = "rating";  // 4.5 twice: 1002 before 1010 (by id)
  EXPECT_THAT(Ids(Run(request)), ElementsAre("1003", "1009", "1002", "1010", "1006", "1011", "1008",
                                             "1001", "1005", "1007", "1012", "1004"));
  request.sort = "popularity";
  request.q = "men";
  const std::vector<std::string> ids = Ids(Run(request));
  ASSERT_GE(ids.size(), 3u);
  EXPECT_THAT(std::vector<std::string>(ids.begin(), ids.begin() + 3),
              ElementsAre("1003", "1011", "1009"));
}

TEST_F(FacetSortTest, SortedPagesFollowOnWithoutOverlap) {
  SearchRequest request;
  request.sort = "price_asc";
  request.per_page = 5;
  std::vector<std::string> paged;
  for (int page = 1; page <= 3; ++page) {
    request.page = page;
    const SearchResponse response = searcher_->Search(request).value();
    for (const SearchHit& hit : response.hits) paged.push_back(hit.id);
  }
  request.page = 1;
  EXPECT_EQ(paged, Ids(Run(request)));
}

TEST_F(FacetSortTest, BadSortAndFacetsNameTheParameter) {
  SearchRequest request;
  request.sort = "cheapest";
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "sort");
  request = SearchRequest();
  request.facets = {"colour"};
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "facets");
  request = SearchRequest();
  request.facets = {"brand"};
  request.facet_size = 101;
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "facet_size");
}

}  // namespace
}  // namespace vitrine::query
