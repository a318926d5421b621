// The hits of the requested page, in order, with their scores: read off the
// match set and a column (a field sort, or docid order for a browse), weighed in
// memory (text by relevance, ranker.h, then rescored; a rescored browse by its
// multipliers, rescore.h), or ranked by Xapian's matcher over the listed products
// only (text the ranker declines). Collapsed variants are picked in memory
// (collapse.h) but for that last.
// Private to query/.
#pragma once

#include <xapian.h>

#include <map>
#include <string>
#include <vector>

#include "query/facets/facet_columns.h"
#include "query/match/match_sets.h"
#include "query/rank/collapse.h"
#include "query/rank/ranker.h"
#include "query/rank/rescore.h"
#include "query/request.h"

namespace vitrine::query::internal {

// What ranks a page; all of it outlives the call.
struct PageContext {
  const Xapian::Database& database;
  MatchSets& sets;
  Ranker& ranker;
  const Rescorer& rescorer;
  const FacetColumns& columns;
  const FacetColumn* parents = nullptr;  // collapsing styles, or null
  StyleScratch& styles;                  // the searcher's, for collapsing
};

struct PageRequest {
  SortOrder sort = SortOrder::kRelevance;
  bool browse = false;   // no text: every listed product weighs the same
  bool rescore = false;  // boosts, buries or signals re-order a relevance match
  const Xapian::Query& hits_text;
  const DocSet& listed;  // the products the page's hits come from
  uint64_t total = 0;    // hits the search reports (before pins)
  size_t first = 0;      // the page's slice of the listed products' order
  size_t count = 0;
};

// A hit that stands for a style: where it is on the page, and its product.
struct StyleTile {
  size_t index;
  Xapian::docid docid;
};

struct Page {
  std::vector<SearchHit> hits;                 // id and score; snapshots come later
  std::map<std::string, StyleTile> collapsed;  // parent id -> the hit that stands for it
};

Page RankPage(const PageRequest& request, PageContext& context);

}  // namespace vitrine::query::internal
