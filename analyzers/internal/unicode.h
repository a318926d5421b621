// ICU plumbing behind Analyzer; private to analyzers/.
#pragma once

#include <unicode/unistr.h>

#include <functional>
#include <string_view>

namespace vitrine::analyzers::internal {

// Loads ICU's normalizers now, on this thread: the analysis threads an
// Analyzer is handed to then find them built (ICU builds them on first use,
// behind synchronisation of its own that ThreadSanitizer cannot see).
void LoadNormalizers();

// NFKC case folded, accents removed, typographic apostrophes made ASCII.
icu::UnicodeString NormalizeUnicode(std::string_view text);

// Calls `visit` with each word (letters, numbers, ideographs) of `text` by the
// Unicode word-break rules; spaces and punctuation are skipped. `hyphenated` is
// true when a single hyphen joins the word to the one before ("rust-oleum").
void ForEachWord(const icu::UnicodeString& text,
                 const std::function<void(const icu::UnicodeString& word, bool hyphenated)>& visit);

}  // namespace vitrine::analyzers::internal
