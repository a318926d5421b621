// Route handlers behind Api; private to server/. Each takes parsed input and
// returns a complete response.
#pragma once

#include "query/search.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/url.h"

namespace vitrine::server {

HttpResponse HandleSearch(const Target& target, query::SearcherPool& searchers);
HttpResponse HandleGetProduct(std::string_view id, query::SearcherPool& searchers);
// GET /v1/analyze?text=...: what the serving index's analyzer makes of `text`:
// tokens (term, position, kind, colour family) and the terms of each text field.
HttpResponse HandleAnalyze(const Target& target, query::SearcherPool& searchers);
HttpResponse HandleHealth();
HttpResponse HandleReady(query::SearcherPool& searchers);
HttpResponse HandleMetrics(const Metrics& metrics);

// Builds a SearchRequest from GET parameters; unknown or repeated parameters and
// non-numeric numbers are errors naming the parameter.
absl::StatusOr<query::SearchRequest> SearchRequestFromParams(const Target& target);

}  // namespace vitrine::server
