// Merchandising rules: what a merchandiser writes to re-rank results for some
// queries (pin, hide, boost, bury, filter, replace the query, show a banner),
// parsed and validated from the JSON of /v1/config/rules (see DESIGN.md).
//
//   ASSIGN_OR_RETURN(merch::Rule rule, merch::ParseRule(R"({"id": "tees", ...})"));
//   std::string json = merch::RuleToJson(rule);  // canonical form, stored and served
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace vitrine::merch {

// Fields a rule may filter on (boost, bury, filter) or require in the request
// (conditions.context.filters): the request's filter.<field> names.
inline constexpr std::array<std::string_view, 7> kRuleValueFields = {
    "brand", "color", "gender", "category", "size", "season", "material"};
// Numeric fields a rule filter bounds with {"gte": .., "lte": ..}.
inline constexpr std::array<std::string_view, 2> kRuleRangeFields = {"price", "rating"};

inline constexpr int kMaxPinPosition = 100;
inline constexpr double kMaxFactor = 100.0;
inline constexpr size_t kMaxRuleIdBytes = 128;

struct NumberRange {
  std::optional<double> gte;
  std::optional<double> lte;
};

// A set of products: values of one field OR together, fields AND together
// (like a search's filters). Values are display values ("Roadster"), matched
// case- and accent-insensitively.
struct RuleFilter {
  std::map<std::string, std::vector<std::string>> values;  // kRuleValueFields
  std::map<std::string, NumberRange> ranges;               // kRuleRangeFields
  std::optional<bool> in_stock;                            // "in_stock": [false]
};

enum class QueryCondition {
  kEvery,     // "any" or no query condition: every request, browse included
  kEquals,    // the normalised query is exactly `equals` ("" = browse)
  kContains,  // the normalised query has every word of `contains`
};

struct Conditions {
  QueryCondition query = QueryCondition::kEvery;
  std::string equals;                 // normalised (analyzers::NormalizeText)
  std::vector<std::string> contains;  // normalised words
  // The request must filter each field on at least one of these values.
  std::map<std::string, std::vector<std::string>> context_filters;
};

struct Pin {
  std::string id;
  int position = 1;  // 1-based rank over the whole result list
};

// Multiplies the text score of matching products by `factor` (> 1 lifts them,
// < 1 sinks them). Only re-orders products the query matched.
struct WeightedFilter {
  RuleFilter filter;
  double factor = 1;
};

struct Consequences {
  std::vector<Pin> pin;
  std::vector<std::string> hide;
  std::vector<WeightedFilter> boost;
  std::vector<WeightedFilter> bury;
  std::optional<RuleFilter> filter;          // forced on top of the request's filters
  std::optional<std::string> replace_query;  // searched instead of the shopper's q
  std::string banner_json;                   // free JSON for the storefront; empty: none
};

struct Rule {
  std::string id;
  std::string description;
  bool enabled = true;
  int priority = 0;  // higher fires first and wins conflicts
  Conditions conditions;
  std::optional<absl::Time> starts_at;  // inclusive
  std::optional<absl::Time> ends_at;    // inclusive
  Consequences consequences;
  // The rule as written, re-serialised in canonical form (keys sorted).
  std::string json;

  // Whether the window is open at `now` (and the rule is enabled).
  bool ActiveAt(absl::Time now) const;
};

// Parses and validates a rule. InvalidArgument errors name the JSON path at fault
// ("consequences.pin[0].position"): malformed JSON, unknown keys, wrong types,
// a bad id, a malformed or empty window, a position outside 1..100, a factor
// outside (0, 100], an unknown filter field.
absl::StatusOr<Rule> ParseRule(std::string_view json);

// True when `id` may name a rule: 1-128 bytes of letters, digits, '-', '_', '.'.
bool IsValidRuleId(std::string_view id);

}  // namespace vitrine::merch
