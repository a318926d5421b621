// The multi-query plan: which of InstantSearch's queries need a search of their
// own and which take their facet counts from another's; private to server/.
//
// For every refined disjunctive facet F, InstantSearch adds a query that is the
// main one without F's refinement, asking only F's counts. Vitrine's facet
// counts are already disjunctive (a field's counts ignore its own filter), so
// the main search's F counts are exactly that query's; only its nbHits (the
// total without F's filter) is left, and a count needs no facets, highlights or
// hydration.
#pragma once

#include <cstddef>
#include <vector>

#include "absl/time/time.h"
#include "server/algolia_query.h"

namespace vitrine::merch {
class RuleSet;  // merch/rule_set.h
}  // namespace vitrine::merch

namespace vitrine::server::algolia {

struct PlannedQuery {
  enum class How {
    kSuggest,     // the query-suggestions index
    kSearch,      // a search of its own
    kFacetsFrom,  // facets (and, unless `count`, nbHits) from queries[source]
  };
  How how = How::kSearch;
  size_t source = 0;
  // kFacetsFrom: nbHits differs from the source's (a filter was dropped), so a
  // count-only search runs (CountRequest).
  bool count = false;
};

// `rules`: the live rule set (may be null). A query derives from another only
// when the same rules fire for both (a rule may test the shopper's filters) and
// none of them pins (pins count in totals and facets as the filters allow).
std::vector<PlannedQuery> PlanQueries(const std::vector<AlgoliaQuery>& queries,
                                      const merch::RuleSet* rules, absl::Time now);

// The search that only counts `search`'s matches: no facets, no highlights, one
// hit. `source`: the response of the query it derives from. When that one had at
// least 10 matches with every word, uncorrected and unrelaxed, so does this one
// (it drops a filter: a superset), and a column sort counts the same matches
// without ranking them all by relevance (a sorted search relaxes only when
// nothing matches), so the count is ordered by price instead.
query::SearchRequest CountRequest(const query::SearchRequest& search,
                                  const query::SearchResponse& source);

// The filter field whose filter `facet`'s counts ignore ("category.lvl1" ->
// "category", "brand" -> "brand").
std::string_view FilterIgnoredBy(std::string_view facet);

}  // namespace vitrine::server::algolia
