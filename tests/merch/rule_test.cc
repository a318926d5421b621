// Parsing and validating merchandising rules: the DESIGN.md shape is accepted,
// and every error names the JSON path at fault.
#include "merch/rule.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status.h"

namespace vitrine::merch {
namespace {

constexpr std::string_view kDesignExample = R"({
  "id": "black-dress-campaign", "description": "Pin the hero dress", "enabled": true,
  "priority": 10,
  "conditions": {"query": {"equals": "Black  Dress"},
                 "context": {"filters": {"category": ["Dresses"]}}},
  "active": {"starts_at": "2026-11-27T00:00:00Z", "ends_at": "2026-11-30T23:59:59Z"},
  "consequences": {"pin": [{"id": "12345", "position": 1}], "hide": ["999"],
                   "boost": [{"filter": {"brand": ["Roadster"]}, "factor": 2.0}],
                   "bury": [{"filter": {"in_stock": [false]}, "factor": 0.5}],
                   "filter": {"gender": ["Women"]}, "replace_query": null,
                   "banner": {"text": "Black Friday"}}})";

TEST(RuleParse, AcceptsTheDesignExample) {
  absl::StatusOr<Rule> rule = ParseRule(kDesignExample);
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->id, "black-dress-campaign");
  EXPECT_EQ(rule->priority, 10);
  EXPECT_EQ(rule->conditions.query, QueryCondition::kEquals);
  EXPECT_EQ(rule->conditions.equals, "black  dress");  // normalised; spaces collapse when indexed
  EXPECT_EQ(rule->conditions.context_filters.at("category"), std::vector<std::string>{"dresses"});
  ASSERT_TRUE(rule->starts_at && rule->ends_at);
  EXPECT_EQ(absl::ToUnixSeconds(*rule->starts_at), 1795737600);
  ASSERT_EQ(rule->consequences.pin.size(), 1u);
  EXPECT_EQ(rule->consequences.pin[0].id, "12345");
  EXPECT_EQ(rule->consequences.hide, std::vector<std::string>{"999"});
  ASSERT_EQ(rule->consequences.boost.size(), 1u);
  EXPECT_EQ(rule->consequences.boost[0].factor, 2.0);
  ASSERT_EQ(rule->consequences.bury.size(), 1u);
  EXPECT_EQ(rule->consequences.bury[0].filter.in_stock, false);
  ASSERT_TRUE(rule->consequences.filter);
  EXPECT_FALSE(rule->consequences.replace_query);
  EXPECT_EQ(rule->consequences.banner_json, R"({"text":"Black Friday"})");
  EXPECT_FALSE(rule->json.empty());
}

TEST(RuleParse, QueryConditionForms) {
  EXPECT_EQ(ParseRule(R"({"id": "a", "consequences": {}})")->conditions.query,
            QueryCondition::kEvery);
  EXPECT_EQ(ParseRule(R"({"id": "a", "conditions": {"query": "any"}, "consequences": {}})")
                ->conditions.query,
            QueryCondition::kEvery);
  const Rule browse =
      *ParseRule(R"({"id": "a", "conditions": {"query": {"equals": ""}}, "consequences": {}})");
  EXPECT_EQ(browse.conditions.query, QueryCondition::kEquals);
  EXPECT_EQ(browse.conditions.equals, "");
  const Rule contains = *ParseRule(
      R"({"id": "a", "conditions": {"query": {"contains": ["Dress", "BLACK"]}}, "consequences": {}})");
  EXPECT_EQ(contains.conditions.query, QueryCondition::kContains);
  EXPECT_EQ(contains.conditions.contains, (std::vector<std::string>{"dress", "black"}));
}

