#include "merch/rule.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "analyzers/analyzer.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"

namespace vitrine::merch {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxValueBytes = 200;
constexpr size_t kMaxListEntries = 100;
constexpr size_t kMaxTextBytes = 512;
constexpr size_t kMaxBannerBytes = 8192;

template <size_t N>
bool Contains(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

absl::Status CheckKeys(const Json& object, std::string_view path,
                       std::initializer_list<std::string_view> allowed) {
  if (!object.is_object()) {
    return InvalidParameter(path.empty() ? "rule" : path,
                            StrCat(path.empty() ? "a rule" : path, " must be a JSON object"));
  }
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const std::string at = path.empty() ? key : StrCat(path, ".", key);
      return InvalidParameter(at, StrCat("unknown key '", at, "'"));
    }
  }
  return absl::OkStatus();
}

std::string At(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : StrCat(path, ".", key);
}

absl::StatusOr<std::string> Text(const Json& value, const std::string& path, size_t max_bytes) {
  if (!value.is_string()) return InvalidParameter(path, StrCat(path, " must be a string"));
  std::string text = value.get<std::string>();
  if (text.size() > max_bytes || !IsValidUtf8(text)) {
    return InvalidParameter(path,
                            StrCat(path, " must be valid UTF-8 of at most ", max_bytes, " bytes"));
  }
  return text;
}

absl::StatusOr<std::vector<std::string>> TextList(const Json& value, const std::string& path) {
  if (!value.is_array() || value.empty() || value.size() > kMaxListEntries) {
    return InvalidParameter(path,
                            StrCat(path, " must be a list of 1 to ", kMaxListEntries, " strings"));
  }
  std::vector<std::string> list;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string at = StrCat(path, "[", i, "]");
    ASSIGN_OR_RETURN(std::string text, Text(value[i], at, kMaxValueBytes));
    if (Trim(text).empty()) return InvalidParameter(at, StrCat(at, " is empty"));
    list.push_back(std::move(text));
  }
  return list;
}

absl::StatusOr<absl::Time> ParseUtcTime(const Json& value, const std::string& path) {
  absl::Time time;
  std::string error;
  if (!value.is_string() || !value.get<std::string>().ends_with('Z') ||
      !absl::ParseTime(absl::RFC3339_full, value.get<std::string>(), &time, &error)) {
    return InvalidParameter(
        path, StrCat(path, " must be an RFC 3339 UTC time like 2026-11-27T00:00:00Z"));
  }
  return time;
}

absl::StatusOr<NumberRange> ParseRange(const Json& value, const std::string& path) {
  RETURN_IF_ERROR(CheckKeys(value, path, {"gte", "lte"}));
  NumberRange range;
  for (auto [key, bound] : {std::pair{"gte", &range.gte}, std::pair{"lte", &range.lte}}) {
    if (!value.contains(key)) continue;
    const Json& number = value[key];
    if (!number.is_number() || !std::isfinite(number.get<double>())) {
      return InvalidParameter(At(path, key), StrCat(At(path, key), " must be a number"));
    }
    *bound = number.get<double>();
  }
  if (!range.gte && !range.lte) {
    return InvalidParameter(path, StrCat(path, " needs gte, lte or both"));
  }
  if (range.gte && range.lte && *range.gte > *range.lte) {
    return InvalidParameter(path, StrCat(path, " is empty: gte is above lte"));
  }
  return range;
}

// {"brand": ["Roadster"], "in_stock": [false], "price": {"gte": 500}}
absl::StatusOr<RuleFilter> ParseFilter(const Json& value, const std::string& path) {
  if (!value.is_object() || value.empty()) {
    return InvalidParameter(path, StrCat(path, " must be a non-empty object of fields"));
  }
  RuleFilter filter;
  for (const auto& [field, accepted] : value.items()) {
    const std::string at = At(path, field);
    if (field == "in_stock") {
      if (!accepted.is_array() || accepted.size() != 1 || !accepted[0].is_boolean()) {
        return InvalidParameter(at, StrCat(at, " must be [true] or [false]"));
      }
      filter.in_stock = accepted[0].get<bool>();
    } else if (Contains(kRuleRangeFields, field)) {
      ASSIGN_OR_RETURN(filter.ranges[field], ParseRange(accepted, at));
    } else if (Contains(kRuleValueFields, field)) {
      ASSIGN_OR_RETURN(filter.values[field], TextList(accepted, at));
    } else {
      return InvalidParameter(at, StrCat("cannot filter on '", field,
                                         "'; rule filter fields are brand, color, gender, "
                                         "category, size, season, material, in_stock, price "
                                         "and rating"));
    }
  }
  return filter;
}

