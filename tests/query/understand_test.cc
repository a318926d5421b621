// Query understanding on the fixture catalog: what q names becomes a filter or a
// boost, is reported, leaves the text when it was a constraint, gives way to the
// request's own filters and to a merchandiser's switch, and falls back to boosts
// rather than leave less than a page.
#include "query/understand/understand.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "merch/ranking.h"
#include "query/search.h"
#include "tests/query/query_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using Applied = UnderstoodPart::Applied;

class UnderstandTest : public FixtureCatalogTest {
 protected:
  // One hit a page, so a filter that leaves one product holds.
  SearchResponse Search(std::string q, int per_page = 1) {
    SearchRequest request{.q = std::move(q), .per_page = per_page};
    return searcher_->Search(request).value();
  }
  // field=value:applied of each part, in q's order.
  static std::vector<std::string> Parts(const SearchResponse& response) {
    std::vector<std::string> parts;
    for (const UnderstoodPart& part : response.understood) {
      parts.push_back(part.field + "=" + part.value + ":" + std::string(AppliedName(part.applied)));
    }
    return parts;
  }
};

TEST_F(UnderstandTest, APriceAndAProductTypeFilterAndLeaveTheText) {
  const SearchResponse response = Search("jeans under 2000");
  EXPECT_THAT(Parts(response), ElementsAre("category=Jeans:filter", "price=:filter"));
  const UnderstoodPart& price = response.understood[1];
  EXPECT_EQ(price.text, "under 2000");
  EXPECT_EQ(price.op, "lte");
  EXPECT_EQ(price.lte, 2000);
  EXPECT_FALSE(price.gte);
  EXPECT_EQ(response.total, 1u) << "Levi's jeans cost 2,799";
  EXPECT_THAT(Ids(response), ElementsAre("1002"));
  EXPECT_FALSE(response.relaxed);
}

TEST_F(UnderstandTest, AColourFamilyFiltersOnEveryShadeAndRanksItsOwnFirst) {
  const SearchResponse response = Search("blue", 4);
  ASSERT_EQ(response.understood.size(), 1u);
  const UnderstoodPart& color = response.understood[0];
  EXPECT_EQ(color.field, "color");
  EXPECT_EQ(color.value, "Blue");
  EXPECT_THAT(color.matches, UnorderedElementsAre("Blue", "Navy Blue"));
  EXPECT_THAT(color.exact, ElementsAre("Blue"));
  EXPECT_EQ(color.applied, Applied::kFilter);
  ASSERT_EQ(response.total, 4u);  // two blue, two navy
  std::vector<std::string> ids = Ids(response);
  ids.resize(2);
  EXPECT_THAT(ids, UnorderedElementsAre("1009", "1011"));
}

TEST_F(UnderstandTest, ASizeNeedsTheWordSizeAndMatchesTheCatalogsSizes) {
  const SearchResponse response = Search("nike shoes size 10");
  EXPECT_THAT(Parts(response), ElementsAre("brand=Nike:filter", "size=10:filter"));
  EXPECT_EQ(response.understood[1].text, "size 10");
  EXPECT_THAT(Ids(response), ElementsAre("1003"));
}

TEST_F(UnderstandTest, AGenderWordTakesUnisexToo) {
  const SearchResponse response = Search("ladies handbag");
  ASSERT_THAT(Parts(response), ElementsAre("gender=Women:filter", "category=Handbags:filter"));
  EXPECT_THAT(response.understood[0].matches, UnorderedElementsAre("Women", "Unisex"));
  EXPECT_THAT(Ids(response), ElementsAre("1006"));
}

TEST(UnderstandKids, AKidsWordTakesBoysGirlsAndUnisexKids) {
  testing::TempDir temp;
  const std::shared_ptr<const Index> index = BuildIndex(temp.Sub("data"), "kids.jsonl");
  const std::unique_ptr<Searcher> searcher = Searcher::Create(index, {}).value();
  const SearchResponse response = searcher->Search({.q = "kids tshirts", .per_page = 2}).value();
  ASSERT_EQ(response.understood.size(), 2u);
  const UnderstoodPart& gender = response.understood[0];
  EXPECT_EQ(gender.field, "gender");
  // "Unisex Kids" is read by its last word, the audience: the kids' value.
  EXPECT_EQ(gender.value, "Unisex Kids");
  EXPECT_THAT(gender.matches, UnorderedElementsAre("Boys", "Girls", "Unisex Kids"));
  EXPECT_EQ(gender.applied, Applied::kFilter);
  EXPECT_EQ(response.total, 3u);
  // ... and not by its first: "unisex" is the grown-ups' Unisex (and men and women).
  const SearchResponse unisex = searcher->Search({.q = "unisex tshirts", .per_page = 2}).value();
  ASSERT_FALSE(unisex.understood.empty());
  EXPECT_THAT(unisex.understood[0].matches, UnorderedElementsAre("Unisex", "Men"));
}

TEST_F(UnderstandTest, BrandsMultiWordAccentedAndMisspelt) {
  EXPECT_THAT(Parts(Search("cafe creme dress")),
              ElementsAre("brand=Café Crème:filter", "category=Dresses:filter"));
  const SearchResponse misspelt = Search("addidas track pants");
  EXPECT_THAT(Parts(misspelt), ElementsAre("brand=Adidas:filter", "category=Track Pants:filter"));
  EXPECT_EQ(misspelt.understood[0].text, "addidas");
  EXPECT_THAT(Ids(misspelt), ElementsAre("1007"));
}

