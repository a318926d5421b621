// Variants (products sharing a parent_id collapse into one hit listing the
// matching variants) and attributes declared filterable at reindex (filters and
// facets like the built-in fields), with exact values on tests/testdata/variants.jsonl.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "merch/ranking.h"
#include "query/search.h"
#include "tests/query/query_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class VariantsAttributesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    temp_ = std::make_unique<testing::TempDir>();
    index_ = BuildIndex(temp_->Sub("data"), "variants.jsonl", {"fit", "occasion"});
  }
  static void TearDownTestSuite() {
    index_.reset();
    temp_.reset();
  }
  void SetUp() override { searcher_ = Searcher::Create(index_, {}).value(); }

  SearchResponse Run(const SearchRequest& request) {
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(SearchResponse());
  }

  static std::vector<std::string> VariantIds(const SearchHit& hit) {
    std::vector<std::string> ids;
    for (const SearchHit::Variant& variant : hit.variants) ids.push_back(variant.id);
    return ids;
  }

  static inline std::unique_ptr<testing::TempDir> temp_;
  static inline std::shared_ptr<const Index> index_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(VariantsAttributesTest, VariantsOfAStyleCollapseIntoOneHit) {
  const SearchResponse response = Run({.q = "dress"});
  EXPECT_EQ(response.total, 2u);
  ASSERT_EQ(response.hits.size(), 2u);
  const SearchHit& style =
      response.hits[0].id.starts_with("V1") ? response.hits[0] : response.hits[1];
  const SearchHit& single = &style == &response.hits[0] ? response.hits[1] : response.hits[0];
  EXPECT_EQ(single.id, "S1");
  EXPECT_TRUE(single.variants.empty());
  ASSERT_EQ(style.variants.size(), 3u);
  EXPECT_EQ(style.variants[0].id, style.id);  // the hit itself first
  EXPECT_THAT(VariantIds(style), UnorderedElementsAre("V1-RED", "V1-BLK", "V1-NVY"));
  for (const SearchHit::Variant& variant : style.variants) {
    if (variant.id == "V1-BLK") {
      EXPECT_EQ(variant.color, "Black");
      EXPECT_THAT(variant.sizes, ElementsAre("M", "L"));
    }
  }
}

TEST_F(VariantsAttributesTest, TheBestRankedVariantStandsForItsStyle) {
  SearchRequest request{.q = "wrap dress", .sort = SortOrder::kPopularity};
  const SearchResponse response = Run(request);
  ASSERT_EQ(response.hits.size(), 1u);
  EXPECT_EQ(response.hits[0].id, "V1-BLK");  // popularity 90
  EXPECT_THAT(VariantIds(response.hits[0]), ElementsAre("V1-BLK", "V1-RED", "V1-NVY"));
}

TEST_F(VariantsAttributesTest, ABrowseRankedBySignalsShowsEachStylesBestVariant) {
  SearchRequest request{.q = "", .understand = false};
  request.ranking = std::make_shared<const merch::Ranking>(
      merch::ParseRanking(R"({"signals": {"popularity": 0.5}})").value());
  const SearchResponse response = Run(request);
  EXPECT_EQ(response.total, 4u);  // two styles and two products
  ASSERT_EQ(response.hits.size(), 4u);
  EXPECT_EQ(response.hits[0].id, "V1-BLK");  // popularity 90, its style's most popular
  EXPECT_THAT(VariantIds(response.hits[0]), ElementsAre("V1-BLK", "V1-RED", "V1-NVY"));
  for (size_t i = 1; i < response.hits.size(); ++i) {
    EXPECT_LE(response.hits[i].score, response.hits[i - 1].score) << response.hits[i].id;
    EXPECT_FALSE(response.hits[i].id.starts_with("V1")) << "one tile per style";
  }
}

TEST_F(VariantsAttributesTest, ListsOnlyTheVariantsThatMatch) {
  SearchRequest request{.q = "wrap"};
  request.filters["color"] = {"Red", "Black"};
  const SearchResponse response = Run(request);
  ASSERT_EQ(response.hits.size(), 1u);
  EXPECT_THAT(VariantIds(response.hits[0]), UnorderedElementsAre("V1-RED", "V1-BLK"));
}

