// Collapsing variants in memory: each style (the products sharing a parent_id)
// is represented by its best listed product under the page's order, the one
// Xapian's collapse key would keep (the first in that order); a product without
// a parent stands for itself. Two passes over the match, no document read.
// Private to query/.
//
//   ForEachStyle(listed, parents, better, [&](Xapian::docid id, uint32_t parent,
//                                             uint32_t variants) { top.Offer(...); });
#pragma once

#include <xapian.h>

#include <cstdint>
#include <vector>

#include "query/facet_columns.h"
#include "query/match_sets.h"

namespace vitrine::query::internal {

// A product standing for its style: its parent's value id in the parents
// column (0: none) and how many listed products the style has (1 when alone).
struct StyleHit {
  Xapian::docid docid = 0;
  uint32_t parent = 0;
  uint32_t variants = 1;
};

inline uint32_t ParentOf(const FacetColumn& parents, Xapian::docid id) {
  return id < parents.by_docid.size() ? parents.by_docid[id] : 0;
}

// Calls `offer(StyleHit)` once per style of `listed`, in docid order, for the
// product that is first under `better(a, b)` (a strict total order on docids),
// and once for each product without a parent.
template <typename Better, typename Offer>
void ForEachStyle(const DocSet& listed, const FacetColumn& parents, Better&& better,
                  Offer&& offer) {
  std::vector<Xapian::docid> best(parents.values.size(), 0);
  std::vector<uint32_t> variants(parents.values.size(), 0);
  listed.ForEach([&](Xapian::docid id) {
    const uint32_t parent = ParentOf(parents, id);
    if (parent == 0) return;
    ++variants[parent];
    if (best[parent] == 0 || better(id, best[parent])) best[parent] = id;
  });
  listed.ForEach([&](Xapian::docid id) {
    const uint32_t parent = ParentOf(parents, id);
    if (parent == 0) {
      offer(StyleHit{.docid = id});
    } else if (best[parent] == id) {
      offer(StyleHit{.docid = id, .parent = parent, .variants = variants[parent]});
    }
  });
}

}  // namespace vitrine::query::internal
