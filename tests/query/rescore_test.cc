// Rescoring on the 12-product fixture: rule boosts and buries multiply the text
// score of the top candidates, business signals re-order products of similar
// relevance only, field weights change the match's scores, and the result
// cache tells ranking versions apart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "merch/ranking.h"
#include "merch/rule_set.h"
#include "query/result_cache.h"
#include "tests/query/query_testing.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;

class RescoreTest : public FixtureCatalogTest {
 protected:
  // Searches `request` with `rules` (rule JSON) and `ranking` (ranking JSON; empty: none).
  SearchResponse SearchWith(SearchRequest request, std::vector<std::string_view> rules,
                            std::string_view ranking = {}) {
    std::vector<merch::Rule> parsed;
    for (std::string_view json : rules) parsed.push_back(merch::ParseRule(json).value());
    request.rules = merch::RuleSet::Build(std::move(parsed));
    request.understand = false;  // the rules' and the ranking's order alone
    if (!ranking.empty()) {
      request.ranking =
          std::make_shared<const merch::Ranking>(merch::ParseRanking(ranking).value());
    }
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *std::move(response) : SearchResponse();
  }
};

constexpr std::string_view kPopularity = R"({"signals": {"popularity": 0.5}})";

TEST_F(RescoreTest, BoostsOnOneProductMultiply) {
  const SearchResponse plain = SearchWith({.q = "jeans"}, {});
  ASSERT_THAT(Ids(plain), ElementsAre("1002", "1011"));
  EXPECT_DOUBLE_EQ(plain.hits[0].score, plain.hits[1].score);  // the same text score
  const SearchResponse boosted = SearchWith(
      {.q = "jeans"},
      {R"({"id": "a", "consequences": {"boost": [{"filter": {"brand": ["Roadster"]}, "factor": 2},
                                                 {"filter": {"gender": ["Women"]}, "factor": 3}]}})"});
  ASSERT_THAT(Ids(boosted), ElementsAre("1002", "1011"));
  EXPECT_DOUBLE_EQ(boosted.hits[0].score, 6 * plain.hits[0].score);
  EXPECT_DOUBLE_EQ(boosted.hits[1].score, plain.hits[1].score);
}

TEST_F(RescoreTest, ABoostAndABuryOfTheSameProductCancelOut) {
  const SearchResponse plain = SearchWith({.q = "jeans"}, {});
  const SearchResponse response = SearchWith(
      {.q = "jeans"},
      {R"({"id": "up", "consequences": {"boost": [{"filter": {"brand": ["Roadster"]}, "factor": 4}]}})",
       R"({"id": "down", "consequences": {"bury": [{"filter": {"gender": ["Women"]}, "factor": 0.25}]}})"});
  EXPECT_THAT(Ids(response), ElementsAre("1002", "1011"));  // a tie again: by docid
  EXPECT_DOUBLE_EQ(response.hits[0].score, plain.hits[0].score);
}

TEST_F(RescoreTest, ABuryBelowTheNextScoreSwapsTheOrder) {
  // 1001 and 1005 tie on "navy"; 1010 has it in its description only.
  EXPECT_THAT(Ids(SearchWith({.q = "navy"}, {})),
              ElementsAre("1001", "1005", "1010", "1009", "1011"));
  EXPECT_THAT(Ids(SearchWith({.q = "navy"}, {R"({"id": "b", "consequences": {"bury": [
                                           {"filter": {"brand": ["Turtle"]}, "factor": 0.1}]}})"})),
              ElementsAre("1005", "1010", "1001", "1009", "1011"));
}

