#include "query/facets/signals.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "catalog/index_schema.h"
#include "query/facets/facet_columns.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

// Each product's value as the share of products (with a value) whose value is
// lower: the least popular 0, the most popular 1, whatever the distribution's
// tail looks like.
std::vector<float> ByRank(const NumberColumn* column) {
  if (column == nullptr) return {};
  std::vector<double> sorted;
  for (double value : column->by_docid) {
    if (!std::isnan(value)) sorted.push_back(value);
  }
  std::sort(sorted.begin(), sorted.end());
  std::vector<float> signal(column->by_docid.size(), 0.0f);
  if (sorted.size() < 2) return signal;
  const double last = static_cast<double>(sorted.size() - 1);
  for (size_t id = 0; id < signal.size(); ++id) {
    const double value = column->by_docid[id];
    if (std::isnan(value)) continue;
    const auto lower = std::lower_bound(sorted.begin(), sorted.end(), value) - sorted.begin();
    signal[id] = static_cast<float>(static_cast<double>(lower) / last);
  }
  return signal;
}

// (value - min) / (max - min) over `values`; NaN stays NaN.
void MinMax(std::vector<double>& values) {
  double min = std::numeric_limits<double>::infinity();
  double max = -min;
  for (double value : values) {
    if (std::isnan(value)) continue;
    min = std::min(min, value);
    max = std::max(max, value);
  }
  for (double& value : values) {
    if (!std::isnan(value)) value = max > min ? (value - min) / (max - min) : 0;
  }
}

std::vector<float> ToSignal(const std::vector<double>& values) {
  std::vector<float> signal(values.size(), 0.0f);
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isnan(values[i])) signal[i] = static_cast<float>(values[i]);
  }
  return signal;
}

double ParseNumber(const std::string& text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return value;
}

const NumberColumn* NumberOf(const FacetColumns& columns, Xapian::valueno slot) {
  const auto it = columns.numbers.find(slot);
  return it == columns.numbers.end() ? nullptr : &it->second;
}

// Whether the products of `changed` hold the same value of `slot` in `before`
// and `after` (a rank or a min-max over the catalog then stays as it was), and
// the column kept its size.
bool Unchanged(const FacetColumns& before, const FacetColumns& after, Xapian::valueno slot,
               const std::vector<Xapian::docid>& changed) {
  const NumberColumn* old_column = NumberOf(before, slot);
  const NumberColumn* new_column = NumberOf(after, slot);
  if (old_column == nullptr || new_column == nullptr) return old_column == new_column;
  if (old_column->by_docid.size() != new_column->by_docid.size()) return false;
  for (const Xapian::docid id : changed) {
    const double a = old_column->at(id);
    const double b = new_column->at(id);
    if (!(a == b || (std::isnan(a) && std::isnan(b)))) return false;
  }
  return true;
}

// A product's stock signal from the in-stock column: 1 in stock, else 0.
float InStockAt(const FacetColumn& column, size_t id) {
  return column.values[column.by_docid[id]] == "1" ? 1.0f : 0.0f;
}

std::vector<float> InStockSignal(const FacetColumns& columns) {
  std::vector<float> signal;
  const auto stock = columns.slots.find(schema::kSlotInStock);
  if (stock == columns.slots.end()) return signal;
  const FacetColumn& column = stock->second;
  signal.resize(column.by_docid.size());
  for (size_t id = 0; id < column.by_docid.size(); ++id) signal[id] = InStockAt(column, id);
  return signal;
}

std::vector<float> RatingSignal(const FacetColumns& columns) {
  const NumberColumn* rating = NumberOf(columns, schema::kSlotRating);
  if (rating == nullptr) return {};
  std::vector<double> values = rating->by_docid;
  MinMax(values);
  return ToSignal(values);
}

std::map<Xapian::valueno, std::vector<float>> AttributeSignals(const FacetColumns& columns) {
  std::map<Xapian::valueno, std::vector<float>> attributes;
  for (const auto& [slot, column] : columns.slots) {
    if (slot < schema::kSlotAttribute0 || column.multi_valued()) continue;
    std::vector<double> values;
    values.reserve(column.values.size());
    for (const std::string& value : column.values) values.push_back(ParseNumber(value));
    MinMax(values);
    attributes[slot] = ToSignal(values);
  }
  return attributes;
}

}  // namespace

std::vector<Xapian::valueno> WithSignalNumberSlots(std::vector<Xapian::valueno> slots) {
  slots.push_back(schema::kSlotPopularity);
  slots.push_back(schema::kSlotCreatedAt);
  return slots;
}

std::vector<Xapian::valueno> WithSignalValueSlots(std::vector<Xapian::valueno> slots) {
  slots.push_back(schema::kSlotInStock);
  return slots;
}

SignalColumns UpdatedSignalColumns(const FacetColumns& before, const FacetColumns& after,
                                   const std::vector<Xapian::docid>& changed) {
  const SignalColumns& signals = before.signals;
  SignalColumns updated;
  updated.popularity = Unchanged(before, after, schema::kSlotPopularity, changed)
                           ? signals.popularity
                           : ByRank(NumberOf(after, schema::kSlotPopularity));
  updated.recency = Unchanged(before, after, schema::kSlotCreatedAt, changed)
                        ? signals.recency
                        : ByRank(NumberOf(after, schema::kSlotCreatedAt));
  updated.rating =
      Unchanged(before, after, schema::kSlotRating, changed) ? signals.rating : RatingSignal(after);
  // Stock is the product's own: only the changed ones move.
  const auto stock = after.slots.find(schema::kSlotInStock);
  if (stock != after.slots.end() && !signals.in_stock.empty()) {
    const FacetColumn& column = stock->second;
    updated.in_stock = signals.in_stock;
    updated.in_stock.resize(column.by_docid.size(), 0.0f);
    for (const Xapian::docid id : changed) {
      if (id < column.by_docid.size()) updated.in_stock[id] = InStockAt(column, id);
    }
  } else {
    updated.in_stock = InStockSignal(after);
  }
  // By value id: new values (appended) change the min-max.
  bool same_values = true;
  for (const auto& [slot, column] : after.slots) {
    if (slot < schema::kSlotAttribute0 || column.multi_valued()) continue;
    const auto old_column = before.slots.find(slot);
    same_values = same_values && old_column != before.slots.end() &&
                  old_column->second.values.size() == column.values.size();
  }
  updated.attributes = same_values ? signals.attributes : AttributeSignals(after);
  return updated;
}

SignalColumns BuildSignalColumns(const FacetColumns& columns) {
  SignalColumns signals;
  signals.popularity = ByRank(NumberOf(columns, schema::kSlotPopularity));
  signals.recency = ByRank(NumberOf(columns, schema::kSlotCreatedAt));
  signals.rating = RatingSignal(columns);
  signals.in_stock = InStockSignal(columns);
  signals.attributes = AttributeSignals(columns);
  return signals;
}

}  // namespace vitrine::query::internal
