// Highlighting: marks the words of a product's text that the query matched
// ("Turtle Check Men <em>Navy</em> Blue <em>Shirt</em>"), HTML-escaped. Private
// to query/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "analyzers/analyzer.h"

namespace vitrine::query::internal {

struct HighlightTerms {
  absl::flat_hash_set<std::string> terms;  // analysed query terms
  std::string prefix;                      // the word being typed, matched as a prefix
};

// The analysed term of words of product text (a word, or two that the analyzer
// joins, "T-Shirt"), remembered across searches: titles repeat brands, colours
// and product types, and analysing them is most of the cost of highlighting.
// For one analyzer; not thread-safe (each searcher owns one).
class TermMemo {
 public:
  // The single term `words` analyse to; empty if they make none, several or a
  // stop word.
  const std::string& TermOf(std::string_view words, const analyzers::Analyzer& analyzer);

 private:
  static constexpr size_t kMaxEntries = 1 << 17;  // then start over (~10 MB at most)
  absl::flat_hash_map<std::string, std::string> terms_;
};

// `text` HTML-escaped, with every word (or two-word compound, "T-Shirt") whose
// analysed term is among `terms`, or that starts with `prefix`, wrapped in
// <tag>...</tag>. Empty when nothing matched.
std::string Highlight(std::string_view text, const analyzers::Analyzer& analyzer,
                      const HighlightTerms& terms, std::string_view tag, TermMemo& memo);

// Appends `text` with & < > " ' as HTML entities.
void AppendHtmlEscaped(std::string& out, std::string_view text);

}  // namespace vitrine::query::internal
