// Specification of the query side's general retail relevance mechanisms over a
// generation built from tests/testdata/hardware.jsonl (titles only, like the
// Home Depot evaluation set): words that titles write as one, ranking partial
// matches by how many words they have, and correcting before relaxing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "query/search.h"
#include "query/text/text_query.h"
#include "tests/query/query_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::query {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

class RelevanceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    temp_ = std::make_unique<testing::TempDir>();
    index_ = BuildIndex(temp_->Sub("data"), "hardware.jsonl");
  }

  static void TearDownTestSuite() {
    index_.reset();
    temp_.reset();
  }

  void SetUp() override { searcher_ = Searcher::Create(index_, {}).value(); }

  // A finished query (space after it: no prefix matching of the last word).
  SearchResponse Search(const std::string& q) {
    SearchRequest request;
    request.q = q + " ";
    request.per_page = 24;
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.value_or(SearchResponse());
  }

  static inline std::unique_ptr<testing::TempDir> temp_;
  static inline std::shared_ptr<const Index> index_;
  std::unique_ptr<Searcher> searcher_;
};

TEST_F(RelevanceTest, TwoWordsMatchTheCompoundTitlesWriteAsOne) {
  // "deck over" finds the DeckOver coatings as full matches, above the deck
  // board that partial matching adds.
  const SearchResponse response = Search("deck over");
  EXPECT_EQ(response.corrected_query, "");
  const std::vector<std::string> ids = Ids(response);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_THAT(std::vector<std::string>(ids.begin(), ids.begin() + 2),
              UnorderedElementsAre("2001", "2002"));
  EXPECT_EQ(response.hits[2].id, "2003");
  EXPECT_GT(response.hits[1].score, response.hits[2].score + 100);
}

TEST_F(RelevanceTest, ACompoundMatchesBesideTheWordsWrittenApart) {
  // Titles write it both ways: a search either way finds both.
  const SearchResponse response = Search("lawn mower");
  EXPECT_THAT(Ids(response), UnorderedElementsAre("2010", "2011", "2012"));
  EXPECT_FALSE(response.relaxed);
  EXPECT_EQ(Ids(Search("gas lawnmower")).front(), "2011");
  EXPECT_EQ(Ids(Search("gas lawn mower")).front(), "2011");
}

TEST_F(RelevanceTest, JoinsOnlyIntoACompoundOfTwoOrMoreTitles) {
  // "garden hose" is no word of the titles: the two words are just required.
  const SearchResponse response = Search("garden hose");
  ASSERT_EQ(response.hits.size(), 5u);  // the garden trowel follows, relaxed
  EXPECT_EQ(response.hits.back().id, "2009");
}

TEST_F(RelevanceTest, RanksPartialMatchesByHowManyWordsTheyHave) {
  // No product has all four words. The nozzle set has three of them, the brass
  // nozzle only two, however rare "brass" is; hoses with two words follow.
  const SearchResponse response = Search("brass garden hose nozzle");
  EXPECT_TRUE(response.relaxed);
  ASSERT_GE(response.hits.size(), 3u);
  EXPECT_EQ(response.hits[0].id, "2005");
  EXPECT_THAT(Ids(response), Not(Contains("2010")));
}

TEST_F(RelevanceTest, RelaxesTheCorrectedWordsWhenNothingHasThemAll) {
  // "nozle" is unknown; "brass nozzle cart" matches no product whole, yet the
  // nozzles that relaxation finds need the corrected word.
  const SearchResponse response = Search("brass nozle cart");
  EXPECT_EQ(response.corrected_query, "brass nozzle cart");
  EXPECT_TRUE(response.relaxed);
  EXPECT_THAT(Ids(response), ElementsAre("2004", "2005"));
}

TEST_F(RelevanceTest, HyphenatedWordsAreFoundTypedAsOne) {
  // Titles write "Rust-Oleum"; shoppers type "rustoleum": a full match, not a
  // correction into two words or a relaxed one.
  SearchResponse response = Search("rustoleum");
  EXPECT_EQ(response.corrected_query, "");
  EXPECT_FALSE(response.relaxed);
  EXPECT_THAT(Ids(response), UnorderedElementsAre("2013", "2014"));
  // The stain has both words; the paint, relaxed, only one.
  for (const std::string q : {"rustoleum stain", "rust-oleum stain"}) {
    SCOPED_TRACE(q);
    response = Search(q);
    ASSERT_EQ(response.hits.size(), 2u);
    EXPECT_EQ(response.hits[0].id, "2014");
    EXPECT_GT(response.hits[0].score, response.hits[1].score + 100);
  }
}

