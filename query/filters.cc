#include "query/filters.h"

#include <algorithm>
#include <cmath>

#include "analyzers/analyzer.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "catalog/index_schema.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

Xapian::valueno RangeSlot(std::string_view field) {
  return field == "price" ? schema::kSlotPrice : schema::kSlotRating;
}

std::string Upper(std::string_view field) {
  std::string upper(field);
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return upper;
}

}  // namespace

absl::Status ValidateFilters(const SearchRequest& request, const SearchLimits& limits) {
  size_t values = 0;
  for (const auto& [field, accepted] : request.filters) {
    const std::string parameter = StrCat("filter.", field);
    if (std::find(kFilterFields.begin(), kFilterFields.end(), field) == kFilterFields.end()) {
      return InvalidParameter(parameter,
                              StrCat("cannot filter on '", field,
                                     "'; filter fields are brand, color, gender, category, size, "
                                     "season and material"));
    }
    for (const std::string& value : accepted) {
      if (value.empty()) return InvalidParameter(parameter, StrCat(parameter, " is empty"));
      if (value.size() > 200 || !IsValidUtf8(value)) {
        return InvalidParameter(parameter,
                                StrCat(parameter, " must be valid UTF-8 of at most 200 bytes"));
      }
    }
    values += accepted.size();
  }
  if (values > limits.max_filter_values) {
    return InvalidParameter(
        "filter", StrCat("at most ", limits.max_filter_values, " filter values may be given"));
  }
  for (const auto& [field, range] : request.ranges) {
    const std::string parameter = StrCat("range.", field);
    if (std::find(kRangeFields.begin(), kRangeFields.end(), field) == kRangeFields.end()) {
      return InvalidParameter(
          parameter, StrCat("cannot bound '", field, "'; range fields are price and rating"));
    }
    if (!range.gte && !range.lte) {
      return InvalidParameter(parameter, StrCat(parameter, " needs at least one bound"));
    }
    for (const std::optional<double>& bound : {range.gte, range.lte}) {
      if (bound && !std::isfinite(*bound)) {
        return InvalidParameter(parameter, StrCat(parameter, " bounds must be finite numbers"));
      }
    }
    if (range.gte && range.lte && *range.gte > *range.lte) {
      return InvalidParameter(parameter,
                              StrCat(parameter, " is empty: its lower bound is above its upper"));
    }
  }
  return absl::OkStatus();
}

std::optional<Xapian::Query> FilterQuery(const SearchRequest& request) {
  std::vector<Xapian::Query> all;
  for (const auto& [field, accepted] : request.filters) {
    // Filter terms hold the normalised display value (indexer::FilterValue).
    std::vector<Xapian::Query> any;
    const std::string upper = Upper(field);
    for (const std::string& value : accepted) {
      any.emplace_back(schema::FilterTerm(upper, analyzers::NormalizeText(value)));
    }
    all.emplace_back(Xapian::Query::OP_OR, any.begin(), any.end());
  }
  for (const auto& [field, range] : request.ranges) {
    const Xapian::valueno slot = RangeSlot(field);
    if (range.gte && range.lte) {
      all.emplace_back(Xapian::Query::OP_VALUE_RANGE, slot, Xapian::sortable_serialise(*range.gte),
                       Xapian::sortable_serialise(*range.lte));
    } else if (range.gte) {
      all.emplace_back(Xapian::Query::OP_VALUE_GE, slot, Xapian::sortable_serialise(*range.gte));
    } else {
      all.emplace_back(Xapian::Query::OP_VALUE_LE, slot, Xapian::sortable_serialise(*range.lte));
    }
  }
  if (request.in_stock) {
    all.emplace_back(schema::FilterTerm("INSTOCK", *request.in_stock ? "true" : "false"));
  }
  if (all.empty()) return std::nullopt;
  return Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
}

}  // namespace vitrine::query::internal
