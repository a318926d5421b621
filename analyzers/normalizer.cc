// Unicode normalisation and word breaking, both through ICU. Normalisation is
// NFKC with case folding (full-width forms, ligatures, "ß" -> "ss"), then
// accents removed by decomposing and dropping non-spacing marks.
#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <memory>

#include "analyzers/analyzer.h"
#include "analyzers/internal/unicode.h"

namespace vitrine::analyzers {
namespace internal {
namespace {

bool IsAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c >= 0x80) return false;
  }
  return true;
}

const icu::Normalizer2& CasefoldNormalizer() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) std::abort();  // ICU data missing: the binary is broken.
  return *normalizer;
}

const icu::Normalizer2& Decomposer() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) std::abort();
  return *normalizer;
}

const icu::Normalizer2& Composer() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) std::abort();
  return *normalizer;
}

// Word break iterators are not thread-safe; each thread keeps its own clone.
icu::BreakIterator& ThreadWordBreaker() {
  thread_local std::unique_ptr<icu::BreakIterator> breaker = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) std::abort();
    return it;
  }();
  return *breaker;
}

}  // namespace

void LoadNormalizers() {
  CasefoldNormalizer();
  Decomposer();
  Composer();
}

icu::UnicodeString NormalizeUnicode(std::string_view text) {
  icu::UnicodeString input = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  if (IsAscii(text)) return input.toLower(icu::Locale::getRoot());
  // Typographic apostrophes (U+2019, U+02BC) behave like ASCII ones in words.
  input.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x2019)), "'");
  input.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x02BC)), "'");

  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString folded = CasefoldNormalizer().normalize(input, status);
  icu::UnicodeString decomposed = Decomposer().normalize(folded, status);
  if (U_FAILURE(status)) return folded;
  icu::UnicodeString stripped;
  stripped.getBuffer(decomposed.length());
  stripped.releaseBuffer(0);
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    if (u_charType(c) != U_NON_SPACING_MARK) stripped.append(c);
    i += U16_LENGTH(c);
  }
  icu::UnicodeString composed = Composer().normalize(stripped, status);
  return U_FAILURE(status) ? stripped : composed;
}

void ForEachWord(
    const icu::UnicodeString& text,
    const std::function<void(const icu::UnicodeString& word, bool hyphenated)>& visit) {
  icu::BreakIterator& breaker = ThreadWordBreaker();
  breaker.setText(text);
  int32_t start = breaker.first();
  int32_t previous_end = -1;  // where the previous word ended
  for (int32_t end = breaker.next(); end != icu::BreakIterator::DONE;
       start = end, end = breaker.next()) {
    // Rule status below UBRK_WORD_NONE_LIMIT marks spaces and punctuation.
    if (breaker.getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
    // U+2010 and U+2011 are the typographic hyphens.
    const bool hyphenated = previous_end >= 0 && start == previous_end + 1 &&
                            (text[previous_end] == u'-' || text[previous_end] == 0x2010 ||
                             text[previous_end] == 0x2011);
    visit(text.tempSubStringBetween(start, end), hyphenated);
    previous_end = end;
  }
  // Drop the iterator's alias of `text`, which may not outlive this call.
  breaker.setText(icu::UnicodeString());
}

}  // namespace internal

std::string NormalizeText(std::string_view text) {
  std::string out;
  internal::NormalizeUnicode(text).toUTF8String(out);
  return out;
}

}  // namespace vitrine::analyzers