absl::Status ParseConditions(const Json& value, Conditions& conditions) {
  RETURN_IF_ERROR(CheckKeys(value, "conditions", {"query", "context"}));
  if (value.contains("query") && !value["query"].is_null()) {
    const Json& query = value["query"];
    if (query.is_string()) {
      if (query != "any") {
        return InvalidParameter("conditions.query",
                                R"(conditions.query must be "any", {"equals": ...} or )"
                                R"({"contains": [...]})");
      }
    } else {
      RETURN_IF_ERROR(CheckKeys(query, "conditions.query", {"equals", "contains"}));
      if (query.size() != 1) {
        return InvalidParameter("conditions.query",
                                "conditions.query takes one of equals and contains");
      }
      if (query.contains("equals")) {
        ASSIGN_OR_RETURN(std::string equals,
                         Text(query["equals"], "conditions.query.equals", kMaxTextBytes));
        conditions.query = QueryCondition::kEquals;
        conditions.equals = std::string(Trim(analyzers::NormalizeText(equals)));
      } else {
        ASSIGN_OR_RETURN(std::vector<std::string> words,
                         TextList(query["contains"], "conditions.query.contains"));
        conditions.query = QueryCondition::kContains;
        for (size_t i = 0; i < words.size(); ++i) {
          std::string word = std::string(Trim(analyzers::NormalizeText(words[i])));
          if (word.find(' ') != std::string::npos) {
            const std::string at = StrCat("conditions.query.contains[", i, "]");
            return InvalidParameter(at, StrCat(at, " must be one word"));
          }
          conditions.contains.push_back(std::move(word));
        }
      }
    }
  }
  if (value.contains("context")) {
    RETURN_IF_ERROR(CheckKeys(value["context"], "conditions.context", {"filters"}));
    if (value["context"].contains("filters")) {
      const Json& filters = value["context"]["filters"];
      const std::string path = "conditions.context.filters";
      if (!filters.is_object()) return InvalidParameter(path, StrCat(path, " must be an object"));
      for (const auto& [field, accepted] : filters.items()) {
        const std::string at = At(path, field);
        if (!Contains(kRuleValueFields, field)) {
          return InvalidParameter(at, StrCat("cannot require a filter on '", field, "'"));
        }
        ASSIGN_OR_RETURN(std::vector<std::string> values, TextList(accepted, at));
        for (std::string& v : values) v = analyzers::NormalizeText(v);
        conditions.context_filters[field] = std::move(values);
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<WeightedFilter>> ParseWeighted(const Json& value,
                                                          const std::string& path) {
  if (!value.is_array() || value.size() > kMaxListEntries) {
    return InvalidParameter(path, StrCat(path, " must be a list"));
  }
  std::vector<WeightedFilter> list;
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string at = StrCat(path, "[", i, "]");
    RETURN_IF_ERROR(CheckKeys(value[i], at, {"filter", "factor"}));
    WeightedFilter weighted;
    if (!value[i].contains("filter")) {
      return InvalidParameter(At(at, "filter"), StrCat(At(at, "filter"), " is required"));
    }
    ASSIGN_OR_RETURN(weighted.filter, ParseFilter(value[i]["filter"], At(at, "filter")));
    const std::string factor_at = At(at, "factor");
    if (!value[i].contains("factor") || !value[i]["factor"].is_number() ||
        !(value[i]["factor"].get<double>() > 0) || value[i]["factor"].get<double>() > kMaxFactor) {
      return InvalidParameter(
          factor_at, StrCat(factor_at, " must be a number above 0 and at most ", kMaxFactor));
    }
    weighted.factor = value[i]["factor"].get<double>();
    list.push_back(std::move(weighted));
  }
  return list;
}

absl::Status ParseConsequences(const Json& value, Consequences& out) {
  RETURN_IF_ERROR(CheckKeys(value, "consequences",
                            {"pin", "hide", "boost", "bury", "filter", "replace_query", "banner"}));
  if (value.contains("pin")) {
    const Json& pins = value["pin"];
    if (!pins.is_array() || pins.size() > kMaxListEntries) {
      return InvalidParameter("consequences.pin", "consequences.pin must be a list");
    }
    for (size_t i = 0; i < pins.size(); ++i) {
      const std::string at = StrCat("consequences.pin[", i, "]");
      RETURN_IF_ERROR(CheckKeys(pins[i], at, {"id", "position"}));
      Pin pin;
      if (!pins[i].contains("id")) return InvalidParameter(At(at, "id"), "a pin needs an id");
      ASSIGN_OR_RETURN(pin.id, Text(pins[i]["id"], At(at, "id"), kMaxValueBytes));
      const Json& position = pins[i].value("position", Json());
      if (!position.is_number_integer() || position.get<int64_t>() < 1 ||
          position.get<int64_t>() > kMaxPinPosition) {
        return InvalidParameter(
            At(at, "position"),
            StrCat(At(at, "position"), " must be an integer from 1 to ", kMaxPinPosition));
      }
      pin.position = position.get<int>();
      out.pin.push_back(std::move(pin));
    }
  }
  if (value.contains("hide")) {
    ASSIGN_OR_RETURN(out.hide, TextList(value["hide"], "consequences.hide"));
  }
  if (value.contains("boost")) {
    ASSIGN_OR_RETURN(out.boost, ParseWeighted(value["boost"], "consequences.boost"));
  }
  if (value.contains("bury")) {
    ASSIGN_OR_RETURN(out.bury, ParseWeighted(value["bury"], "consequences.bury"));
  }
  if (value.contains("filter") && !value["filter"].is_null()) {
    ASSIGN_OR_RETURN(out.filter, ParseFilter(value["filter"], "consequences.filter"));
  }
  if (value.contains("replace_query") && !value["replace_query"].is_null()) {
    ASSIGN_OR_RETURN(out.replace_query,
                     Text(value["replace_query"], "consequences.replace_query", kMaxTextBytes));
  }
  if (value.contains("banner") && !value["banner"].is_null()) {
    out.banner_json = value["banner"].dump();
    if (out.banner_json.size() > kMaxBannerBytes) {
      return InvalidParameter("consequences.banner", StrCat("consequences.banner may take at most ",
                                                            kMaxBannerBytes, " bytes of JSON"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidRuleId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxRuleIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
         });
}

bool Rule::ActiveAt(absl::Time now) const {
  return enabled && (!starts_at || *starts_at <= now) && (!ends_at || now <= *ends_at);
}

absl::StatusOr<Rule> ParseRule(std::string_view text) {
  const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return InvalidParameter("rule", "the rule is not valid JSON");
  RETURN_IF_ERROR(CheckKeys(
      json, "",
      {"id", "description", "enabled", "priority", "conditions", "active", "consequences"}));
  Rule rule;
  if (!json.contains("id") || !json["id"].is_string() ||
      !IsValidRuleId(json["id"].get<std::string>())) {
    return InvalidParameter("id", "id must be 1-128 letters, digits, '-', '_' or '.'");
  }
  rule.id = json["id"].get<std::string>();
  if (json.contains("description")) {
    ASSIGN_OR_RETURN(rule.description, Text(json["description"], "description", kMaxTextBytes));
  }
  if (json.contains("enabled")) {
    if (!json["enabled"].is_boolean())
      return InvalidParameter("enabled", "enabled must be true or false");
    rule.enabled = json["enabled"].get<bool>();
  }
  if (json.contains("priority")) {
    const Json& priority = json["priority"];
    if (!priority.is_number_integer() || priority.get<int64_t>() < -1000000 ||
        priority.get<int64_t>() > 1000000) {
      return InvalidParameter("priority", "priority must be an integer from -1000000 to 1000000");
    }
    rule.priority = priority.get<int>();
  }
  if (json.contains("conditions"))
    RETURN_IF_ERROR(ParseConditions(json["conditions"], rule.conditions));
  if (json.contains("active") && !json["active"].is_null()) {
    const Json& active = json["active"];
    RETURN_IF_ERROR(CheckKeys(active, "active", {"starts_at", "ends_at"}));
    if (active.contains("starts_at") && !active["starts_at"].is_null()) {
      ASSIGN_OR_RETURN(rule.starts_at, ParseUtcTime(active["starts_at"], "active.starts_at"));
    }
    if (active.contains("ends_at") && !active["ends_at"].is_null()) {
      ASSIGN_OR_RETURN(rule.ends_at, ParseUtcTime(active["ends_at"], "active.ends_at"));
    }
    if (rule.starts_at && rule.ends_at && *rule.ends_at < *rule.starts_at) {
      return InvalidParameter("active.ends_at", "active.ends_at is before active.starts_at");
    }
  }
  if (!json.contains("consequences")) {
    return InvalidParameter("consequences", "consequences is required");
  }
  RETURN_IF_ERROR(ParseConsequences(json["consequences"], rule.consequences));
  rule.json = json.dump();
  return rule;
}

}  // namespace vitrine::merch
