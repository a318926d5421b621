// The comparison chain for relevance evaluation: what a plain Xapian setup
// (TermGenerator + English stemmer) would index, so the fashion analyzers are
// measured against a real baseline, with the same fields and weights.
#include "analyzers/internal/baseline.h"

#include <xapian.h>

#include <algorithm>

namespace vitrine::analyzers::internal {

std::vector<Token> BaselineAnalyze(std::string_view text) {
  thread_local Xapian::TermGenerator generator = [] {
    Xapian::TermGenerator g;
    g.set_stemmer(Xapian::Stem("english"));
    g.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL);
    return g;
  }();
  Xapian::Document document;
  generator.set_document(document);
  generator.index_text(std::string(text));
  std::vector<Token> tokens;
  for (Xapian::TermIterator term = document.termlist_begin(); term != document.termlist_end();
       ++term) {
    for (Xapian::PositionIterator position = term.positionlist_begin();
         position != term.positionlist_end(); ++position) {
      tokens.push_back(Token{.term = *term, .position = *position - 1});
    }
  }
  std::sort(tokens.begin(), tokens.end(),
            [](const Token& a, const Token& b) { return a.position < b.position; });
  return tokens;
}

}  // namespace vitrine::analyzers::internal
