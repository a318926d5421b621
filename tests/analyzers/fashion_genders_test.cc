// Specification of the fashion analyzer: gender and audience words. Each way of
// naming an audience is one TokenKind::kGender term, and the vocabulary says which
// product genders that term fits (a unisex product fits men and women).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

TEST(FashionGenders, MenWords) {
  ExpectSingleToken(
      {
          {"men", "men"},
          {"Men", "men"},
          {"MEN", "men"},
          {"mens", "men"},
          {"men's", "men"},
          {"Men’s", "men"},
          {"mens'", "men"},
          {"male", "men"},
          {"males", "men"},
          {"gents", "men"},
          {"gent", "men"},
          {"gentlemen", "men"},
          {"guys", "men"},
          {"guy", "men"},
          {"man", "men"},
          {"menswear", "men"},
      },
      TokenKind::kGender);
}

TEST(FashionGenders, WomenWords) {
  ExpectSingleToken(
      {
          {"women", "women"},
          {"Women", "women"},
          {"womens", "women"},
          {"women's", "women"},
          {"Women’s", "women"},
          {"woman", "women"},
          {"ladies", "women"},
          {"lady", "women"},
          {"Ladies'", "women"},
          {"female", "women"},
          {"females", "women"},
          {"womenswear", "women"},
      },
      TokenKind::kGender);
}

TEST(FashionGenders, ChildrenWords) {
  ExpectSingleToken(
      {
          {"boys", "boy"},
          {"boy", "boy"},
          {"boy's", "boy"},
          {"Boys'", "boy"},
          {"girls", "girl"},
          {"girl", "girl"},
          {"girl's", "girl"},
          {"Girls'", "girl"},
          {"kids", "kid"},
          {"kid", "kid"},
          {"kids'", "kid"},
          {"children", "kid"},
          {"children's", "kid"},
          {"childrens", "kid"},
          {"child", "kid"},
          {"junior", "kid"},
          {"youth", "kid"},
          {"toddler", "kid"},
      },
      TokenKind::kGender);
}

TEST(FashionGenders, UnisexWords) {
  ExpectSingleToken(
      {
          {"unisex", "unisex"},
          {"Unisex", "unisex"},
          {"gender neutral", "unisex"},
          {"all gender", "unisex"},
      },
      TokenKind::kGender);
}

TEST(FashionGenders, AudiencesStayApart) {
  for (const SameRow& row : std::vector<SameRow>{
           {"men", "women"},
           {"mens", "womens"},
           {"boys", "men"},
           {"girls", "women"},
           {"kids", "boys"},
           {"kids", "girls"},
           {"unisex", "men"},
       }) {
    EXPECT_NE(ContentTerms(row.input), ContentTerms(row.same_as))
        << "input: \"" << row.input << "\" vs \"" << row.same_as << "\"";
  }
}

struct MatchesRow {
  std::string_view input;
  std::vector<std::string> matches;  // gender-field terms the word fits
};

TEST(FashionGenders, GenderMatchesNameTheProductGendersAWordFits) {
  const Vocabulary& vocabulary = *BundledVocabulary();
  for (const MatchesRow& row : std::vector<MatchesRow>{
           {"men", {"men", "unisex"}},
           {"gents", {"men", "unisex"}},
           {"women", {"women", "unisex"}},
           {"ladies", {"women", "unisex"}},
           {"boys", {"boy"}},
           {"girls", {"girl"}},
           {"kids", {"boy", "girl", "kid"}},
           {"children", {"boy", "girl", "kid"}},
           {"unisex", {"unisex", "men", "women"}},
       }) {
    SCOPED_TRACE(std::string("input: \"") + std::string(row.input) + "\"");
    const std::vector<Token> tokens = ContentTokens(row.input);
    EXPECT_EQ(tokens.size(), 1u) << " tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_THAT(vocabulary.GenderMatches(tokens[0].term), UnorderedElementsAreArray(row.matches));
  }
}

// The matches are the terms the gender field of a product is indexed with.
TEST(FashionGenders, GenderMatchesAreTheTermsOfProductGenders) {
  const Vocabulary& vocabulary = *BundledVocabulary();
  const std::vector<std::string>& men = vocabulary.GenderMatches(ContentTerms("men").at(0));
  EXPECT_THAT(men,
              UnorderedElementsAreArray({ContentTerms("Men").at(0), ContentTerms("Unisex").at(0)}));
  EXPECT_THAT(vocabulary.GenderMatches("shirt"), IsEmpty());
  EXPECT_THAT(vocabulary.GenderMatches(""), IsEmpty());
}

TEST(FashionGenders, GendersInsideTitlesAreMarked) {
  for (const auto& [input, expected] :
       std::vector<std::pair<std::string_view, std::vector<std::string>>>{
           {"Puma Women Pink T-Shirt", {"puma@0", "women@1/gender", "pink@2/color", "tshirt@3"}},
           {"Shirts for Men", {"shirt@0", "men@2/gender"}},
           {"Boys' Denim Shorts", {"boy@0/gender", "denim@1", "short@2"}},
           {"Unisex Kids Sneakers", {"unisex@0/gender", "kid@1/gender", "casualshoe@2"}},
       }) {
    std::vector<std::string> got;
    for (const Token& token : ContentTokens(input)) got.push_back(Describe(token, true));
    EXPECT_EQ(got, expected) << "input: " << input;
  }
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
