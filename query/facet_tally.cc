#include "query/facet_tally.h"

#include <algorithm>
#include <array>
#include <cmath>

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
void FacetTally::AddEach(const ForEach& for_each) {
  // Single-valued columns share one walk of the set: its docids a block at a
  // time, each block counted column by column while it is in cache.
  std::vector<Terms*> single;
  for (Terms& terms : terms_) {
    if (!terms.column->multi_valued()) single.push_back(&terms);
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
  for (Terms& terms : terms_) {
    const FacetColumn& column = *terms.column;
    uint64_t* const counts = terms.counts.data();
    if (!column.multi_valued()) continue;  // counted above
    const std::vector<uint32_t>& offsets = column.offsets;
    for_each([&](Xapian::docid id) {
      if (id + 1 >= offsets.size()) return;
      for (uint32_t k = offsets[id]; k < offsets[id + 1]; ++k) ++counts[column.ids[k]];
    });
  }
  for (Buckets& buckets : buckets_) {
    FacetStats& stats = buckets.stats;
    for_each([&](Xapian::docid id) {
      const double value = buckets.column->at(id);
      if (std::isnan(value)) return;
      ++buckets.counts[BucketOf(buckets, value)];
      Include(stats, value);
    });
  }
}

void FacetTally::Add(const DocSet& docs, const StyleCounting* styles) {
  if (styles == nullptr) {
    AddEach([&](const auto& f) { docs.ForEach(f); });
    return;
  }
  // Products without a parent count as themselves; the others by style.
  std::vector<Xapian::docid>& variants = styles->scratch.members;
  variants.clear();
  docs.ForEach([&](Xapian::docid id) {
    if (ParentOf(styles->parents, id) != 0) variants.push_back(id);
  });
  AddEach([&](const auto& f) {
    docs.ForEach([&](Xapian::docid id) {
      if (ParentOf(styles->parents, id) == 0) f(id);
    });
  });
  if (!variants.empty()) AddStyles(variants, *styles);
}

void FacetTally::AddStyles(const std::vector<Xapian::docid>& variants,
                           const StyleCounting& styles) {
  const FacetColumn& parents = styles.parents;
  StyleScratch& scratch = styles.scratch;
  if (scratch.variants.size() < parents.values.size()) {
    scratch.best.resize(parents.values.size(), 0);
    scratch.variants.resize(parents.values.size(), 0);
  }
  // The products grouped by style, a counting sort: `at[parent]` counts the
  // style's products, then marks where its group ends, then where it begins
  // (and is zero again at the end, as the scratch must be between calls).
  uint32_t* const at = scratch.variants.data();
  std::vector<uint32_t>& touched = scratch.touched;
  touched.clear();
  for (const Xapian::docid id : variants) {
    const uint32_t parent = ParentOf(parents, id);
    if (at[parent]++ == 0) touched.push_back(parent);
  }
  uint32_t end = 0;
  for (const uint32_t parent : touched) at[parent] = end += at[parent];
  std::vector<Xapian::docid>& grouped = scratch.grouped;
  grouped.resize(variants.size());
  for (const Xapian::docid id : variants) grouped[--at[ParentOf(parents, id)]] = id;

  // Per style, the distinct values (bucket numbers) among its products.
  std::vector<uint32_t>& seen = scratch.seen;
  const auto count_distinct = [&](std::vector<uint64_t>& counts) {
    std::sort(seen.begin(), seen.end());
    seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
    for (const uint32_t value : seen) ++counts[value];
    seen.clear();
  };
  for (size_t k = 0; k < touched.size(); ++k) {
    const uint32_t begin = at[touched[k]];
    const uint32_t stop = k + 1 < touched.size() ? at[touched[k + 1]] : end;
    const auto products = [&](const auto& f) {
      for (uint32_t i = begin; i < stop; ++i) f(grouped[i]);
    };
    for (Terms& terms : terms_) {
      const FacetColumn& column = *terms.column;
      products([&](Xapian::docid id) {
        if (!column.multi_valued()) {
          if (id < column.by_docid.size()) seen.push_back(column.by_docid[id]);
        } else if (id + 1 < column.offsets.size()) {
          seen.insert(seen.end(), column.ids.begin() + column.offsets[id],
                      column.ids.begin() + column.offsets[id + 1]);
        }
      });
      count_distinct(terms.counts);
    }
    for (Buckets& buckets : buckets_) {
      products([&](Xapian::docid id) {
        const double value = buckets.column->at(id);
        if (std::isnan(value)) return;
        seen.push_back(BucketOf(buckets, value));
        Include(buckets.stats, value);
      });
      count_distinct(buckets.counts);
    }
  }
  for (const uint32_t parent : touched) at[parent] = 0;
}

}  // namespace vitrine::query::internal
