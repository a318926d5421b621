// Which rules fire for a request, and in what order.
#include "merch/rule_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/strings.h"

namespace vitrine::merch {
namespace {

Rule Make(std::string_view id, std::string_view conditions, int priority = 0,
          std::string_view extra = "") {
  absl::StatusOr<Rule> rule =
      ParseRule(StrCat(R"({"id": ")", id, R"(", "priority": )", priority, R"(, "conditions": )",
                       conditions, extra, R"(, "consequences": {}})"));
  EXPECT_TRUE(rule.ok()) << rule.status();
  return *rule;
}

std::vector<std::string> Fired(const RuleSet& rules, std::string_view query,
                               const std::map<std::string, std::vector<std::string>>& filters = {},
                               absl::Time now = absl::FromUnixSeconds(1795737600)) {
  std::vector<std::string> ids;
  for (const Rule* rule : rules.FireAt({.query = query, .filters = &filters}, now)) {
    ids.push_back(rule->id);
  }
  return ids;
}

TEST(RuleSetFire, EqualsMatchesTheNormalisedQueryExactly) {
  auto rules = RuleSet::Build({Make("dress", R"({"query": {"equals": "Black Dress"}})")});
  EXPECT_THAT(Fired(*rules, "black dress"), ::testing::ElementsAre("dress"));
  EXPECT_THAT(Fired(*rules, "  BLACK   Dress "), ::testing::ElementsAre("dress"));
  EXPECT_THAT(Fired(*rules, "black dresses"), ::testing::IsEmpty());
  EXPECT_THAT(Fired(*rules, "long black dress"), ::testing::IsEmpty());
}

TEST(RuleSetFire, EqualsEmptyMatchesBrowseOnly) {
  auto rules = RuleSet::Build({Make("browse", R"({"query": {"equals": ""}})")});
  EXPECT_THAT(Fired(*rules, ""), ::testing::ElementsAre("browse"));
  EXPECT_THAT(Fired(*rules, "  "), ::testing::ElementsAre("browse"));
  EXPECT_THAT(Fired(*rules, "tee"), ::testing::IsEmpty());
}

TEST(RuleSetFire, ContainsNeedsEveryWordInAnyOrder) {
  auto rules = RuleSet::Build({Make("c", R"({"query": {"contains": ["dress", "black"]}})")});
  EXPECT_THAT(Fired(*rules, "Black summer DRESS"), ::testing::ElementsAre("c"));
  EXPECT_THAT(Fired(*rules, "dress black"), ::testing::ElementsAre("c"));
  EXPECT_THAT(Fired(*rules, "black shirt"), ::testing::IsEmpty());
  EXPECT_THAT(Fired(*rules, "blackdress"), ::testing::IsEmpty());
}

TEST(RuleSetFire, AnyAndAbsentMatchEveryRequest) {
  auto rules = RuleSet::Build({Make("any", R"({"query": "any"})"), Make("absent", "{}")});
  EXPECT_THAT(Fired(*rules, ""), ::testing::ElementsAre("absent", "any"));
  EXPECT_THAT(Fired(*rules, "jeans"), ::testing::ElementsAre("absent", "any"));
}

TEST(RuleSetFire, ContextFiltersNeedOneOfTheValuesOnEachField) {
  auto rules = RuleSet::Build({Make(
      "ctx",
      R"({"context": {"filters": {"category": ["Dresses"], "gender": ["Women", "Girls"]}}})")});
  EXPECT_THAT(Fired(*rules, "x", {{"category", {"dresses"}}, {"gender", {"Women"}}}),
              ::testing::ElementsAre("ctx"));
  EXPECT_THAT(Fired(*rules, "x", {{"category", {"Tops", "DRESSES"}}, {"gender", {"Girls"}}}),
              ::testing::ElementsAre("ctx"));
  EXPECT_THAT(Fired(*rules, "x", {{"category", {"Dresses"}}}), ::testing::IsEmpty());
  EXPECT_THAT(Fired(*rules, "x"), ::testing::IsEmpty());
}

TEST(RuleSetFire, OrdersByPriorityThenId) {
  auto rules = RuleSet::Build({Make("b", "{}", 5), Make("a", "{}", 5), Make("z", "{}", 9),
                               Make("low", R"({"query": {"equals": "tee"}})", -1)});
  EXPECT_THAT(Fired(*rules, "tee"), ::testing::ElementsAre("z", "a", "b", "low"));
}

TEST(RuleSetFire, WindowsFollowTheClock) {
  absl::Time now = absl::FromUnixSeconds(1795737600) - absl::Hours(1);
  auto rules = RuleSet::Build(
      {Make(
          "campaign", "{}", 0,
          R"(, "active": {"starts_at": "2026-11-27T00:00:00Z", "ends_at": "2026-11-30T23:59:59Z"})")},
      [&now] { return now; });
  const std::map<std::string, std::vector<std::string>> none;
  EXPECT_TRUE(rules->Fire({.query = "x", .filters = &none}).empty());
  now += absl::Hours(1);
  EXPECT_EQ(rules->Fire({.query = "x", .filters = &none}).size(), 1u);
  now += absl::Hours(24 * 4);
  EXPECT_TRUE(rules->Fire({.query = "x", .filters = &none}).empty());
}

TEST(RuleSetFire, DisabledRulesNeverFireButAreListed) {
  auto rules = RuleSet::Build({Make("off", "{}", 0, R"(, "enabled": false)")});
  EXPECT_THAT(Fired(*rules, "x"), ::testing::IsEmpty());
  ASSERT_EQ(rules->rules().size(), 1u);
  EXPECT_NE(rules->Find("off"), nullptr);
  EXPECT_EQ(rules->Find("on"), nullptr);
}

TEST(RuleSetFire, ManyRulesOnlyTheIndexedOnesAreChecked) {
  std::vector<Rule> many;
  for (int i = 0; i < 1000; ++i) {
    many.push_back(Make(StrCat("r", i), StrCat(R"({"query": {"equals": "query )", i, R"("}})")));
  }
  auto rules = RuleSet::Build(std::move(many));
  EXPECT_THAT(Fired(*rules, "query 417"), ::testing::ElementsAre("r417"));
  EXPECT_THAT(Fired(*rules, "query"), ::testing::IsEmpty());
}

}  // namespace
}  // namespace vitrine::merch