TEST_F(UnderstandTest, ASeasonIsABoostAndStaysText) {
  const SearchResponse response = Search("summer dress");
  EXPECT_THAT(Parts(response), ElementsAre("season=Summer:boost", "category=Dresses:filter"));
  EXPECT_THAT(Ids(response), ElementsAre("1012"));
}

TEST_F(UnderstandTest, FiltersThatLeaveLessThanAPageBecomeBoosts) {
  const SearchResponse response = Search("pink jeans", 3);
  EXPECT_THAT(Parts(response), ElementsAre("color=Pink:boost", "category=Jeans:boost"));
  EXPECT_THAT(response.understood[0].note, HasSubstr("fewer than a page of 3"));
  // Searched as text again: jeans and pink products, none hidden.
  EXPECT_GE(response.total, 3u);
}

TEST_F(UnderstandTest, TheRequestsOwnFilterWins) {
  SearchRequest request{.q = "nike shoes", .per_page = 1};
  request.filters["brand"] = {"Puma"};
  const SearchResponse response = searcher_->Search(request).value();
  ASSERT_THAT(Parts(response), ElementsAre("brand=Nike:none"));
  EXPECT_THAT(response.understood[0].note, HasSubstr("filters brand itself"));
  EXPECT_EQ(response.total, 0u) << "nike stays text, and no Puma product says it";
}

TEST_F(UnderstandTest, OffPerRequestAndPerFieldInTheRankingConfig) {
  SearchRequest request{.q = "jeans under 2000", .per_page = 1, .understand = false};
  SearchResponse response = searcher_->Search(request).value();
  EXPECT_THAT(response.understood, IsEmpty());

  request.understand = true;
  request.ranking = std::make_shared<merch::Ranking>(
      merch::ParseRanking(R"({"understand": {"category": false}})").value());
  response = searcher_->Search(request).value();
  EXPECT_THAT(Parts(response), ElementsAre("price=:filter"));
  EXPECT_THAT(Ids(response), ElementsAre("1002")) << "jeans searched as text, under 2,000";
}

TEST_F(UnderstandTest, AWordIsReadAsItReadsInTheWholeQuery) {
  EXPECT_THAT(Parts(Search("runners")), ElementsAre("category=Sports Shoes:filter"));
  // The vocabulary scopes "runners": no shoe in a text with "table".
  EXPECT_THAT(Search("table runners").understood, IsEmpty());
}

TEST_F(UnderstandTest, NothingNamedLeavesTheQueryAsItIs) {
  const SearchResponse response = Search("skinny", 24);
  EXPECT_THAT(response.understood, IsEmpty());
  EXPECT_THAT(Ids(response), ElementsAre("1002"));
}

TEST(ConfirmUnderstanding, AFilterOnlyWhereTheCatalogStatesTheFieldForWhatSaysTheWords) {
  internal::Understanding understanding{.q = "nike tshirt under 500"};
  understanding.words = {"nike", "tshirt"};
  for (std::string field : {"brand", "category"}) {
    understanding.parts.push_back({.text = field == "brand" ? "nike" : "tshirt",
                                   .field = field,
                                   .applied = Applied::kFilter});
  }
  understanding.parts.push_back(
      {.text = "under 500", .field = "price", .applied = Applied::kFilter});
  understanding.spans = {{0, 1}, {1, 1}, {0, 0}};
  EXPECT_EQ(understanding.Text(), "");
  internal::Confirm(understanding, [](const UnderstoodPart& part) -> internal::Statement {
    EXPECT_NE(part.field, "price") << "a price is no words of a product's text";
    // 10 of 100 Nike products lack the brand (a filter still); 11 of 100 tees
    // lack the category (a boost).
    return {.said = 100, .missing = part.field == "brand" ? 10u : 11u};
  });
  EXPECT_EQ(understanding.parts[0].applied, Applied::kFilter);
  EXPECT_EQ(understanding.parts[1].applied, Applied::kBoost);
  EXPECT_EQ(understanding.parts[1].note,
            "11 of the 100 products that say 'tshirt' have no such category; ranked first instead");
  EXPECT_EQ(understanding.parts[2].applied, Applied::kFilter);
  EXPECT_EQ(understanding.Text(), "tshirt");
}

TEST(RankingUnderstand, ParsedCheckedAndInTheCanonicalJson) {
  const merch::Ranking ranking =
      merch::ParseRanking(R"({"understand": {"brand": false, "price": true}})").value();
  EXPECT_THAT(ranking.understand_off, ElementsAre("brand"));
  EXPECT_THAT(ranking.json, HasSubstr(R"("understand":{"brand":false,)"));
  EXPECT_EQ(merch::ParseRanking(R"({"understand": {"colour": false}})").status().message(),
            "unknown field 'colour' (fields: price, size, brand, category, color, gender, season, "
            "material)");
  EXPECT_THAT(merch::ParseRanking(R"({"understand": {"brand": 0}})").status().message(),
              HasSubstr("understand.brand must be true or false"));
}

}  // namespace
}  // namespace vitrine::query
