#include "query/rank/column_sort.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "catalog/index_schema.h"
#include "query/rank/top_k.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

struct Keyed {
  double key;  // ascending; +infinity: no value
  StyleHit hit;
};

}  // namespace

std::vector<StyleHit> SortedPage(const DocSet& matched, const FacetColumns& columns, SortOrder sort,
                                 size_t first, size_t count, const FacetColumn* parents,
                                 StyleScratch* styles) {
  std::vector<StyleHit> page;
  const size_t needed = first + count;
  if (sort == SortOrder::kRelevance) {
    // Docid order: a style's first product met is its best, so the page is
    // read off the start of the match, no further than it reaches.
    Xapian::docid* seen = nullptr;  // zero between calls
    if (parents != nullptr) {
      styles->Fit(parents->values.size());
      seen = styles->best.data();
    }
    std::vector<uint32_t> met;
    size_t taken = 0;
    for (Xapian::docid id = matched.Next(0); id != 0 && taken < needed; id = matched.Next(id + 1)) {
      const uint32_t parent = parents != nullptr ? ParentOf(*parents, id) : 0;
      if (parent != 0) {
        if (seen[parent] != 0) continue;
        seen[parent] = id;
        met.push_back(parent);
      }
      if (taken++ >= first) page.push_back({.docid = id, .parent = parent});
    }
    for (const uint32_t parent : met) seen[parent] = 0;
    return page;
  }
  const bool descending = sort != SortOrder::kPriceAsc;
  const Xapian::valueno slot = sort == SortOrder::kPriceAsc || sort == SortOrder::kPriceDesc
                                   ? schema::kSlotPrice
                               : sort == SortOrder::kNewest ? schema::kSlotCreatedAt
                               : sort == SortOrder::kRating ? schema::kSlotRating
                                                            : schema::kSlotPopularity;
  const NumberColumn& column = columns.numbers.at(slot);
  const auto key_of = [&](Xapian::docid id) {
    const double value = column.at(id);
    return std::isnan(value) ? std::numeric_limits<double>::infinity()
           : descending      ? -value
                             : value;
  };
  const auto before_docid = [&columns](double key_a, Xapian::docid a, double key_b,
                                       Xapian::docid b) {
    if (key_a != key_b) return key_a < key_b;
    const std::string* id_a = a < columns.ids.size() ? &columns.ids[a] : nullptr;
    const std::string* id_b = b < columns.ids.size() ? &columns.ids[b] : nullptr;
    if (id_a != nullptr && id_b != nullptr && *id_a != *id_b) return *id_a < *id_b;
    return a < b;
  };
  const auto before = [&](const Keyed& a, const Keyed& b) {
    return before_docid(a.key, a.hit.docid, b.key, b.hit.docid);
  };
  // The first `fetch` products of the match in order.
  const auto best = [&](size_t fetch) {
    TopK<Keyed, decltype(before)> top(fetch, before);
    matched.ForEach(
        [&](Xapian::docid id) { top.Offer({.key = key_of(id), .hit = {.docid = id}}); });
    return std::move(top).Sorted();
  };
  if (parents == nullptr) {
    const std::vector<Keyed> docs = best(needed);
    for (size_t i = first; i < docs.size(); ++i) page.push_back(docs[i].hit);
    return page;
  }
  // Collapsed: a style's first product in the order is its best, so the first
  // `needed` styles are the first met in the match's first products. A style has
  // a handful of products, so a few times `needed` nearly always hold them; when
  // not, four times as many are fetched, until the match runs out. (One pass
  // over the match each time, and no per-style work for the styles that cannot
  // reach the page.)
  styles->Fit(parents->values.size());
  Xapian::docid* const seen = styles->best.data();  // zero between calls
  std::vector<StyleHit> hits;
  for (size_t fetch = std::max<size_t>(4 * needed, 64); needed > 0; fetch *= 4) {
    const std::vector<Keyed> docs = best(fetch);
    for (const Keyed& doc : docs) {
      const uint32_t parent = ParentOf(*parents, doc.hit.docid);
      if (parent != 0) {
        if (seen[parent] != 0) continue;
        seen[parent] = doc.hit.docid;
      }
      hits.push_back({.docid = doc.hit.docid, .parent = parent});
      if (hits.size() == needed) break;
    }
    for (const StyleHit& hit : hits) seen[hit.parent] = 0;
    if (hits.size() == needed || docs.size() < fetch) break;
    hits.clear();
  }
  for (size_t i = first; i < hits.size(); ++i) page.push_back(hits[i]);
  return page;
}

}  // namespace vitrine::query::internal
