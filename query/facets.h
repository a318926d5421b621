// Facet counting for a search: term facets (the top values by count, listed by
// count, value or size), range facets (a count per bucket plus stats) and
// category levels, all disjunctive: a field's counts ignore that field's own
// filter; collapsed styles count once. Facets whose field has no
// filter of its own count over what the search matched; each other one counts
// over the text match under every other filter (match sets, in memory).
// Private to query/.
//
//   FacetCounter facets(index, columns, request);
//   response.facets = facets.Count(sets, text, matched, restriction);
#pragma once

#include <xapian.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "query/facet_columns.h"
#include "query/facet_tally.h"
#include "query/match_sets.h"
#include "query/search.h"

namespace vitrine::query::internal {

class FacetCounter {
 public:
  // `index`, `columns` (its facet values), `request` (validated) and `styles`
  // must outlive the counter. With `styles` (collapsing), a style counts once
  // per value, as its tile shows once.
  FacetCounter(const Index& index, const FacetColumns& columns, const SearchRequest& request,
               std::optional<StyleCounting> styles = std::nullopt);

  // Every facet in request order. `matched`: the documents the search matched
  // (text, filters and `restriction`); `text`: those of its text alone, which
  // facets of a filtered field count under the other filters and `restriction`
  // (the rules' forced filters and hidden products).
  std::vector<Facet> Count(MatchSets& sets, const DocSet& text, const DocSet& matched,
                           const std::optional<Xapian::Query>& restriction);

 private:
  // Where a requested facet is counted: which pass, which entry of its tally.
  struct Place {
    std::string pass;  // the filter left out; "" is the match itself
    bool range = false;
    size_t entry = 0;
  };

  const SearchRequest& request_;
  std::optional<StyleCounting> styles_;
  std::map<std::string, FacetTally> passes_;
  std::vector<Place> places_;
};

}  // namespace vitrine::query::internal
