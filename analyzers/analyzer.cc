#include "analyzers/analyzer.h"

#include <xapian.h>

#include "analyzers/internal/unicode.h"

namespace vitrine::analyzers {
namespace {

// Xapian::Stem keeps per-call state; each thread gets its own.
const Xapian::Stem& ThreadEnglishStemmer() {
  thread_local const Xapian::Stem stemmer("english");
  return stemmer;
}

// "men's" -> "men", "levi's" -> "levi", "o'neill" -> "oneill".
std::string StripApostrophes(std::string word) {
  if (word.size() > 2 && word.compare(word.size() - 2, 2, "'s") == 0) {
    word.resize(word.size() - 2);
  }
  std::erase(word, '\'');
  return word;
}

}  // namespace

Analyzer::Analyzer(AnalyzerOptions options) : options_(options) {}

std::vector<std::string> Analyzer::Words(std::string_view text) const {
  std::vector<std::string> words;
  const icu::UnicodeString normalized = internal::NormalizeUnicode(text);
  internal::ForEachWord(normalized, [&](const icu::UnicodeString& word) {
    std::string utf8;
    word.toUTF8String(utf8);
    utf8 = StripApostrophes(std::move(utf8));
    if (!utf8.empty()) words.push_back(std::move(utf8));
  });
  return words;
}

std::string Analyzer::TermFor(std::string_view word) const {
  switch (options_.stemming) {
    case Stemming::kNone:
      return std::string(word);
    case Stemming::kEnglish:
      return ThreadEnglishStemmer()(std::string(word));
  }
  return std::string(word);
}

std::vector<Token> Analyzer::Analyze(std::string_view text) const {
  std::vector<std::string> words = Words(text);
  std::vector<Token> tokens;
  tokens.reserve(words.size());
  uint32_t position = 0;
  for (const std::string& word : words) {
    tokens.push_back(Token{.term = TermFor(word), .position = position++});
  }
  return tokens;
}

}  // namespace vitrine::analyzers
