// Specification of the fashion analyzer: words outside the vocabulary are
// Snowball English stems, numbers stay whole, stop words carry no meaning while
// fashion words that look like them stay, and positions follow the input.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

TEST(FashionStemming, PluralsAndInflectionsMeetTheirStem) {
  ExpectContentTerms({
      {"dresses", {"dress"}},    {"jackets", {"jacket"}},
      {"shirts", {"shirt"}},     {"jeans", {"jean"}},
      {"skirts", {"skirt"}},     {"boots", {"boot"}},
      {"heels", {"heel"}},       {"socks", {"sock"}},
      {"belts", {"belt"}},       {"watches", {"watch"}},
      {"earrings", {"earring"}}, {"bags", {"bag"}},
      {"running", {"run"}},      {"run", {"run"}},
      {"printed", {"print"}},    {"prints", {"print"}},
      {"striped", {"stripe"}},   {"washed", {"wash"}},
      {"knitted", {"knit"}},     {"embroidered", {"embroid"}},
      {"cotton", {"cotton"}},    {"denim", {"denim"}},
      {"casual", {"casual"}},    {"nike", {"nike"}},
      {"adidas", {"adida"}},     {"Printed Cotton Kurtas", {"print", "cotton", "kurta"}},
  });
}

// Plurals in "-ves" are the same term as their singular, which the stemmer
// alone does not give ("shelves" -> "shelv"); other "-ves" words stem as usual.
TEST(FashionStemming, VesPluralsMatchTheirSingular) {
  ExpectSameTerms({
      {"shelves", "shelf"},
      {"knives", "knife"},
      {"scarves", "scarf"},
      {"halves", "half"},
      {"wolves", "wolf"},
      {"leaves", "leaf"},
  });
  ExpectContentTerms({
      {"shelves", {"shelf"}},
      {"sleeves", {"sleev"}},
      {"gloves", {"glove"}},
      {"waves", {"wave"}},
  });
}

TEST(FashionStemming, NumbersStayWhole) {
  ExpectContentTerms({
      {"10.5", {"10.5"}},
      {"2.5", {"2.5"}},
      {"3/4", {"3/4"}},
      {"1/2", {"1/2"}},
      {"3/4 sleeve", {"3/4", "sleev"}},
      {"9/10 years", {"9/10", "year"}},
      {"501", {"501"}},
      {"1,299", {"1,299"}},
      {"100%", {"100"}},
      {"50% off", {"50", "off"}},
      {"2-in-1", {"2", "1"}},
      {"size 10.5 shoes", {"10.5", "shoe"}},
  });
}

// The same word gives the same terms whatever else the text holds: a fraction
// elsewhere ("3/4") must not change how "navy_blue" or "5_pack" is read. (In text
// that has underscores of its own, fractions are not joined: "3", "4".)
TEST(FashionStemming, AWordsTermsDoNotDependOnAFractionElsewhere) {
  for (std::string_view word : {"navy_blue", "5_pack", "t_shirt"}) {
    std::vector<std::string> alone = ContentTerms(word);
    alone.push_back("3");
    alone.push_back("4");
    EXPECT_EQ(ContentTerms(std::string(word) + " 3/4"), alone) << "input: " << word << " 3/4";
  }
}

TEST(FashionStopWords, CarryNoMeaning) {
  ExpectContentTerms({
      {"the", {}},
      {"for", {}},
      {"with", {}},
      {"a", {}},
      {"and", {}},
      {"of", {}},
      {"in", {}},
      {"buy", {}},
      {"cheap", {}},
      {"online", {}},
      {"best", {}},
      {"pair", {}},
      {"The", {}},
      {"FOR", {}},
      {"the best for", {}},
      {"shirt for men", {"shirt", "men"}},
      {"top with the collar", {"top", "collar"}},
      {"buy cheap shirt online", {"shirt"}},
      {"a pair of socks", {"sock"}},
      {"jeans for the boys", {"jean", "boy"}},
  });
}

// Stop words may be kept as TokenKind::kStop tokens (they only count when
// nothing else matches); they are never words, colours, genders or sizes.
TEST(FashionStopWords, AreOnlyEverStopTokens) {
  for (std::string_view input :
       {"the", "for", "with", "a pair of", "best latest online", "and or"}) {
    for (const Token& token : Fashion().Analyze(input)) {
      EXPECT_EQ(token.kind, TokenKind::kStop) << "input: " << input << " term: " << token.term;
      EXPECT_TRUE(token.family.empty() && token.also.empty()) << "input: " << input;
    }
  }
}

