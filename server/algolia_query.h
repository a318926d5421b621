// The Algolia-compatible search endpoint's requests: Algolia search parameters
// translated onto Vitrine's SearchRequest (or SuggestRequest); private to server/.
//
//   POST /1/indexes/*/queries  {"requests": [{"indexName": "products", "params": "query=tee&..."}]}
//   POST /1/indexes/products/query  {"query": "tee", "facets": ["brand"]}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/search.h"
#include "query/suggest/suggest.h"

namespace vitrine::server::algolia {

// Index names: the catalog by relevance, one "replica" per sort order (as
// InstantSearch's sortBy expects), and the query-suggestions index.
inline constexpr std::string_view kIndexName = "products";
inline constexpr std::string_view kSuggestionsSuffix = "_query_suggestions";

// Facets and counts only (hitsPerPage 0) still need one hit from Vitrine.
inline constexpr int kDefaultHitsPerPage = 20;
inline constexpr int kDefaultMaxValuesPerFacet = 100;

struct AlgoliaQuery {
  std::string index_name;
  bool suggestions = false;                 // the query-suggestions index
  query::SearchRequest search;              // !suggestions
  query::SuggestRequest suggest;            // suggestions
  int page = 0;                             // 0-based, as Algolia counts
  int hits_per_page = kDefaultHitsPerPage;  // 0: no hits, only counts and facets
  bool highlight_title = true;              // attributesToHighlight
  bool highlight_description = true;
  std::string pre_tag = "<em>";  // highlightPreTag / highlightPostTag
  std::string post_tag = "</em>";
  // attributesToRetrieve; nullopt: every attribute ("*").
  std::optional<std::vector<std::string>> attributes_to_retrieve;
  bool rules_enabled = true;  // enableRules: merchandising rules apply
  // The parameters as received, URL-encoded (echoed in the response's "params").
  std::string params;
};

// The sort order an index name stands for ("products_price_asc" -> "price_asc"),
// or NotFound naming the index. Sets `suggestions` for the suggestions index.
absl::StatusOr<query::SortOrder> SortOfIndex(std::string_view index_name, bool& suggestions);

// POST /1/indexes/*/queries: {"requests": [...], "strategy": "none"}. Each request
// carries "indexName" and its parameters as a URL-encoded "params" string (v3/v4
// clients) and/or as keys of its own (v5 clients). `attributes`: the index's
// declared filterable attributes. Errors name the parameters Vitrine does not
// support, never ignoring one that would change the results.
absl::StatusOr<std::vector<AlgoliaQuery>> ParseMultiQuery(
    std::string_view body, const std::vector<std::string>& attributes);

// POST /1/indexes/{index}/query with a JSON body of parameters (and/or "params").
absl::StatusOr<AlgoliaQuery> ParseSingleQuery(std::string_view index_name, std::string_view body,
                                              const std::vector<std::string>& attributes);

// Every parameter name the endpoint accepts, for docs and error messages.
const std::vector<std::string_view>& SupportedParameters();

}  // namespace vitrine::server::algolia
