// Facet passes kept per revision (query/facets/facet_memo.h): a search that counts
// the same pass as an earlier one reads the earlier counts, and a pass over
// other products never does.
#include "query/facets/facet_memo.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "query/search.h"
#include "tests/query/query_testing.h"

namespace vitrine::query {
namespace {

// "value=count" of a facet, in order.
std::vector<std::string> Counts(const SearchResponse& response, const std::string& field) {
  std::vector<std::string> counts;
  for (const Facet& facet : response.facets) {
    if (facet.field != field) continue;
    for (const FacetValue& value : facet.values) {
      counts.push_back(value.value + "=" + std::to_string(value.count));
    }
  }
  return counts;
}

class FacetMemoTest : public FixtureCatalogTest {
 protected:
  SearchResponse Search(std::map<std::string, std::vector<std::string>> filters, std::string q = "",
                        int page = 1) {
    SearchRequest request{.q = std::move(q), .page = page, .per_page = 2};
    request.filters = std::move(filters);
    request.facets = {"brand", "gender", "price"};
    request.buckets["price"] = {1000, 2000};
    return searcher_->Search(request).value();
  }
};

TEST_F(FacetMemoTest, EveryPageOfAFilterSharesItsOwnFieldsCounts) {
  const internal::FacetMemo& memo = *index_->facet_columns()->facet_memo;
  const size_t before = memo.size();
  // The brand facet of a brand filter counts every brand: the same for any brand.
  const SearchResponse roadster = Search({{"brand", {"Roadster"}}});
  EXPECT_EQ(memo.size(), before + 1);  // the pass leaving the brand filter out
  const SearchResponse nike = Search({{"brand", {"Nike"}}});
  EXPECT_EQ(memo.size(), before + 1) << "read, not counted again";
  const SearchResponse page_two = Search({{"brand", {"Roadster"}}}, "", 2);
  ASSERT_FALSE(Counts(roadster, "brand").empty());
  EXPECT_EQ(Counts(nike, "brand"), Counts(roadster, "brand"));
  EXPECT_EQ(Counts(page_two, "brand"), Counts(roadster, "brand"));
  EXPECT_EQ(Counts(page_two, "gender"), Counts(roadster, "gender"));
  // ... and equals the counts of the unfiltered catalog, never kept.
  EXPECT_EQ(Counts(Search({}), "brand"), Counts(roadster, "brand"));
}

TEST_F(FacetMemoTest, APassOverOtherProductsCountsAfresh) {
  const SearchResponse all_brands = Search({{"brand", {"Roadster"}}});
  // Under a gender filter the brand counts are the women's: what the search
  // counts without a brand filter (the match itself, never kept).
  const SearchResponse women = Search({{"brand", {"Roadster"}}, {"gender", {"Women"}}});
  EXPECT_EQ(Counts(women, "brand"), Counts(Search({{"gender", {"Women"}}}), "brand"));
  EXPECT_NE(Counts(women, "brand"), Counts(all_brands, "brand"));
  const internal::FacetMemo& memo = *index_->facet_columns()->facet_memo;
  const size_t kept = memo.size();
  // Another text, another pass.
  const SearchResponse jeans = Search({{"brand", {"Roadster"}}}, "jeans");
  EXPECT_GT(memo.size(), kept);
  EXPECT_EQ(Counts(jeans, "brand"), Counts(Search({}, "jeans"), "brand"));
  // A range facet's own filter, with its buckets.
  SearchRequest priced{.q = "", .per_page = 2};
  priced.ranges["price"] = {.gte = 1000};
  priced.facets = {"price"};
  priced.buckets["price"] = {1000, 2000};
  SearchRequest other_buckets = priced;
  other_buckets.buckets["price"] = {500};
  EXPECT_NE(searcher_->Search(priced).value().facets[0].values.size(),
            searcher_->Search(other_buckets).value().facets[0].values.size());
}

}  // namespace
}  // namespace vitrine::query
