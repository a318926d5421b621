// Algolia's filter syntaxes laid onto a SearchRequest: what each means in
// Vitrine, and the shapes it refuses (naming why).
#include "server/algolia_filters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace vitrine::server::algolia {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<query::SearchRequest> FromExpression(std::string_view text) {
  absl::StatusOr<Conjunction> conjunction = ParseFilterExpression(text);
  if (!conjunction.ok()) return conjunction.status();
  query::SearchRequest request;
  absl::Status applied = ApplyConjunction(*conjunction, "filters", {"usage"}, request);
  if (!applied.ok()) return applied;
  return request;
}

TEST(AlgoliaFilters, ExpressionsBecomeFieldFiltersAndRanges) {
  const absl::StatusOr<query::SearchRequest> request = FromExpression(
      R"(brand:Nike AND (color:Red OR color:"Navy Blue") AND price:500 TO 1500 AND rating >= 4)"
      R"( AND in_stock:true AND category.lvl1:Topwear AND usage:'Casual')");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_THAT(request->filters.at("brand"), ElementsAre("Nike"));
  EXPECT_THAT(request->filters.at("color"), ElementsAre("Red", "Navy Blue"));
  EXPECT_THAT(request->filters.at("category"), ElementsAre("Topwear"));
  EXPECT_THAT(request->filters.at("usage"), ElementsAre("Casual"));
  EXPECT_EQ(request->ranges.at("price").gte, 500);
  EXPECT_EQ(request->ranges.at("price").lte, 1500);
  EXPECT_EQ(request->ranges.at("rating").gte, 4);
  EXPECT_FALSE(request->ranges.at("rating").lte);
  EXPECT_EQ(request->in_stock, true);
}

TEST(AlgoliaFilters, NumericComparisonsAreInclusiveRanges) {
  const struct {
    std::string filter;
    std::optional<double> gte, lte;
  } kCases[] = {
      {"price >= 10", 10, std::nullopt},
      {"price<=10", std::nullopt, 10},
      {"price = 10", 10, 10},
      {"price > 10", std::nextafter(10.0, 11.0), std::nullopt},
      {"price<10", std::nullopt, std::nextafter(10.0, 9.0)},
      {"price >= 5 AND price <= 20 AND price < 30 AND price > 1", 5, 20},  // intersected
  };
  for (const auto& c : kCases) {
    const absl::StatusOr<query::SearchRequest> request = FromExpression(c.filter);
    ASSERT_TRUE(request.ok()) << c.filter << ": " << request.status();
    EXPECT_EQ(request->ranges.at("price").gte, c.gte) << c.filter;
    EXPECT_EQ(request->ranges.at("price").lte, c.lte) << c.filter;
  }
}

TEST(AlgoliaFilters, RefusesWhatVitrineCannotExpressAndSaysWhy) {
  const struct {
    std::string filter;
    std::string why;
  } kCases[] = {
      {"NOT brand:Nike OR brand:Puma", "not inside an OR group"},
      {"NOT price:10 TO 20", "not inside an OR group nor on numbers"},
      {"brand:Nike OR color:Red", "OR across attributes (brand, color)"},
      {"(brand:Nike AND color:Red) OR brand:Puma", "(a AND b) OR c is not supported"},
      {"brand:Nike AND color:Red OR brand:Puma", "mixing AND and OR needs parentheses"},
      {"brand:Nike AND brand:Puma", "different values of 'brand' AND-ed"},
      {"price != 10", "'!=' is not supported"},
      {"price < 10 OR price > 20", "OR between numeric filters"},
      {"colour:Red", "cannot filter on 'colour'"},
      {"brand:Nike AND (color:Red", "'(' is not closed"},
      {"brand:\"Nike", "quoted string is not closed"},
      {"price:10 TO x", "range needs two numbers"},
      {"brand:Nike)", "unexpected ')'"},
      {"in_stock:maybe", "in_stock takes true or false"},
      {"price:cheap", "is numeric"},
  };
  for (const auto& c : kCases) {
    const absl::StatusOr<query::SearchRequest> request = FromExpression(c.filter);
    ASSERT_FALSE(request.ok()) << c.filter;
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument) << c.filter;
    EXPECT_THAT(request.status().message(), HasSubstr(c.why)) << c.filter;
  }
}

