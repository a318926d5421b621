// Facet counting for a search: term facets (top values by count), range facets
// (a count per bucket plus stats) and category levels, all disjunctive: a
// field's counts ignore that field's own filter. Facets whose field has no
// filter of its own count in the main match itself (no extra pass); each other
// one needs one boolean match without its filter. Private to query/.
//
//   FacetCounter facets(index, request);
//   enquire.add_matchspy(facets.main_spy());     // when not null
//   facets.ResetMain();                          // before every main get_mset
//   response.facets = facets.Finish(database, text, check_at_least);
#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "query/facet_columns.h"
#include "query/search.h"

namespace vitrine::query::internal {

class FacetCounter {
 public:
  // `index`, `columns` (its facet values) and `request` (validated) must
  // outlive the counter.
  FacetCounter(const Index& index, const FacetColumns& columns, const SearchRequest& request);

  // The spy to attach to the main match; null when every facet needs its own pass.
  Xapian::MatchSpy* main_spy();
  // Forgets the main match's counts (call before running it again).
  void ResetMain();

  // Runs the passes of facets whose field is filtered, over everything `text`
  // matches under the other filters, and returns every facet in request order.
  std::vector<Facet> Finish(const Xapian::Database& database, const Xapian::Query& text,
                            Xapian::doccount check_at_least);

 private:
  // Where a requested facet is counted: which pass, which entry of its spy.
  struct Place {
    std::string pass;  // the filter left out; "" is the main match
    bool range = false;
    size_t entry = 0;
  };

  const SearchRequest& request_;
  std::map<std::string, std::unique_ptr<FacetSpy>> passes_;
  std::vector<Place> places_;
};

}  // namespace vitrine::query::internal
