#include "merch/ranking.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "base/status.h"
#include "base/strings.h"
#include "catalog/index_schema.h"

namespace vitrine::merch {
namespace {

using Json = nlohmann::json;
namespace schema = catalog::schema;

constexpr size_t kMaxAttributeNameBytes = 64;

absl::StatusOr<double> Weight(const Json& value, const std::string& path, double max) {
  if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0 ||
      value.get<double>() > max) {
    return InvalidParameter(path, StrCat(path, " must be a number from 0 to ", max));
  }
  return value.get<double>();
}

absl::Status CheckObject(const Json& json, const std::string& path) {
  if (!json.is_object()) return InvalidParameter(path, StrCat(path, " must be a JSON object"));
  return absl::OkStatus();
}

absl::Status ParseFields(const Json& json, Ranking& ranking) {
  RETURN_IF_ERROR(CheckObject(json, "fields"));
  for (const auto& [name, value] : json.items()) {
    const std::string path = StrCat("fields.", name);
    FieldWeight* field = nullptr;
    for (FieldWeight& known : ranking.fields) {
      if (known.name == name) field = &known;
    }
    if (field == nullptr) {
      std::string names;
      for (const schema::TextField& known : schema::kTextFields) {
        names.append(names.empty() ? "" : ", ").append(known.name);
      }
      return InvalidParameter(path,
                              StrCat("unknown text field '", name, "' (fields: ", names, ")"));
    }
    ASSIGN_OR_RETURN(field->weight, Weight(value, path, kMaxFieldWeight));
  }
  return absl::OkStatus();
}

absl::Status ParseAttribute(const Json& json, RankingSignals& signals) {
  if (json.is_null()) return absl::OkStatus();
  RETURN_IF_ERROR(CheckObject(json, "signals.attribute"));
  for (const auto& [key, value] : json.items()) {
    if (key != "name" && key != "weight") {
      return InvalidParameter(StrCat("signals.attribute.", key),
                              StrCat("unknown key 'signals.attribute.", key, "'"));
    }
  }
  const Json& name = json.contains("name") ? json["name"] : Json();
  if (!name.is_string() || name.get<std::string>().empty() ||
      name.get<std::string>().size() > kMaxAttributeNameBytes) {
    return InvalidParameter("signals.attribute.name",
                            StrCat("signals.attribute.name must be an attribute key of 1 to ",
                                   kMaxAttributeNameBytes, " bytes"));
  }
  for (std::string_view reserved : schema::kReservedFieldNames) {
    if (name.get<std::string>() == reserved) {
      return InvalidParameter("signals.attribute.name",
                              StrCat("'", reserved, "' is a built-in field, not an attribute"));
    }
  }
  signals.attribute = name.get<std::string>();
  if (!json.contains("weight")) {
    return InvalidParameter("signals.attribute.weight", "signals.attribute.weight is missing");
  }
  ASSIGN_OR_RETURN(signals.attribute_weight,
                   Weight(json["weight"], "signals.attribute.weight", kMaxSignalWeight));
  return absl::OkStatus();
}

absl::Status ParseSignals(const Json& json, RankingSignals& signals) {
  RETURN_IF_ERROR(CheckObject(json, "signals"));
  for (const auto& [name, value] : json.items()) {
    const std::string path = StrCat("signals.", name);
    double* weight = name == "popularity" ? &signals.popularity
                     : name == "in_stock" ? &signals.in_stock
                     : name == "recency"  ? &signals.recency
                     : name == "rating"   ? &signals.rating
                                          : nullptr;
    if (name == "attribute") {
      RETURN_IF_ERROR(ParseAttribute(value, signals));
    } else if (weight == nullptr) {
      return InvalidParameter(path, StrCat("unknown signal '", name,
                                           "' (signals: popularity, in_stock, recency, rating, "
                                           "attribute)"));
    } else {
      ASSIGN_OR_RETURN(*weight, Weight(value, path, kMaxSignalWeight));
    }
  }
  if (signals.sum() > kMaxSignalWeight + 1e-9) {
    return InvalidParameter("signals", StrCat("the signal weights add up to ", signals.sum(),
                                              "; together they may not exceed ", kMaxSignalWeight));
  }
  return absl::OkStatus();
}

absl::Status ParseUnderstand(const Json& json, Ranking& ranking) {
  if (!json.is_object()) {
    return InvalidParameter("understand", "understand must be an object of true or false by field");
  }
  for (const auto& [field, on] : json.items()) {
    const std::string name = StrCat("understand.", field);
    if (std::find(kUnderstoodFields.begin(), kUnderstoodFields.end(), field) ==
        kUnderstoodFields.end()) {
      return InvalidParameter(
          name, StrCat("unknown field '", field, "' (fields: ",
                       absl::StrJoin(std::vector<std::string>(kUnderstoodFields.begin(),
                                                              kUnderstoodFields.end()),
                                     ", "),
                       ")"));
    }
    if (!on.is_boolean()) return InvalidParameter(name, StrCat(name, " must be true or false"));
    std::erase(ranking.understand_off, field);
    if (!on.get<bool>()) ranking.understand_off.push_back(field);
  }
  return absl::OkStatus();
}

std::string ToJson(const Ranking& ranking) {
  Json fields = Json::object();
  for (const FieldWeight& field : ranking.fields) fields[field.name] = field.weight;
  Json understand = Json::object();
  for (std::string_view field : kUnderstoodFields) {
    understand[std::string(field)] =
        std::find(ranking.understand_off.begin(), ranking.understand_off.end(), field) ==
        ranking.understand_off.end();
  }
  const RankingSignals& s = ranking.signals;
  Json attribute =
      s.attribute.empty() ? Json() : Json({{"name", s.attribute}, {"weight", s.attribute_weight}});
  return Json({{"fields", std::move(fields)},
               {"signals",
                {{"popularity", s.popularity},
                 {"in_stock", s.in_stock},
                 {"recency", s.recency},
                 {"rating", s.rating},
                 {"attribute", std::move(attribute)}}},
               {"understand", std::move(understand)}})
      .dump();
}

Ranking Defaults() {
  Ranking ranking;
  for (const schema::TextField& field : schema::kTextFields) {
    ranking.fields.push_back({.name = std::string(field.name), .weight = field.weight});
  }
  ranking.json = ToJson(ranking);
  return ranking;
}

}  // namespace

bool Ranking::default_fields() const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].weight != schema::kTextFields[i].weight) return false;
  }
  return fields.size() == schema::kTextFields.size();
}

const Ranking& DefaultRanking() {
  static const Ranking* const kDefault = new Ranking(Defaults());
  return *kDefault;
}

absl::StatusOr<Ranking> ParseRanking(std::string_view text) {
  const Json json = Json::parse(text, nullptr, false);
  if (!json.is_object()) return InvalidParameter("ranking", "the body must be a JSON object");
  Ranking ranking = Defaults();
  for (const auto& [key, value] : json.items()) {
    if (key == "fields") {
      RETURN_IF_ERROR(ParseFields(value, ranking));
    } else if (key == "signals") {
      RETURN_IF_ERROR(ParseSignals(value, ranking.signals));
    } else if (key == "understand") {
      RETURN_IF_ERROR(ParseUnderstand(value, ranking));
    } else if (key != "version") {  // GET's answer may be sent back as it is
      return InvalidParameter(
          key, StrCat("unknown key '", key, "' (keys: fields, signals, understand)"));
    }
  }
  ranking.json = ToJson(ranking);
  return ranking;
}

}  // namespace vitrine::merch
