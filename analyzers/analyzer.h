// Text analysis: turns product and query text into search terms. The same Analyzer
// runs at index time and at query time, so both sides always agree on terms.
//
//   ASSIGN_OR_RETURN(auto vocabulary, LoadVocabulary("data/analyzers"));
//   Analyzer analyzer({}, vocabulary);
//   for (const Token& t : analyzer.Analyze("Men's Navy T-Shirts")) ...
//   // {"men", gender}, {"navi", colour, family "blue"}, {"tshirt"}
//
// An Analyzer is immutable and safe to share between threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/token.h"
#include "analyzers/vocabulary.h"

namespace vitrine::analyzers {

enum class Stemming {
  kNone,     // terms are normalised words
  kEnglish,  // terms are Snowball English stems of normalised words
};

// Which analysis chain runs. The profile of an index generation is recorded in
// its manifest, so queries are always analysed the way the index was.
enum class Profile {
  kFashion,   // ICU normalisation + fashion vocabulary (compounds, synonyms, colours, ...)
  kBaseline,  // plain Xapian TermGenerator with the English stemmer (for comparison)
};

struct AnalyzerOptions {
  // How words become terms. Filters and facet values use kNone.
  Stemming stemming = Stemming::kEnglish;
  Profile profile = Profile::kFashion;
};

std::string_view ProfileName(Profile profile);  // "fashion", "baseline"
bool ParseProfile(std::string_view name, Profile& profile);

class Analyzer {
 public:
  // Without a vocabulary, kFashion is ICU normalisation, word breaking and stemming.
  explicit Analyzer(AnalyzerOptions options = {},
                    std::shared_ptr<const Vocabulary> vocabulary = nullptr);

  // Terms of `text` in order. Input is UTF-8; invalid bytes are treated as U+FFFD
  // (callers validate input first and reject it with a clear error).
  std::vector<Token> Analyze(std::string_view text) const;

  // Normalised words of `text` without stemming: NFKC, case folded, accents
  // removed, possessive 's dropped. Used for filter values and display matching.
  std::vector<std::string> Words(std::string_view text) const;

  // The term for one already-normalised word (stemmed, no vocabulary).
  std::string TermFor(std::string_view word) const;

  // The canonical form of a size value ("Extra Large" -> "xl", "W32 L34" ->
  // "32x34"), for matching sizes typed in queries against product sizes.
  std::string SizeTerm(std::string_view size) const;

  const AnalyzerOptions& options() const { return options_; }
  const Vocabulary* vocabulary() const { return vocabulary_.get(); }

 private:
  AnalyzerOptions options_;
  std::shared_ptr<const Vocabulary> vocabulary_;
};

// NFKC case folding with accents removed: "Crème BRÛLÉE" -> "creme brulee".
// Keeps spaces and punctuation. This is the form filter values are matched in.
std::string NormalizeText(std::string_view text);

}  // namespace vitrine::analyzers
