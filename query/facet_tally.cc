#include "query/facet_tally.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace vitrine::query::internal {
namespace {

uint32_t BucketOf(const FacetTally::Buckets& buckets, double value) {
  const auto bucket = std::upper_bound(buckets.bounds.begin(), buckets.bounds.end(), value);
  return static_cast<uint32_t>(bucket - buckets.bounds.begin());
}

void Include(FacetStats& stats, double value) {
  stats.min = stats.count == 0 ? value : std::min(stats.min, value);
  stats.max = stats.count == 0 ? value : std::max(stats.max, value);
  stats.sum += value;
  ++stats.count;
}

}  // namespace

size_t FacetTally::AddTerms(const FacetColumn& column) {
  terms_.push_back({&column, std::vector<uint64_t>(column.values.size(), 0)});
  return terms_.size() - 1;
}

size_t FacetTally::AddBuckets(const NumberColumn& column, std::vector<double> bounds) {
  const size_t count = bounds.size() + 1;
  buckets_.push_back({&column, std::move(bounds), std::vector<uint64_t>(count, 0), {}});
  return buckets_.size() - 1;
}

template <typename ForEach>
void FacetTally::AddEach(const ForEach& for_each, const Columns& columns) {
  // Single-valued columns share one walk of the set: its docids a block at a
  // time, each block counted column by column while it is in cache.
  std::vector<Terms*> single;
  for (Terms* terms : columns.terms) {
    if (!terms->column->multi_valued()) single.push_back(terms);
  }
  if (!single.empty()) {
    constexpr size_t kBlock = 1024;
    std::array<Xapian::docid, kBlock> block;
    size_t filled = 0;
    const auto count_block = [&] {
      for (Terms* terms : single) {
        const uint32_t* const values = terms->column->by_docid.data();
        const size_t size = terms->column->by_docid.size();
        uint64_t* const counts = terms->counts.data();
        for (size_t i = 0; i < filled; ++i) {
          if (block[i] < size) ++counts[values[block[i]]];
        }
      }
      filled = 0;
    };
    for_each([&](Xapian::docid id) {
      block[filled++] = id;
      if (filled == kBlock) count_block();
    });
    count_block();
  }
  for (Terms* terms : columns.terms) {
    const FacetColumn& column = *terms->column;
    uint64_t* const counts = terms->counts.data();
    if (!column.multi_valued()) continue;  // counted above
    const std::vector<uint32_t>& offsets = column.offsets;
    for_each([&](Xapian::docid id) {
      if (id + 1 >= offsets.size()) return;
      for (uint32_t k = offsets[id]; k < offsets[id + 1]; ++k) ++counts[column.ids[k]];
    });
  }
  for (Buckets* buckets : columns.buckets) {
    FacetStats& stats = buckets->stats;
    for_each([&](Xapian::docid id) {
      const double value = buckets->column->at(id);
      if (std::isnan(value)) return;
      ++buckets->counts[BucketOf(*buckets, value)];
      Include(stats, value);
    });
  }
}

void FacetTally::Add(const DocSet& docs, const StyleCounting* styles) {
  Columns all;
  for (Terms& terms : terms_) all.terms.push_back(&terms);
  for (Buckets& buckets : buckets_) all.buckets.push_back(&buckets);
  if (styles == nullptr) {
    AddEach([&](const auto& f) { docs.ForEach(f); }, all);
    return;
  }
  // Products without a parent count as themselves.
  AddEach([&](const auto& f) { docs.ForEachMasked(styles->variants, false, f); }, all);
  std::vector<Xapian::docid>& variants = styles->scratch.members;
  variants.clear();
  docs.ForEachMasked(styles->variants, true, [&](Xapian::docid id) { variants.push_back(id); });
  if (variants.empty()) return;
  const auto each_of = [](const std::vector<Xapian::docid>& ids) {
    return [&ids](const auto& f) {
      for (const Xapian::docid id : ids) f(id);
    };
  };
  // The others by style. A field whose value no two products of a style share
  // (a colour) counts every product; one whose products of a style all share
  // it (a brand) counts one product per style; any other, each distinct value
  // of a style once (AddStyles).
  Columns distinct, same, mixed;
  for (Terms* terms : all.terms) {
    switch (terms->column->multi_valued() ? FacetColumn::AcrossStyle::kMixed
                                          : terms->column->across_style) {
      case FacetColumn::AcrossStyle::kDistinct:
        distinct.terms.push_back(terms);
        break;
      case FacetColumn::AcrossStyle::kSame:
        same.terms.push_back(terms);
        break;
      case FacetColumn::AcrossStyle::kMixed:
        mixed.terms.push_back(terms);
        break;
    }
  }
  mixed.buckets = all.buckets;
  if (!distinct.terms.empty()) AddEach(each_of(variants), distinct);
  if (!same.terms.empty()) {
    std::vector<Xapian::docid>& firsts = styles->scratch.firsts;
    FirstOfEachStyle(variants, *styles, firsts);
    AddEach(each_of(firsts), same);
  }
  if (!mixed.terms.empty() || !mixed.buckets.empty()) AddStyles(variants, *styles, mixed);
}