TEST_F(RescoreTest, PagesOfARescoredMatchFollowOneOrder) {
  constexpr std::string_view kBoost =
      R"({"id": "b", "consequences": {"boost": [{"filter": {"brand": ["Titan"]}, "factor": 10}]}})";
  EXPECT_THAT(Ids(SearchWith({.q = "navy", .per_page = 5}, {kBoost})),
              ElementsAre("1010", "1001", "1005", "1009", "1011"));
  std::vector<std::string> paged;
  for (int page = 1; page <= 3; ++page) {
    const SearchResponse response =
        SearchWith({.q = "navy", .page = page, .per_page = 2}, {kBoost});
    EXPECT_EQ(response.total, 5u);
    for (const SearchHit& hit : response.hits) paged.push_back(hit.id);
  }
  EXPECT_THAT(paged, ElementsAre("1010", "1001", "1005", "1009", "1011"));
}

TEST_F(RescoreTest, BrowseScoresAreTheMultipliers) {
  const SearchResponse response = SearchWith(
      {.q = "", .per_page = 3},
      {R"({"id": "b", "consequences": {"boost": [{"filter": {"brand": ["Roadster"]}, "factor": 2}],
                                       "bury": [{"filter": {"in_stock": [false]}, "factor": 0.5}]}})"});
  ASSERT_THAT(Ids(response), ElementsAre("1002", "1005", "1001"));
  EXPECT_NEAR(response.hits[0].score, 2.0, 1e-9);
  EXPECT_NEAR(response.hits[2].score, 1.0, 1e-9);
}

TEST_F(RescoreTest, OtherSortOrdersIgnoreBoostsAndSignals) {
  const SearchResponse plain = SearchWith({.q = "navy", .sort = SortOrder::kPriceAsc}, {});
  const SearchResponse ranked = SearchWith(
      {.q = "navy", .sort = SortOrder::kPriceAsc},
      {R"({"id": "b", "consequences": {"boost": [{"filter": {"brand": ["Titan"]}, "factor": 10}]}})"},
      kPopularity);
  EXPECT_THAT(Ids(plain), ElementsAre("1001", "1005", "1011", "1009", "1010"));
  EXPECT_EQ(Ids(ranked), Ids(plain));
}

TEST_F(RescoreTest, PopularitySwapsProductsOfTheSameTextScore) {
  // 1011 (popularity 1,100) is more popular than 1002 (820).
  EXPECT_THAT(Ids(SearchWith({.q = "jeans"}, {}, R"({"signals": {"popularity": 0.1}})")),
              ElementsAre("1011", "1002"));
}

TEST_F(RescoreTest, SignalsNeverLiftAFarLessRelevantProduct) {
  // 1009 and 1011 match "navy" by colour family only, with close scores; 1011
  // is more popular than 1009, 1010 and 1001 - 1005, yet only passes 1009.
  const SearchResponse response = SearchWith({.q = "navy"}, {}, kPopularity);
  EXPECT_THAT(Ids(response), ElementsAre("1001", "1005", "1010", "1011", "1009"));
  // And a product that misses the query's words never shows: 1003 is the most
  // popular of all.
  const SearchResponse jeans = SearchWith({.q = "jeans"}, {}, kPopularity);
  EXPECT_THAT(Ids(jeans), ElementsAre("1011", "1002"));
  EXPECT_EQ(jeans.total, 2u);
}

TEST_F(RescoreTest, BrowseFollowsTheSignalsOverTheWholeCatalog) {
  EXPECT_THAT(Ids(SearchWith({.q = "", .per_page = 12}, {}, kPopularity)),
              ElementsAre("1003", "1011", "1009", "1002", "1008", "1007", "1004", "1001", "1010",
                          "1005", "1012", "1006"));
  // Out of stock last, the rest as without signals.
  EXPECT_THAT(Ids(SearchWith({.q = "", .per_page = 12}, {}, R"({"signals": {"in_stock": 0.1}})")),
              ElementsAre("1001", "1002", "1003", "1005", "1006", "1007", "1008", "1009", "1010",
                          "1011", "1012", "1004"));
  // Rating, min-max: ties keep catalog order.
  EXPECT_THAT(Ids(SearchWith({.q = "", .per_page = 5}, {}, R"({"signals": {"rating": 0.2}})")),
              ElementsAre("1003", "1009", "1002", "1010", "1006"));
}

