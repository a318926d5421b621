// Business signals for ranking, each normalised to [0, 1] per product and held
// in memory beside the facet columns they are derived from, so a search reads
// them by docid: popularity and recency by rank (the share of products with a
// lower value), rating and numeric attributes min-max over the catalog, stock
// as 1 or 0. Private to query/; the ranking config weighs them (query/rank/rescore.h).
#pragma once

#include <xapian.h>

#include <map>
#include <vector>

namespace vitrine::query::internal {

struct FacetColumns;

struct SignalColumns {
  // docid -> [0, 1]; 0 for a product without the value (or no such docid).
  std::vector<float> popularity;
  std::vector<float> recency;
  std::vector<float> rating;
  std::vector<float> in_stock;
  // Slot of a declared attribute -> its value id -> [0, 1], min-max over the
  // values that are numbers; 0 for a value that is not a number.
  std::map<Xapian::valueno, std::vector<float>> attributes;
};

// `slots` and those FacetColumns needs loaded for the signals: numbers
// (popularity, created_at) and display values (in_stock).
std::vector<Xapian::valueno> WithSignalNumberSlots(std::vector<Xapian::valueno> slots);
std::vector<Xapian::valueno> WithSignalValueSlots(std::vector<Xapian::valueno> slots);

// The signals of every product of `columns` (which holds the slots above).
SignalColumns BuildSignalColumns(const FacetColumns& columns);

// The signals of `after`, the columns `before` brought up to date for the
// `changed` documents: what the change cannot have moved is kept from
// `before.signals`, so a write batch that changes prices or stock costs a copy
// of the signals, not a sort of the catalog's popularity and dates. The same
// as BuildSignalColumns(after).
SignalColumns UpdatedSignalColumns(const FacetColumns& before, const FacetColumns& after,
                                   const std::vector<Xapian::docid>& changed);

inline float SignalAt(const std::vector<float>& column, Xapian::docid id) {
  return id < column.size() ? column[id] : 0.0f;
}

}  // namespace vitrine::query::internal
