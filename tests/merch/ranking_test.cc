// Ranking weights: defaults, parsing, and validation errors that name the field.
#include "merch/ranking.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace vitrine::merch {
namespace {

using Json = nlohmann::json;

double FieldWeightOf(const Ranking& ranking, std::string_view name) {
  for (const FieldWeight& field : ranking.fields) {
    if (field.name == name) return field.weight;
  }
  return -1;
}

TEST(RankingTest, DefaultsAreTheSchemaWeightsAndNoSignals) {
  const Ranking& ranking = DefaultRanking();
  ASSERT_EQ(ranking.fields.size(), 6u);
  EXPECT_EQ(ranking.fields[0].name, "title");
  EXPECT_EQ(FieldWeightOf(ranking, "title"), 3.0);
  EXPECT_EQ(FieldWeightOf(ranking, "brand"), 2.0);
  EXPECT_EQ(FieldWeightOf(ranking, "category"), 3.0);
  EXPECT_EQ(FieldWeightOf(ranking, "color"), 1.5);
  EXPECT_EQ(FieldWeightOf(ranking, "gender"), 1.0);
  EXPECT_EQ(FieldWeightOf(ranking, "description"), 0.5);
  EXPECT_TRUE(ranking.default_fields());
  EXPECT_FALSE(ranking.signals.any());
  const Json json = Json::parse(ranking.json);
  EXPECT_EQ(json["fields"]["title"], 3.0);
  EXPECT_EQ(json["signals"],
            Json::parse(R"({"popularity": 0, "in_stock": 0, "recency": 0, "rating": 0,
                            "attribute": null})"));
}

TEST(RankingTest, LeftOutFieldsAndSignalsKeepTheirDefaults) {
  const Ranking ranking = ParseRanking(R"({"fields": {"title": 4, "description": 0},
      "signals": {"popularity": 0.1, "in_stock": 0.1, "recency": 0.05, "rating": 0.05,
                  "attribute": {"name": "margin", "weight": 0.1}}})")
                              .value();
  EXPECT_EQ(FieldWeightOf(ranking, "title"), 4.0);
  EXPECT_EQ(FieldWeightOf(ranking, "description"), 0.0);
  EXPECT_EQ(FieldWeightOf(ranking, "brand"), 2.0);
  EXPECT_FALSE(ranking.default_fields());
  EXPECT_DOUBLE_EQ(ranking.signals.sum(), 0.4);
  EXPECT_EQ(ranking.signals.attribute, "margin");
  const Json json = Json::parse(ranking.json);
  EXPECT_EQ(json["fields"]["brand"], 2.0);
  EXPECT_EQ(json["signals"]["attribute"], Json::parse(R"({"name": "margin", "weight": 0.1})"));
  // The canonical JSON parses back to the same ranking.
  EXPECT_EQ(ParseRanking(ranking.json).value().json, ranking.json);
  EXPECT_TRUE(ParseRanking("{}").value().default_fields());
}

TEST(RankingTest, ValidationErrorsNameTheField) {
  const struct {
    std::string_view json;
    std::string_view parameter;
  } kCases[] = {
      {R"([])", "ranking"},
      {R"({"weights": {}})", "weights"},
      {R"({"fields": []})", "fields"},
      {R"({"fields": {"titel": 3}})", "fields.titel"},
      {R"({"fields": {"title": -1}})", "fields.title"},
      {R"({"fields": {"brand": "2"}})", "fields.brand"},
      {R"({"fields": {"brand": 101}})", "fields.brand"},
      {R"({"signals": {"clicks": 0.1}})", "signals.clicks"},
      {R"({"signals": {"popularity": -0.1}})", "signals.popularity"},
      {R"({"signals": {"rating": 0.6}})", "signals.rating"},
      {R"({"signals": {"popularity": 0.3, "rating": 0.3}})", "signals"},
      {R"({"signals": {"attribute": {"weight": 0.1}}})", "signals.attribute.name"},
      {R"({"signals": {"attribute": {"name": "price", "weight": 0.1}}})", "signals.attribute.name"},
      {R"({"signals": {"attribute": {"name": "margin"}}})", "signals.attribute.weight"},
      {R"({"signals": {"attribute": {"name": "margin", "weight": 0.1, "x": 1}}})",
       "signals.attribute.x"},
  };
  for (const auto& test : kCases) {
    const absl::StatusOr<Ranking> ranking = ParseRanking(test.json);
    ASSERT_FALSE(ranking.ok()) << test.json;
    EXPECT_EQ(ranking.status().code(), absl::StatusCode::kInvalidArgument) << test.json;
    EXPECT_EQ(ParameterOf(ranking.status()).value_or(""), test.parameter) << test.json;
  }
}

TEST(RankingTest, SignalsUpToTheCapAreAccepted) {
  const absl::StatusOr<Ranking> ranking = ParseRanking(
      R"({"signals": {"popularity": 0.2, "in_stock": 0.1, "recency": 0.1, "rating": 0.1}})");
  ASSERT_TRUE(ranking.ok()) << ranking.status();
  EXPECT_DOUBLE_EQ(ranking->signals.sum(), kMaxSignalWeight);
}

}  // namespace
}  // namespace vitrine::merch
