// Specification of SetFieldFromText (the CSV cell forms of each field) and
// IsKnownField.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/product.h"

namespace vitrine::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

// Sets one field on an empty product and returns the product.
Product With(std::string_view field, std::string_view text) {
  Product p;
  const absl::Status status = SetFieldFromText(p, field, text);
  EXPECT_TRUE(status.ok()) << field << " = '" << text << "': " << status;
  return p;
}

// The field a rejected cell is blamed on.
std::string FieldAtFault(std::string_view field, std::string_view text) {
  Product p;
  const absl::Status status = SetFieldFromText(p, field, text);
  if (status.ok()) return "<ok>";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  return ParameterOf(status).value_or("<none>");
}

TEST(SetFieldFromText, SetsTextFieldsTrimmed) {
  EXPECT_EQ(With("id", " 1001 ").id, "1001");
  EXPECT_EQ(With("title", "  Navy Shirt\t").title, "Navy Shirt");
  EXPECT_EQ(With("brand", "Vero Moda").brand, "Vero Moda");
  EXPECT_EQ(With("description", "Soft\ncotton").description, "Soft\ncotton");
  EXPECT_EQ(With("gender", "Men").gender, "Men");
  EXPECT_EQ(With("color", "Navy Blue").color, "Navy Blue");
  EXPECT_EQ(With("season", "Fall").season, "Fall");
  EXPECT_EQ(With("material", "Cotton").material, "Cotton");
  EXPECT_EQ(With("currency", "INR").currency, "INR");
  EXPECT_EQ(With("image_url", "https://img/1.jpg").image_url, "https://img/1.jpg");
  EXPECT_EQ(With("url", "https://shop/1").url, "https://shop/1");
  EXPECT_EQ(With("parent_id", "style-7").parent_id, "style-7");
}

TEST(SetFieldFromText, SplitsCategoryPathsOnGreaterThan) {
  EXPECT_THAT(With("category", "Apparel > Topwear >Tshirts").category,
              ElementsAre("Apparel", "Topwear", "Tshirts"));
  EXPECT_THAT(With("category", "Apparel").category, ElementsAre("Apparel"));
}

TEST(SetFieldFromText, SplitsSizesOnBars) {
  EXPECT_THAT(With("sizes", "S | M|L").sizes, ElementsAre("S", "M", "L"));
}

TEST(SetFieldFromText, ParsesNumbersAsDecimals) {
  EXPECT_EQ(With("price", "1299.50").price, 1299.5);
  EXPECT_EQ(With("price", " 1999 ").price, 1999.0);
  EXPECT_EQ(With("rating", "4.5").rating, 4.5);
  EXPECT_EQ(With("popularity", "1e3").popularity, 1000.0);
  EXPECT_EQ(With("stock", "12").stock, 12);
}

TEST(SetFieldFromText, RejectsMalformedNumbersNamingTheField) {
  EXPECT_EQ(FieldAtFault("price", "cheap"), "price");
  EXPECT_EQ(FieldAtFault("price", "1,299"), "price");
  EXPECT_EQ(FieldAtFault("price", "inf"), "price");
  EXPECT_EQ(FieldAtFault("rating", "4.5 stars"), "rating");
  EXPECT_EQ(FieldAtFault("popularity", "nan"), "popularity");
  EXPECT_EQ(FieldAtFault("stock", "1.5"), "stock");
  EXPECT_EQ(FieldAtFault("stock", "99999999999999999999"), "stock");
}

TEST(SetFieldFromText, ParsesBooleans) {
  EXPECT_EQ(With("in_stock", "true").in_stock, true);
  EXPECT_EQ(With("in_stock", "YES").in_stock, true);
  EXPECT_EQ(With("in_stock", "1").in_stock, true);
  EXPECT_EQ(With("in_stock", "false").in_stock, false);
  EXPECT_EQ(With("in_stock", "no").in_stock, false);
  EXPECT_EQ(With("in_stock", "0").in_stock, false);
  EXPECT_EQ(FieldAtFault("in_stock", "maybe"), "in_stock");
}

TEST(SetFieldFromText, ParsesTimestampsAsUnixSecondsOrRfc3339) {
  EXPECT_EQ(With("created_at", "1795737600").created_at, 1795737600);
  EXPECT_EQ(With("created_at", "2026-11-27T00:00:00Z").created_at, 1795737600);
  EXPECT_EQ(With("created_at", "2026-11-27T11:00:00+05:30").created_at, 1795757400);
  EXPECT_EQ(FieldAtFault("created_at", "27/11/2026"), "created_at");
  EXPECT_EQ(FieldAtFault("created_at", "yesterday"), "created_at");
}

TEST(SetFieldFromText, SetsAttributesByDottedName) {
  EXPECT_THAT(With("attributes.usage", " Casual ").attributes,
              ElementsAre(Pair("usage", "Casual")));
}

TEST(SetFieldFromText, LeavesTheFieldUnsetForEmptyText) {
  Product p;
  p.title = "Navy Shirt";
  const Product before = p;
  for (std::string_view field : {"title", "price", "in_stock", "category", "attributes.usage"}) {
    ASSERT_TRUE(SetFieldFromText(p, field, "").ok()) << field;
    ASSERT_TRUE(SetFieldFromText(p, field, "  \t ").ok()) << field;
  }
  EXPECT_EQ(p, before);
}

TEST(SetFieldFromText, RejectsUnknownFieldsNamingThem) {
  EXPECT_EQ(FieldAtFault("colour", "Red"), "colour");
  EXPECT_EQ(FieldAtFault("attributes", "Red"), "attributes");
}

TEST(IsKnownField, KnowsEverySchemaField) {
  for (std::string_view field :
       {"id",     "title",      "brand",      "description",     "category", "gender",
        "color",  "season",     "material",   "sizes",           "price",    "currency",
        "rating", "popularity", "created_at", "in_stock",        "stock",    "image_url",
        "url",    "parent_id",  "attributes", "attributes.usage"}) {
    EXPECT_TRUE(IsKnownField(field)) << field;
  }
}

TEST(IsKnownField, RejectsOtherNames) {
  for (std::string_view field : {"", "colour", "Title", "attributes.", "price "}) {
    EXPECT_FALSE(IsKnownField(field)) << "'" << field << "'";
  }
}

}  // namespace
}  // namespace vitrine::catalog
