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
  // Whether a word (or two) matched, remembered across the hits of one search:
  // titles repeat brands, genders and product types.
  mutable absl::flat_hash_map<std::string, bool> seen;
};

// `text` HTML-escaped, with every word (or two-word compound, "T-Shirt") whose
// analysed term is among `terms`, or that starts with `prefix`, wrapped in
// <tag>...</tag>. Empty when nothing matched.
std::string Highlight(std::string_view text, const analyzers::Analyzer& analyzer,
                      const HighlightTerms& terms, std::string_view tag);

// Appends `text` with & < > " ' as HTML entities.
void AppendHtmlEscaped(std::string& out, std::string_view text);

}  // namespace vitrine::query::internal
