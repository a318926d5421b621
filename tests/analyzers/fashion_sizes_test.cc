// Specification of the fashion analyzer: sizes. Every way of writing a size is
// one TokenKind::kSize token with the size's canonical term, and SizeTerm gives
// the product's sizes the same canonical form, so "extra large" finds size XL.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

TEST(FashionSizes, LetterSizesAndTheirSpellings) {
  ExpectSingleToken(
      {
          {"xxs", "xxs"},
          {"2xs", "xxs"},
          {"extra extra small", "xxs"},
          {"xs", "xs"},
          {"XS", "xs"},
          {"extra small", "xs"},
          {"x-small", "xs"},
          {"x small", "xs"},
          {"small", "s"},
          {"sml", "s"},
          {"medium", "m"},
          {"med", "m"},
          {"large", "l"},
          {"lrg", "l"},
          {"xl", "xl"},
          {"XL", "xl"},
          {"extra large", "xl"},
          {"Extra Large", "xl"},
          {"x-large", "xl"},
          {"X Large", "xl"},
          {"xxl", "2xl"},
          {"2xl", "2xl"},
          {"XXL", "2xl"},
          {"double extra large", "2xl"},
          {"double xl", "2xl"},
          {"2x", "2xl"},
          {"3xl", "3xl"},
          {"xxxl", "3xl"},
          {"triple extra large", "3xl"},
          {"triple xl", "3xl"},
          {"3x", "3xl"},
          {"4xl", "4xl"},
          {"xxxxl", "4xl"},
          {"4x", "4xl"},
          {"5xl", "5xl"},
          {"xxxxxl", "5xl"},
          {"free size", "freesize"},
          {"one size", "freesize"},
          {"freesize", "freesize"},
          {"onesize", "freesize"},
      },
      TokenKind::kSize);
}

TEST(FashionSizes, WaistAndLengthAndNumberedSizes) {
  ExpectSingleToken(
      {
          {"32x34", "32x34"},
          {"32X34", "32x34"},
          {"W32 L34", "32x34"},
          {"w32 l34", "32x34"},
          {"W32/L34", "32x34"},
          {"W32-L34", "32x34"},
          {"size 6", "6"},
          {"Size 6", "6"},
          {"size 10.5", "10.5"},
          {"size 32", "32"},
          {"size xl", "xl"},
          {"size XXL", "2xl"},
          {"size Small", "s"},
          {"size １０", "10"},
      },
      TokenKind::kSize);
}

// "size" followed by a size written in several words, or as waist and length,
// is that size, exactly as the words are without "size" in front.
TEST(FashionSizes, SizeWordBeforeAMultiWordSize) {
  ExpectSingleToken(
      {
          {"size extra large", "xl"},
          {"size x-large", "xl"},
          {"size extra small", "xs"},
          {"size w32 l34", "32x34"},
      },
      TokenKind::kSize);
}

// XXL is written "extra extra large" as often as "double extra large"; the
// vocabulary already knows "extra extra small" for XXS.
TEST(FashionSizes, ExtraExtraLargeIsXxl) {
  ExpectSingleToken({{"extra extra large", "2xl"}}, TokenKind::kSize);
}

TEST(FashionSizes, AreFoundInsideLongerText) {
  for (const auto& [input, expected] :
       std::vector<std::pair<std::string_view, std::vector<std::string>>>{
           {"jeans W32 L34 blue", {"jean@0", "32x34@1/size", "blue@3/color"}},
           {"size 6 heels", {"6@1/size", "heel@2"}},
           {"xl t-shirt", {"xl@0/size", "tshirt@1"}},
           {"Men's XXL Hoodie", {"men@0/gender", "2xl@1/size", "sweatshirt@2"}},
           {"extra large tee", {"xl@0/size", "tshirt@2"}},
       }) {
    std::vector<std::string> got;
    for (const Token& token : ContentTokens(input)) got.push_back(Describe(token, true));
    EXPECT_EQ(got, expected) << "input: " << input;
  }
}

TEST(FashionSizes, OtherWordsAndBareNumbersAreNotSizes) {
  for (std::string_view word : {"size", "6", "10.5", "w32", "l34", "x", "extra", "double"}) {
    const std::vector<Token> tokens = ContentTokens(word);
    EXPECT_EQ(tokens.size(), 1u) << "input: " << word << " tokens: " << DescribeAll(tokens);
    if (tokens.size() == 1) {
      EXPECT_EQ(tokens[0].kind, TokenKind::kWord) << "input: " << word;
    }
  }
}

struct SizeTermRow {
  std::string_view size;
  std::string_view expected;
};

TEST(FashionSizes, SizeTermCanonicalisesProductSizes) {
  for (const SizeTermRow& row : std::vector<SizeTermRow>{
           {"Extra Large", "xl"},
           {"XL", "xl"},
           {"X-Large", "xl"},
           {"XXL", "2xl"},
           {"2XL", "2xl"},
           {"Double Extra Large", "2xl"},
           {"XS", "xs"},
           {"Extra Small", "xs"},
           {"W32 L34", "32x34"},
           {"32x34", "32x34"},
           {"32X34", "32x34"},
           {"Size 6", "6"},
           {"6", "6"},
           {"10.5", "10.5"},
           {"Free Size", "freesize"},
           {"One Size", "freesize"},
       }) {
    EXPECT_EQ(Fashion().SizeTerm(row.size), row.expected) << "size: \"" << row.size << "\"";
  }
}

// A product listed in sizes "S | M | L" must be found by a shopper who types
// "small", "medium" or "large", and the other way round.
TEST(FashionSizes, LetterSizesAreTheSameAsTheirNames) {
  for (const SameRow& row : std::vector<SameRow>{
           {"S", "Small"},
           {"M", "Medium"},
           {"L", "Large"},
       }) {
    EXPECT_EQ(Fashion().SizeTerm(row.input), Fashion().SizeTerm(row.same_as))
        << "size: \"" << row.input << "\" vs \"" << row.same_as << "\"";
  }
}

// The size token of a shopper's query is the SizeTerm of the product size it
// means, which is what the index stores (XSZ terms).
TEST(FashionSizes, QuerySizesMeetProductSizes) {
  for (const auto& [query, product_size] :
       std::vector<std::pair<std::string_view, std::string_view>>{
           {"size xl", "XL"},
           {"extra large", "XL"},
           {"xl", "Extra Large"},
           {"xxl", "2XL"},
           {"2xl", "XXL"},
           {"32x34", "W32 L34"},
           {"w32 l34", "32x34"},
           {"size 6", "6"},
           {"size 6", "Size 6"},
           {"one size", "Free Size"},
       }) {
    const std::vector<Token> tokens = ContentTokens(query);
    EXPECT_EQ(tokens.size(), 1u) << "query: " << query << " tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_EQ(tokens[0].kind, TokenKind::kSize) << "query: " << query;
    EXPECT_EQ(tokens[0].term, Fashion().SizeTerm(product_size))
        << "query: \"" << query << "\" product size: \"" << product_size << "\"";
  }
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
