#include "base/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace vitrine {
namespace {

std::string JsonString(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

std::string JsonNumber(double value) {
  std::string out;
  AppendJsonNumber(out, value);
  return out;
}

TEST(AppendJsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonString("line\nnext\ttab\r"), R"("line\nnext\ttab\r")");
  EXPECT_EQ(JsonString(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
}

TEST(AppendJsonString, EscapesClosingTagsSoResponsesAreSafeInHtml) {
  EXPECT_EQ(JsonString("</script>"), R"("<\/script>")");
  EXPECT_EQ(JsonString("a/b"), R"("a/b")");
}

TEST(AppendJsonString, KeepsUtf8AsIsAndRoundTripsThroughAParser) {
  const std::string text = "Café Crème \"quoted\" </b> \x02 ✓";
  EXPECT_EQ(nlohmann::json::parse(JsonString(text)).get<std::string>(), text);
}

TEST(AppendJsonString, ReplacesInvalidUtf8SoTheResultAlwaysParses) {
  // Found by fuzzing: error messages quote request bytes, which may be anything.
  EXPECT_EQ(JsonString("a\xBC"
                       "b"),
            "\"a\xEF\xBF\xBD"
            "b\"");
  for (const std::string_view invalid :
       {"\xBC\xBC", "\xC0\xAF", "\xE2\x82", "\xED\xA0\x80", "\xF4\x90\x80\x80", "tail \xF0"}) {
    const std::string json = JsonString(invalid);
    EXPECT_TRUE(nlohmann::json::accept(json)) << json;
  }
  EXPECT_EQ(JsonString("\xE2\x9C\x93 \xF0\x9F\x91\x97"), "\"\xE2\x9C\x93 \xF0\x9F\x91\x97\"");
}

TEST(AppendJsonNumber, WritesShortestRoundTripForm) {
  EXPECT_EQ(JsonNumber(1299), "1299");
  EXPECT_EQ(JsonNumber(4.2), "4.2");
  EXPECT_EQ(JsonNumber(-0.5), "-0.5");
}

TEST(AppendJsonNumber, NonFiniteBecomesNull) {
  EXPECT_EQ(JsonNumber(std::numeric_limits<double>::quiet_NaN()), "null");
  EXPECT_EQ(JsonNumber(std::numeric_limits<double>::infinity()), "null");
}

}  // namespace
}  // namespace vitrine
