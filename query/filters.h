// Filters of a search: term filters (brand, colour, category at any level, ...),
// numeric ranges (price, rating) and stock, as one boolean Xapian query that
// restricts a match without changing its scores. Private to query/.
#pragma once

#include <xapian.h>

#include <optional>

#include "absl/status/status.h"
#include "query/search.h"

namespace vitrine::query::internal {

// Checks field names, value counts and ranges; errors name the parameter
// ("filter.colour", "range.price").
absl::Status ValidateFilters(const SearchRequest& request, const SearchLimits& limits);

// The boolean query of the request's filters; nullopt when it has none.
std::optional<Xapian::Query> FilterQuery(const SearchRequest& request);

}  // namespace vitrine::query::internal
