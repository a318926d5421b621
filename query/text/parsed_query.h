// The shopper's query analysed once: its tokens, the word still being typed and
// the other ways the catalog writes its words. Every later stage of a search
// reads this rather than analysing q again. Private to query/.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzers/analyzer.h"
#include "query/request.h"
#include "query/text/text_query.h"

namespace vitrine::query::internal {

struct ParsedQuery {
  std::string q;                         // as searched
  std::vector<analyzers::Token> tokens;  // the analyser's, in order
  // The last word while the shopper may still be typing it (UnfinishedWord);
  // empty for a corrected query, which was not typed.
  std::string typing;
  WrittenForms forms;  // CatalogForms of the tokens

  bool browse() const { return tokens.empty(); }
};

// Analyses `q` with the generation's analyzer; more words than the limits allow
// is an error naming q. `typed`: q is what the shopper typed (so its last word
// may be unfinished), not a correction of it.
absl::StatusOr<ParsedQuery> ParseQuery(std::string_view q, const analyzers::Analyzer& analyzer,
                                       const Xapian::Database& database, const SearchLimits& limits,
                                       bool typed = true);

}  // namespace vitrine::query::internal
