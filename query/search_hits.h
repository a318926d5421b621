// The decoration of a search's hits after the match: their snapshots, the
// variants of collapsed styles and highlighted text. Private to query/.
#pragma once

#include <xapian.h>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "analyzers/analyzer.h"
#include "catalog/product_store.h"
#include "query/facets/facet_columns.h"
#include "query/match/match_sets.h"
#include "query/rank/page.h"
#include "query/search.h"
#include "query/text/highlight.h"

namespace vitrine::query::internal {

// Marks the matched words of a hit's title and the start of its description
// (the first kDescriptionSnippetBytes, cut at a space).
inline constexpr size_t kDescriptionSnippetBytes = 300;
void HighlightHit(SearchHit& hit, const analyzers::Analyzer& analyzer, const HighlightTerms& terms,
                  std::string_view tag, TermMemo& memo);

// Fills in the variants and swatches of hits that stand for a style of several
// products (`collapsed`: parent id -> its hit): as variants, every product of
// the style in `matched`; as swatches, every product of the style with its
// colour, stock and whether it matched (the hit first, then in catalog order,
// at most kMaxVariantsListed), read from the in-memory columns. A style's
// products are the run of docids around its hit's where they all lie together
// (FacetColumns::StyleAdjacency), else its posting list.
inline constexpr size_t kMaxVariantsListed = 50;
void ListVariants(const Xapian::Database& database, MatchSets& sets, const FacetColumns& columns,
                  const DocSet& matched, const std::map<std::string, StyleTile>& collapsed,
                  std::vector<SearchHit>& hits);

// Reads the current snapshot of every hit ("null" if it vanished since the match).
absl::Status Hydrate(const catalog::ProductStore& store, std::vector<SearchHit>& hits);

}  // namespace vitrine::query::internal
