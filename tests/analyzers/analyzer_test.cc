// Specification of Analyzer: the terms that index and query time both produce.
// Table-driven, in the manner of Xapian's api_queryparser.cc.
#include "analyzers/analyzer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace vitrine::analyzers {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct TermsCase {
  std::string_view input;
  std::vector<std::string> expected;
};

std::vector<std::string> Terms(const Analyzer& analyzer, std::string_view text) {
  std::vector<std::string> terms;
  for (const Token& token : analyzer.Analyze(text)) terms.push_back(token.term);
  return terms;
}

void ExpectTerms(const Analyzer& analyzer, const std::vector<TermsCase>& cases) {
  for (const TermsCase& c : cases) {
    EXPECT_EQ(Terms(analyzer, c.input), c.expected) << "input: " << c.input;
  }
}

TEST(Analyzer, FoldsCase) {
  ExpectTerms(Analyzer(), {
                              {"NAVY", {"navi"}},
                              {"Navy", {"navi"}},
                              {"nAvY", {"navi"}},
                              {"ÉTÉ", {"ete"}},
                          });
}

TEST(Analyzer, RemovesAccents) {
  ExpectTerms(Analyzer({.stemming = Stemming::kNone}),
              {
                  {"Crème BRÛLÉE", {"creme", "brulee"}},
                  {"Café", {"cafe"}},
                  {"Ünïcödé naïve résumé", {"unicode", "naive", "resume"}},
              });
}

TEST(Analyzer, FoldsCompatibilityForms) {
  ExpectTerms(Analyzer({.stemming = Stemming::kNone}),
              {
                  {"ＳＨＩＲＴ", {"shirt"}},   // full-width Latin
                  {"１２３", {"123"}},         // full-width digits
                  {"\xEF\xAC\x81t", {"fit"}},  // U+FB01 LATIN SMALL LIGATURE FI
                  {"Straße", {"strasse"}},     // full case folding
              });
}

TEST(Analyzer, DropsPossessives) {
  ExpectTerms(Analyzer({.stemming = Stemming::kNone}),
              {
                  {"Men's", {"men"}},
                  {"Levi’s jeans", {"levi", "jeans"}},  // U+2019 RIGHT SINGLE QUOTATION MARK
                  {"Levi\xCA\xBCs", {"levi"}},          // U+02BC MODIFIER LETTER APOSTROPHE
                  {"O'Neill", {"oneill"}},              // inner apostrophes are removed
              });
}

TEST(Analyzer, StemsEnglishByDefault) {
  ExpectTerms(Analyzer(), {
                              {"shirts", {"shirt"}},
                              {"shirt", {"shirt"}},
                              {"dresses", {"dress"}},
                              {"running", {"run"}},
                              {"jeans", {"jean"}},
                          });
}

TEST(Analyzer, LeavesWordsUnstemmedWithStemmingNone) {
  ExpectTerms(Analyzer({.stemming = Stemming::kNone}), {
                                                           {"shirts", {"shirts"}},
                                                           {"running", {"running"}},
                                                       });
}

TEST(Analyzer, SplitsOnUnicodeWordBoundariesAndSkipsPunctuation) {
  ExpectTerms(Analyzer({.stemming = Stemming::kNone}),
              {
                  {"T-Shirt", {"t", "shirt"}},
                  {"red, blue;  green!", {"red", "blue", "green"}},
                  {"2-in-1 50% off", {"2", "in", "1", "50", "off"}},
                  {"中文 日本語", {"中文", "日本語"}},
              });
}

TEST(Analyzer, YieldsNoTermsForBlankOrPunctuationOnlyText) {
  EXPECT_THAT(Analyzer().Analyze(""), IsEmpty());
  EXPECT_THAT(Analyzer().Analyze("   "), IsEmpty());
  EXPECT_THAT(Analyzer().Analyze(" ... -- !? "), IsEmpty());
}

TEST(Analyzer, NumbersWordsFromZeroInInputOrder) {
  EXPECT_THAT(Analyzer().Analyze("Men's Navy T-Shirts"),
              ElementsAre(Token{"men", 0}, Token{"navi", 1}, Token{"t", 2}, Token{"shirt", 3}));
}

TEST(Analyzer, PunctuationDoesNotTakeAPosition) {
  EXPECT_THAT(Analyzer().Analyze("red, -- blue"), ElementsAre(Token{"red", 0}, Token{"blue", 1}));
}

TEST(Analyzer, TreatsInvalidBytesAsWordBreaks) {
  // Callers validate UTF-8 first; the analyzer must still not fail on bad input.
  EXPECT_THAT(Terms(Analyzer(),
                    "ab\xFF"
                    "cd"),
              ElementsAre("ab", "cd"));
}

TEST(Analyzer, WordsAreNormalisedButNotStemmed) {
  EXPECT_THAT(Analyzer().Words("Men's Crème SHIRTS"), ElementsAre("men", "creme", "shirts"));
}

TEST(Analyzer, TermForStemsOneNormalisedWord) {
  EXPECT_EQ(Analyzer().TermFor("shirts"), "shirt");
  EXPECT_EQ(Analyzer({.stemming = Stemming::kNone}).TermFor("shirts"), "shirts");
}

TEST(Analyzer, GivesTheSameTermsForIndexAndQueryForms) {
  // A product title and a shopper's query that differ in case, accents and
  // plurals meet on the same terms.
  const Analyzer analyzer;
  EXPECT_EQ(Terms(analyzer, "Café Crème Summer Dresses"),
            Terms(analyzer, "cafe CREME summer dress"));
}

}  // namespace
}  // namespace vitrine::analyzers
