// A page of a match ordered without Xapian's matcher: by a numeric column
// (price, newest, rating, popularity) or, for a browse, by docid, straight from
// the match set and the in-memory columns. Products without the value come
// last either way; ties break by product id, as SetSortOrder does. Collapsing,
// each style's first product in that order stands for it (collapse.h). Private
// to query/.
#pragma once

#include <xapian.h>

#include <string_view>
#include <vector>

#include "query/facets/facet_columns.h"
#include "query/match/match_sets.h"
#include "query/rank/collapse.h"

namespace vitrine::query::internal {

// The hits at [first, first + count) of `matched` in `sort` order; relevance
// means docid order (a browse's). With `parents`, one hit per style (`styles`:
// the searcher's scratch, required then).
std::vector<StyleHit> SortedPage(const DocSet& matched, const FacetColumns& columns, SortOrder sort,
                                 size_t first, size_t count, const FacetColumn* parents = nullptr,
                                 StyleScratch* styles = nullptr);

}  // namespace vitrine::query::internal
