// Specification of the fashion analyzer: colours. Each colour word becomes its
// colour's term (TokenKind::kColor) and names the broader family it also matches
// ("navy" is in the blue family), so a search for blue finds navy after blue.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

struct ColorRow {
  std::string_view input;
  std::string term;
  std::string family;
};

void ExpectColors(const std::vector<ColorRow>& table) {
  for (const ColorRow& row : table) {
    SCOPED_TRACE(std::string("input: \"") + std::string(row.input) + "\"");
    const std::vector<Token> tokens = ContentTokens(row.input);
    EXPECT_EQ(tokens.size(), 1u) << " tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_EQ(tokens[0].term, row.term);
    EXPECT_EQ(tokens[0].family, row.family);
    EXPECT_EQ(tokens[0].kind, TokenKind::kColor);
  }
}

TEST(FashionColors, BasicColoursAreTheirOwnFamily) {
  ExpectColors({
      {"black", "black", "black"},
      {"white", "white", "white"},
      {"blue", "blue", "blue"},
      {"red", "red", "red"},
      {"green", "green", "green"},
      {"grey", "grey", "grey"},
      {"brown", "brown", "brown"},
      {"pink", "pink", "pink"},
      {"purple", "purpl", "purpl"},
      {"yellow", "yellow", "yellow"},
      {"orange", "orang", "orang"},
      {"multicolour", "multi", "multi"},
  });
}

TEST(FashionColors, SpellingsOfABasicColourAreThatColour) {
  ExpectColors({
      {"gray", "grey", "grey"},
      {"Gray", "grey", "grey"},
      {"jet black", "black", "black"},
      {"onyx", "black", "black"},
      {"snow white", "white", "white"},
      {"royal blue", "blue", "blue"},
      {"cobalt", "blue", "blue"},
      {"scarlet", "red", "red"},
      {"crimson", "red", "red"},
      {"emerald", "green", "green"},
      {"bottle green", "green", "green"},
      {"heather grey", "grey", "grey"},
      {"light grey", "grey", "grey"},
      {"chocolate", "brown", "brown"},
      {"fuchsia", "pink", "pink"},
      {"violet", "purpl", "purpl"},
      {"multi-colour", "multi", "multi"},
      {"multicolored", "multi", "multi"},
  });
}

TEST(FashionColors, ShadesBelongToTheirFamily) {
  ExpectColors({
      {"navy", "navi", "blue"},
      {"Navy Blue", "navi", "blue"},
      {"dark blue", "navi", "blue"},
      {"midnight blue", "navi", "blue"},
      {"indigo", "navi", "blue"},
      {"sky blue", "skyblue", "blue"},
      {"light blue", "skyblue", "blue"},
      {"baby blue", "skyblue", "blue"},
      {"teal", "teal", "blue"},
      {"petrol", "teal", "blue"},
      {"turquoise", "turquois", "blue"},
      {"aqua", "turquois", "blue"},
      {"burgundy", "maroon", "red"},
      {"maroon", "maroon", "red"},
      {"wine", "maroon", "red"},
      {"oxblood", "maroon", "red"},
      {"bordeaux", "maroon", "red"},
      {"rust", "rust", "red"},
      {"terracotta", "rust", "red"},
      {"cream", "cream", "white"},
      {"ivory", "cream", "white"},
      {"eggshell", "cream", "white"},
      {"off white", "offwhite", "white"},
      {"off-white", "offwhite", "white"},
      {"offwhite", "offwhite", "white"},
      {"ecru", "offwhite", "white"},
      {"olive", "oliv", "green"},
      {"olive green", "oliv", "green"},
      {"army green", "oliv", "green"},
      {"mint", "seagreen", "green"},
      {"charcoal", "charcoal", "grey"},
      {"charcoal grey", "charcoal", "grey"},
      {"graphite", "charcoal", "grey"},
      {"grey melange", "greymelang", "grey"},
      {"gray melange", "greymelang", "grey"},
      {"silver", "silver", "grey"},
      {"tan", "tan", "brown"},
      {"camel", "tan", "brown"},
      {"cognac", "tan", "brown"},
      {"beige", "beig", "brown"},
      {"fawn", "beig", "brown"},
      {"khaki", "khaki", "brown"},
      {"peach", "peach", "pink"},
      {"coral", "peach", "pink"},
      {"lavender", "lavend", "purpl"},
      {"lilac", "lavend", "purpl"},
      {"mustard", "mustard", "yellow"},
      {"gold", "gold", "yellow"},
      {"golden", "gold", "yellow"},
  });
}

