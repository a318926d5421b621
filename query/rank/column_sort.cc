#include "query/rank/column_sort.h"

#include <algorithm>
#include <cmath>
#include <functional>
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
  if (sort == SortOrder::kRelevance) {  // docid order
    size_t seen = 0;
    const auto take = [&](const StyleHit& hit) {
      if (seen++ >= first && page.size() < count) page.push_back(hit);
    };
    if (parents == nullptr) {
      matched.ForEach([&](Xapian::docid id) { take({.docid = id}); });
    } else {
      ForEachStyle(matched, *parents, *styles, std::less<Xapian::docid>(), take);
    }
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
  TopK<Keyed, decltype(before)> top(first + count, before);
  if (parents == nullptr) {
    matched.ForEach(
        [&](Xapian::docid id) { top.Offer({.key = key_of(id), .hit = {.docid = id}}); });
  } else {
    ForEachStyle(
        matched, *parents, *styles,
        [&](Xapian::docid a, Xapian::docid b) { return before_docid(key_of(a), a, key_of(b), b); },
        [&](const StyleHit& hit) { top.Offer({.key = key_of(hit.docid), .hit = hit}); });
  }
  const std::vector<Keyed> best = std::move(top).Sorted();
  for (size_t i = first; i < best.size(); ++i) page.push_back(best[i].hit);
  return page;
}

}  // namespace vitrine::query::internal
