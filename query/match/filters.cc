#include "query/match/filters.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <memory>

#include "analyzers/analyzer.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "catalog/index_schema.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

std::string Upper(std::string_view field) {
  std::string upper(field);
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return upper;
}

bool Contains(const std::vector<std::string>& keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

template <size_t N>
bool Contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// "brand, color, ... and material" plus the declared attributes, for messages.
template <size_t N>
std::string FieldList(const std::array<std::string_view, N>& builtin,
                      const std::vector<std::string>& attributes) {
  std::vector<std::string_view> names(builtin.begin(), builtin.end());
  names.insert(names.end(), attributes.begin(), attributes.end());
  std::string list;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list.append(i + 1 == names.size() ? " and " : ", ");
    list.append(names[i]);
  }
  return list;
}

// The field part of a filter term: "BRAND", or "ATTR.usage" for an attribute.
std::string FilterTermField(std::string_view field) {
  return Contains(kFilterFields, field) ? Upper(field) : schema::AttributeFilterField(field);
}

Xapian::Query RangeQuery(Xapian::valueno slot, const Range& range) {
  if (range.gte && range.lte) {
    return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot,
                         Xapian::sortable_serialise(*range.gte),
                         Xapian::sortable_serialise(*range.lte));
  }
  if (range.gte) {
    return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, Xapian::sortable_serialise(*range.gte));
  }
  return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, Xapian::sortable_serialise(*range.lte));
}

