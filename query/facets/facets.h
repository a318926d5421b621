// Facet counting for a search: term facets (the top values by count, listed by
// count, value or size), range facets (a count per bucket plus stats) and
// category levels, all disjunctive: a field's counts ignore that field's own
// filter; collapsed styles count once. Facets whose field has no
// filter of its own count over what the search matched; each other one counts
// over the text match under every other filter (match sets, in memory).
// Private to query/.
//
//   FacetCounter facets(index, columns, request);
//   response.facets = facets.Count(sets, text_query, text, matched, restriction);
#pragma once

#include <xapian.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "query/facets/facet_columns.h"
#include "query/facets/facet_memo.h"
#include "query/facets/facet_tally.h"
#include "query/match/match_sets.h"
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
  // (text, filters and `restriction`); `text`: those of its text alone
  // (`text_query`), which facets of a filtered field count under the other
  // filters and `restriction` (the rules' forced filters and hidden products).
  // Those passes are kept in the columns' FacetMemo for the next search that
  // counts the same.
  std::vector<Facet> Count(MatchSets& sets, const Xapian::Query& text_query, const DocSet& text,
                           const DocSet& matched, const std::optional<Xapian::Query>& restriction);

 private:
  // Where a requested facet is counted: which pass, which entry of its tally.
  struct Place {
    std::string pass;  // the filter left out; "" is the match itself
    bool range = false;
    size_t entry = 0;
  };

  // The memo's key of the pass leaving `left_out` out, over `filter`; empty
  // when a query cannot be serialised (nothing is kept then).
  std::string MemoKey(const std::string& left_out, const Xapian::Query& text_query,
                      const std::optional<Xapian::Query>& filter,
                      const std::optional<Xapian::Query>& restriction) const;

  const SearchRequest& request_;
  std::optional<StyleCounting> styles_;
  FacetMemo* memo_ = nullptr;  // the columns', or null
  std::map<std::string, FacetTally> passes_;
  std::map<std::string, std::string> counted_;  // pass -> what its tally counts
  std::vector<Place> places_;
};

}  // namespace vitrine::query::internal
