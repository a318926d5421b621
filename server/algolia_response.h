// Algolia-format results (hits with objectID and _highlightResult, nbHits, facets,
// facets_stats, ...) from Vitrine's search and suggest responses; private to server/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "query/search.h"
#include "query/suggest/suggest.h"
#include "server/algolia_query.h"
#include "server/http.h"

namespace vitrine::server::algolia {

// What one query's result is made of. `facets_from` may be another query's
// response whose disjunctive counts equal this query's (see algolia_plan.h).
struct ResultParts {
  const AlgoliaQuery* query = nullptr;
  const query::SearchResponse* hits_from = nullptr;    // hits and notices; null: none
  const query::SearchResponse* facets_from = nullptr;  // null: no facets asked
  uint64_t total = 0;                                  // nbHits
  double took_ms = 0;
};

// The result object, as Algolia answers one query.
std::string ResultJson(const ResultParts& parts);

// The query-suggestions index's result: one hit per suggestion, with "query".
std::string SuggestionsJson(const AlgoliaQuery& query,
                            const std::vector<query::Suggestion>& suggestions, double took_ms);

// Vitrine's highlight (HTML-escaped text, matched words in <em>) as Algolia
// gives it: raw text with matches between `pre` and `post` (the client escapes
// it, as InstantSearch does). The words matched go to `matched` when not null.
std::string ConvertHighlight(std::string_view html, std::string_view pre, std::string_view post,
                             std::vector<std::string>* matched = nullptr);

// {"message": ..., "status": N} as Algolia's clients read errors, plus Vitrine's
// usual "error" object naming the parameter.
HttpResponse AlgoliaError(const absl::Status& status);

}  // namespace vitrine::server::algolia