TEST(AlgoliaFilters, FacetFiltersOrInsideAndAcrossWithNegationMarked) {
  const absl::StatusOr<Conjunction> conjunction = ParseFacetFilters(
      {{"brand:Nike", "brand:Puma"}, {"gender:Men"}, {"color:-Red"}, {"size:\\-1"}});
  ASSERT_TRUE(conjunction.ok()) << conjunction.status();
  ASSERT_EQ(conjunction->size(), 4u);
  EXPECT_EQ((*conjunction)[0].size(), 2u);
  EXPECT_TRUE((*conjunction)[2][0].negated);
  EXPECT_EQ((*conjunction)[2][0].value, "Red");
  EXPECT_FALSE((*conjunction)[3][0].negated);
  EXPECT_EQ((*conjunction)[3][0].value, "-1");  // an escaped dash is a value

  query::SearchRequest request;
  Conjunction positive(conjunction->begin(), conjunction->begin() + 2);
  ASSERT_TRUE(ApplyConjunction(positive, "facetFilters", {}, request).ok());
  EXPECT_THAT(request.filters.at("brand"), ElementsAre("Nike", "Puma"));
  EXPECT_THAT(request.filters.at("gender"), ElementsAre("Men"));
  ASSERT_TRUE(ApplyConjunction(*conjunction, "facetFilters", {}, request).ok());
  EXPECT_THAT(request.excluded.at("color"), ElementsAre("Red"));
  EXPECT_FALSE(request.filters.contains("color"));
  EXPECT_THAT(request.filters.at("size"), ElementsAre("-1"));

  query::SearchRequest from_expression = FromExpression("brand:Nike AND NOT color:Red").value();
  EXPECT_THAT(from_expression.excluded.at("color"), ElementsAre("Red"));
  EXPECT_THAT(from_expression.filters.at("brand"), ElementsAre("Nike"));
  const absl::Status in_or_group = ApplyConjunction(
      ParseFacetFilters({{"color:-Red", "brand:Nike"}}).value(), "facetFilters", {}, request);
  EXPECT_THAT(in_or_group.message(), HasSubstr("negation (color:-Red"));
}

TEST(AlgoliaFilters, TheSameValuesAndedAgainAreOneFilter) {
  // InstantSearch may send a refinement in facetFilters and a configured filter
  // in `filters` for the same values.
  query::SearchRequest request;
  ASSERT_TRUE(
      ApplyConjunction(ParseFacetFilters({{"brand:Nike"}}).value(), "facetFilters", {}, request)
          .ok());
  ASSERT_TRUE(
      ApplyConjunction(ParseFilterExpression("brand:nike").value(), "filters", {}, request).ok());
  EXPECT_THAT(request.filters.at("brand"), ElementsAre("Nike"));
}

TEST(AlgoliaFilters, NumericFiltersParseTheirOperators) {
  const absl::StatusOr<Conjunction> conjunction =
      ParseNumericFilters({{"price>=500"}, {"rating = 4"}, {"price:100 TO 200"}});
  ASSERT_TRUE(conjunction.ok()) << conjunction.status();
  EXPECT_EQ((*conjunction)[0][0].op, ">=");
  EXPECT_EQ((*conjunction)[1][0].op, "=");
  EXPECT_EQ((*conjunction)[1][0].attribute, "rating");
  EXPECT_EQ((*conjunction)[2][0].op, "TO");
  EXPECT_EQ((*conjunction)[2][0].upper, 200);
  EXPECT_FALSE(ParseNumericFilters({{"price"}}).ok());
  EXPECT_FALSE(ParseNumericFilters({{"price>=cheap"}}).ok());
}

}  // namespace
}  // namespace vitrine::server::algolia
