// Filters of a search: term filters (brand, colour, category at any level, ...),
// numeric ranges (price, rating) and stock, as one boolean Xapian query that
// restricts a match without changing its scores. Private to query/.
#pragma once

#include <xapian.h>

#include <optional>

#include "absl/status/status.h"
#include "query/facet_columns.h"
#include "query/search.h"

namespace vitrine::query::internal {

// Checks field names, value counts and ranges; errors name the parameter
// ("filter.colour", "range.price").
absl::Status ValidateFilters(const SearchRequest& request, const SearchLimits& limits);

// The boolean query of the request's filters, leaving out the filter on
// `except_field` (for disjunctive facet counts); nullopt when none remain.
std::optional<Xapian::Query> FilterQuery(const SearchRequest& request,
                                         std::string_view except_field = {});

// Sort orders, facet fields and facet sizes; errors name the parameter.
absl::Status ValidateSortAndFacets(const SearchRequest& request);

// Counts the values of the requested facets over everything `text` matches
// under the request's filters, each field without its own filter.
std::vector<Facet> CountFacets(const Xapian::Database& database, const FacetColumns& columns,
                               const Xapian::Query& text, const SearchRequest& request,
                               Xapian::doccount check_at_least);

// The value slots of every facet field (what FacetColumns loads).
std::vector<Xapian::valueno> FacetSlots();

// Sets the sort order of a non-relevance sort; ties break by product id.
void SetSortOrder(Xapian::Enquire& enquire, std::string_view sort);

}  // namespace vitrine::query::internal
