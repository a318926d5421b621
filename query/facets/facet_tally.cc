#include "query/facets/facet_tally.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <utility>

namespace vitrine::query::internal {
namespace {

constexpr size_t kLanes = FacetTally::kLanes;

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

// How many counters each lane of a column holds: its values and a spare one,
// for documents past the column; 0 when it counts without lanes (a column of
// many values, whose lanes would cost more to sum than they save, or one of
// several values a product).
size_t LaneValues(const FacetColumn& column) {
  if (column.multi_valued()) return 0;
  const size_t size = column.by_docid.size();
  const bool lanes =
      column.narrow.size() == size ||
      (column.narrow16.size() == size && column.values.size() <= FacetTally::kMaxLaneValues);
  return lanes ? column.values.size() + 1 : 0;
}

// Counts the values `values` gives `ids` in `terms.lanes`: the documents in
// turn go to kLanes separate counts, so that a run of documents of one value (a
// gender, a popular colour, the styles of one brand) is not a chain of
// increments of one counter, each waiting for the one before it to be stored
// (the loop alone runs 1.5 to 2 times as fast).
template <typename Value>
void CountInLanes(std::span<const Xapian::docid> ids, const std::vector<Value>& values,
                  FacetTally::Terms& terms) {
  const Value* const by_docid = values.data();
  const size_t size = values.size();
  const size_t stride = terms.lane_values;
  uint32_t* const lanes = terms.lanes.data();
  const auto value = [&](Xapian::docid id) -> size_t {
    return id < size ? by_docid[id] : stride - 1;
  };
  size_t i = 0;
  for (; i + kLanes <= ids.size(); i += kLanes) {
    for (size_t lane = 0; lane < kLanes; ++lane) ++lanes[lane * stride + value(ids[i + lane])];
  }
  for (; i < ids.size(); ++i) ++lanes[value(ids[i])];
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

template <typename Blocks>
void FacetTally::AddEach(const Blocks& blocks, const Columns& columns) {
  // One walk of the documents, a block at a time, each block counted column
  // by column while it is in cache.
  for (Terms* terms : columns.terms) {
    terms->lane_values = LaneValues(*terms->column);
    terms->lanes.assign(kLanes * terms->lane_values, 0);  // (empty outside a pass)
  }
  blocks([&](std::span<const Xapian::docid> ids) {
    for (Terms* terms : columns.terms) {
      const FacetColumn& column = *terms->column;
      uint64_t* const counts = terms->counts.data();
      if (column.multi_valued()) {
        const std::vector<uint32_t>& offsets = column.offsets;
        for (const Xapian::docid id : ids) {
          if (id + 1 >= offsets.size()) continue;
          for (uint32_t k = offsets[id]; k < offsets[id + 1]; ++k) ++counts[column.ids[k]];
        }
        continue;
      }
      const size_t size = column.by_docid.size();
      const auto count = [&](const auto* values) {
        for (const Xapian::docid id : ids) {
          if (id < size) ++counts[values[id]];
        }
      };
      if (terms->lane_values != 0) {
        if (column.narrow.size() == size) {
          CountInLanes(ids, column.narrow, *terms);
        } else {
          CountInLanes(ids, column.narrow16, *terms);
        }
      } else if (column.narrow16.size() == size) {
        count(column.narrow16.data());
      } else {
        count(column.by_docid.data());
      }
    }
    for (Buckets* buckets : columns.buckets) {
      FacetStats& stats = buckets->stats;
      for (const Xapian::docid id : ids) {
        const double value = buckets->column->at(id);
        if (std::isnan(value)) continue;
        ++buckets->counts[BucketOf(*buckets, value)];
        Include(stats, value);
      }
    }
  });
  for (Terms* terms : columns.terms) {
    if (terms->lane_values == 0) continue;
    const uint32_t* lane = terms->lanes.data();
    for (size_t i = 0; i < kLanes; ++i, lane += terms->lane_values) {
      for (size_t value = 0; value < terms->counts.size(); ++value)
        terms->counts[value] += lane[value];
    }
    // Let go, not zeroed: a tally the facet memo keeps is copied whole.
    std::vector<uint32_t>().swap(terms->lanes);
  }
}

void FacetTally::Add(const DocSet& docs, const StyleCounting* styles) {
  Columns all;
  for (Terms& terms : terms_) all.terms.push_back(&terms);
  for (Buckets& buckets : buckets_) all.buckets.push_back(&buckets);
  if (styles == nullptr) {
    AddEach([&](const auto& f) { docs.ForEachBlock(f); }, all);
    return;
  }
  // Products without a parent count as themselves; the others by style. A
  // field whose value no two products of a style share (a colour) counts every
  // product; one whose products of a style all share it (a brand) counts one
  // product per style; any other, each distinct value of a style once
  // (AddStyles).
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
  // Fields of mixed values need each style's products gathered; the others
  // need not, unless a matched product's style lies apart (then Adjacent,
  // asked once, said so, and AdjacentRuns would only say it again).
  const bool needs_groups = !mixed.terms.empty() || !mixed.buckets.empty();
  if (!needs_groups && Adjacent(docs, *styles)) {
    // Nothing gathered: the first products of their styles found a word at a time.
    if (!distinct.terms.empty()) AddEach([&](const auto& f) { docs.ForEachBlock(f); }, distinct);
    if (!same.terms.empty()) {
      AddEach([&](const auto& f) { FirstsOfTheirStyles(docs, *styles, f); }, same);
    }
    return;
  }
  // Products without a parent, a word at a time.
  AddEach(
      [&](const auto& f) {
        const std::span<const uint64_t> words = docs.words();
        const std::span<const uint64_t> held = styles->variants.words();
        DocSet::ForEachBlockOf(
            words.size(), [&](size_t k) { return words[k] & ~(k < held.size() ? held[k] : 0); }, f);
      },
      all);
  std::vector<Xapian::docid>& variants = styles->scratch.members;
  const bool adjacent =
      needs_groups && AdjacentRuns(docs, *styles, variants, styles->scratch.starts);
  if (!adjacent) {
    variants.clear();
    docs.ForEachMasked(styles->variants, true, [&](Xapian::docid id) { variants.push_back(id); });
  }
  if (variants.empty()) return;
  const auto each_of = [](const std::vector<Xapian::docid>& ids) {
    return [&ids](const auto& f) { f(std::span<const Xapian::docid>(ids)); };
  };
  if (!distinct.terms.empty()) AddEach(each_of(variants), distinct);
  const bool by_style = !same.terms.empty() || !mixed.terms.empty() || !mixed.buckets.empty();
  const bool grouped =
      adjacent || (by_style && StyleRuns(variants, styles->parents, styles->scratch.starts));
  if (!same.terms.empty()) {
    std::vector<Xapian::docid>& firsts = styles->scratch.firsts;
    FirstOfEachStyle(variants, *styles, grouped, firsts);
    AddEach(each_of(firsts), same);
  }
  if (!mixed.terms.empty() || !mixed.buckets.empty()) AddStyles(variants, *styles, grouped, mixed);
}

bool FacetTally::StyleRuns(const std::vector<Xapian::docid>& variants, const FacetColumn& parents,
                           std::vector<uint32_t>& starts) {
  // Without a branch per product: whether one starts a style follows no
  // pattern a branch predictor could learn (styles have one to a few products).
  starts.resize(variants.size());
  uint32_t* const out = starts.data();
  const uint32_t* const by_docid = parents.by_docid.data();
  const size_t size = parents.by_docid.size();
  size_t runs = 0;
  uint32_t previous = 0;  // no style yet (parent ids start at 1)
  bool grouped = true;
  for (size_t i = 0; i < variants.size(); ++i) {
    const Xapian::docid id = variants[i];
    const uint32_t parent = id < size ? by_docid[id] : 0;
    const bool start = i == 0 || parent != previous;
    // A style met before, or a product the columns give no parent: not grouped.
    grouped &= !start || parent > previous;
    out[runs] = static_cast<uint32_t>(i);
    runs += start;
    previous = parent;
  }
  starts.resize(grouped ? runs : 0);
  return grouped;
}

bool FacetTally::Adjacent(const DocSet& docs, const StyleCounting& styles, size_t* count) {
  const FacetColumns::StyleAdjacency* const adjacency = styles.adjacency;
  if (adjacency == nullptr) return false;
  const std::span<const uint64_t> words = docs.words();
  const std::span<const uint64_t> with_parent = styles.variants.words();
  const size_t size = std::min(words.size(), with_parent.size());
  size_t products = 0;
  for (size_t k = 0; k < size; ++k) {
    const uint64_t word = words[k] & with_parent[k];
    if ((word & adjacency->Scattered(k)) != 0) return false;
    if (count != nullptr) products += static_cast<size_t>(std::popcount(word));
  }
  if (count != nullptr) *count = products;
  return true;
}

bool FacetTally::AdjacentRuns(const DocSet& docs, const StyleCounting& styles,
                              std::vector<Xapian::docid>& variants, std::vector<uint32_t>& starts) {
  size_t count = 0;
  if (!Adjacent(docs, styles, &count)) return false;
  const FacetColumns::StyleAdjacency* const adjacency = styles.adjacency;
  const std::span<const uint64_t> words = docs.words();
  const std::span<const uint64_t> with_parent = styles.variants.words();
  const size_t size = std::min(words.size(), with_parent.size());
  variants.resize(count);
  starts.resize(count);
  Xapian::docid* const ids = variants.data();
  uint32_t* const out = starts.data();
  size_t at = 0;
  size_t runs = 0;
  uint64_t carry = 0;
  for (size_t k = 0; k < size; ++k) {
    const uint64_t products = words[k] & with_parent[k];
    const uint64_t firsts = adjacency->Firsts(k, products, carry);
    // Without a branch per product (one starts a style or not, in no pattern).
    for (uint64_t word = products; word != 0; word &= word - 1) {
      const int bit = std::countr_zero(word);
      ids[at] = static_cast<Xapian::docid>(k * 64 + static_cast<size_t>(bit));
      out[runs] = static_cast<uint32_t>(at);
      runs += (firsts >> bit) & 1;
      ++at;
    }
  }
  starts.resize(runs);
  return true;
}

void FacetTally::FirstOfEachStyle(const std::vector<Xapian::docid>& variants,
                                  const StyleCounting& styles, bool grouped,
                                  std::vector<Xapian::docid>& firsts) {
  firsts.clear();
  if (grouped) {  // each run's first product
    for (const uint32_t start : styles.scratch.starts) firsts.push_back(variants[start]);
    return;
  }
  StyleScratch& scratch = styles.scratch;
  scratch.Fit(styles.parents.values.size());
  Xapian::docid* const best = scratch.best.data();  // zero between calls
  for (const Xapian::docid id : variants) {
    Xapian::docid& first = best[ParentOf(styles.parents, id)];
    if (first != 0) continue;
    first = id;
    firsts.push_back(id);
  }
  for (const Xapian::docid id : firsts) best[ParentOf(styles.parents, id)] = 0;
}

void FacetTally::AddStyles(const std::vector<Xapian::docid>& variants, const StyleCounting& styles,
                           bool grouped, const Columns& columns) {
  const FacetColumn& parents = styles.parents;
  StyleScratch& scratch = styles.scratch;
  // The products grouped by style: style k's are members[starts[k] ..
  // starts[k + 1]) (the last one's up to the end). `variants` grouped already
  // (StyleRuns) is its own; otherwise a counting sort groups them: `at[parent]`
  // counts the style's products, then marks where its group ends, then where
  // it begins (and is zero again at the end, as the scratch must be between
  // calls).
  std::vector<uint32_t>& starts = scratch.starts;
  const Xapian::docid* members = variants.data();
  if (!grouped) {
    scratch.Fit(parents.values.size());
    uint32_t* const at = scratch.variants.data();
    std::vector<uint32_t>& touched = scratch.touched;
    touched.clear();
    for (const Xapian::docid id : variants) {
      const uint32_t parent = ParentOf(parents, id);
      if (at[parent]++ == 0) touched.push_back(parent);
    }
    starts.clear();
    uint32_t end = 0;
    for (const uint32_t parent : touched) {
      starts.push_back(end);
      at[parent] = end += at[parent];
    }
    std::vector<Xapian::docid>& grouped_ids = scratch.grouped;
    grouped_ids.resize(variants.size());
    for (const Xapian::docid id : variants) grouped_ids[--at[ParentOf(parents, id)]] = id;
    for (const uint32_t parent : touched) at[parent] = 0;
    members = grouped_ids.data();
  }
  const size_t style_count = starts.size();
  const auto end_of = [&](size_t k) {
    return k + 1 < style_count ? starts[k + 1] : static_cast<uint32_t>(variants.size());
  };

  // Per style, each value (bucket) its products have counts once: `marked`
  // holds, per value, the last style that counted it (styles are numbered on
  // from the tally's previous calls, so marks never need clearing).
  const auto for_each_style = [&](const auto& f) {
    for (size_t k = 0; k < style_count; ++k) {
      f(style_ + static_cast<uint32_t>(k) + 1, members + starts[k], members + end_of(k));
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
