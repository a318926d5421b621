// Merchandising rules applied in search, on the 12-product fixture: each
// consequence, how rules combine, and that rules never break the match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/strings.h"
#include "merch/rule_set.h"
#include "tests/query/query_testing.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class RulesTest : public FixtureCatalogTest {
 protected:
  // Searches `request` with the rules given as JSON (consequences etc. in full).
  SearchResponse SearchWith(SearchRequest request, std::vector<std::string_view> rules) {
    request.rules =
        merch::RuleSet::Build(ParseEach(rules, merch::ParseRule), [this] { return now_; });
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *std::move(response) : SearchResponse();
  }

  absl::Time now_ = absl::FromUnixSeconds(1795737600);  // 2026-11-27T00:00:00Z
};

TEST_F(RulesTest, WithoutRulesNothingChanges) {
  const SearchResponse response = SearchWith({.q = "jeans"}, {});
  EXPECT_THAT(Ids(response), ElementsAre("1002", "1011"));
  EXPECT_THAT(response.applied_rules, IsEmpty());
  EXPECT_EQ(response.banner_json, "");
}

TEST_F(RulesTest, HideRemovesProductsFromHitsTotalsAndFacets) {
  const SearchResponse response =
      SearchWith({.q = "jeans", .facets = {"brand"}},
                 {R"({"id": "h", "conditions": {"query": {"equals": "jeans"}},
           "consequences": {"hide": ["1011"]}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1002"));
  EXPECT_EQ(response.total, 1u);
  EXPECT_THAT(response.applied_rules, ElementsAre("h"));
  ASSERT_EQ(response.facets.size(), 1u);
  ASSERT_EQ(response.facets[0].values.size(), 1u);
  EXPECT_EQ(response.facets[0].values[0].value, "Roadster");
}

TEST_F(RulesTest, FilterIsForcedOnTopOfTheRequestsFilters) {
  const SearchResponse response =
      SearchWith({.q = ""}, {R"({"id": "women", "conditions": {"query": {"equals": ""}},
                               "consequences": {"filter": {"gender": ["Women"],
                                                           "price": {"lte": 1600}}}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1002", "1004", "1008"));
  const SearchResponse narrowed =
      SearchWith({.q = "", .filters = {{"brand", {"Roadster"}}}},
                 {R"({"id": "women", "consequences": {"filter": {"gender": ["Women"]}}})"});
  EXPECT_THAT(Ids(narrowed), ElementsAre("1002"));
}

TEST_F(RulesTest, BoostLiftsMatchingProductsWithoutAddingOthers) {
  const SearchResponse response =
      SearchWith({.q = "jeans"}, {R"({"id": "b", "consequences": {"boost": [
                           {"filter": {"brand": ["Levis"]}, "factor": 3}]}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1011", "1002"));
  const SearchResponse unrelated =
      SearchWith({.q = "jeans"}, {R"({"id": "b", "consequences": {"boost": [
                           {"filter": {"brand": ["Nike"]}, "factor": 50}]}})"});
  EXPECT_THAT(Ids(unrelated), ElementsAre("1002", "1011"));
  EXPECT_EQ(unrelated.total, 2u);
}

TEST_F(RulesTest, BoostOnARelaxedQueryKeepsItsMatches) {
  const SearchResponse plain = SearchWith({.q = "navy shirt", .per_page = 12}, {});
  ASSERT_TRUE(plain.relaxed);
  const SearchResponse boosted = SearchWith(
      {.q = "navy shirt", .per_page = 12},
      {R"({"id": "b", "consequences": {"boost": [{"filter": {"brand": ["Titan"]}, "factor": 100}]}})"});
  EXPECT_EQ(boosted.total, plain.total);
  EXPECT_THAT(Ids(boosted), ::testing::UnorderedElementsAreArray(Ids(plain)));
  // The watch with a navy dial ranks higher than it did.
  auto rank = [](const SearchResponse& response) {
    const std::vector<std::string> ids = Ids(response);
    return std::find(ids.begin(), ids.end(), "1010") - ids.begin();
  };
  EXPECT_LT(rank(boosted), rank(plain));
}

TEST_F(RulesTest, BuryOutOfStockSinksItInBrowse) {
  const SearchResponse response = SearchWith(
      {.q = "", .per_page = 12},
      {R"({"id": "oos", "consequences": {"bury": [{"filter": {"in_stock": [false]}, "factor": 0.5}]}})"});
  ASSERT_EQ(response.hits.size(), 12u);
  EXPECT_EQ(response.hits.back().id, "1004");
  EXPECT_EQ(response.hits.front().id, "1001");
}

TEST_F(RulesTest, BoostReordersBrowse) {
  const SearchResponse response = SearchWith(
      {.q = "", .per_page = 3},
      {R"({"id": "b", "consequences": {"boost": [{"filter": {"brand": ["Roadster"]}, "factor": 2}]}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1002", "1005", "1001"));
}

TEST_F(RulesTest, BuryInATextSearch) {
  const SearchResponse response =
      SearchWith({.q = "jeans"}, {R"({"id": "b", "consequences": {"bury": [
                           {"filter": {"brand": ["Roadster"]}, "factor": 0.2}]}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1011", "1002"));
}

TEST_F(RulesTest, PinPutsAProductAtItsPositionEvenIfTheTextMissesIt) {
  const SearchResponse response = SearchWith(
      {.q = "jeans"}, {R"({"id": "p", "consequences": {"pin": [{"id": "1006", "position": 2}]}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1002", "1006", "1011"));
  EXPECT_EQ(response.total, 3u);
  EXPECT_NE(response.hits[1].product_json, "null");  // hydrated like any hit
}

TEST_F(RulesTest, PinMovesAMatchingProductWithoutDuplicatingIt) {
  const SearchResponse response = SearchWith(
      {.q = "jeans"}, {R"({"id": "p", "consequences": {"pin": [{"id": "1011", "position": 1}]}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1011", "1002"));
  EXPECT_EQ(response.total, 2u);
}

TEST_F(RulesTest, PinnedProductsRespectHidesAndTheShoppersFilters) {
  EXPECT_THAT(
      Ids(SearchWith({.q = "jeans"},
                     {R"({"id": "p", "consequences": {"pin": [{"id": "1006", "position": 1}]}})",
                      R"({"id": "h", "consequences": {"hide": ["1006"]}})"})),
      ElementsAre("1002", "1011"));
  EXPECT_THAT(
      Ids(SearchWith({.q = "jeans", .filters = {{"gender", {"Men"}}}},
                     {R"({"id": "p", "consequences": {"pin": [{"id": "1006", "position": 1}]}})"})),
      ElementsAre("1011"));
  EXPECT_THAT(
      Ids(SearchWith({.q = "jeans"},
                     {R"({"id": "p", "consequences": {"pin": [{"id": "nope", "position": 1}]}})"})),
      ElementsAre("1002", "1011"));
}

TEST_F(RulesTest, TwoPinsOnOnePositionTheHigherPriorityWins) {
  const SearchResponse response = SearchWith(
      {.q = "jeans"},
      {R"({"id": "low", "priority": 1, "consequences": {"pin": [{"id": "1006", "position": 1}]}})",
       R"({"id": "high", "priority": 5, "consequences": {"pin": [{"id": "1003", "position": 1}]}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1003", "1002", "1011"));
  EXPECT_THAT(response.applied_rules, ElementsAre("high", "low"));
}

TEST_F(RulesTest, PinsOnALaterPageLandThere) {
  const SearchResponse first =
      SearchWith({.q = "jeans", .per_page = 1},
                 {R"({"id": "p", "consequences": {"pin": [{"id": "1006", "position": 2}]}})"});
  EXPECT_THAT(Ids(first), ElementsAre("1002"));
  const SearchResponse second =
      SearchWith({.q = "jeans", .page = 2, .per_page = 1},
                 {R"({"id": "p", "consequences": {"pin": [{"id": "1006", "position": 2}]}})"});
  EXPECT_THAT(Ids(second), ElementsAre("1006"));
}

TEST_F(RulesTest, ReplaceQuerySearchesTheMerchandisersQuery) {
  const SearchResponse response =
      SearchWith({.q = "denims"}, {R"({"id": "r", "conditions": {"query": {"equals": "denims"}},
                            "consequences": {"replace_query": "jeans"}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1002", "1011"));
  EXPECT_THAT(response.applied_rules, ElementsAre("r"));
}

TEST_F(RulesTest, BannerOfTheFirstFiredRuleIsReturned) {
  const SearchResponse response = SearchWith(
      {.q = "jeans"},
      {R"({"id": "a", "priority": 1, "consequences": {"banner": {"text": "Denim week"}}})",
       R"({"id": "b", "consequences": {"banner": {"text": "Other"}}})"});
  EXPECT_EQ(response.banner_json, R"({"text":"Denim week"})");
  EXPECT_THAT(response.applied_rules, ElementsAre("a", "b"));
}

TEST_F(RulesTest, ContextRulesFireOnlyWithTheirFilter) {
  constexpr std::string_view kRule = R"({"id": "ctx",
      "conditions": {"context": {"filters": {"category": ["Jeans"]}}},
      "consequences": {"hide": ["1002"]}})";
  const SearchResponse with = SearchWith({.q = "", .filters = {{"category", {"jeans"}}}}, {kRule});
  EXPECT_THAT(Ids(with), ElementsAre("1011"));
  EXPECT_THAT(with.applied_rules, ElementsAre("ctx"));
  const SearchResponse without = SearchWith({.q = "jeans"}, {kRule});
  EXPECT_THAT(Ids(without), ElementsAre("1002", "1011"));
  EXPECT_THAT(without.applied_rules, IsEmpty());
}

TEST_F(RulesTest, ScheduledRulesFollowTheClock) {
  constexpr std::string_view kRule = R"({"id": "bf",
      "active": {"starts_at": "2026-11-28T00:00:00Z", "ends_at": "2026-11-30T23:59:59Z"},
      "consequences": {"hide": ["1011"]}})";
  EXPECT_THAT(Ids(SearchWith({.q = "jeans"}, {kRule})), ElementsAre("1002", "1011"));
  now_ += absl::Hours(24);
  EXPECT_THAT(Ids(SearchWith({.q = "jeans"}, {kRule})), ElementsAre("1002"));
  now_ += absl::Hours(24 * 3);
  EXPECT_THAT(Ids(SearchWith({.q = "jeans"}, {kRule})), ElementsAre("1002", "1011"));
}

TEST_F(RulesTest, ContainsRulesFireOnQueriesWithTheirWords) {
  constexpr std::string_view kRule = R"({"id": "c",
      "conditions": {"query": {"contains": ["jeans"]}}, "consequences": {"hide": ["1002"]}})";
  const SearchResponse response = SearchWith({.q = "Men JEANS"}, {kRule});
  EXPECT_THAT(response.applied_rules, ElementsAre("c"));
  ASSERT_FALSE(response.hits.empty());
  EXPECT_EQ(response.hits[0].id, "1011");  // then other men's products (relaxed)
  EXPECT_THAT(Ids(response), ::testing::Not(::testing::Contains("1002")));
  EXPECT_THAT(SearchWith({.q = "jacket"}, {kRule}).applied_rules, IsEmpty());
}

}  // namespace
}  // namespace vitrine::query