TEST_F(RelevanceTest, AWordMatchesTheTwoWordsTitlesWriteItAs) {
  // Titles write "Doorbell" and "Door Bell": a search for the one word finds
  // both as full matches; the door hinge, with only one of the two words, not.
  for (const std::string q : {"doorbell", "doorbells"}) {
    SCOPED_TRACE(q);
    const SearchResponse response = Search(q);
    EXPECT_FALSE(response.relaxed);
    EXPECT_EQ(response.corrected_query, "");
    EXPECT_THAT(Ids(response), UnorderedElementsAre("2016", "2017", "2018"));
  }
}

TEST_F(RelevanceTest, CatalogFormsJoinAndSplitOnlyWordsTitlesWriteThatWay) {
  const Xapian::Database database(index_->xapian_path());
  const analyzers::Analyzer& analyzer = index_->analyzer();
  struct Case {
    std::string q;
    std::vector<std::string> joined;
    std::vector<std::vector<std::string>> split;
  };
  const std::vector<Case> cases = {
      // Split where both halves are in two or more titles.
      {"doorbell", {""}, {{"door", "bell"}}},
      {"doorbells kit", {"", ""}, {{"door", "bell"}, {}}},
      // "lawn" and "mower" are in one title each: too rare to split on.
      {"lawnmower", {""}, {{}}},
      // Joined, not split: "deck over" is "deckover" in two titles.
      {"deck over", {"deckov", ""}, {{}, {}}},
      // Halves under three letters, digits, vocabulary words: never split.
      {"doorbe", {""}, {{}}},
      {"door2bell", {""}, {{}}},
      {"garden hose", {"", ""}, {{}, {}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.q);
    const std::vector<analyzers::Token> tokens = analyzer.Analyze(c.q);
    const internal::WrittenForms forms = internal::CatalogForms(c.q, tokens, analyzer, database);
    EXPECT_EQ(forms.joined, c.joined);
    EXPECT_EQ(forms.split, c.split);
  }
}

TEST_F(RelevanceTest, PartialMatchesFillAPageThatFullMatchesLeaveShort) {
  // Eleven screws have both words: more than kRelaxBelow, fewer than a page of
  // 24. The screws come first, then the wood stain and coating with one word.
  const SearchResponse response = Search("wood screw");
  EXPECT_TRUE(response.relaxed);
  const std::vector<std::string> ids = Ids(response);
  ASSERT_EQ(ids.size(), 13u);
  EXPECT_THAT(std::vector<std::string>(ids.begin(), ids.begin() + 11),
              UnorderedElementsAre("2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027",
                                   "2028", "2029", "2030"));
  EXPECT_THAT(std::vector<std::string>(ids.begin() + 11, ids.end()),
              UnorderedElementsAre("2001", "2014"));
  EXPECT_GT(response.hits[10].score, response.hits[11].score + 100);
  EXPECT_EQ(response.total, 13u);  // what the pages hold, partial matches included
  // A page of ten is full of screws: nothing partial is added.
  absl::StatusOr<SearchResponse> page =
      searcher_->Search({.q = "wood screw ", .page = 1, .per_page = 10});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_FALSE(page->relaxed);
  EXPECT_EQ(page->total, 11u);
  EXPECT_EQ(page->hits.size(), 10u);
  // Its second page is short: partial matches follow the last screw.
  page = searcher_->Search({.q = "wood screw ", .page = 2, .per_page = 10});
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_TRUE(page->relaxed);
  EXPECT_EQ(page->hits.size(), 3u);
}

TEST_F(RelevanceTest, NumbersGluedToWordsMatchThemSpaced) {
  const SearchResponse response = Search("4shelf unit");
  ASSERT_FALSE(response.hits.empty());
  EXPECT_EQ(response.hits[0].id, "2015");
  EXPECT_EQ(response.corrected_query, "");
}

}  // namespace
}  // namespace vitrine::query
