#include "query/signals.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include "catalog/index_schema.h"
#include "query/facet_columns.h"

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

SignalColumns BuildSignalColumns(const FacetColumns& columns) {
  SignalColumns signals;
  auto number = [&](Xapian::valueno slot) -> const NumberColumn* {
    const auto it = columns.numbers.find(slot);
    return it == columns.numbers.end() ? nullptr : &it->second;
  };
  signals.popularity = ByRank(number(schema::kSlotPopularity));
  signals.recency = ByRank(number(schema::kSlotCreatedAt));
  if (const NumberColumn* rating = number(schema::kSlotRating)) {
    std::vector<double> values = rating->by_docid;
    MinMax(values);
    signals.rating = ToSignal(values);
  }
  if (const auto stock = columns.slots.find(schema::kSlotInStock); stock != columns.slots.end()) {
    const FacetColumn& column = stock->second;
    signals.in_stock.assign(column.by_docid.size(), 0.0f);
    for (size_t id = 0; id < column.by_docid.size(); ++id) {
      if (column.values[column.by_docid[id]] == "1") signals.in_stock[id] = 1.0f;
    }
  }
  for (const auto& [slot, column] : columns.slots) {
    if (slot < schema::kSlotAttribute0 || column.multi_valued()) continue;
    std::vector<double> values;
    values.reserve(column.values.size());
    for (const std::string& value : column.values) values.push_back(ParseNumber(value));
    MinMax(values);
    signals.attributes[slot] = ToSignal(values);
  }
  return signals;
}

}  // namespace vitrine::query::internal
