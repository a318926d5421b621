// Facets (disjunctive counts, category levels, sizes) and sort orders, with
// exact values on the fixture catalog.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "query/facets/size_order.h"
#include "query/search.h"
#include "tests/query/query_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;

class FacetSortTest : public FixtureCatalogTest {
 protected:
  SearchResponse Run(SearchRequest request) {
    request.per_page = 100;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(SearchResponse());
  }
};

TEST_F(FacetSortTest, CountsTopValuesByCountThenValue) {
  SearchRequest request;
  request.facets = {"brand"};
  request.facet_size = 4;
  EXPECT_EQ(CountsOf(Run(request), "brand"),
            (Counts{{"Roadster", 2}, {"Adidas", 1}, {"Biba", 1}, {"Café Crème", 1}}));
}

TEST_F(FacetSortTest, ValuesListedByValueOnRequest) {
  SearchRequest request;
  request.facets = {"brand"};
  request.facet_size = 4;
  request.facet_order["brand"] = FacetOrder::kValue;
  EXPECT_EQ(CountsOf(Run(request), "brand"),
            (Counts{{"Adidas", 1}, {"Biba", 1}, {"Café Crème", 1}, {"Roadster", 2}}));
  request.facet_order.clear();
  request.facet_order["price"] = FacetOrder::kValue;
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "facet_order.price");
}

TEST(SizeOrder, SizesAsShoppersReadThem) {
  std::vector<std::string> sizes = {
      "UK 10", "XL",  "32x34", "EU 42",   "3XL",       "Onesize", "34B", "M",    "UK 10K",
      "36",    "XXS", "2-3Y",  "S",       "UK 7",      "XXL",     "28",  "32C",  "10-11Y",
      "XS",    "L",   "UK 1",  "W30 L32", "Free Size", "6M",      "32B", "US 9", "Zeta"};
  std::sort(sizes.begin(), sizes.end(), internal::SizeLess);
  EXPECT_THAT(sizes,
              ElementsAre("XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL", "Free Size", "Onesize",
                          "28", "36", "W30 L32", "32x34", "32B", "32C", "34B", "6M", "2-3Y",
                          "10-11Y", "UK 10K", "UK 1", "UK 7", "UK 10", "US 9", "EU 42", "Zeta"));
  EXPECT_TRUE(internal::NaturalLess("size 2", "size 10"));
  EXPECT_FALSE(internal::NaturalLess("b", "A"));
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

TEST_F(FacetSortTest, CountsSizesOfMultiSizedProducts) {
  SearchRequest request;
  request.facets = {"size"};
  request.facet_size = 5;
  // The five most frequent, listed by size (or as asked).
  EXPECT_EQ(CountsOf(Run(request), "size"),
            (Counts{{"S", 2}, {"M", 3}, {"L", 2}, {"30", 2}, {"32", 2}}));
  request.facet_order["size"] = FacetOrder::kCount;
  EXPECT_EQ(CountsOf(Run(request), "size"),
            (Counts{{"M", 3}, {"30", 2}, {"32", 2}, {"L", 2}, {"S", 2}}));
  request.facet_order.clear();
  // Choosing M keeps the other sizes countable.
  request.filters["size"] = {"m"};
  const SearchResponse response = Run(request);
  EXPECT_EQ(response.total, 3u);
  EXPECT_THAT(CountsOf(response, "size"), ::testing::Contains(::testing::Pair("M", 3)));
}

// Prices: 799 1299 1499 | 1599 1899 1999 | 2499 2799 2995 | 4995 | 5495 8995.
TEST_F(FacetSortTest, PriceFacetDefaultsToRoundQuintileBuckets) {
  SearchRequest request;
  request.facets = {"price"};
  const SearchResponse response = Run(request);
  ASSERT_EQ(response.facets.size(), 1u);
  const Facet& price = response.facets[0];
  EXPECT_EQ(
      CountsOf(response, "price"),
      (Counts{
          {"..1500", 3}, {"1500..2000", 3}, {"2000..3000", 3}, {"3000..5000", 1}, {"5000..", 2}}));
  EXPECT_FALSE(price.values.front().from.has_value());
  EXPECT_EQ(price.values.front().to, 1500);
  EXPECT_EQ(price.values.back().from, 5000);
  EXPECT_FALSE(price.values.back().to.has_value());
  ASSERT_TRUE(price.stats.has_value());
  EXPECT_EQ(price.stats->count, 12u);
  EXPECT_EQ(price.stats->min, 799);
  EXPECT_EQ(price.stats->max, 8995);
}

TEST_F(FacetSortTest, PriceBucketsAsGivenIgnoreThePriceRangeButNotOtherFilters) {
  SearchRequest request;
  request.facets = {"price", "gender"};
  request.buckets["price"] = {1000, 3000};
  request.ranges["price"] = {.gte = 2000};
  request.filters["gender"] = {"Men"};
  const SearchResponse response = Run(request);
  EXPECT_EQ(response.total, 4u);  // 2499, 2799, 4995, 5495
  // Men at any price: 1299 1899 | 2499 2799 | 4995 5495; empty buckets stay.
  EXPECT_EQ(CountsOf(response, "price"), (Counts{{"..1000", 0}, {"1000..3000", 4}, {"3000..", 2}}));
  EXPECT_EQ(response.facets[0].stats->min, 1299);
  EXPECT_EQ(response.facets[0].stats->max, 5495);
  // Gender counts within the price range, and without the gender filter.
  EXPECT_EQ(CountsOf(response, "gender"), (Counts{{"Men", 4}, {"Unisex", 1}, {"Women", 1}}));
}

// Found by fuzz_search_json: a bound beyond int64_t was converted to one.
TEST_F(FacetSortTest, HugeBucketBoundsAreNamedInTheShortestForm) {
  SearchRequest request;
  request.facets = {"price"};
  request.buckets["price"] = {1000, 1.0111e115};
  EXPECT_EQ(CountsOf(Run(request), "price"),
            (Counts{{"..1000", 1}, {"1000..1.0111e+115", 11}, {"1.0111e+115..", 0}}));
}

TEST_F(FacetSortTest, RatingFacetBucketsByStars) {
  SearchRequest request;
  request.facets = {"rating"};
  request.buckets["rating"] = {4, 4.5};
  EXPECT_EQ(CountsOf(Run(request), "rating"), (Counts{{"..4", 1}, {"4..4.5", 7}, {"4.5..", 4}}));
}

TEST_F(FacetSortTest, BadBucketsNameTheParameter) {
  SearchRequest request;
  request.buckets["price"] = {100};
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "buckets.price");  // not in facets
  request.facets = {"price"};
  request.buckets["price"] = {500, 100};
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "buckets.price");
  request.buckets["price"] = {};
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "buckets.price");
  request.buckets.clear();
  request.facets = {"brand"};
  request.buckets["brand"] = {1};
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "buckets.brand");
  request = SearchRequest();
  request.facets = {"brand", "brand"};
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "facets");
}

