// SortedPage against a sort of the whole match: a page is found among the
// match's first products in order (more of them when styles crowd the top; in
// docid order, as far as the page reaches), and must be the page a sort of
// every product would give, ties, missing values, negative numbers and zeros
// included.
#include "query/rank/column_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/index_schema.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

constexpr Xapian::docid kDocuments = 60000;

// Products 1..kDocuments: product ids in an order unlike docids, and prices
// from `price` (NaN: none), in the price and rating columns alike.
FacetColumns Columns(const std::function<double(Xapian::docid)>& price) {
  FacetColumns columns;
  columns.ids.resize(kDocuments + 1);
  NumberColumn prices{.by_docid = std::vector<double>(kDocuments + 1, std::nan(""))};
  for (Xapian::docid id = 1; id <= kDocuments; ++id) {
    columns.ids[id] = "p" + std::to_string(id * 7919 % 1000003);
    prices.by_docid[id] = price(id);
  }
  columns.numbers[schema::kSlotPrice] = prices;
  columns.numbers[schema::kSlotRating] = prices;
  return columns;
}

// Products grouped in styles by `style` (0: none).
FacetColumn Parents(const std::function<uint32_t(Xapian::docid)>& style, uint32_t styles) {
  FacetColumn parents;
  parents.values.resize(styles + 1);
  parents.by_docid.assign(kDocuments + 1, 0);
  for (Xapian::docid id = 1; id <= kDocuments; ++id) parents.by_docid[id] = style(id);
  return parents;
}

DocSet Matching(const std::function<bool(Xapian::docid)>& matches) {
  DocSet set(kDocuments + 1);
  for (Xapian::docid id = 1; id <= kDocuments; ++id) {
    if (matches(id)) set.Add(id);
  }
  return set;
}

// The page, from a sort of every matching product.
std::vector<Xapian::docid> WholeSort(const DocSet& matched, const FacetColumns& columns,
                                     SortOrder sort, size_t first, size_t count,
                                     const FacetColumn* parents) {
  const bool descending = sort != SortOrder::kPriceAsc;
  const NumberColumn& column =
      columns.numbers.at(sort == SortOrder::kRating ? schema::kSlotRating : schema::kSlotPrice);
  std::vector<std::tuple<double, std::string, Xapian::docid>> keyed;
  matched.ForEach([&](Xapian::docid id) {
    if (sort == SortOrder::kRelevance) {  // a browse's: docid order
      keyed.emplace_back(0, "", id);
      return;
    }
    const double value = column.at(id);
    const double key = std::isnan(value) ? std::numeric_limits<double>::infinity()
                       : descending      ? -value
                                         : value;
    keyed.emplace_back(key, columns.ids[id], id);
  });
  std::sort(keyed.begin(), keyed.end());
  std::vector<bool> seen(parents != nullptr ? parents->values.size() : 0);
  std::vector<Xapian::docid> page;
  size_t at = 0;
  for (const auto& [key, product, id] : keyed) {
    if (parents != nullptr) {
      const uint32_t parent = parents->by_docid[id];
      if (parent != 0 && seen[parent]) continue;
      if (parent != 0) seen[parent] = true;
    }
    if (at++ >= first && page.size() < count) page.push_back(id);
  }
  return page;
}

void ExpectWholeSortPages(const DocSet& matched, const FacetColumns& columns,
                          const FacetColumn& parents) {
  StyleScratch styles;
  for (const SortOrder sort :
       {SortOrder::kRelevance, SortOrder::kPriceAsc, SortOrder::kPriceDesc, SortOrder::kRating}) {
    for (const auto& [first, count] :
         {std::pair<size_t, size_t>{0, 24}, {24, 24}, {300, 12}, {0, 1}, {5, 0}}) {
      for (const FacetColumn* grouped : {&parents, static_cast<const FacetColumn*>(nullptr)}) {
        SCOPED_TRACE(::testing::Message() << SortOrderName(sort) << " first=" << first << " count="
                                          << count << (grouped != nullptr ? " collapsed" : ""));
        std::vector<Xapian::docid> docids;
        for (const StyleHit& hit :
             SortedPage(matched, columns, sort, first, count, grouped, &styles)) {
          docids.push_back(hit.docid);
        }
        EXPECT_EQ(docids, WholeSort(matched, columns, sort, first, count, grouped));
      }
    }
  }
  // The scratch is left as found.
  EXPECT_TRUE(std::all_of(styles.best.begin(), styles.best.end(),
                          [](Xapian::docid id) { return id == 0; }));
}

TEST(ColumnSort, ALargeMatchPagesAsAWholeSortWould) {
  // 97 prices (ties everywhere), zeros and negative zeros, some negative,
  // every 17th without a price; 12,000 styles, every fifth product alone.
  const FacetColumns columns = Columns([](Xapian::docid id) {
    if (id % 17 == 0) return std::nan("");
    if (id % 7 == 0) return id % 2 == 0 ? 0.0 : -0.0;  // -0 and 0: one key
    const double price = static_cast<double>(id * 7919 % 97) * 10.5;
    return id % 101 == 0 ? -price : price;
  });
  const FacetColumn parents = Parents(
      [](Xapian::docid id) { return id % 5 == 0 ? 0u : 1 + static_cast<uint32_t>(id % 12000); },
      12000);
  for (const auto& [name, matches] :
       std::vector<std::pair<std::string, std::function<bool(Xapian::docid)>>>{
           {"all", [](Xapian::docid) { return true; }},
           {"every third", [](Xapian::docid id) { return id % 3 == 0; }},
           {"scattered", [](Xapian::docid id) { return id * 2654435761u % 100 < 40; }},
           {"few", [](Xapian::docid id) { return id % 250 == 0; }}}) {
    SCOPED_TRACE(name);
    ExpectWholeSortPages(Matching(matches), columns, parents);
  }
}

TEST(ColumnSort, StylesCrowdingTheTopMakeItLookFurther) {
  // 40 styles of 1,500 products each, a style's products priced alike: the
  // first products in order all belong to one style, then the next.
  const FacetColumns columns =
      Columns([](Xapian::docid id) { return static_cast<double>(id % 40) + (id % 3) * 0.25; });
  const FacetColumn parents =
      Parents([](Xapian::docid id) { return 1 + static_cast<uint32_t>(id % 40); }, 40);
  ExpectWholeSortPages(Matching([](Xapian::docid) { return true; }), columns, parents);
}

}  // namespace
}  // namespace vitrine::query::internal
