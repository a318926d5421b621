// Specification of Profile::kBaseline: what plain Xapian::TermGenerator with the
// English stemmer indexes. No vocabulary (no compounds, synonyms, colours, sizes
// or stop words) and no ICU normalisation: the comparison point for evaluation.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"
#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

const Analyzer& Baseline() {
  static const Analyzer analyzer(AnalyzerOptions{.profile = Profile::kBaseline});
  return analyzer;
}

std::vector<std::string> BaselineTerms(const Analyzer& analyzer, std::string_view text) {
  std::vector<std::string> terms;
  for (const Token& token : analyzer.Analyze(text)) terms.push_back(token.term);
  return terms;
}

TEST(BaselineProfile, IsPlainTermGeneratorWithTheEnglishStemmer) {
  for (const TermsRow& row : std::vector<TermsRow>{
           {"T-Shirt", {"t", "shirt"}},
           {"t-shirt", {"t", "shirt"}},
           {"tshirt", {"tshirt"}},
           {"tee", {"tee"}},
           {"tees", {"tee"}},
           {"crew-neck", {"crew", "neck"}},
           {"slim-fit", {"slim", "fit"}},
           {"NAVY Blue Dresses", {"navi", "blue", "dress"}},
           {"running shoes", {"run", "shoe"}},
           {"sneakers", {"sneaker"}},
           {"hoodie", {"hoodi"}},
           {"men's", {"men"}},
           {"Men’s", {"men"}},
           {"The shirt for men", {"the", "shirt", "for", "men"}},  // no stop words
           {"XL", {"xl"}},
           {"extra large", {"extra", "larg"}},
           {"W32 L34", {"w32", "l34"}},
           {"10.5", {"10.5"}},
           {"3/4 sleeve", {"3", "4", "sleev"}},
           {"2-in-1", {"2", "in", "1"}},
           {"", {}},
       }) {
    EXPECT_EQ(BaselineTerms(Baseline(), row.input), row.expected)
        << "input: \"" << row.input << "\"";
  }
}

// TermGenerator lower-cases but neither folds compatibility forms nor removes
// accents: the fashion profile's ICU normalisation is what adds that.
TEST(BaselineProfile, DoesNotNormaliseBeyondLowerCase) {
  for (const TermsRow& row : std::vector<TermsRow>{
           {"Café", {"café"}},
           {"Crème Brûlée", {"crème", "brûlée"}},
           {"ＴＳＨＩＲＴ", {"ｔｓｈｉｒｔ"}},
       }) {
    EXPECT_EQ(BaselineTerms(Baseline(), row.input), row.expected)
        << "input: \"" << row.input << "\"";
    EXPECT_NE(BaselineTerms(Baseline(), row.input), ContentTerms(row.input))
        << "input: \"" << row.input << "\"";
  }
}

TEST(BaselineProfile, TokensArePlainWordsNumberedFromZero) {
  for (std::string_view input :
       {"Men's Navy T-Shirts", "navy blue casual shoes for men size xl", "Unisex Olive Rucksack"}) {
    const std::vector<Token> tokens = Baseline().Analyze(input);
    for (size_t i = 0; i < tokens.size(); ++i) {
      EXPECT_EQ(tokens[i].position, i) << "input: " << input;
      EXPECT_EQ(tokens[i].kind, TokenKind::kWord) << "input: " << input;
      EXPECT_TRUE(tokens[i].family.empty() && tokens[i].also.empty()) << "input: " << input;
    }
  }
}

TEST(BaselineProfile, IgnoresAVocabulary) {
  const Analyzer with_vocabulary(AnalyzerOptions{.profile = Profile::kBaseline},
                                 BundledVocabulary());
  for (std::string_view input : {"Men's Navy T-Shirts", "tee", "sneakers for women", "extra large",
                                 "W32 L34", "off-white"}) {
    EXPECT_EQ(with_vocabulary.Analyze(input), Baseline().Analyze(input)) << "input: " << input;
  }
}

TEST(BaselineProfile, DiffersFromFashionWhereTheVocabularyActs) {
  for (const SameRow& row : std::vector<SameRow>{
           {"t-shirt", "tee"},
           {"sneakers", "trainers"},
           {"gray", "grey"},
           {"xxl", "2xl"},
       }) {
    EXPECT_EQ(ContentTerms(row.input), ContentTerms(row.same_as)) << "input: " << row.input;
    EXPECT_NE(BaselineTerms(Baseline(), row.input), BaselineTerms(Baseline(), row.same_as))
        << "input: " << row.input;
  }
}

TEST(BaselineProfile, ProfileNamesRoundTrip) {
  for (Profile profile : {Profile::kFashion, Profile::kBaseline}) {
    Profile parsed = profile == Profile::kFashion ? Profile::kBaseline : Profile::kFashion;
    EXPECT_TRUE(ParseProfile(ProfileName(profile), parsed)) << ProfileName(profile);
    EXPECT_EQ(parsed, profile);
  }
  EXPECT_EQ(ProfileName(Profile::kFashion), "fashion");
  EXPECT_EQ(ProfileName(Profile::kBaseline), "baseline");
  Profile unchanged = Profile::kFashion;
  EXPECT_FALSE(ParseProfile("Baseline", unchanged));
  EXPECT_FALSE(ParseProfile("", unchanged));
  EXPECT_EQ(unchanged, Profile::kFashion);
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