TEST_F(RescoreTest, BoostsAndSignalsCombineInBrowse) {
  const SearchResponse response = SearchWith(
      {.q = "", .per_page = 4},
      {R"({"id": "b", "consequences": {"boost": [{"filter": {"brand": ["Roadster"]}, "factor": 2}]}})"},
      kPopularity);
  EXPECT_THAT(Ids(response), ElementsAre("1002", "1005", "1003", "1011"));
  EXPECT_NEAR(response.hits[0].score, 2 * (1 + 0.5 * 8 / 11.0), 1e-6);
}

TEST_F(RescoreTest, FieldWeightsChangeTheTextScores) {
  // "navy" is in 1010's description only.
  const SearchResponse response =
      SearchWith({.q = "navy"}, {}, R"({"fields": {"description": 100}})");
  EXPECT_THAT(Ids(response), ElementsAre("1010", "1001", "1005", "1009", "1011"));
  // A field weighed 0 still matches, and scores nothing.
  const SearchResponse unscored =
      SearchWith({.q = "navy"}, {}, R"({"fields": {"title": 0, "color": 0}})");
  EXPECT_EQ(unscored.total, 5u);
  EXPECT_EQ(unscored.hits[0].id, "1010");
}

TEST_F(RescoreTest, TheResultCacheKeysOnTheRankingVersion) {
  ResultCache cache;
  std::unique_ptr<Searcher> searcher = Searcher::Create(index_, {}, &cache).value();
  auto version = [](std::string_view json, uint64_t number) {
    merch::Ranking ranking = merch::ParseRanking(json).value();
    ranking.version = number;
    return std::make_shared<const merch::Ranking>(std::move(ranking));
  };
  const auto plain = version("{}", 1);
  const auto popular = version(R"({"signals": {"popularity": 0.1}})", 2);
  EXPECT_THAT(Ids(searcher->Search({.q = "jeans", .ranking = plain}).value()),
              ElementsAre("1002", "1011"));
  EXPECT_THAT(Ids(searcher->Search({.q = "jeans", .ranking = popular}).value()),
              ElementsAre("1011", "1002"));
  EXPECT_THAT(Ids(searcher->Search({.q = "jeans", .ranking = plain}).value()),
              ElementsAre("1002", "1011"));
  EXPECT_EQ(cache.stats().hits, 1u);
}

// A numeric attribute as a signal, on an index that declares it.
TEST(RescoreAttributeTest, ANumericAttributeRanksMinMaxAndOtherValuesCountZero) {
  testing::TempDir dir;
  const std::shared_ptr<const Index> index =
      BuildIndex(dir.Sub("data"), "margins.jsonl", {"margin"});
  std::unique_ptr<Searcher> searcher = Searcher::Create(index, {}).value();
  auto ranking = std::make_shared<const merch::Ranking>(
      merch::ParseRanking(R"({"signals": {"attribute": {"name": "margin", "weight": 0.2}}})")
          .value());
  EXPECT_THAT(Ids(searcher->Search({.q = "scarf"}).value()), ElementsAre("m1", "m2", "m3", "m4"));
  const SearchResponse response = searcher->Search({.q = "scarf", .ranking = ranking}).value();
  EXPECT_THAT(Ids(response), ElementsAre("m2", "m3", "m1", "m4"));
  EXPECT_DOUBLE_EQ(response.hits[0].score, 1.2 * response.hits[2].score);
  // An attribute the index does not declare counts 0.
  auto undeclared = std::make_shared<const merch::Ranking>(
      merch::ParseRanking(R"({"signals": {"attribute": {"name": "cost", "weight": 0.2}}})")
          .value());
  EXPECT_THAT(Ids(searcher->Search({.q = "scarf", .ranking = undeclared}).value()),
              ElementsAre("m1", "m2", "m3", "m4"));
}

}  // namespace
}  // namespace vitrine::query