TEST_F(VariantsAttributesTest, TheTileIsTheVariantChosenWithEveryColourAsASwatch) {
  SearchRequest request{.q = "wrap dress"};
  request.filters["size"] = {"XL"};
  const SearchResponse response = Run(request);
  ASSERT_EQ(response.hits.size(), 1u);
  const SearchHit& tile = response.hits[0];
  EXPECT_EQ(tile.id, "V1-NVY") << "the only one in XL";
  EXPECT_THAT(VariantIds(tile), ElementsAre("V1-NVY"));
  std::vector<std::string> swatches;
  for (const SearchHit::Swatch& swatch : tile.swatches) {
    swatches.push_back(swatch.id + ":" + swatch.color + (swatch.matches ? ":matches" : ""));
    EXPECT_FALSE(swatch.in_stock.has_value()) << "the fixture does not say";
  }
  EXPECT_THAT(swatches, ElementsAre("V1-NVY:Navy Blue:matches", "V1-RED:Red", "V1-BLK:Black"));
}

TEST_F(VariantsAttributesTest, SwatchesListTheSizesWithTheSoldOutOnesWhereTheFeedSays) {
  // "30 32- 34": a swatch's sizes, sold-out ones marked, unknown availability bare.
  const auto sizes = [](const SearchHit& tile) {
    std::vector<std::string> listed;
    for (const SearchHit::Swatch& swatch : tile.swatches) {
      std::string line = swatch.id + ":";
      for (const SearchHit::Swatch::Size& size : swatch.sizes) {
        line += " " + size.size;
        if (size.in_stock) line += *size.in_stock ? "+" : "-";
      }
      listed.push_back(line);
    }
    return listed;
  };
  SearchRequest request{.q = "jeans"};
  request.filters["brand"] = {"Levis"};
  SearchResponse response = Run(request);
  ASSERT_EQ(response.hits.size(), 1u);
  // The jeans give stock per size (size_stock): each swatch lists its whole run.
  EXPECT_THAT(sizes(response.hits[0]),
              UnorderedElementsAre("V2-BLU: 28- 30+ 32+", "V2-BLK: 30- 32+ 34+ 36-"));
  // A size filter finds the sizes in stock only: nobody has 36 left, 34 only in black.
  request.filters["size"] = {"36"};
  EXPECT_EQ(Run(request).total, 0u);
  request.filters["size"] = {"34"};
  response = Run(request);
  ASSERT_EQ(response.hits.size(), 1u);
  EXPECT_EQ(response.hits[0].id, "V2-BLK");
  // The dresses list their sizes only, availability unknown.
  response = Run({.q = "wrap dress", .sort = SortOrder::kPopularity});
  ASSERT_EQ(response.hits.size(), 1u);
  EXPECT_THAT(sizes(response.hits[0]), ElementsAre("V1-BLK: M L", "V1-RED: S M", "V1-NVY: XL"));
}

TEST_F(VariantsAttributesTest, AMaterialIsReadOnlyForATypeThatStatesMaterials) {
  const auto fields = [&](std::string q) {
    std::vector<std::string> read;
    for (const UnderstoodPart& part : Run({.q = std::move(q)}).understood) {
      read.push_back(part.field + "=" + part.value);
    }
    return read;
  };
  EXPECT_THAT(fields("denim jeans"), ElementsAre("material=Denim", "category=Jeans"));
  // No dress states a material: the word names something else here (a brand, a scent).
  EXPECT_THAT(fields("denim dress"), ElementsAre("category=Dresses"));
}

TEST_F(VariantsAttributesTest, CollapseCanBeTurnedOff) {
  const SearchResponse response = Run({.q = "dress", .collapse = false});
  EXPECT_EQ(response.total, 4u);
  ASSERT_EQ(response.hits.size(), 4u);
  for (const SearchHit& hit : response.hits) {
    EXPECT_TRUE(hit.variants.empty()) << hit.id;
    EXPECT_TRUE(hit.swatches.empty()) << hit.id;
  }
}

TEST_F(VariantsAttributesTest, FacetsCountStylesAsTheTilesShowThem) {
  SearchRequest request{.q = "wrap"};
  request.facets = {"color", "size"};
  SearchResponse response = Run(request);
  EXPECT_EQ(response.total, 1u);
  EXPECT_EQ(CountsOf(response, "color"), (Counts{{"Black", 1}, {"Navy Blue", 1}, {"Red", 1}}));
  // M: the red and the black dress, one style; sizes listed by size.
  EXPECT_EQ(CountsOf(response, "size"), (Counts{{"S", 1}, {"M", 1}, {"L", 1}, {"XL", 1}}));
  request.collapse = false;
  response = Run(request);
  EXPECT_EQ(response.total, 3u);
  EXPECT_EQ(CountsOf(response, "size"), (Counts{{"S", 1}, {"M", 2}, {"L", 1}, {"XL", 1}}));
}