TEST(RuleParse, ErrorsNameTheFieldAtFault) {
  const struct {
    std::string_view json;
    std::string_view parameter;
  } kCases[] = {
      {R"(not json)", "rule"},
      {R"([1])", "rule"},
      {R"({"consequences": {}})", "id"},
      {R"({"id": "has space", "consequences": {}})", "id"},
      {R"({"id": "a"})", "consequences"},
      {R"({"id": "a", "colour": 1, "consequences": {}})", "colour"},
      {R"({"id": "a", "enabled": "yes", "consequences": {}})", "enabled"},
      {R"({"id": "a", "priority": 1.5, "consequences": {}})", "priority"},
      {R"({"id": "a", "conditions": {"query": "all"}, "consequences": {}})", "conditions.query"},
      {R"({"id": "a", "conditions": {"query": {"equal": "x"}}, "consequences": {}})",
       "conditions.query.equal"},
      {R"({"id": "a", "conditions": {"query": {"contains": ["two words"]}}, "consequences": {}})",
       "conditions.query.contains[0]"},
      {R"({"id": "a", "conditions": {"context": {"filters": {"colour": ["Red"]}}},
           "consequences": {}})",
       "conditions.context.filters.colour"},
      {R"({"id": "a", "active": {"starts_at": "tomorrow"}, "consequences": {}})",
       "active.starts_at"},
      {R"({"id": "a", "active": {"starts_at": "2026-11-27T00:00:00+01:00"}, "consequences": {}})",
       "active.starts_at"},
      {R"({"id": "a", "active": {"starts_at": "2026-11-27T00:00:00Z",
           "ends_at": "2026-11-26T00:00:00Z"}, "consequences": {}})",
       "active.ends_at"},
      {R"({"id": "a", "active": {"start": "2026-11-27T00:00:00Z"}, "consequences": {}})",
       "active.start"},
      {R"({"id": "a", "consequences": {"pin": [{"id": "1", "position": 0}]}})",
       "consequences.pin[0].position"},
      {R"({"id": "a", "consequences": {"pin": [{"id": "1", "position": 1}, {"id": "2", "position": 101}]}})",
       "consequences.pin[1].position"},
      {R"({"id": "a", "consequences": {"pin": [{"position": 1}]}})", "consequences.pin[0].id"},
      {R"({"id": "a", "consequences": {"hide": []}})", "consequences.hide"},
      {R"({"id": "a", "consequences": {"boost": [{"filter": {"brand": ["X"]}, "factor": 0}]}})",
       "consequences.boost[0].factor"},
      {R"({"id": "a", "consequences": {"bury": [{"filter": {"brand": ["X"]}, "factor": -1}]}})",
       "consequences.bury[0].factor"},
      {R"({"id": "a", "consequences": {"boost": [{"filter": {"colour": ["X"]}, "factor": 2}]}})",
       "consequences.boost[0].filter.colour"},
      {R"({"id": "a", "consequences": {"boost": [{"factor": 2}]}})",
       "consequences.boost[0].filter"},
      {R"({"id": "a", "consequences": {"filter": {"in_stock": ["yes"]}}})",
       "consequences.filter.in_stock"},
      {R"({"id": "a", "consequences": {"filter": {"price": {"gte": 10, "lte": 5}}}})",
       "consequences.filter.price"},
      {R"({"id": "a", "consequences": {"filter": {"price": {"gt": 10}}}})",
       "consequences.filter.price.gt"},
      {R"({"id": "a", "consequences": {"replace_query": 5}})", "consequences.replace_query"},
      {R"({"id": "a", "consequences": {"redirect": "/sale"}})", "consequences.redirect"},
  };
  for (const auto& c : kCases) {
    absl::StatusOr<Rule> rule = ParseRule(c.json);
    ASSERT_FALSE(rule.ok()) << c.json;
    EXPECT_EQ(rule.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_EQ(ParameterOf(rule.status()).value_or("<none>"), c.parameter)
        << c.json << " -> " << rule.status();
  }
}

TEST(RuleParse, WindowIsInclusiveAndDisabledRulesAreNeverActive) {
  Rule rule = *ParseRule(R"({"id": "a", "active": {"starts_at": "2026-11-27T00:00:00Z",
      "ends_at": "2026-11-30T23:59:59Z"}, "consequences": {}})");
  const absl::Time start = absl::FromUnixSeconds(1795737600);
  EXPECT_FALSE(rule.ActiveAt(start - absl::Seconds(1)));
  EXPECT_TRUE(rule.ActiveAt(start));
  EXPECT_TRUE(rule.ActiveAt(*rule.ends_at));
  EXPECT_FALSE(rule.ActiveAt(*rule.ends_at + absl::Seconds(1)));
  rule.enabled = false;
  EXPECT_FALSE(rule.ActiveAt(start));
}

}  // namespace
}  // namespace vitrine::merch
