// Merchandising rules (POST/PUT /v1/config/rules): the input is the rule JSON.
// An accepted rule's canonical JSON must parse back to itself (the config store
// keeps and reloads that form), and the rule is applied to a search it fires on.
#include "absl/strings/str_join.h"
#include "merch/rule.h"
#include "merch/rule_set.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine;
  absl::StatusOr<merch::Rule> rule = merch::ParseRule(fuzz::AsText(data, size));
  if (!rule.ok()) return 0;
  absl::StatusOr<merch::Rule> again = merch::ParseRule(rule->json);
  fuzz::Require(again.ok(), "a rule's canonical JSON does not parse back");
  fuzz::Require(again->json == rule->json, "a rule's canonical JSON is not canonical");

  // A request the rule fires on, at a time inside its window.
  query::SearchRequest request;
  if (rule->conditions.query == merch::QueryCondition::kEquals) request.q = rule->conditions.equals;
  if (rule->conditions.query == merch::QueryCondition::kContains) {
    request.q = absl::StrJoin(rule->conditions.contains, " ");
  }
  for (const auto& [field, values] : rule->conditions.context_filters) {
    if (!values.empty()) request.filters[field] = {values.front()};
  }
  const absl::Time now = rule->starts_at.value_or(rule->ends_at.value_or(absl::Now()));
  request.rules = merch::RuleSet::Build({*std::move(rule)}, [now] { return now; });
  request.cacheable = false;  // every input's rule set is version 0
  fuzz::SearchAndCheck(request);
  return 0;
}
