// Specification of the fashion analyzer: compounds written hyphenated, as one
// word or as two words are one term, at the position of their first word.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

TEST(FashionCompounds, TShirtIsOneTermHoweverItIsWritten) {
  ExpectContentTerms({
      {"t-shirt", {"tshirt"}},
      {"T-Shirts", {"tshirt"}},
      {"tshirt", {"tshirt"}},
      {"TSHIRTS", {"tshirt"}},
      {"t shirt", {"tshirt"}},
      {"t shirts", {"tshirt"}},
      {"tee shirt", {"tshirt"}},
      {"tee-shirt", {"tshirt"}},
      {"Tee-Shirts", {"tshirt"}},
      {"tee", {"tshirt"}},
      {"tees", {"tshirt"}},
      {"TEE", {"tshirt"}},
  });
}

TEST(FashionCompounds, NecklinesAreOneTerm) {
  ExpectContentTerms({
      {"crew neck", {"crewneck"}},
      {"crewneck", {"crewneck"}},
      {"Crew-Neck", {"crewneck"}},
      {"round neck", {"crewneck"}},
      {"v-neck", {"vneck"}},
      {"V Neck", {"vneck"}},
      {"vneck", {"vneck"}},
      {"V-NECK", {"vneck"}},
      {"turtle neck", {"turtleneck"}},
      {"polo neck", {"turtleneck"}},
      {"roll neck", {"turtleneck"}},
  });
}

TEST(FashionCompounds, FlipFlopsAreOneTerm) {
  ExpectContentTerms({
      {"flip-flop", {"flipflop"}},
      {"flip-flops", {"flipflop"}},
      {"flipflop", {"flipflop"}},
      {"flipflops", {"flipflop"}},
      {"flip flop", {"flipflop"}},
      {"flip flops", {"flipflop"}},
      {"Flip Flops", {"flipflop"}},
  });
}

TEST(FashionCompounds, HoodedSweatshirtIsAHoodie) {
  ExpectContentTerms({
      {"hooded sweatshirt", {"sweatshirt"}},
      {"Hooded Sweatshirts", {"sweatshirt"}},
      {"hoodie", {"sweatshirt"}},
      {"hoodies", {"sweatshirt"}},
      {"hoody", {"sweatshirt"}},
      {"sweat shirt", {"sweatshirt"}},
      {"sweatshirt", {"sweatshirt"}},
  });
}

TEST(FashionCompounds, OtherHyphenatedCompoundsAreOneTerm) {
  ExpectContentTerms({
      {"slim-fit", {"slimfit"}},
      {"slim fit", {"slimfit"}},
      {"slimfit", {"slimfit"}},
      {"zip-up", {"zipup"}},
      {"zip up", {"zipup"}},
      {"zipper", {"zipup"}},
      {"long-sleeved", {"fullsleev"}},
      {"long sleeves", {"fullsleev"}},
      {"full sleeve", {"fullsleev"}},
      {"short-sleeved", {"halfsleev"}},
      {"half sleeve", {"halfsleev"}},
      {"button-down", {"shirt"}},
      {"track pants", {"trackpant"}},
      {"trackpants", {"trackpant"}},
  });
}

TEST(FashionCompounds, AreFoundInsideLongerText) {
  ExpectContentTerms({
      {"navy blue t-shirt for men", {"navi", "tshirt", "men"}},
      {"Men Navy Blue Slim Fit Jeans", {"men", "navi", "slimfit", "jean"}},
      {"flip flops and sandals", {"flipflop", "sandal"}},
      {"white crew neck tee", {"white", "crewneck", "tshirt"}},
      {"hooded sweatshirt with zip up", {"sweatshirt", "zipup"}},
  });
}

TEST(FashionCompounds, NeedEveryWordAndDoNotSpanStopWords) {
  ExpectContentTerms({
      {"crew", {"crew"}},
      {"flip", {"flip"}},
      {"t", {"t"}},
      {"neck", {"neck"}},
      {"crew and neck", {"crew", "neck"}},
      {"flip or flops", {"flip", "flop"}},
  });
}

// The longest phrase wins: "navy blue" is navy, not navy then blue.
TEST(FashionCompounds, PreferTheLongestPhrase) {
  ExpectContentTerms({
      {"navy blue", {"navi"}},
      {"olive green", {"oliv"}},
      {"charcoal grey", {"charcoal"}},
      {"hooded sweatshirts", {"sweatshirt"}},
      {"double extra large", {"2xl"}},
      {"3/4 pants", {"capri"}},
  });
}

TEST(FashionCompounds, KeepThePositionOfTheirFirstWord) {
  for (const auto& [input, expected] : std::vector<std::pair<std::string_view, std::string>>{
           {"t-shirt", "tshirt@0"},
           {"tee shirt", "tshirt@0"},
           {"navy blue", "navi@0"},
           {"crew neck", "crewneck@0"},
           {"flip flops", "flipflop@0"},
           {"double extra large", "2xl@0"},
       }) {
    const std::vector<Token> tokens = ContentTokens(input);
    EXPECT_EQ(tokens.size(), 1u) << "input: " << input << " tokens: " << DescribeAll(tokens);
    if (!tokens.empty()) {
      EXPECT_EQ(Describe(tokens[0], false), expected) << "input: " << input;
    }
  }
}

// Any word written with hyphens ("Rust-Oleum", "Jeld-Wen", "pre-cut") keeps its
// parts and also indexes the joined word a shopper may type, beside the first
// part; numbers are not joined ("2-in-1", "4-light").
TEST(FashionCompounds, HyphenatedWordsAlsoIndexTheJoinedWord) {
  struct Row {
    std::string_view text;
    std::vector<std::string> terms;
    std::vector<std::string> also;  // of the first token
  };
  for (const Row& row : std::vector<Row>{
           {"Rust-Oleum", {"rust", "oleum"}, {"rustoleum"}},
           {"Jeld-Wen door", {"jeld", "wen", "door"}, {"jeldwen"}},
           {"pre-cut", {"pre", "cut"}, {"precut"}},
           {"ready-to-assemble", {"readi", "assembl"}, {"readytoassembl"}},
           {"t-shirt", {"tshirt"}, {}},            // a vocabulary compound already
           {"flip-flops", {"flipflop"}, {}},       //
           {"2-in-1", {"2", "1"}, {}},             // numbers stay apart
           {"4-light", {"4", "light"}, {}},        //
           {"rust oleum", {"rust", "oleum"}, {}},  // no hyphen: two words
       }) {
    SCOPED_TRACE(std::string(row.text));
    const std::vector<Token> tokens = ContentTokens(row.text);
    EXPECT_EQ(ContentTerms(row.text), row.terms);
    if (!tokens.empty()) {
      EXPECT_EQ(tokens[0].also, row.also);
    }
  }
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
