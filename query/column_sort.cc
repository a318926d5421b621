#include "query/column_sort.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "catalog/index_schema.h"
#include "query/top_k.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

struct Keyed {
  double key;  // ascending; +infinity: no value
  Xapian::docid docid;
};

}  // namespace

std::vector<Xapian::docid> SortedPage(const DocSet& matched, const FacetColumns& columns,
                                      SortOrder sort, size_t first, size_t count) {
  std::vector<Xapian::docid> page;
  if (sort == SortOrder::kRelevance) {  // docid order
    size_t seen = 0;
    matched.ForEach([&](Xapian::docid id) {
      if (seen++ >= first && page.size() < count) page.push_back(id);
    });
    return page;
  }
  const bool descending = sort != SortOrder::kPriceAsc;
  const Xapian::valueno slot = sort == SortOrder::kPriceAsc || sort == SortOrder::kPriceDesc
                                   ? schema::kSlotPrice
                               : sort == SortOrder::kNewest ? schema::kSlotCreatedAt
                               : sort == SortOrder::kRating ? schema::kSlotRating
                                                            : schema::kSlotPopularity;
  const NumberColumn& column = columns.numbers.at(slot);
  const auto before = [&columns](const Keyed& a, const Keyed& b) {
    if (a.key != b.key) return a.key < b.key;
    const std::string* id_a = a.docid < columns.ids.size() ? &columns.ids[a.docid] : nullptr;
    const std::string* id_b = b.docid < columns.ids.size() ? &columns.ids[b.docid] : nullptr;
    if (id_a != nullptr && id_b != nullptr && *id_a != *id_b) return *id_a < *id_b;
    return a.docid < b.docid;
  };
  TopK<Keyed, decltype(before)> top(first + count, before);
  matched.ForEach([&](Xapian::docid id) {
    const double value = column.at(id);
    top.Offer({.key = std::isnan(value) ? std::numeric_limits<double>::infinity()
                      : descending      ? -value
                                        : value,
               .docid = id});
  });
  const std::vector<Keyed> best = std::move(top).Sorted();
  for (size_t i = first; i < best.size(); ++i) page.push_back(best[i].docid);
  return page;
}

}  // namespace vitrine::query::internal
