#include "query/filters.h"

#include <algorithm>
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

std::optional<Xapian::Query> FilterQuery(const SearchRequest& request,
                                         std::string_view except_field) {
  std::vector<Xapian::Query> all;
  for (const auto& [field, accepted] : request.filters) {
    if (field == except_field) continue;
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

absl::Status ValidateSortAndFacets(const SearchRequest& request) {
  if (std::find(kSortOrders.begin(), kSortOrders.end(), request.sort) == kSortOrders.end()) {
    return InvalidParameter("sort", StrCat("unknown sort '", request.sort,
                                           "'; use relevance, price_asc, price_desc, newest, "
                                           "rating or popularity"));
  }
  if (request.facets.size() > kFacetFields.size()) {
    return InvalidParameter("facets", "too many facets");
  }
  for (const std::string& field : request.facets) {
    if (std::find(kFacetFields.begin(), kFacetFields.end(), field) == kFacetFields.end()) {
      return InvalidParameter("facets", StrCat("cannot count '", field,
                                               "'; facet fields are brand, color, gender, season, "
                                               "material, category, category.lvl0..lvl2"));
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
  return absl::OkStatus();
}

namespace {

Xapian::valueno FacetSlot(std::string_view field) {
  if (field == "brand") return schema::kSlotBrand;
  if (field == "color") return schema::kSlotColor;
  if (field == "gender") return schema::kSlotGender;
  if (field == "season") return schema::kSlotSeason;
  if (field == "material") return schema::kSlotMaterial;
  if (field == "category") return schema::kSlotCategoryLeaf;
  return schema::kSlotCategoryLevel0 + (field.back() - '0');  // category.lvlN
}

// The filter a facet field's counts leave out: its own (all category facets
// belong to the category filter, which matches any level).
std::string_view OwnFilter(std::string_view field) {
  return field.starts_with("category") ? std::string_view("category") : field;
}

std::vector<FacetValue> TopValues(const ColumnCountMatchSpy& spy, int size) {
  std::vector<FacetValue> values;
  for (size_t id = 1; id < spy.counts().size(); ++id) {
    if (spy.counts()[id] > 0) values.push_back({spy.column().values[id], spy.counts()[id]});
  }
  std::sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  });
  if (values.size() > static_cast<size_t>(size)) values.resize(static_cast<size_t>(size));
  return values;
}

}  // namespace

std::vector<Xapian::valueno> FacetSlots() {
  std::vector<Xapian::valueno> slots;
  for (std::string_view field : kFacetFields) slots.push_back(FacetSlot(field));
  return slots;
}

std::vector<Facet> CountFacets(const Xapian::Database& database, const FacetColumns& columns,
                               const Xapian::Query& text, const SearchRequest& request,
                               Xapian::doccount check_at_least) {
  // One match per distinct set of filters: fields whose own filter is not set
  // share the request's full filters.
  std::map<std::string_view, std::vector<size_t>> passes;  // left-out filter -> facets
  for (size_t i = 0; i < request.facets.size(); ++i) {
    const std::string_view own = OwnFilter(request.facets[i]);
    passes[request.filters.contains(std::string(own)) ? own : std::string_view()].push_back(i);
  }
  std::vector<Facet> facets(request.facets.size());
  for (const auto& [left_out, indexes] : passes) {
    Xapian::Enquire enquire(database);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    const std::optional<Xapian::Query> filter = FilterQuery(request, left_out);
    enquire.set_query(filter ? Xapian::Query(Xapian::Query::OP_FILTER, text, *filter) : text);
    std::vector<std::unique_ptr<ColumnCountMatchSpy>> spies;
    for (size_t index : indexes) {
      spies.push_back(std::make_unique<ColumnCountMatchSpy>(
          columns.slots.at(FacetSlot(request.facets[index]))));
      enquire.add_matchspy(spies.back().get());
    }
    enquire.get_mset(0, 0, check_at_least);
    for (size_t k = 0; k < indexes.size(); ++k) {
      facets[indexes[k]] = {request.facets[indexes[k]], TopValues(*spies[k], request.facet_size)};
    }
  }
  return facets;
}

void SetSortOrder(Xapian::Enquire& enquire, std::string_view sort) {
  auto* keys = new Xapian::MultiValueKeyMaker();
  // Products without the value sort last either way.
  if (sort == "price_asc") {
    keys->add_value(schema::kSlotPrice, false, std::string(9, '\xff'));
  } else if (sort == "price_desc") {
    keys->add_value(schema::kSlotPrice, true);
  } else if (sort == "newest") {
    keys->add_value(schema::kSlotCreatedAt, true);
  } else if (sort == "rating") {
    keys->add_value(schema::kSlotRating, true);
  } else if (sort == "popularity") {
    keys->add_value(schema::kSlotPopularity, true);
  }
  keys->add_value(schema::kSlotId);
  enquire.set_sort_by_key(keys->release(), /*reverse=*/false);
}

}  // namespace vitrine::query::internal
