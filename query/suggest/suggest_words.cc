#include "query/suggest/suggest_words.h"

#include <algorithm>

#include "analyzers/analyzer.h"

namespace vitrine::query::internal {
namespace {

// The code point at `text[i]` and its length; an invalid byte is itself, length 1.
char32_t DecodeAt(std::string_view text, size_t i, size_t& length) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  if (i + length > text.size()) length = 1;
  if (length == 1) return lead;
  char32_t c = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) c = (c << 6) | (byte(i + k) & 0x3F);
  return c;
}

// Whether a code point separates words: ASCII other than letters, digits and the
// apostrophe; no-break and typographic spaces, general punctuation (dashes,
// quotes, bullets) except U+2019, the typographic apostrophe; guillemets.
bool IsSeparator(char32_t c) {
  if (c < 0x80) {
    return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
             c == '\'');
  }
  return c == 0xA0 || c == 0xAB || c == 0xB7 || c == 0xBB ||
         (c >= 0x2000 && c <= 0x206F && c != 0x2019) || (c >= 0x3000 && c <= 0x3003);
}

bool IsAscii(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; });
}

// Appends the normalised form of one word: NormalizeText without apostrophes
// or other ASCII punctuation ("Levi's" -> "levis", "CRÈME" -> "creme").
void AppendWordKey(std::string& out, std::string_view word) {
  if (IsAscii(word)) {
    for (char c : word) {
      if (c == '\'') continue;
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return;
  }
  for (char c : analyzers::NormalizeText(word)) {
    if (c != '\'' && ((c & 0x80) != 0 || !IsSeparator(c))) out.push_back(c);
  }
}

std::string WordKey(std::string_view word) {
  std::string key;
  AppendWordKey(key, word);
  return key;
}

}  // namespace

void SplitWords(std::string_view text, Words& out) {
  out.spans.clear();
  out.keys.clear();
  size_t length = 0;
  for (size_t i = 0; i < text.size();) {
    if (IsSeparator(DecodeAt(text, i, length))) {
      i += length;
      continue;
    }
    const size_t begin = i;
    while (i < text.size() && !IsSeparator(DecodeAt(text, i, length))) i += length;
    const size_t before = out.keys.size();
    if (before > 0) out.keys.push_back(' ');
    const size_t key_begin = out.keys.size();
    AppendWordKey(out.keys, text.substr(begin, i - begin));
    if (out.keys.size() == key_begin) {
      out.keys.resize(before);  // nothing left of it ("'")
      continue;
    }
    out.spans.push_back({begin, i, key_begin, out.keys.size()});
  }
}

size_t OriginalPrefixBytes(std::string_view word, size_t n) {
  if (IsAscii(word)) {
    size_t i = 0;
    for (size_t counted = 0; i < word.size() && counted < n; ++i) counted += word[i] != '\'';
    return i;
  }
  size_t length = 0;
  for (size_t end = 0; end < word.size();) {
    DecodeAt(word, end, length);
    end += length;
    const size_t reached = WordKey(word.substr(0, end)).size();
    if (reached < n) continue;
    // Take along what adds nothing to the key (combining accents).
    while (end < word.size()) {
      DecodeAt(word, end, length);
      if (WordKey(word.substr(0, end + length)).size() != reached) break;
      end += length;
    }
    return end;
  }
  return word.size();
}

}  // namespace vitrine::query::internal
