// Managed synonym sets in search, on the 12-product fixture: multi-way and
// one-way sets, phrases, layering on the built-in vocabulary, and words as
// typed ranking at or above their synonyms.
#include "merch/synonyms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/query/query_testing.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class SynonymsTest : public FixtureCatalogTest {
 protected:
  // Searches `request` with the synonym sets given as JSON.
  SearchResponse SearchWith(SearchRequest request, std::vector<std::string_view> sets) {
    request.synonyms = merch::Thesaurus::Build(ParseEach(sets, merch::ParseSynonymSet));
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *std::move(response) : SearchResponse();
  }
};

constexpr std::string_view kDenim = R"({"id": "denim", "synonyms": ["jeans", "denim"]})";

TEST_F(SynonymsTest, WithoutSetsNothingChanges) {
  EXPECT_THAT(Ids(SearchWith({.q = "denim"}, {})), ElementsAre("1005"));
  EXPECT_THAT(Ids(SearchWith({.q = "jeans"}, {})), ElementsAre("1002", "1011"));
}

TEST_F(SynonymsTest, MultiWayMembersFindEachOtherAndTheWordAsTypedRanksFirst) {
  const SearchResponse denim = SearchWith({.q = "denim"}, {kDenim});
  EXPECT_THAT(Ids(denim), ElementsAre("1005", "1002", "1011"));
  EXPECT_EQ(denim.total, 3u);
  EXPECT_FALSE(denim.relaxed);
  EXPECT_GT(denim.hits[0].score, denim.hits[1].score);
  const SearchResponse jeans = SearchWith({.q = "jeans"}, {kDenim});
  EXPECT_THAT(Ids(jeans), ElementsAre("1002", "1011", "1005"));
  EXPECT_GT(jeans.hits[1].score, jeans.hits[2].score);
}

TEST_F(SynonymsTest, WhatSynonymsMatchedIsHighlighted) {
  const SearchResponse response = SearchWith({.q = "denim"}, {kDenim});
  ASSERT_EQ(response.hits.size(), 3u);
  EXPECT_EQ(response.hits[0].highlight_title, "Roadster Men Navy Blue <em>Denim</em> Jacket");
  EXPECT_EQ(response.hits[1].highlight_title, "Roadster Women Black Skinny <em>Jeans</em>");
}

TEST_F(SynonymsTest, OneWaySetsExpandTheInputOnly) {
  constexpr std::string_view kKurta = R"({"id": "k", "input": "kurta", "synonyms": ["dress"]})";
  EXPECT_THAT(Ids(SearchWith({.q = "kurta"}, {kKurta})), ElementsAre("1008", "1012"));
  EXPECT_THAT(Ids(SearchWith({.q = "dress"}, {kKurta})), ElementsAre("1012"));
}

TEST_F(SynonymsTest, AMultiWordSynonymMatchesAllItsWords) {
  constexpr std::string_view kTrousers =
      R"({"id": "t", "input": "trousers", "synonyms": ["skinny jeans", "track pants"]})";
  EXPECT_THAT(Ids(SearchWith({.q = "trousers"}, {kTrousers})), ElementsAre("1002", "1007"));
}

TEST_F(SynonymsTest, AMultiWordInputMatchesAsAPhraseOfTheQuery) {
  constexpr std::string_view kPartyWear =
      R"({"id": "p", "input": "party wear", "synonyms": ["dress"]})";
  const SearchResponse phrase = SearchWith({.q = "party wear"}, {kPartyWear});
  EXPECT_THAT(Ids(phrase), ElementsAre("1012"));
  EXPECT_FALSE(phrase.relaxed);
  // With another word: products with every word first (then partial matches).
  const SearchResponse more = SearchWith({.q = "beige party wear"}, {kPartyWear});
  ASSERT_FALSE(more.hits.empty());
  EXPECT_EQ(more.hits[0].id, "1012");
  // One word of the phrase alone is not expanded.
  EXPECT_THAT(Ids(SearchWith({.q = "party"}, {kPartyWear})), IsEmpty());
}

TEST_F(SynonymsTest, SynonymsLayerOnTheBuiltInVocabulary) {
  // The vocabulary puts "joggers" with track pants (1007) and "runners" with
  // sports shoes, which the index holds for "Running Shoes" (1003); "tee" is in
  // the t-shirt group ("T-Shirt", 1004). The words as typed still rank first.
  EXPECT_THAT(Ids(SearchWith({.q = "joggers"},
                             {R"({"id": "j", "input": "joggers", "synonyms": ["runners"]})"})),
              ElementsAre("1007", "1003"));
  EXPECT_THAT(Ids(SearchWith({.q = "tops"},
                             {R"({"id": "t", "input": "tops", "synonyms": ["tee", "shirt"]})"})),
              ElementsAre("1001", "1004"));
}

TEST_F(SynonymsTest, AWordOnlySynonymsKnowIsNotSpellCorrected) {
  const SearchResponse response = SearchWith(
      {.q = "kicks"}, {R"({"id": "k", "input": "kicks", "synonyms": ["running shoes"]})"});
  EXPECT_THAT(Ids(response), ElementsAre("1003"));
  EXPECT_EQ(response.corrected_query, "");
}

TEST_F(SynonymsTest, SynonymsApplyInRelaxedSearches) {
  // No product has both words: the relaxed search still expands "denim".
  const SearchResponse response = SearchWith({.q = "denim watch", .per_page = 12}, {kDenim});
  ASSERT_TRUE(response.relaxed);
  EXPECT_THAT(Ids(response), ::testing::IsSupersetOf({"1005", "1002", "1011", "1010"}));
}

}  // namespace
}  // namespace vitrine::query
