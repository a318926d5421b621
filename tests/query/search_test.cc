// Specification of Searcher over a generation built from
// tests/testdata/products.jsonl: matching, ranking, paging, relaxation and
// hydration.
#include "query/search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "tests/query/query_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::query {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class SearchTest : public FixtureCatalogTest {
 protected:
  SearchResponse Search(std::string q, int page = 1, int per_page = 24) {
    SearchRequest request;
    request.q = std::move(q);
    request.page = page;
    request.per_page = per_page;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(SearchResponse());
  }
};

TEST_F(SearchTest, OpenIndexCountsTheDocumentsOfTheGeneration) {
  EXPECT_EQ(index_->documents(), 12u);
  EXPECT_EQ(index_->generation(), "000001");
}

TEST_F(SearchTest, OpenIndexOfAMissingGenerationIsUnavailable) {
  const absl::StatusOr<std::shared_ptr<const Index>> index =
      OpenIndex({.generation = "000009",
                 .xapian_path = temp_->Sub("data/generations/000009/xapian"),
                 .snapshot_path = temp_->Sub("data/generations/000009/snapshots")});
  EXPECT_EQ(index.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(SearchTest, RanksTheProductWithEveryWordInItsTitleFirst) {
  const SearchResponse response = Search("navy shirt");
  ASSERT_FALSE(response.hits.empty());
  EXPECT_EQ(response.hits.front().id, "1001");
}

TEST_F(SearchTest, FollowsFewFullMatchesWithPartialOnes) {
  // Only 1001 is a navy shirt; other navy products and other shirts follow it,
  // each below every full match.
  const SearchResponse response = Search("navy shirt");
  EXPECT_TRUE(response.relaxed);
  ASSERT_GE(response.hits.size(), 3u);
  EXPECT_EQ(response.hits[0].id, "1001");
  EXPECT_THAT(Ids(response), Contains("1005"));  // navy jacket
  for (size_t i = 1; i < response.hits.size(); ++i) {
    EXPECT_LT(response.hits[i].score, response.hits[0].score);
  }
}

TEST_F(SearchTest, MatchesWordsByTheirStem) {
  const SearchResponse response = Search("jeans");
  EXPECT_THAT(Ids(response), UnorderedElementsAre("1002", "1011"));
  EXPECT_EQ(response.total, 2u);
  EXPECT_FALSE(response.total_is_estimate);
  EXPECT_THAT(Ids(Search("jean")), UnorderedElementsAre("1002", "1011"));
}

TEST_F(SearchTest, RanksATitleMatchAboveADescriptionMatch) {
  // "navy" is in the titles of 1001 and 1005, and only in the description of 1010.
  const std::vector<std::string> ids = Ids(Search("navy"));
  ASSERT_GE(ids.size(), 3u);
  EXPECT_THAT(std::vector<std::string>(ids.begin(), ids.begin() + 2),
              UnorderedElementsAre("1001", "1005"));
  EXPECT_THAT(ids, Contains("1010"));
}

TEST_F(SearchTest, FindsTheColourFamilyAfterTheExactColour) {
  // Navy is in the blue family: 1009 and 1011 are blue, and follow the navy ones.
  const std::vector<std::string> ids = Ids(Search("navy"));
  EXPECT_THAT(ids, UnorderedElementsAre("1001", "1005", "1010", "1009", "1011"));
  EXPECT_THAT(std::vector<std::string>(ids.begin(), ids.begin() + 2),
              UnorderedElementsAre("1001", "1005"));
  const std::vector<std::string> blue = Ids(Search("blue"));
  ASSERT_EQ(blue.size(), 4u);
  EXPECT_THAT(std::vector<std::string>(blue.begin(), blue.begin() + 2),
              UnorderedElementsAre("1009", "1011"));
}

TEST_F(SearchTest, RanksByScoreDescending) {
  const SearchResponse response = Search("men blue");
  ASSERT_GE(response.hits.size(), 2u);
  for (size_t i = 1; i < response.hits.size(); ++i) {
    EXPECT_GE(response.hits[i - 1].score, response.hits[i].score) << i;
  }
}

TEST_F(SearchTest, IgnoresCaseAndAccents) {
  EXPECT_THAT(Ids(Search("CAFE CREME")), ElementsAre("1012"));
  EXPECT_THAT(Ids(Search("café crème")), ElementsAre("1012"));
}

TEST_F(SearchTest, MatchesPossessives) {
  EXPECT_EQ(Ids(Search("levi's jeans")).front(), "1011");
  EXPECT_EQ(Ids(Search("levis")).front(), "1011");
}

TEST_F(SearchTest, AnEmptyQueryListsTheWholeCatalogInFeedOrder) {
  const SearchResponse response = Search("");
  EXPECT_EQ(response.total, 12u);
  EXPECT_THAT(Ids(response), ElementsAre("1001", "1002", "1003", "1004", "1005", "1006", "1007",
                                         "1008", "1009", "1010", "1011", "1012"));
}

TEST_F(SearchTest, APunctuationOnlyQueryBrowsesLikeAnEmptyOne) {
  EXPECT_EQ(Search(" -- ?! ").total, 12u);
}

TEST_F(SearchTest, PagesFollowOnWithoutOverlap) {
  EXPECT_THAT(Ids(Search("", 1, 5)), ElementsAre("1001", "1002", "1003", "1004", "1005"));
  EXPECT_THAT(Ids(Search("", 2, 5)), ElementsAre("1006", "1007", "1008", "1009", "1010"));
  EXPECT_THAT(Ids(Search("", 3, 5)), ElementsAre("1011", "1012"));
}

TEST_F(SearchTest, APageBeyondTheLastIsEmptyButKeepsTheTotal) {
  const SearchResponse response = Search("", 4, 5);
  EXPECT_THAT(response.hits, IsEmpty());
  EXPECT_EQ(response.total, 12u);
}

TEST_F(SearchTest, PagesOfRankedResultsSliceOneStableOrder) {
  // Six men's products and the unisex clogs, which fit men too.
  const std::vector<std::string> all = Ids(Search("men", 1, 24));
  ASSERT_EQ(all.size(), 7u);
  std::vector<std::string> paged;
  for (int page = 1; page <= 4; ++page) {
    const std::vector<std::string> ids = Ids(Search("men", page, 2));
    paged.insert(paged.end(), ids.begin(), ids.end());
  }
  EXPECT_EQ(paged, all);
  EXPECT_EQ(Ids(Search("men", 1, 24)), all);  // and again, the same
}

TEST_F(SearchTest, RelaxesToAnyWordWhenNoProductHasEvery) {
  const SearchResponse response = Search("navy unicorn");
  EXPECT_TRUE(response.relaxed);
  EXPECT_THAT(Ids(response), UnorderedElementsAre("1001", "1005", "1010", "1009", "1011"));
  EXPECT_EQ(response.total, 5u);
}

TEST_F(SearchTest, CorrectsAMisspelledWordFromTheIndexVocabulary) {
  const SearchResponse response = Search("jeens");
  EXPECT_EQ(response.corrected_query, "jeans");
  EXPECT_THAT(Ids(response), UnorderedElementsAre("1002", "1011"));
}

TEST_F(SearchTest, CorrectsOnlyTheUnknownWordsOfAQuery) {
  const SearchResponse response = Search("black roadstr");
  EXPECT_EQ(response.corrected_query, "black roadster");
  ASSERT_FALSE(response.hits.empty());
  EXPECT_EQ(response.hits.front().id, "1002");
}

TEST_F(SearchTest, SplitsAWordWrittenWithoutItsSpace) {
  const SearchResponse response = Search("leatherhandbag");
  EXPECT_EQ(response.corrected_query, "leather handbag");
  ASSERT_FALSE(response.hits.empty());
  EXPECT_EQ(response.hits.front().id, "1006");
}

TEST_F(SearchTest, LeavesKnownAndShortWordsAlone) {
  EXPECT_EQ(Search("jeans").corrected_query, "");
  EXPECT_EQ(Search("levis jeans").corrected_query, "");
  EXPECT_EQ(Search("jen").corrected_query, "");  // under 4 letters: not fuzzed
}

TEST_F(SearchTest, TheLastWordMatchesAsAPrefixWhileTyping) {
  EXPECT_EQ(Ids(Search("beige dre")).front(), "1012");
  EXPECT_EQ(Ids(Search("navy shi")).front(), "1001");
  EXPECT_THAT(Ids(Search("dre")), ElementsAre("1012"));
  // A finished word (space after it) is not a prefix any more.
  EXPECT_EQ(Search("dre ").total, 0u);
}

TEST_F(SearchTest, AWholeWordRanksAboveAPrefixMatch) {
  // "jean" is a word of 1002 and 1011 and a prefix of nothing else here; "shirt"
  // whole (1001) ranks above "shirt" as the start of a longer word.
  const SearchResponse response = Search("shirt");
  ASSERT_FALSE(response.hits.empty());
  EXPECT_EQ(response.hits.front().id, "1001");
}

TEST_F(SearchTest, HighlightsTheMatchedWordsOfTitleAndDescription) {
  const SearchResponse response = Search("navy shirt");
  ASSERT_FALSE(response.hits.empty());
  EXPECT_EQ(response.hits[0].highlight_title, "Turtle Check Men <em>Navy Blue Shirt</em>");
  // Compounds ("Navy Blue", "T-Shirt") are marked whole, and neighbouring
  // marked words share one tag; descriptions are marked too.
  const SearchResponse tees = Search("pink tee");
  ASSERT_FALSE(tees.hits.empty());
  EXPECT_EQ(tees.hits[0].highlight_title, "Puma Women <em>Pink T-Shirt</em>");
  EXPECT_EQ(tees.hits[0].highlight_description, "Soft cotton <em>tee</em> with a round neck.");
}

TEST_F(SearchTest, HighlightsFollowEachQueryOnOneSearcher) {
  // The searcher remembers the analysed words of titles across searches, never
  // which of them matched: the next query marks its own words only.
  EXPECT_EQ(Search("navy shirt").hits.at(0).highlight_title,
            "Turtle Check Men <em>Navy Blue Shirt</em>");
  EXPECT_EQ(Search("turtle").hits.at(0).highlight_title,
            "<em>Turtle</em> Check Men Navy Blue Shirt");
}

TEST_F(SearchTest, HighlightsEscapeHtmlAndTakeAnotherTag) {
  SearchRequest request;
  request.q = "levi's";
  request.highlight_tag = "mark";
  const SearchResponse response = searcher_->Search(request).value();
  ASSERT_FALSE(response.hits.empty());
  EXPECT_EQ(response.hits[0].highlight_title, "<mark>Levi&#39;s</mark> Men Blue Slim Fit Jeans");
  request.highlight = false;
  EXPECT_EQ(searcher_->Search(request).value().hits[0].highlight_title, "");
  request.highlight_tag = "em onclick";
  EXPECT_EQ(ParameterOf(searcher_->Search(request).status()), "highlight_tag");
}

TEST_F(SearchTest, HighlightsThePrefixBeingTyped) {
  EXPECT_EQ(Search("beige dre").hits.at(0).highlight_title,
            "Café Crème Women <em>Beige</em> Summer <em>Dress</em>");
}

TEST_F(SearchTest, FindsNothingForAnUnknownWord) {
  const SearchResponse response = Search("zzyzx");
  EXPECT_EQ(response.total, 0u);
  EXPECT_THAT(response.hits, IsEmpty());
  EXPECT_FALSE(response.relaxed);
}

TEST_F(SearchTest, HydratesEachHitWithItsSnapshot) {
  const SearchResponse response = Search("jeans");
  ASSERT_EQ(response.hits.size(), 2u);
  for (const SearchHit& hit : response.hits) {
    const nlohmann::json product = nlohmann::json::parse(hit.product_json);
    EXPECT_EQ(product.at("id"), hit.id);
    EXPECT_EQ(product.at("category").back(), "Jeans");
  }
}

TEST_F(SearchTest, RejectsAnInvalidRequestNamingTheParameter) {
  SearchRequest request;
  request.per_page = 0;
  const absl::StatusOr<SearchResponse> response = searcher_->Search(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParameterOf(response.status()), "per_page");
}

TEST_F(SearchTest, RejectsAQueryOfTooManyWords) {
  std::string q;
  for (int i = 0; i < 33; ++i) q += "w" + std::to_string(i) + " ";
  SearchRequest request;
  request.q = q;
  const absl::StatusOr<SearchResponse> response = searcher_->Search(request);
  EXPECT_EQ(ParameterOf(response.status()), "q");
  request.q = q.substr(0, q.rfind("w32"));  // 32 words
  EXPECT_TRUE(searcher_->Search(request).ok());
}

}  // namespace
}  // namespace vitrine::query