void FacetTally::FirstOfEachStyle(const std::vector<Xapian::docid>& variants,
                                  const StyleCounting& styles, std::vector<Xapian::docid>& firsts) {
  // Parent ids are numbered in order of their styles' first products
  // (FacetColumns::Load), and a catalog loaded in bulk lists a style's
  // products together: in ascending `variants` a style's products mostly follow
  // one another, and a style met for the first time has a higher id than every
  // style before it. Either tells a first apart without the scratch; a style
  // met out of that order (products added to it later) needs the scratch,
  // filled from the firsts so far when that first happens.
  StyleScratch& scratch = styles.scratch;
  scratch.Fit(styles.parents.values.size());
  Xapian::docid* const best = scratch.best.data();  // zero between calls
  firsts.clear();
  uint32_t previous = std::numeric_limits<uint32_t>::max();  // no style yet
  uint32_t highest = 0;
  bool in_scratch = false;  // every first so far is in `best`
  for (const Xapian::docid id : variants) {
    const uint32_t parent = ParentOf(styles.parents, id);
    if (parent == previous) continue;
    previous = parent;
    if (parent > highest) {
      highest = parent;
    } else {
      if (!in_scratch) {
        for (const Xapian::docid first : firsts) best[ParentOf(styles.parents, first)] = first;
        in_scratch = true;
      }
      if (best[parent] != 0) continue;
    }
    if (in_scratch) best[parent] = id;
    firsts.push_back(id);
  }
  if (in_scratch) {
    for (const Xapian::docid id : firsts) best[ParentOf(styles.parents, id)] = 0;
  }
}

void FacetTally::AddStyles(const std::vector<Xapian::docid>& variants, const StyleCounting& styles,
                           const Columns& columns) {
  const FacetColumn& parents = styles.parents;
  StyleScratch& scratch = styles.scratch;
  scratch.Fit(parents.values.size());
  // The products grouped by style: style k's are members[starts[k] ..
  // starts[k + 1]). Mostly `variants` is grouped already (FirstOfEachStyle
  // says why): each run of one style starts a style with a higher id than every
  // style before it. Otherwise a counting sort groups them: `at[parent]` counts
  // the style's products, then marks where its group ends, then where it begins
  // (and is zero again at the end, as the scratch must be between calls).
  std::vector<uint32_t>& starts = scratch.starts;
  starts.clear();
  const Xapian::docid* members = variants.data();
  uint32_t previous = std::numeric_limits<uint32_t>::max();  // no style yet
  uint32_t highest = 0;
  for (size_t i = 0; i < variants.size(); ++i) {
    const uint32_t parent = ParentOf(parents, variants[i]);
    if (parent == previous) continue;
    previous = parent;
    if (parent <= highest) {  // not grouped
      starts.clear();
      break;
    }
    highest = parent;
    starts.push_back(static_cast<uint32_t>(i));
  }
  uint32_t* const at = scratch.variants.data();
  std::vector<uint32_t>& touched = scratch.touched;
  touched.clear();
  if (starts.empty()) {
    for (const Xapian::docid id : variants) {
      const uint32_t parent = ParentOf(parents, id);
      if (at[parent]++ == 0) touched.push_back(parent);
    }
    uint32_t end = 0;
    for (const uint32_t parent : touched) {
      starts.push_back(end);
      at[parent] = end += at[parent];
    }
    std::vector<Xapian::docid>& grouped = scratch.grouped;
    grouped.resize(variants.size());
    for (const Xapian::docid id : variants) grouped[--at[ParentOf(parents, id)]] = id;
    for (const uint32_t parent : touched) at[parent] = 0;
    members = grouped.data();
  }
  const size_t style_count = starts.size();
  starts.push_back(static_cast<uint32_t>(variants.size()));

  // Per style, each value (bucket) its products have counts once: `marked`
  // holds, per value, the last style that counted it (styles are numbered on
  // from the tally's previous calls, so marks never need clearing).
  const auto for_each_style = [&](const auto& f) {
    for (size_t k = 0; k < style_count; ++k) {
      f(style_ + static_cast<uint32_t>(k) + 1, members + starts[k], members + starts[k + 1]);
    }
  };
  for (Terms* terms : columns.terms) {
    const FacetColumn& column = *terms->column;
    terms->marked.resize(terms->counts.size(), 0);
    uint32_t* const marked = terms->marked.data();
    uint64_t* const counts = terms->counts.data();
    const auto count = [&](uint32_t style, uint32_t value) {
      if (marked[value] == style) return;
      marked[value] = style;
      ++counts[value];
    };
    for_each_style([&](uint32_t style, const Xapian::docid* first, const Xapian::docid* last) {
      for (const Xapian::docid* id = first; id != last; ++id) {
        if (!column.multi_valued()) {
          if (*id < column.by_docid.size()) count(style, column.by_docid[*id]);
        } else if (*id + 1 < column.offsets.size()) {
          for (uint32_t k = column.offsets[*id]; k < column.offsets[*id + 1]; ++k) {
            count(style, column.ids[k]);
          }
        }
      }
    });
  }
  for (Buckets* buckets : columns.buckets) {
    buckets->marked.resize(buckets->counts.size(), 0);
    for_each_style([&](uint32_t style, const Xapian::docid* first, const Xapian::docid* last) {
      for (const Xapian::docid* id = first; id != last; ++id) {
        const double value = buckets->column->at(*id);
        if (std::isnan(value)) continue;
        const uint32_t bucket = BucketOf(*buckets, value);
        if (buckets->marked[bucket] != style) {
          buckets->marked[bucket] = style;
          ++buckets->counts[bucket];
        }
        Include(buckets->stats, value);
      }
    });
  }
  style_ += static_cast<uint32_t>(style_count);
}

}  // namespace vitrine::query::internal
