#include "query/facets.h"

#include <algorithm>
#include <charconv>

#include "base/strings.h"
#include "query/filters.h"

namespace vitrine::query::internal {
namespace {

// The filter a facet field's counts leave out: its own (every category facet
// belongs to the category filter, which matches any level of the path).
std::string_view OwnFilter(std::string_view field) {
  return field.starts_with("category") ? std::string_view("category") : field;
}

std::string FormatNumber(double value) {
  if (value == static_cast<double>(static_cast<int64_t>(value))) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::vector<FacetValue> TopValues(const FacetSpy::Terms& terms, int size) {
  std::vector<FacetValue> values;
  for (size_t id = 1; id < terms.counts.size(); ++id) {
    if (terms.counts[id] > 0) values.push_back({terms.column->values[id], terms.counts[id]});
  }
  const auto by_count = [](const FacetValue& a, const FacetValue& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  const size_t keep = std::min(values.size(), static_cast<size_t>(size));
  std::partial_sort(values.begin(), values.begin() + static_cast<ptrdiff_t>(keep), values.end(),
                    by_count);
  values.resize(keep);
  return values;
}

// Every bucket in order, empty ones included, so a storefront can show them all.
std::vector<FacetValue> BucketValues(const FacetSpy::Buckets& buckets) {
  std::vector<FacetValue> values;
  for (size_t i = 0; i < buckets.counts.size(); ++i) {
    FacetValue value{.count = buckets.counts[i]};
    if (i > 0) value.from = buckets.bounds[i - 1];
    if (i < buckets.bounds.size()) value.to = buckets.bounds[i];
    value.value = StrCat(value.from ? FormatNumber(*value.from) : "", "..",
                         value.to ? FormatNumber(*value.to) : "");
    values.push_back(std::move(value));
  }
  return values;
}

}  // namespace

FacetCounter::FacetCounter(const Index& index, const FacetColumns& columns,
                           const SearchRequest& request)
    : request_(request) {
  const std::vector<std::string>& attributes = index.filterable_attributes();
  for (const std::string& field : request.facets) {
    const std::string_view own = OwnFilter(field);
    const bool filtered =
        request.filters.contains(std::string(own)) || request.ranges.contains(std::string(own));
    Place place{.pass = filtered ? std::string(own) : std::string(), .range = IsRangeField(field)};
    std::unique_ptr<FacetSpy>& spy = passes_[place.pass];
    if (spy == nullptr) spy = std::make_unique<FacetSpy>();
    if (place.range) {
      const auto given = request.buckets.find(field);
      place.entry = spy->AddBuckets(
          columns.numbers.at(RangeSlot(field)),
          given != request.buckets.end() ? given->second : index.default_buckets(field));
    } else {
      place.entry = spy->AddTerms(columns.slots.at(FacetSlot(field, attributes)));
    }
    places_.push_back(std::move(place));
  }
}

Xapian::MatchSpy* FacetCounter::main_spy() {
  const auto main = passes_.find("");
  return main == passes_.end() ? nullptr : main->second.get();
}

void FacetCounter::ResetMain() {
  if (Xapian::MatchSpy* spy = main_spy()) static_cast<FacetSpy*>(spy)->Reset();
}

std::vector<Facet> FacetCounter::Finish(const Xapian::Database& database, const Xapian::Query& text,
                                        Xapian::doccount check_at_least) {
  for (const auto& [left_out, spy] : passes_) {
    if (left_out.empty()) continue;  // counted by the main match
    Xapian::Enquire enquire(database);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const std::optional<Xapian::Query> filter = FilterQuery(request_, left_out);
    enquire.set_query(filter ? Xapian::Query(Xapian::Query::OP_FILTER, text, *filter) : text);
    enquire.add_matchspy(spy.get());
    enquire.get_mset(0, 0, check_at_least);
  }
  std::vector<Facet> facets;
  facets.reserve(places_.size());
  for (size_t i = 0; i < places_.size(); ++i) {
    const Place& place = places_[i];
    const FacetSpy& spy = *passes_.at(place.pass);
    Facet facet{.field = request_.facets[i]};
    if (place.range) {
      const FacetSpy::Buckets& buckets = spy.buckets()[place.entry];
      facet.values = BucketValues(buckets);
      facet.stats = buckets.stats;
    } else {
      facet.values = TopValues(spy.terms()[place.entry], request_.facet_size);
    }
    facets.push_back(std::move(facet));
  }
  return facets;
}

}  // namespace vitrine::query::internal