TEST_F(FacetSortTest, SortsByPriceEitherWayWithTiesById) {
  SearchRequest request;
  request.sort = SortOrder::kPriceAsc;
  EXPECT_THAT(Ids(Run(request)), ElementsAre("1004", "1001", "1008", "1002", "1007", "1012", "1005",
                                             "1011", "1009", "1003", "1010", "1006"));
  request.sort = SortOrder::kPriceDesc;
  EXPECT_THAT(Ids(Run(request)), ElementsAre("1006", "1010", "1003", "1009", "1011", "1005", "1012",
                                             "1007", "1002", "1008", "1001", "1004"));
}

TEST_F(FacetSortTest, SortsByRatingAndPopularity) {
  SearchRequest request;
  request.sort = SortOrder::kRating;  // 4.5 twice: 1002 before 1010 (by id)
  EXPECT_THAT(Ids(Run(request)), ElementsAre("1003", "1009", "1002", "1010", "1006", "1011", "1008",
                                             "1001", "1005", "1007", "1012", "1004"));
  request.sort = SortOrder::kPopularity;
  request.q = "men";
  const std::vector<std::string> ids = Ids(Run(request));
  ASSERT_GE(ids.size(), 3u);
  EXPECT_THAT(std::vector<std::string>(ids.begin(), ids.begin() + 3),
              ElementsAre("1003", "1011", "1009"));
}

TEST_F(FacetSortTest, SortedPagesFollowOnWithoutOverlap) {
  SearchRequest request;
  request.sort = SortOrder::kPriceAsc;
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

TEST_F(FacetSortTest, SortOrdersAreNamedAsTheApiNamesThem) {
  for (const std::string_view name : kSortOrderNames) {
    ASSERT_TRUE(ParseSortOrder(name).has_value()) << name;
    EXPECT_EQ(SortOrderName(*ParseSortOrder(name)), name);
  }
  EXPECT_EQ(ParseSortOrder("cheapest"), std::nullopt);
  EXPECT_EQ(ParseSortOrder("Price_Asc"), std::nullopt);
}

TEST_F(FacetSortTest, BadFacetsNameTheParameter) {
  SearchRequest request;
  request.facets = {"colour"};
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "facets");
  request = SearchRequest();
  request.facets = {"brand"};
  request.facet_size = 101;
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "facet_size");
}

}  // namespace
}  // namespace vitrine::query