// A shade's family is the very term its family word gets, so a query for the
// family word finds products of the shade through the family term.
TEST(FashionColors, AShadesFamilyIsTheTermOfItsFamilyWord) {
  for (const SameRow& row : std::vector<SameRow>{
           {"navy", "blue"},
           {"teal", "blue"},
           {"burgundy", "red"},
           {"maroon", "red"},
           {"wine", "red"},
           {"cream", "white"},
           {"ivory", "white"},
           {"off white", "white"},
           {"olive", "green"},
           {"charcoal", "grey"},
           {"charcoal", "gray"},
           {"tan", "brown"},
           {"beige", "brown"},
           {"khaki", "brown"},
           {"peach", "pink"},
           {"lavender", "purple"},
           {"mustard", "yellow"},
       }) {
    SCOPED_TRACE(std::string("input: \"") + std::string(row.input) + "\" in family \"" +
                 std::string(row.same_as) + "\"");
    const std::vector<Token> shade = ContentTokens(row.input);
    const std::vector<Token> family = ContentTokens(row.same_as);
    EXPECT_EQ(shade.size(), 1u);
    EXPECT_EQ(family.size(), 1u);
    if (shade.size() != 1 || family.size() != 1) continue;
    EXPECT_EQ(shade[0].family, family[0].term);
    EXPECT_EQ(family[0].family, family[0].term);
    // The exact colour stays distinguishable from its family.
    EXPECT_NE(shade[0].term, shade[0].family);
  }
}

TEST(FashionColors, TheFamiliesAreTheBasicColours) {
  const std::set<std::string> families = {"black", "white", "blue",  "red",    "green", "grey",
                                          "brown", "pink",  "purpl", "yellow", "orang", "multi"};
  for (std::string_view color :
       {"navy",    "burgundy", "cream", "ivory",   "off white", "olive",   "charcoal",
        "tan",     "beige",    "khaki", "peach",   "lavender",  "mustard", "gold",
        "silver",  "teal",     "rust",  "mint",    "nude",      "taupe",   "copper",
        "magenta", "rose",     "stone", "metallic"}) {
    const std::vector<Token> tokens = ContentTokens(color);
    EXPECT_EQ(tokens.size(), 1u) << "input: " << color << " tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_EQ(tokens[0].kind, TokenKind::kColor) << "input: " << color;
    if (std::string_view(color) == "metallic") continue;  // a finish, its own family
    EXPECT_TRUE(families.contains(tokens[0].family))
        << "input: " << color << " family: " << tokens[0].family;
  }
}

TEST(FashionColors, WordsNearColoursAreNotColours) {
  for (std::string_view word :
       {"shirt", "denim", "wash", "light", "dark", "off", "bright", "pale", "colour", "print"}) {
    const std::vector<Token> tokens = ContentTokens(word);
    EXPECT_EQ(tokens.size(), 1u) << "input: " << word << " tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_EQ(tokens[0].kind, TokenKind::kWord) << "input: " << word;
    EXPECT_TRUE(tokens[0].family.empty()) << "input: " << word;
  }
}

TEST(FashionColors, ColoursInsideTitlesAreMarked) {
  for (const auto& [input, expected] :
       std::vector<std::pair<std::string_view, std::vector<std::string>>>{
           {"Men Navy Blue Slim Fit Jeans",
            {"men@0/gender", "navi@1/color", "slimfit@3", "jean@5"}},
           {"Burgundy & Cream Striped Top",
            {"maroon@0/color", "cream@1/color", "stripe@2", "top@3"}},
           {"Off-White Sneakers", {"offwhite@0/color", "casualshoe@2"}},
       }) {
    std::vector<std::string> got;
    for (const Token& token : ContentTokens(input)) got.push_back(Describe(token, true));
    EXPECT_EQ(got, expected) << "input: " << input;
  }
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
