// Which text query a search runs, and what it matches: the words as typed; when
// few products have them all, the corrected words (for a word the index does not
// know) if they find more; and then products with some of the words after those
// with all of them (relaxed). Works in match sets: the exact totals and the
// choice come before any ranking. Private to query/.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzers/analyzer.h"
#include "merch/synonyms.h"
#include "query/facets/facet_columns.h"
#include "query/match/match_sets.h"
#include "query/text/parsed_query.h"
#include "query/text/text_query.h"

namespace vitrine::query::internal {

// What the text stage reads besides the query; all of it outlives the stage.
struct TextContext {
  const analyzers::Analyzer& analyzer;
  const Xapian::Database& database;
  MatchSets& sets;
  const FieldWeights& weights;
  const merch::Thesaurus::Analysed* synonyms = nullptr;  // managed synonyms, or null
  const DocSet& filter_set;                              // what the filters (and rules) let through
  const FacetColumn* parents = nullptr;                  // collapsing styles: each counts once
  const FacetColumns::StyleAdjacency* adjacency = nullptr;  // where their products lie
  // The correction of a query ("" when nothing changed), remembered by the searcher.
  std::function<std::string(std::string_view q)> correct;
};

struct TextPlan {
  // The query the facets count over (strict, corrected or relaxed), its
  // documents, and those under the filters.
  Xapian::Query text;
  DocSet text_set;
  DocSet matched;
  // The query the page's hits come from and its documents under the filters:
  // the same as `text`, unless partial matches fill a page the full ones leave short.
  Xapian::Query hits_text;
  DocSet listed;
  uint64_t total = 0;  // hits (styles, when collapsing) the search reports
  bool relaxed = false;
  std::string corrected_query;  // empty when q was searched as typed
  ParsedQuery searched;         // the query searched: q as typed, or corrected
};

// Hits a set makes: with `parents` (collapsing styles), the products of one
// parent count once. `adjacency` (of the same columns), if given, counts
// adjacent styles a word of the set at a time.
uint64_t HitCount(const DocSet& matched, const FacetColumn* parents,
                  const FacetColumns::StyleAdjacency* adjacency = nullptr);

// The text plan of `query` for a request by relevance or by a field (`by_relevance`)
// whose page starts at `first` and holds `per_page` hits.
absl::StatusOr<TextPlan> PlanText(const ParsedQuery& query, bool by_relevance, size_t first,
                                  size_t per_page, TextContext& context);

}  // namespace vitrine::query::internal
