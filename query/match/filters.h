// Filters of a search: term filters (brand, colour, category at any level,
// declared attributes, ...), numeric ranges (price, rating) and stock, as one
// boolean Xapian query that restricts a match without changing its scores; and
// the names and slots of the fields requests may filter, count and sort on.
// Private to query/.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "query/index.h"
#include "query/request.h"

namespace vitrine::query::internal {

// A query matching every document, new on each call. Never use the static
// Xapian::Query::MatchAll: it is one object for the whole process, and its
// reference count is not atomic, so two threads copying it at once free it under
// each other (docs/ARCHITECTURE.md, "Threads").
inline Xapian::Query MatchAllQuery() { return Xapian::Query(std::string()); }

// Checks field names, value counts and ranges; errors name the parameter
// ("filter.colour", "range.price"). `attributes`: the index's declared keys.
absl::Status ValidateFilters(const SearchRequest& request, const SearchLimits& limits,
                             const std::vector<std::string>& attributes);

// The boolean query of the request's filters and ranges, leaving out those on
// `except_field` (for disjunctive facet counts); nullopt when none remain. The
// request has been validated: a field that is not built in is an attribute.
std::optional<Xapian::Query> FilterQuery(const SearchRequest& request,
                                         std::string_view except_field = {});

// Sort orders, facet fields, facet sizes and bucket boundaries; errors name the
// parameter.
absl::Status ValidateSortAndFacets(const SearchRequest& request,
                                   const std::vector<std::string>& attributes);

// The value slot a term facet field counts (kFacetFields or an attribute).
Xapian::valueno FacetSlot(std::string_view field, const std::vector<std::string>& attributes);
// The value slot of a range field (price, rating).
Xapian::valueno RangeSlot(std::string_view field);
bool IsRangeField(std::string_view field);

// What FacetColumns loads for an index with `attributes`.
std::vector<Xapian::valueno> SingleValuedFacetSlots(const std::vector<std::string>& attributes);
std::vector<Xapian::valueno> MultiValuedFacetSlots();
// `slots` and the size run's (not a facet: tiles list it with availability).
std::vector<Xapian::valueno> WithSizeRunSlot(std::vector<Xapian::valueno> slots);
// `slots` and the parent id's (for counting collapsed styles).
std::vector<Xapian::valueno> WithParentSlot(std::vector<Xapian::valueno> slots);
std::vector<Xapian::valueno> RangeSlots();

// Sets the sort order of a non-relevance sort; ties break by product id.
void SetSortOrder(Xapian::Enquire& enquire, SortOrder sort);

}  // namespace vitrine::query::internal
