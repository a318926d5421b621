// Route handlers behind Api; private to server/. Each takes parsed input and
// returns a complete response.
#pragma once

#include "query/search.h"
#include "query/suggest/suggest.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/request_context.h"
#include "server/url.h"

namespace vitrine::server {

// GET /v1/search?... and POST /v1/search with a JSON body of the same meaning.
// `context`: the deadline, a scoped key's filters and the trace's stage log.
HttpResponse HandleSearch(const Target& target, query::SearcherPool& searchers,
                          const RequestContext& context);
HttpResponse HandleSearchPost(std::string_view body, query::SearcherPool& searchers,
                              const RequestContext& context);
// Runs `request` (rules and synonyms as it gives them) on a searcher of the pool
// and serialises the response as /v1/search answers it; errors name the parameter.
absl::StatusOr<std::string> SearchBody(const query::SearchRequest& request,
                                       query::SearcherPool& searchers);
HttpResponse HandleGetProduct(std::string_view id, query::SearcherPool& searchers);
// GET /v1/analyze?text=...: what the serving index's analyzer makes of `text`:
// tokens (term, position, kind, colour family) and the terms of each text field.
HttpResponse HandleAnalyze(const Target& target, query::SearcherPool& searchers);
// GET /v1/suggest?q=...&limit=...: brands, categories and titles completing q
// (suggest_handler.cc).
HttpResponse HandleSuggest(const Target& target, query::SearcherPool& searchers);
HttpResponse HandleHealth();
HttpResponse HandleReady(query::SearcherPool& searchers);
// Prometheus text: the request metrics plus the result cache's hits and size.
HttpResponse HandleMetrics(Metrics& metrics, query::SearcherPool& searchers);

// The sort order `value` names; an unknown name is an error naming `name`.
absl::StatusOr<query::SortOrder> SortOrderParameter(std::string_view name, std::string_view value);
// The facet order `value` names (count, value, size); else an error naming `name`.
absl::StatusOr<query::FacetOrder> FacetOrderParameter(std::string_view name,
                                                      std::string_view value);

// Builds a SearchRequest from GET parameters; unknown or repeated parameters and
// non-numeric numbers are errors naming the parameter.
absl::StatusOr<query::SearchRequest> SearchRequestFromParams(const Target& target);

// Builds a SearchRequest from a POST body: {"q", "filters": {field: [values]},
// "ranges": {field: {"gte", "lte"}}, "in_stock", "facets": [...], "facet_size",
// "sort", "page", "per_page"}. Malformed JSON, unknown keys and wrong types are
// errors naming the key (search_json.cc).
absl::StatusOr<query::SearchRequest> SearchRequestFromJson(std::string_view body);

// A search error as a POST body names it: the parameters the query component
// names as in a query string ("filter.gender", "range.price") become the body's
// JSON paths ("filters.gender", "ranges.price"), in the message too.
absl::Status WithJsonPaths(const absl::Status& status);

// Builds a SuggestRequest from GET parameters q and limit; anything else, a
// repeated parameter or a non-numeric limit is an error naming the parameter.
absl::StatusOr<query::SuggestRequest> SuggestRequestFromParams(const Target& target);

}  // namespace vitrine::server
