// Specification of NormalizeText: the form filter values are matched in.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "analyzers/analyzer.h"

namespace vitrine::analyzers {
namespace {

struct NormalizeCase {
  std::string_view input;
  std::string_view expected;
};

TEST(NormalizeText, FoldsCaseAndRemovesAccents) {
  for (const NormalizeCase& c : std::initializer_list<NormalizeCase>{
           {"Crème BRÛLÉE", "creme brulee"},
           {"Navy Blue", "navy blue"},
           {"Café Crème", "cafe creme"},
           {"ÉTÉ", "ete"},
       }) {
    EXPECT_EQ(NormalizeText(c.input), c.expected) << c.input;
  }
}

TEST(NormalizeText, FoldsCompatibilityForms) {
  EXPECT_EQ(NormalizeText("ＳＨＩＲＴ １２３"), "shirt 123");
  EXPECT_EQ(NormalizeText("\xEF\xAC\x81t"), "fit");
  EXPECT_EQ(NormalizeText("Straße"), "strasse");
}

TEST(NormalizeText, KeepsSpacesPunctuationAndPossessives) {
  EXPECT_EQ(NormalizeText("Men's Navy T-Shirts, 2-in-1"), "men's navy t-shirts, 2-in-1");
}

TEST(NormalizeText, MakesTypographicApostrophesAscii) {
  EXPECT_EQ(NormalizeText("Levi’s"), "levi's");
}

TEST(NormalizeText, OfEmptyTextIsEmpty) { EXPECT_EQ(NormalizeText(""), ""); }

TEST(NormalizeText, IsIdempotent) {
  for (std::string_view text : {"Crème BRÛLÉE", "ＳＨＩＲＴ", "Levi’s", "Straße"}) {
    const std::string once = NormalizeText(text);
    EXPECT_EQ(NormalizeText(once), once) << text;
  }
}

}  // namespace
}  // namespace vitrine::analyzers
