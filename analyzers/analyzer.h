// Text analysis: turns product and query text into search terms. The same Analyzer
// runs at index time and at query time, so both sides always agree on terms.
//
//   Analyzer analyzer;
//   for (const Token& t : analyzer.Analyze("Men's Navy T-Shirts")) ...
//   // {"men", 0}, {"navi", 1}, {"t", 2}, {"shirt", 3}
//
// An Analyzer is immutable and safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vitrine::analyzers {

// One term of analysed text. Terms of one input word share a position, so a
// phrase query over positions sees the input's word order.
struct Token {
  std::string term;
  uint32_t position = 0;

  friend bool operator==(const Token&, const Token&) = default;
};

enum class Stemming {
  kNone,     // terms are normalised words
  kEnglish,  // terms are Snowball English stems of normalised words
};

struct AnalyzerOptions {
  // How words become terms. Filters and facet values use kNone.
  Stemming stemming = Stemming::kEnglish;
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {});

  // Terms of `text` in order. Input is UTF-8; invalid bytes are treated as U+FFFD
  // (callers validate input first and reject it with a clear error).
  std::vector<Token> Analyze(std::string_view text) const;

  // Normalised words of `text` without stemming: NFKC, case folded, accents
  // removed, possessive 's dropped. Used for filter values and display matching.
  std::vector<std::string> Words(std::string_view text) const;

  // The term for one already-normalised word.
  std::string TermFor(std::string_view word) const;

  const AnalyzerOptions& options() const { return options_; }

 private:
  AnalyzerOptions options_;
};

// NFKC case folding with accents removed: "Crème BRÛLÉE" -> "creme brulee".
// Keeps spaces and punctuation. This is the form filter values are matched in.
std::string NormalizeText(std::string_view text);

}  // namespace vitrine::analyzers