TEST(FashionStopWords, FashionWordsThatLookLikeStopWordsStay) {
  ExpectContentTerms({
      {"top", {"top"}},
      {"over", {"over"}},
      {"off", {"off"}},
      {"on", {"on"}},
      {"out", {"out"}},
      {"up", {"up"}},
      {"slip-on", {"slip", "on"}},
      {"off shoulder", {"off", "shoulder"}},
      {"over the top", {"over", "top"}},
      {"on the go", {"on", "go"}},
      {"top over off on", {"top", "over", "off", "on"}},
      {"pullover", {"sweater"}},
  });
}

struct PositionsRow {
  std::string_view input;
  std::vector<std::string> expected;  // "term@position" of the content tokens
};

TEST(FashionPositions, FollowTheInputWordsAndCompoundsKeepTheirFirst) {
  for (const PositionsRow& row : std::vector<PositionsRow>{
           {"Men's Navy T-Shirts", {"men@0", "navi@1", "tshirt@2"}},
           {"navy blue t shirt", {"navi@0", "tshirt@2"}},
           {"t-shirt navy blue", {"tshirt@0", "navi@2"}},
           {"red, -- blue", {"red@0", "blue@1"}},
           {"jeans W32 L34 blue", {"jean@0", "32x34@1", "blue@3"}},
           {"size 6 heels", {"6@1", "heel@2"}},
           {"extra large crew neck tee", {"xl@0", "crewneck@2", "tshirt@4"}},
       }) {
    std::vector<std::string> got;
    for (const Token& token : ContentTokens(row.input)) got.push_back(Describe(token, false));
    EXPECT_EQ(got, row.expected) << "input: " << row.input;
  }
}

TEST(FashionPositions, StopWordsLeaveGaps) {
  for (const PositionsRow& row : std::vector<PositionsRow>{
           {"shirt men", {"shirt@0", "men@1"}},
           {"shirt for men", {"shirt@0", "men@2"}},
           {"shirt with men", {"shirt@0", "men@2"}},
           {"shirt for the men", {"shirt@0", "men@3"}},
           {"a top for her", {"top@1", "women@3"}},
           {"hooded sweatshirt for men", {"sweatshirt@0", "men@3"}},
           {"casual shoes for men", {"casualshoe@0", "men@3"}},
           {"2-in-1", {"2@0", "1@2"}},
           {"the the the tee", {"tshirt@3"}},
       }) {
    std::vector<std::string> got;
    for (const Token& token : ContentTokens(row.input)) got.push_back(Describe(token, false));
    EXPECT_EQ(got, row.expected) << "input: " << row.input;
  }
}

// Whatever is kept, positions only grow, and a kept stop word sits in its gap.
TEST(FashionPositions, AreIncreasingAcrossAllTokens) {
  for (std::string_view input :
       {"shirt for men", "Men's Navy T-Shirts for the summer", "a pair of W32 L34 jeans",
        "size 6 flip flops with the straps", "the best navy blue tee for him"}) {
    const std::vector<Token> tokens = Fashion().Analyze(input);
    for (size_t i = 1; i < tokens.size(); ++i) {
      EXPECT_LT(tokens[i - 1].position, tokens[i].position) << "input: " << input << " token " << i;
    }
  }
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec

namespace vitrine::analyzers::fashion_spec {
namespace {

// An Analyzer is immutable and shared by every request thread: concurrent use
// gives exactly the tokens of single-threaded use.
TEST(FashionThreads, SharedAnalyzerGivesTheSameTokensOnEveryThread) {
  const std::vector<std::string_view> inputs = {
      "Men's Navy T-Shirts", "ＴＳＨＩＲＴ",  "Crème Brûlée",
      "size extra large",    "W32 L34 jeans", "hooded sweatshirt for men",
      "3/4 sleeve top",      "flip-flops",    "off-white sneakers"};
  std::vector<std::vector<Token>> expected;
  for (std::string_view input : inputs) expected.push_back(Fashion().Analyze(input));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (size_t i = 0; i < inputs.size(); ++i) {
          if (Fashion().Analyze(inputs[i]) != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
