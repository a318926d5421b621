// One counting pass over a match: counts of term columns' values and of number
// columns' buckets (plus stats), a column at a time, from the columns in memory.
// With collapsed styles, a style counts once per value however many of its
// products match, so a count is the number of tiles a filter on it shows.
// Private to query/.
//
//   FacetTally tally;
//   size_t brand = tally.AddTerms(columns.slots.at(kSlotBrand));
//   tally.Add(matched, &styles);
//   tally.terms()[brand].counts[value_id]
#pragma once

#include <xapian.h>

#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "query/facets/facet_columns.h"
#include "query/match/match_sets.h"
#include "query/rank/collapse.h"
#include "query/request.h"

namespace vitrine::query::internal {

// Styles to count once: the parent-id column, the products that have a parent
// (FacetColumns::variants), a searcher's scratch, and where the styles'
// products lie (FacetColumns::adjacency), if known.
struct StyleCounting {
  const FacetColumn& parents;
  const DocSet& variants;
  StyleScratch& scratch;
  const FacetColumns::StyleAdjacency* adjacency = nullptr;
};

class FacetTally {
 public:
  struct Terms {
    const FacetColumn* column;
    std::vector<uint64_t> counts;  // by value id
    std::vector<uint32_t> marked;  // by value id: the style that counted it last
    // A single-valued column of at most kMaxLaneValues values: its counts
    // during a pass, kLanes sets of `lane_values` (empty between passes).
    std::vector<uint32_t> lanes;
    size_t lane_values = 0;  // its values and a spare one; 0: no lanes
  };
  // Counts of a pass over a column of few values go to this many sets of counters.
  static constexpr size_t kLanes = 4;
  static constexpr size_t kMaxLaneValues = 4096;
  struct Buckets {
    const NumberColumn* column;
    std::vector<double> bounds;    // ascending; bucket i is [bounds[i-1], bounds[i])
    std::vector<uint64_t> counts;  // bounds.size() + 1 buckets
    FacetStats stats;              // over products, styles or not
    std::vector<uint32_t> marked;  // by bucket: the style that counted it last
  };

  // Returns the index of the new entry in terms() / buckets().
  size_t AddTerms(const FacetColumn& column);
  size_t AddBuckets(const NumberColumn& column, std::vector<double> bounds);

  // Counts the values of every document of `docs`; with `styles`, the products
  // of one style (a parent id) once per value among them. Costs what `docs`
  // holds, not what the catalog holds.
  void Add(const DocSet& docs, const StyleCounting* styles = nullptr);

  const std::vector<Terms>& terms() const { return terms_; }
  const std::vector<Buckets>& buckets() const { return buckets_; }
  bool empty() const { return terms_.empty() && buckets_.empty(); }

 private:
  // Entries of terms_ and buckets_ to count in a pass.
  struct Columns {
    std::vector<Terms*> terms;
    std::vector<Buckets*> buckets;
  };
  // Counts, in `columns`, the documents of each block `blocks(f)` calls f with
  // (a std::span<const Xapian::docid>).
  template <typename Blocks>
  void AddEach(const Blocks& blocks, const Columns& columns);
  // Whether each style's products in `variants` (ascending) follow one another,
  // each run starting a style with a higher parent id than the runs before it,
  // and where each run starts (`starts`). So a catalog loaded in bulk leaves
  // them: FacetColumns::Load numbers parents in order of their first product,
  // and feeds list a style's products together. Products added to a style
  // later break the order; the callers then group by the scratch.
  static bool StyleRuns(const std::vector<Xapian::docid>& variants, const FacetColumn& parents,
                        std::vector<uint32_t>& starts);
  // Whether no product of `docs` is of a style whose products lie apart
  // (StyleAdjacency::scattered), so that the first of each style can be found
  // a word at a time; `count`, if given: the products of `docs` with a parent.
  static bool Adjacent(const DocSet& docs, const StyleCounting& styles, size_t* count = nullptr);
  // Calls `f` with blocks of documents (DocSet::ForEachBlock), in ascending
  // order: each product of `docs` without a parent and the first of each
  // style's (Adjacent must hold).
  template <typename F>
  static void FirstsOfTheirStyles(const DocSet& docs, const StyleCounting& styles, F&& f) {
    const std::span<const uint64_t> words = docs.words();
    const std::span<const uint64_t> with_parent = styles.variants.words();
    uint64_t carry = 0;  // (the words are asked for in turn)
    DocSet::ForEachBlockOf(
        words.size(),
        [&](size_t k) {
          const uint64_t held = k < with_parent.size() ? with_parent[k] : 0;
          return (words[k] & ~held) | styles.adjacency->Firsts(k, words[k] & held, carry);
        },
        f);
  }
  // The products of `docs` with a parent into `variants` (ascending) and, when
  // none is of a scattered style, each style's run into `starts` (as
  // StyleRuns), 64 products at a time; whether it could.
  static bool AdjacentRuns(const DocSet& docs, const StyleCounting& styles,
                           std::vector<Xapian::docid>& variants, std::vector<uint32_t>& starts);
  // Counts, in `columns`, the styles of `variants` (docids of products with a
  // parent), once per value a style's products have. `grouped`: StyleRuns said
  // so, and left the runs in the scratch's `starts`.
  void AddStyles(const std::vector<Xapian::docid>& variants, const StyleCounting& styles,
                 bool grouped, const Columns& columns);
  // The first of `variants` (ascending) of each style (`grouped`: as above).
  static void FirstOfEachStyle(const std::vector<Xapian::docid>& variants,
                               const StyleCounting& styles, bool grouped,
                               std::vector<Xapian::docid>& firsts);

  std::vector<Terms> terms_;
  std::vector<Buckets> buckets_;
  uint32_t style_ = 0;  // styles counted so far (AddStyles numbers them on)
};

}  // namespace vitrine::query::internal
