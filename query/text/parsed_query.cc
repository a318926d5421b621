#include "query/text/parsed_query.h"

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::query::internal {

absl::StatusOr<ParsedQuery> ParseQuery(std::string_view q, const analyzers::Analyzer& analyzer,
                                       const Xapian::Database& database, const SearchLimits& limits,
                                       bool typed) {
  ParsedQuery parsed{.q = std::string(q), .tokens = analyzer.Analyze(q)};
  if (parsed.tokens.size() > limits.max_query_words) {
    return InvalidParameter("q", StrCat("q has more than ", limits.max_query_words, " words"));
  }
  if (parsed.browse()) return parsed;
  if (typed) parsed.typing = UnfinishedWord(q, parsed.tokens, analyzer);
  parsed.forms = CatalogForms(q, parsed.tokens, analyzer, database);
  return parsed;
}

}  // namespace vitrine::query::internal
