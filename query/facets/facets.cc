#include "query/facets/facets.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/strings.h"
#include "query/facets/size_order.h"
#include "query/match/filters.h"

namespace vitrine::query::internal {
namespace {

// The filter a facet field's counts leave out: its own (every category facet
// belongs to the category filter, which matches any level of the path).
std::string_view OwnFilter(std::string_view field) {
  return field.starts_with("category") ? std::string_view("category") : field;
}

std::string FormatNumber(double value) {
  // Whole numbers below 2^53 print as integers; larger ones (which an int64_t
  // may not hold) in the shortest round-trip form, as fractions do.
  if (std::abs(value) < 0x1p53 && value == std::trunc(value)) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

// The `size` most frequent values, listed in `order`.
std::vector<FacetValue> TopValues(const FacetTally::Terms& terms, int size, FacetOrder order) {
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
  if (order != FacetOrder::kCount) {
    const auto less = order == FacetOrder::kSize ? SizeLess : NaturalLess;
    std::sort(values.begin(), values.end(),
              [&](const FacetValue& a, const FacetValue& b) { return less(a.value, b.value); });
  }
  return values;
}

// Every bucket in order, empty ones included, so a storefront can show them all.
std::vector<FacetValue> BucketValues(const FacetTally::Buckets& buckets) {
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
                           const SearchRequest& request, std::optional<StyleCounting> styles)
    : request_(request), styles_(styles), memo_(columns.facet_memo.get()) {
  const std::vector<std::string>& attributes = index.filterable_attributes();
  for (const std::string& field : request.facets) {
    const std::string_view own = OwnFilter(field);
    const bool filtered =
        request.filters.contains(std::string(own)) || request.ranges.contains(std::string(own));
    Place place{.pass = filtered ? std::string(own) : std::string(), .range = IsRangeField(field)};
    FacetTally& tally = passes_[place.pass];
    std::string& counted = counted_[place.pass];
    counted.append(field).push_back('\x1f');
    if (place.range) {
      const auto given = request.buckets.find(field);
      std::vector<double> bounds =
          given != request.buckets.end() ? given->second : index.default_buckets(field);
      for (const double bound : bounds) counted.append(FormatNumber(bound)).push_back(',');
      place.entry = tally.AddBuckets(columns.numbers.at(RangeSlot(field)), std::move(bounds));
    } else {
      place.entry = tally.AddTerms(columns.slots.at(FacetSlot(field, attributes)));
    }
    places_.push_back(std::move(place));
  }
}

std::string FacetCounter::MemoKey(const std::string& left_out, const Xapian::Query& text_query,
                                  const std::optional<Xapian::Query>& filter,
                                  const std::optional<Xapian::Query>& restriction) const {
  std::string key = left_out;
  key.push_back(styles_ ? 's' : 'p');
  key.append(counted_.at(left_out));
  try {
    for (const Xapian::Query* query :
         {&text_query, filter ? &*filter : nullptr, restriction ? &*restriction : nullptr}) {
      const std::string part = query != nullptr ? query->serialise() : std::string();
      key.append(std::to_string(part.size())).push_back(':');
      key.append(part);
    }
  } catch (const Xapian::Error&) {
    return {};  // a posting source that does not serialise: not kept
  }
  return key;
}

std::vector<Facet> FacetCounter::Count(MatchSets& sets, const Xapian::Query& text_query,
                                       const DocSet& text, const DocSet& matched,
                                       const std::optional<Xapian::Query>& restriction) {
  std::optional<DocSet> restricted;  // `text` under the restriction, for the passes
  for (auto& [left_out, tally] : passes_) {
    if (left_out.empty()) {
      tally.Add(matched, styles_ ? &*styles_ : nullptr);
      continue;
    }
    const std::optional<Xapian::Query> filter = FilterQuery(request_, left_out);
    const std::string key =
        memo_ != nullptr ? MemoKey(left_out, text_query, filter, restriction) : std::string();
    if (!key.empty()) {
      if (std::optional<FacetTally> kept = memo_->Find(key)) {
        tally = *std::move(kept);
        continue;
      }
    }
    DocSet scratch;
    if (!restricted) {
      restricted = restriction ? DocSet::Intersection(text, sets.Ref(*restriction, scratch)) : text;
    }
    DocSet pass =
        filter ? DocSet::Intersection(*restricted, sets.Ref(*filter, scratch)) : *restricted;
    tally.Add(pass, styles_ ? &*styles_ : nullptr);
    if (!key.empty()) memo_->Insert(key, tally);
  }
  std::vector<Facet> facets;
  facets.reserve(places_.size());
  for (size_t i = 0; i < places_.size(); ++i) {
    const Place& place = places_[i];
    const FacetTally& tally = passes_.at(place.pass);
    Facet facet{.field = request_.facets[i]};
    if (place.range) {
      const FacetTally::Buckets& buckets = tally.buckets()[place.entry];
      facet.values = BucketValues(buckets);
      facet.stats = buckets.stats;
    } else {
      const auto order = request_.facet_order.find(facet.field);
      facet.values = TopValues(tally.terms()[place.entry], request_.facet_size,
                               order != request_.facet_order.end() ? order->second
                               : facet.field == "size"             ? FacetOrder::kSize
                                                                   : FacetOrder::kCount);
    }
    facets.push_back(std::move(facet));
  }
  return facets;
}

}  // namespace vitrine::query::internal
