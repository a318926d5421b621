// The Algolia-compatible search endpoint (/1/indexes/...), so unmodified
// algoliasearch and InstantSearch clients search Vitrine; private to server/.
// docs/instantsearch.md lists what is supported.
#pragma once

#include <string>
#include <string_view>

#include "query/search.h"
#include "server/http.h"
#include "server/request_context.h"
#include "server/url.h"

namespace vitrine::server {

// Whether `path` belongs to the endpoint ("/1/..."). Api checks the key first
// (AlgoliaKeyOf; search keys only, never the admin key).
bool IsAlgoliaPath(std::string_view path);

// The key an Algolia client sends: the X-Algolia-API-Key header, or the
// x-algolia-api-key query parameter (browser clients, to spare a CORS preflight).
std::string AlgoliaKeyOf(const HttpRequest& request, const Target& target);

// POST /1/indexes/*/queries, POST /1/indexes/{index}/query, and OPTIONS for
// CORS preflights. Errors come as Algolia's clients read them ({"message",
// "status"}). Every response allows any origin: the endpoint only searches.
// `context`: the deadline and a scoped key's filters, applied to every query.
HttpResponse HandleAlgolia(const HttpRequest& request, const Target& target,
                           query::SearcherPool& searchers, std::string_view& route,
                           const RequestContext& context);

// Adds the CORS headers every /1/ response carries (errors included).
void AddAlgoliaCors(HttpResponse& response);

}  // namespace vitrine::server