TEST_F(VariantsAttributesTest, StyleCountsAreDisjunctiveAndBucketed) {
  SearchRequest request{.q = "dress"};
  request.filters["color"] = {"Red"};
  request.facets = {"color", "brand", "price"};
  request.buckets["price"] = {2000};
  const SearchResponse response = Run(request);
  EXPECT_EQ(response.total, 2u);  // the wrap dress (its red one) and the kurta dress
  EXPECT_EQ(CountsOf(response, "color"), (Counts{{"Red", 2}, {"Black", 1}, {"Navy Blue", 1}}));
  EXPECT_EQ(CountsOf(response, "brand"), (Counts{{"Biba", 1}, {"Roadster", 1}}));
  // Red products: the wrap dress at 1,999 and the kurta dress at 1,499.
  EXPECT_EQ(CountsOf(response, "price"), (Counts{{"..2000", 2}, {"2000..", 0}}));

  request.filters.clear();
  request.facets = {"brand", "price"};
  const SearchResponse all = Run(request);
  EXPECT_EQ(all.total, 2u);
  EXPECT_EQ(CountsOf(all, "brand"), (Counts{{"Biba", 1}, {"Roadster", 1}}));
  // The wrap dress is in both buckets: its navy one costs 2,199.
  EXPECT_EQ(CountsOf(all, "price"), (Counts{{"..2000", 2}, {"2000..", 1}}));
  ASSERT_EQ(all.facets.size(), 2u);
  ASSERT_TRUE(all.facets[1].stats.has_value());
  EXPECT_EQ(all.facets[1].stats->count, 4u) << "stats describe the products";
}

TEST_F(VariantsAttributesTest, TheIndexKnowsItsFilterableAttributes) {
  EXPECT_THAT(index_->filterable_attributes(), ElementsAre("fit", "occasion"));
}

TEST_F(VariantsAttributesTest, FiltersOnADeclaredAttributeCaseInsensitively) {
  SearchRequest request{.collapse = false};
  request.filters["fit"] = {"slim"};
  EXPECT_THAT(Ids(Run(request)), ElementsAre("V2-BLU", "V2-BLK"));
  request.filters["fit"] = {"Slim", "Regular"};
  request.filters["occasion"] = {"Casual", "Festive"};
  EXPECT_THAT(Ids(Run(request)), ElementsAre("V2-BLU", "V2-BLK", "S1"));
}

TEST_F(VariantsAttributesTest, CountsDeclaredAttributesDisjunctively) {
  SearchRequest request{.collapse = false};
  request.filters["fit"] = {"Slim"};
  request.facets = {"fit", "occasion"};
  const SearchResponse response = Run(request);
  EXPECT_EQ(response.total, 2u);
  EXPECT_EQ(CountsOf(response, "fit"), (Counts{{"Regular", 5}, {"Slim", 2}}));
  EXPECT_EQ(CountsOf(response, "occasion"), (Counts{{"Casual", 2}}));
}

TEST_F(VariantsAttributesTest, UndeclaredAttributesAreNotFields) {
  SearchRequest request;
  request.filters["sleeve"] = {"Long"};  // in the catalog, not declared
  const absl::Status status = searcher_->Search(request).status();
  EXPECT_EQ(ParameterOf(status), "filter.sleeve");
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("fit and occasion"));
  request = SearchRequest();
  request.facets = {"sleeve"};
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "facets");
}

TEST(VariantsApartTest, AStylesSwatchesAreAllItsProductsWhereverTheyLie) {
  // Style B's products follow one another (their run of docids lists them);
  // A's lie apart, B's between them (its posting list does).
  testing::TempDir temp;
  const std::shared_ptr<const Index> index = BuildIndex(temp.Sub("data"), "variants_apart.jsonl");
  const std::unique_ptr<Searcher> searcher = Searcher::Create(index, {}).value();
  const SearchResponse response = searcher->Search({}).value();
  ASSERT_EQ(response.hits.size(), 2u);
  const std::map<std::string, std::vector<std::string>> styles = {{"A", {"A-1", "A-2", "A-3"}},
                                                                  {"B", {"B-1", "B-2"}}};
  for (const SearchHit& tile : response.hits) {
    std::vector<std::string> expected = {tile.id};  // the tile first, then in catalog order
    for (const std::string& id : styles.at(tile.id.substr(0, 1))) {
      if (id != tile.id) expected.push_back(id);
    }
    std::vector<std::string> swatches;
    for (const SearchHit::Swatch& swatch : tile.swatches) swatches.push_back(swatch.id);
    EXPECT_EQ(swatches, expected) << tile.id;
  }
}

}  // namespace
}  // namespace vitrine::query
