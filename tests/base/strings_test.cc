// Specification of base/strings.h: trimming, splitting and strict whole-string
// number parsing.
#include "base/strings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vitrine {
namespace {

using ::testing::ElementsAre;

TEST(Trim, RemovesLeadingAndTrailingAsciiWhitespace) {
  EXPECT_EQ(Trim(" \t\r\n\f\vnavy tee \t\r\n\f\v"), "navy tee");
}

TEST(Trim, KeepsInnerWhitespace) { EXPECT_EQ(Trim("  navy \t tee  "), "navy \t tee"); }

TEST(Trim, OfBlankTextIsEmpty) {
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t\n "), "");
}

TEST(Trim, LeavesNonAsciiSpaceAlone) {
  // U+00A0 NO-BREAK SPACE is not ASCII whitespace.
  EXPECT_EQ(Trim("\xC2\xA0tee\xC2\xA0"), "\xC2\xA0tee\xC2\xA0");
}

TEST(Trim, ReturnsAViewIntoItsInput) {
  const std::string_view text = "  tee  ";
  const std::string_view trimmed = Trim(text);
  EXPECT_EQ(trimmed.data(), text.data() + 2);
}

TEST(SplitTrimmed, SplitsOnTheSeparatorAndTrimsEachPiece) {
  EXPECT_THAT(SplitTrimmed("Apparel > Topwear >  Tshirts ", '>'),
              ElementsAre("Apparel", "Topwear", "Tshirts"));
}

TEST(SplitTrimmed, TextWithoutSeparatorIsOnePiece) {
  EXPECT_THAT(SplitTrimmed(" Apparel ", '>'), ElementsAre("Apparel"));
}

TEST(SplitTrimmed, KeepsEmptyPieces) {
  EXPECT_THAT(SplitTrimmed("S||L|", '|'), ElementsAre("S", "", "L", ""));
  EXPECT_THAT(SplitTrimmed("", '|'), ElementsAre(""));
}

TEST(ParseInt64, AcceptsDecimalIntegers) {
  EXPECT_EQ(ParseInt64("0"), 0);
  EXPECT_EQ(ParseInt64("1299"), 1299);
  EXPECT_EQ(ParseInt64("-42"), -42);
  EXPECT_EQ(ParseInt64("+42"), 42);
  EXPECT_EQ(ParseInt64("007"), 7);
}

TEST(ParseInt64, AcceptsTheFullRange) {
  EXPECT_EQ(ParseInt64("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseInt64("-9223372036854775808"), std::numeric_limits<int64_t>::min());
}

TEST(ParseInt64, RejectsOverflow) {
  EXPECT_EQ(ParseInt64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(ParseInt64("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(ParseInt64("99999999999999999999999"), std::nullopt);
}

TEST(ParseInt64, RejectsStrayCharacters) {
  for (std::string_view text : {"", "+", "-", " 1", "1 ", "1a", "a1", "1.0", "1e3", "0x10", "1,000",
                                "++1", "+-1", "-+1", "--1"}) {
    EXPECT_EQ(ParseInt64(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(ParseDouble, AcceptsDecimalAndExponentForms) {
  EXPECT_EQ(ParseDouble("0"), 0.0);
  EXPECT_EQ(ParseDouble("4.5"), 4.5);
  EXPECT_EQ(ParseDouble("-0.25"), -0.25);
  EXPECT_EQ(ParseDouble("+3"), 3.0);
  EXPECT_EQ(ParseDouble("1e3"), 1000.0);
  EXPECT_EQ(ParseDouble("2.5E-1"), 0.25);
}

TEST(ParseDouble, RejectsOverflow) {
  EXPECT_EQ(ParseDouble("1e400"), std::nullopt);
  EXPECT_EQ(ParseDouble("-1e400"), std::nullopt);
}

TEST(ParseDouble, RejectsInfinityAndNan) {
  for (std::string_view text : {"inf", "-inf", "+inf", "INF", "infinity", "nan", "NaN", "-nan"}) {
    EXPECT_EQ(ParseDouble(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(ParseDouble, RejectsStrayCharacters) {
  for (std::string_view text :
       {"", "+", "-", ".", " 1.5", "1.5 ", "1.5x", "1,5", "0x1p3", "1e", "++1", "+-1", "--1"}) {
    EXPECT_EQ(ParseDouble(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(ParseBool, AcceptsTrueFalseOneZeroYesNoInAnyCase) {
  for (std::string_view text : {"true", "TRUE", "True", "1", "yes", "YES", "Yes"}) {
    EXPECT_EQ(ParseBool(text), true) << text;
  }
  for (std::string_view text : {"false", "FALSE", "False", "0", "no", "NO", "No"}) {
    EXPECT_EQ(ParseBool(text), false) << text;
  }
}

TEST(ParseBool, RejectsAnythingElse) {
  for (std::string_view text :
       {"", "t", "f", "y", "n", "2", "-1", "on", "off", " true", "true ", "truee", "yes!"}) {
    EXPECT_EQ(ParseBool(text), std::nullopt) << "'" << text << "'";
  }
}

TEST(AsciiLower, LowersOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Navy T-SHIRT 42"), "navy t-shirt 42");
  EXPECT_EQ(AsciiLower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // "ÉTÉ": É is not ASCII
}

TEST(EndsWithIgnoreCase, ComparesTheSuffixCaseInsensitively) {
  EXPECT_TRUE(EndsWithIgnoreCase("feed.CSV.GZ", ".csv.gz"));
  EXPECT_TRUE(EndsWithIgnoreCase("feed.csv", ""));
  EXPECT_FALSE(EndsWithIgnoreCase("feed.jsonl", ".csv"));
  EXPECT_FALSE(EndsWithIgnoreCase("csv", ".csv"));
}

TEST(StrCat, ConcatenatesTextNumbersAndBooleans) {
  EXPECT_EQ(StrCat("line ", 7, ": ", std::string("id"), ' ', true, ' ', int64_t{-3}),
            "line 7: id true -3");
}

TEST(StrCat, PrintsDoublesInShortestRoundTripForm) {
  EXPECT_EQ(StrCat(0.1), "0.1");
  EXPECT_EQ(StrCat(4.5), "4.5");
  EXPECT_EQ(StrCat(1e12), "1e+12");
}

}  // namespace
}  // namespace vitrine