absl::Status ValidateBuckets(const SearchRequest& request) {
  for (const auto& [field, bounds] : request.buckets) {
    const std::string parameter = StrCat("buckets.", field);
    if (!IsRangeField(field)) {
      return InvalidParameter(parameter, StrCat("cannot bucket '", field,
                                                "'; range facet fields are price and rating"));
    }
    if (std::find(request.facets.begin(), request.facets.end(), field) == request.facets.end()) {
      return InvalidParameter(parameter, StrCat(parameter, " needs ", field, " in facets"));
    }
    if (bounds.empty() || bounds.size() + 1 > kMaxRangeBuckets) {
      return InvalidParameter(
          parameter, StrCat(parameter, " takes 1 to ", kMaxRangeBuckets - 1, " boundaries"));
    }
    for (size_t i = 0; i < bounds.size(); ++i) {
      if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        return InvalidParameter(parameter,
                                StrCat(parameter, " must be finite numbers in ascending order"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsRangeField(std::string_view field) { return Contains(kRangeFields, field); }

Xapian::valueno RangeSlot(std::string_view field) {
  return field == "price" ? schema::kSlotPrice : schema::kSlotRating;
}

absl::Status ValidateFilters(const SearchRequest& request, const SearchLimits& limits,
                             const std::vector<std::string>& attributes) {
  size_t values = 0;
  std::vector<std::pair<std::string, const std::vector<std::string>*>> lists;
  for (const auto& [field, accepted] : request.filters) {
    lists.emplace_back(StrCat("filter.", field), &accepted);
  }
  for (const auto& [field, refused] : request.excluded) {
    lists.emplace_back(StrCat("exclude.", field), &refused);
  }
  for (const auto& [parameter, list] : lists) {
    const std::vector<std::string>& accepted = *list;
    const std::string field = parameter.substr(parameter.find('.') + 1);
    if (!Contains(kFilterFields, field) && !Contains(attributes, field)) {
      return InvalidParameter(parameter,
                              StrCat("cannot filter on '", field, "'; filter fields are ",
                                     FieldList(kFilterFields, attributes)));
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
    if (!IsRangeField(field)) {
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

std::optional<Xapian::Query> FilterQuery(const SearchRequest& request,
                                         std::string_view except_field) {
  std::vector<Xapian::Query> all;
  for (const auto& [field, accepted] : request.filters) {
    if (field == except_field) continue;
    // Filter terms hold the normalised display value (indexer::FilterValue).
    std::vector<Xapian::Query> any;
    const std::string term_field = FilterTermField(field);
    for (const std::string& value : accepted) {
      any.emplace_back(schema::FilterTerm(term_field, analyzers::NormalizeText(value)));
    }
    all.emplace_back(Xapian::Query::OP_OR, any.begin(), any.end());
  }
  for (const auto& [field, range] : request.ranges) {
    if (field != except_field) all.push_back(RangeQuery(RangeSlot(field), range));
  }
  if (request.in_stock) {
    all.emplace_back(schema::FilterTerm("INSTOCK", *request.in_stock ? "true" : "false"));
  }
  // Exclusions hold whatever facet is counted: an excluded value counts 0.
  std::vector<Xapian::Query> none;
  for (const auto& [field, refused] : request.excluded) {
    const std::string term_field = FilterTermField(field);
    for (const std::string& value : refused) {
      none.emplace_back(schema::FilterTerm(term_field, analyzers::NormalizeText(value)));
    }
  }
  if (all.empty() && none.empty()) return std::nullopt;
  Xapian::Query filter =
      all.empty() ? MatchAllQuery() : Xapian::Query(Xapian::Query::OP_AND, all.begin(), all.end());
  if (none.empty()) return filter;
  return Xapian::Query(Xapian::Query::OP_AND_NOT, filter,
                       Xapian::Query(Xapian::Query::OP_OR, none.begin(), none.end()));
}

absl::Status ValidateSortAndFacets(const SearchRequest& request,
                                   const std::vector<std::string>& attributes) {
  if (request.facets.size() > kFacetFields.size() + kRangeFields.size() + attributes.size()) {
    return InvalidParameter("facets", "too many facets");
  }
  for (size_t i = 0; i < request.facets.size(); ++i) {
    const std::string& field = request.facets[i];
    if (!Contains(kFacetFields, field) && !IsRangeField(field) && !Contains(attributes, field)) {
      std::vector<std::string> others(kRangeFields.begin(), kRangeFields.end());
      others.insert(others.end(), attributes.begin(), attributes.end());
      return InvalidParameter("facets", StrCat("cannot count '", field, "'; facet fields are ",
                                               FieldList(kFacetFields, others)));
    }
    if (std::find(request.facets.begin(), request.facets.begin() + i, field) !=
        request.facets.begin() + i) {
      return InvalidParameter("facets", StrCat("facet '", field, "' is requested twice"));
    }
  }
  if (request.highlight_tag.empty() || request.highlight_tag.size() > 10 ||
      !std::all_of(request.highlight_tag.begin(), request.highlight_tag.end(),
                   [](char c) { return c >= 'a' && c <= 'z'; })) {
    return InvalidParameter("highlight_tag", "highlight_tag must be 1-10 letters a-z, such as em");
  }
  if (request.facet_size < 1 || request.facet_size > 100) {
    return InvalidParameter("facet_size", "facet_size must be between 1 and 100");
  }
  for (const auto& [field, order] : request.facet_order) {
    if (!Contains(kFacetFields, field) && !Contains(attributes, field)) {
      return InvalidParameter(StrCat("facet_order.", field),
                              StrCat("cannot order '", field, "'; term facet fields are ",
                                     FieldList(kFacetFields, attributes)));
    }
  }
  return ValidateBuckets(request);
}

Xapian::valueno FacetSlot(std::string_view field, const std::vector<std::string>& attributes) {
  if (field == "brand") return schema::kSlotBrand;
  if (field == "color") return schema::kSlotColor;
  if (field == "gender") return schema::kSlotGender;
  if (field == "size") return schema::kSlotSizes;
  if (field == "season") return schema::kSlotSeason;
  if (field == "material") return schema::kSlotMaterial;
  if (field == "category") return schema::kSlotCategoryLeaf;
  if (field.starts_with("category.lvl")) return schema::kSlotCategoryLevel0 + (field.back() - '0');
  const auto key = std::find(attributes.begin(), attributes.end(), field);
  return schema::kSlotAttribute0 + static_cast<Xapian::valueno>(key - attributes.begin());
}

std::vector<Xapian::valueno> SingleValuedFacetSlots(const std::vector<std::string>& attributes) {
  std::vector<Xapian::valueno> slots;
  for (std::string_view field : kFacetFields) {
    if (field != "size") slots.push_back(FacetSlot(field, attributes));
  }
  for (const std::string& key : attributes) slots.push_back(FacetSlot(key, attributes));
  return slots;
}

std::vector<Xapian::valueno> MultiValuedFacetSlots() { return {schema::kSlotSizes}; }

std::vector<Xapian::valueno> WithSizeRunSlot(std::vector<Xapian::valueno> slots) {
  slots.push_back(schema::kSlotSizeRun);
  return slots;
}

std::vector<Xapian::valueno> WithParentSlot(std::vector<Xapian::valueno> slots) {
  slots.push_back(schema::kSlotParent);
  return slots;
}

std::vector<Xapian::valueno> RangeSlots() {
  std::vector<Xapian::valueno> slots;
  for (std::string_view field : kRangeFields) slots.push_back(RangeSlot(field));
  return slots;
}

void SetSortOrder(Xapian::Enquire& enquire, SortOrder sort) {
  auto* keys = new Xapian::MultiValueKeyMaker();
  // Products without the value sort last either way.
  switch (sort) {
    case SortOrder::kPriceAsc:
      keys->add_value(schema::kSlotPrice, false, std::string(9, '\xff'));
      break;
    case SortOrder::kPriceDesc:
      keys->add_value(schema::kSlotPrice, true);
      break;
    case SortOrder::kNewest:
      keys->add_value(schema::kSlotCreatedAt, true);
      break;
    case SortOrder::kRating:
      keys->add_value(schema::kSlotRating, true);
      break;
    case SortOrder::kPopularity:
      keys->add_value(schema::kSlotPopularity, true);
      break;
    case SortOrder::kRelevance:
      break;
  }
  keys->add_value(schema::kSlotId);
  enquire.set_sort_by_key(keys->release(), /*reverse=*/false);
}

}  // namespace vitrine::query::internal

namespace vitrine::query {

std::optional<FacetOrder> ParseFacetOrder(std::string_view name) {
  for (size_t i = 0; i < kFacetOrderNames.size(); ++i) {
    if (kFacetOrderNames[i] == name) return static_cast<FacetOrder>(i);
  }
  return std::nullopt;
}

std::optional<SortOrder> ParseSortOrder(std::string_view name) {
  for (size_t i = 0; i < kSortOrderNames.size(); ++i) {
    if (kSortOrderNames[i] == name) return static_cast<SortOrder>(i);
  }
  return std::nullopt;
}

}  // namespace vitrine::query
