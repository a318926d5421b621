// Ranking weights: how much each text field counts in a match, and how much
// business signals (popularity, stock, recency, rating, a numeric attribute)
// re-order the most relevant products. Part of the merchandising config
// (GET/PUT /v1/config/ranking), versioned with the rules.
//
//   ASSIGN_OR_RETURN(merch::Ranking ranking, merch::ParseRanking(
//       R"({"fields": {"title": 4}, "signals": {"popularity": 0.1}})"));
//   ranking.fields[0].weight;   // 4: title, in catalog::schema::kTextFields order
//   ranking.json;               // every field and signal, defaults filled in
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrine::merch {

// The signal weights together may not exceed this: a signal multiplies a text
// score by at most 1 + this, so it re-orders products of similar relevance and
// never lifts a product above one more than 1.5 times as relevant.
inline constexpr double kMaxSignalWeight = 0.5;
// A text field's weight is from 0 (matches, scores nothing) to this.
inline constexpr double kMaxFieldWeight = 100;

struct RankingSignals {
  double popularity = 0;  // by the share of products less popular
  double in_stock = 0;    // 1 in stock, 0 out of stock or unknown
  double recency = 0;     // by the share of products created earlier
  double rating = 0;      // min-max over the catalog
  // A declared filterable attribute with numeric values ("margin"), min-max over
  // the catalog; empty: none. An attribute the index does not declare counts 0.
  std::string attribute;
  double attribute_weight = 0;

  double sum() const { return popularity + in_stock + recency + rating + attribute_weight; }
  bool any() const { return sum() > 0; }
};

struct FieldWeight {
  std::string name;  // a catalog::schema::kTextFields name
  double weight = 0;
};

// Fields query understanding reads in q (query/understand/understand.h).
inline constexpr std::array<std::string_view, 8> kUnderstoodFields = {
    "price", "size", "brand", "category", "color", "gender", "season", "material"};

struct Ranking {
  // Every text field, in catalog::schema::kTextFields order.
  std::vector<FieldWeight> fields;
  RankingSignals signals;
  // Fields query understanding leaves as text (kUnderstoodFields), as the
  // config's "understand": {"brand": false} turns them off.
  std::vector<std::string> understand_off;
  // Canonical JSON with every field and signal: {"fields": {...}, "signals":
  // {..., "attribute": null or {"name", "weight"}}}.
  std::string json;
  // The config version this ranking was read at (0: not from a store); part of
  // the result cache key.
  uint64_t version = 0;

  // Whether the field weights are the schema's defaults.
  bool default_fields() const;
};

// The schema's field weights and no signals.
const Ranking& DefaultRanking();

// Parses and validates PUT /v1/config/ranking's body. Fields and signals left
// out take their defaults (the schema's weight; 0). Errors are InvalidParameter
// naming the field at fault: "fields.titel", "signals.popularity", "signals".
absl::StatusOr<Ranking> ParseRanking(std::string_view json);

}  // namespace vitrine::merch
