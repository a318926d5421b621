// Collapsing variants in memory: each style (the products sharing a parent_id)
// is represented by its best listed product under the page's order, the one
// Xapian's collapse key would keep (the first in that order); a product without
// a parent stands for itself. A page takes the match's first products in its
// order and keeps each style's first (ranker.h, column_sort.h), so styles that
// cannot reach the page cost nothing. Private to query/.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <vector>

#include "query/facets/facet_columns.h"

namespace vitrine::query::internal {

// A product standing for its style, and its parent's value id in the parents
// column (0: none). (Its variants are listed from the style's postings.)
struct StyleHit {
  Xapian::docid docid = 0;
  uint32_t parent = 0;
};

inline uint32_t ParentOf(const FacetColumn& parents, Xapian::docid id) {
  return id < parents.by_docid.size() ? parents.by_docid[id] : 0;
}

// Per style, the best product so far (or a mark) and a count: a searcher's
// scratch, all zero between calls (each call clears what it set), so
// collapsing costs what the match holds, not what the catalog holds.
struct StyleScratch {
  std::vector<Xapian::docid> best;
  std::vector<uint32_t> variants;
  // Sized for parent value ids below `styles` (new entries zero).
  void Fit(size_t styles) {
    if (best.size() >= styles) return;
    best.resize(styles, 0);
    variants.resize(styles, 0);
  }
  // Counting facets by style (facet_tally.h): reused, cleared by each use.
  std::vector<Xapian::docid> members;
  std::vector<Xapian::docid> grouped;
  std::vector<Xapian::docid> firsts;
  std::vector<uint32_t> touched;
  std::vector<uint32_t> starts;
};

}  // namespace vitrine::query::internal
