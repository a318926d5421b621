// Specification of base/utf8.h: strict UTF-8 validation that reports the byte
// offset of the first invalid sequence.
#include "base/utf8.h"

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

namespace vitrine {
namespace {

struct Utf8Case {
  std::string_view name;
  std::string_view text;
  std::optional<size_t> invalid_at;  // nullopt: valid
};

void ExpectCases(std::initializer_list<Utf8Case> cases) {
  for (const Utf8Case& c : cases) {
    EXPECT_EQ(FindInvalidUtf8(c.text), c.invalid_at) << c.name;
    EXPECT_EQ(IsValidUtf8(c.text), !c.invalid_at.has_value()) << c.name;
  }
}

TEST(Utf8, AcceptsAsciiAndEmptyText) {
  ExpectCases({
      {"empty", "", std::nullopt},
      {"ascii", "Navy Blue T-Shirt, size 42!", std::nullopt},
      {"embedded NUL", std::string_view("a\0b", 3), std::nullopt},
  });
}

TEST(Utf8, AcceptsValidMultiByteSequences) {
  ExpectCases({
      {"two bytes (e acute)", "Cr\xC3\xA8me", std::nullopt},
      {"three bytes (euro)",
       "\xE2\x82\xAC"
       "99",
       std::nullopt},
      {"four bytes (emoji)", "\xF0\x9F\x91\x97", std::nullopt},
      {"full-width letters", "\xEF\xBC\xB3\xEF\xBC\xA8", std::nullopt},
      {"U+0080, smallest two-byte", "\xC2\x80", std::nullopt},
      {"U+0800, smallest three-byte", "\xE0\xA0\x80", std::nullopt},
      {"U+D7FF, just below the surrogates", "\xED\x9F\xBF", std::nullopt},
      {"U+E000, just above the surrogates", "\xEE\x80\x80", std::nullopt},
      {"U+10000, smallest four-byte", "\xF0\x90\x80\x80", std::nullopt},
      {"U+10FFFF, the last code point", "\xF4\x8F\xBF\xBF", std::nullopt},
  });
}

TEST(Utf8, RejectsOverlongForms) {
  ExpectCases({
      {"'/' in two bytes", "a\xC0\xAF", 1},
      {"U+007F in two bytes", "\xC1\xBF", 0},
      {"'/' in three bytes", "ab\xE0\x80\xAF", 2},
      {"U+07FF in three bytes", "\xE0\x9F\xBF", 0},
      {"'/' in four bytes", "\xF0\x80\x80\xAF", 0},
      {"U+FFFF in four bytes", "\xF0\x8F\xBF\xBF", 0},
  });
}

TEST(Utf8, RejectsSurrogates) {
  ExpectCases({
      {"U+D800, first high surrogate", "ab\xED\xA0\x80", 2},
      {"U+DBFF, last high surrogate", "\xED\xAF\xBF", 0},
      {"U+DC00, first low surrogate", "\xED\xB0\x80", 0},
      {"U+DFFF, last low surrogate", "x\xED\xBF\xBF", 1},
      {"CESU-8 surrogate pair", "\xED\xA0\xBD\xED\xB1\x97", 0},
  });
}

TEST(Utf8, RejectsCodePointsAboveU10FFFF) {
  ExpectCases({
      {"U+110000", "\xF4\x90\x80\x80", 0},
      {"lead byte F5", "ok\xF5\x80\x80\x80", 2},
      {"lead byte F7", "\xF7\xBF\xBF\xBF", 0},
      {"five-byte lead F8", "\xF8\x88\x80\x80\x80", 0},
      {"six-byte lead FC", "\xFC\x84\x80\x80\x80\x80", 0},
  });
}

TEST(Utf8, RejectsTruncatedSequencesAtTheirLeadByte) {
  ExpectCases({
      {"two-byte lead at the end", "tee\xC3", 3},
      {"three-byte sequence missing one byte", "abc\xE2\x82", 3},
      {"four-byte sequence missing one byte", "\xF0\x9F\x91", 0},
      {"truncated then ASCII",
       "\xE2\x82"
       "A",
       0},
  });
}

TEST(Utf8, RejectsStrayAndInvalidBytes) {
  ExpectCases({
      {"lone continuation byte", "\x80", 0},
      {"continuation after ASCII", "a\xBF", 1},
      {"FE", "\xFE", 0},
      {"FF", "ab\xFF", 2},
      {"lead followed by ASCII", "\xC3(", 0},
  });
}

TEST(Utf8, ReportsTheFirstInvalidSequenceAfterValidMultiByteText) {
  // "Crème " is 7 bytes; the 0xFF that follows is the first bad byte, the
  // truncated sequence after it is never reached.
  EXPECT_EQ(FindInvalidUtf8("Cr\xC3\xA8me \xFF \xE2\x82"), 7u);
}

}  // namespace
}  // namespace vitrine
