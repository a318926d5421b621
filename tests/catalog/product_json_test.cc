// Specification of ProductFromJson (strict parsing of feed lines and API bodies)
// and ProductToJson (the canonical snapshot).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/product.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

// A product with id and title only.
Product Minimal(std::string id, std::string title) {
  Product p;
  p.id = std::move(id);
  p.title = std::move(title);
  return p;
}

// A product with every field set.
Product FullProduct() {
  Product p = Minimal("1001", "Turtle Check Men Navy Blue Shirt");
  p.brand = "Turtle";
  p.description = "Slim fit, \"easy iron\" cotton.";
  p.category = {"Apparel", "Topwear", "Shirts"};
  p.gender = "Men";
  p.color = "Navy Blue";
  p.season = "Fall";
  p.material = "Cotton";
  p.sizes = {"S", "M", "L"};
  p.price = 1299;
  p.currency = "INR";
  p.rating = 4.2;
  p.popularity = 310;
  p.created_at = 1795737600;
  p.in_stock = true;
  p.stock = 17;
  p.image_url = "https://img.example/1001.jpg";
  p.url = "https://shop.example/p/1001";
  p.parent_id = "style-1001";
  p.attributes = {{"fit", "Slim"}, {"usage", "Casual"}};
  return p;
}

constexpr std::string_view kFullProductJson =
    R"({"id":"1001","title":"Turtle Check Men Navy Blue Shirt","brand":"Turtle",)"
    R"("description":"Slim fit, \"easy iron\" cotton.","category":["Apparel","Topwear","Shirts"],)"
    R"("gender":"Men","color":"Navy Blue","season":"Fall","material":"Cotton",)"
    R"("sizes":["S","M","L"],"price":1299,"currency":"INR","rating":4.2,"popularity":310,)"
    R"("created_at":1795737600,"in_stock":true,"stock":17,)"
    R"("image_url":"https://img.example/1001.jpg","url":"https://shop.example/p/1001",)"
    R"("parent_id":"style-1001","attributes":{"fit":"Slim","usage":"Casual"}})";

// The field a rejected JSON record is blamed on.
std::string FieldAtFault(std::string_view json) {
  const absl::StatusOr<Product> product = ProductFromJson(json);
  if (product.ok()) return "<ok>";
  EXPECT_EQ(product.status().code(), absl::StatusCode::kInvalidArgument);
  return ParameterOf(product.status()).value_or("<none>");
}

TEST(ProductFromJson, ParsesAGoodRecord) {
  const absl::StatusOr<Product> product = ProductFromJson(kFullProductJson);
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_EQ(*product, FullProduct());
}

TEST(ProductFromJson, TreatsNullAsAbsent) {
  const absl::StatusOr<Product> product =
      ProductFromJson(R"({"id": "1", "title": "Tee", "price": null, "brand": null})");
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_EQ(*product, Minimal("1", "Tee"));
}

TEST(ProductFromJson, RejectsWrongTypesNamingTheField) {
  struct Case {
    std::string_view json;
    std::string_view field;
  };
  for (const Case& c : {
           Case{R"({"id": "1", "title": 5})", "title"},
           Case{R"({"id": true, "title": "Tee"})", "id"},
           Case{R"({"id": -5, "title": "Tee"})", "id"},
           Case{R"({"id": "1", "title": "Tee", "price": "cheap"})", "price"},
           Case{R"({"id": "1", "title": "Tee", "rating": [4]})", "rating"},
           Case{R"({"id": "1", "title": "Tee", "sizes": "S|M"})", "sizes"},
           Case{R"({"id": "1", "title": "Tee", "sizes": ["S", 9]})", "sizes"},
           Case{R"({"id": "1", "title": "Tee", "category": 7})", "category"},
           Case{R"({"id": "1", "title": "Tee", "stock": 1.5})", "stock"},
           Case{R"({"id": "1", "title": "Tee", "in_stock": "yes"})", "in_stock"},
           Case{R"({"id": "1", "title": "Tee", "created_at": true})", "created_at"},
           Case{R"({"id": "1", "title": "Tee", "created_at": "last week"})", "created_at"},
           Case{R"({"id": "1", "title": "Tee", "attributes": ["Casual"]})", "attributes"},
           Case{R"({"id": "1", "title": "Tee", "attributes": {"usage": {"a": 1}}})",
                "attributes.usage"},
       }) {
    EXPECT_EQ(FieldAtFault(c.json), c.field) << c.json;
  }
}

TEST(ProductFromJson, RejectsIntegersBeyondInt64NamingTheField) {
  // 2^63 and 2^64 - 1 do not fit an int64_t; they must not wrap to negative values.
  EXPECT_EQ(FieldAtFault(R"({"id": "1", "title": "Tee", "created_at": 9223372036854775808})"),
            "created_at");
  EXPECT_EQ(FieldAtFault(R"({"id": "1", "title": "Tee", "stock": 18446744073709551615})"), "stock");
  EXPECT_EQ(FieldAtFault(R"({"id": "1", "title": "Tee", "stock": 9223372036854775807})"), "<ok>");
}

TEST(ProductFromJson, SaysWhatTypeWasExpected) {
  const absl::StatusOr<Product> product =
      ProductFromJson(R"({"id": "1", "title": "Tee", "price": "cheap"})");
  EXPECT_EQ(product.status().message(), "price must be a number, got string");
}

TEST(ProductFromJson, RejectsUnknownFieldsNamingThem) {
  const absl::StatusOr<Product> product =
      ProductFromJson(R"({"id": "1", "title": "Tee", "colour": "red"})");
  EXPECT_EQ(ParameterOf(product.status()), "colour");
  EXPECT_THAT(product.status().message(), HasSubstr("unknown field 'colour'"));
}

TEST(ProductFromJson, ValidatesTheAssembledProduct) {
  EXPECT_EQ(FieldAtFault(R"({"title": "No id"})"), "id");
  EXPECT_EQ(FieldAtFault(R"({"id": "1"})"), "title");
  EXPECT_EQ(FieldAtFault(R"({"id": "1", "title": "   "})"), "title");
  EXPECT_EQ(FieldAtFault(R"({"id": "1 2", "title": "Tee"})"), "id");
  EXPECT_EQ(FieldAtFault(R"({"id": "1", "title": "Tee", "rating": 7})"), "rating");
}

TEST(ProductFromJson, RejectsInvalidUtf8NamingTheFieldAndOffset) {
  // Byte 24 is the stray 0xFF inside the title.
  const absl::StatusOr<Product> product = ProductFromJson("{\"id\": \"1\", \"title\": \"Te\xFF\"}");
  ASSERT_EQ(product.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParameterOf(product.status()), "title");
  EXPECT_EQ(product.status().message(), "title has invalid UTF-8 at byte 24");
}

TEST(ProductFromJson, NamesNestedAndListFieldsWithInvalidUtf8) {
  EXPECT_EQ(FieldAtFault("{\"id\": \"1\", \"attributes\": {\"a\": \"x\", \"fit\": \"\xC3\"}}"),
            "attributes.fit");
  EXPECT_EQ(FieldAtFault("{\"id\": \"1\", \"sizes\": [\"S\", \"M\\\"\xFF\"]}"), "sizes");
  EXPECT_EQ(FieldAtFault("{\"id\": \"1\", \"ti\xFFtle\": \"x\"}"), "");
}

TEST(ProductFromJson, RejectsMalformedJson) {
  for (std::string_view json : {R"({"id": "1", "title": "Tee")", "", "{id: 1}",
                                R"({"id": "1", "title": "Tee"} trailing)"}) {
    const absl::StatusOr<Product> product = ProductFromJson(json);
    ASSERT_EQ(product.status().code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(product.status().message(), HasSubstr("malformed JSON")) << json;
    EXPECT_EQ(ParameterOf(product.status()), "") << json;  // the record, not a field
  }
}

TEST(ProductFromJson, RejectsJsonThatIsNotAnObject) {
  for (std::string_view json : {"[]", "42", R"("tee")", "null"}) {
    EXPECT_EQ(ProductFromJson(json).status().code(), absl::StatusCode::kInvalidArgument) << json;
  }
}

TEST(ProductFromJson, ReadsNumericIdsAsTheirDecimalText) {
  const absl::StatusOr<Product> product = ProductFromJson(R"({"id": 15970, "title": "Tee"})");
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_EQ(product->id, "15970");
}

TEST(ProductFromJson, ReadsACategoryPathString) {
  const absl::StatusOr<Product> product =
      ProductFromJson(R"({"id": "1", "title": "Tee", "category": "Apparel > Topwear > Tshirts"})");
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_THAT(product->category, ElementsAre("Apparel", "Topwear", "Tshirts"));
}

TEST(ProductFromJson, ReadsRfc3339Timestamps) {
  const absl::StatusOr<Product> product =
      ProductFromJson(R"({"id": "1", "title": "Tee", "created_at": "2026-11-27T00:00:00Z"})");
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_EQ(product->created_at, 1795737600);
}

TEST(ProductFromJson, ConvertsScalarAttributesToText) {
  const absl::StatusOr<Product> product = ProductFromJson(
      R"({"id": "1", "title": "Tee", "attributes": )"
      R"({"usage": "Casual", "pockets": 2, "stretch": true, "weight_kg": 0.25, "lining": null}})");
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_THAT(product->attributes, ElementsAre(Pair("pockets", "2"), Pair("stretch", "true"),
                                               Pair("usage", "Casual"), Pair("weight_kg", "0.25")));
}

TEST(ProductToJson, WritesFieldsInCanonicalOrder) {
  EXPECT_EQ(ProductToJson(FullProduct()), kFullProductJson);
}

TEST(ProductToJson, OmitsAbsentFields) {
  EXPECT_EQ(ProductToJson(Minimal("1", "Tee")), R"({"id":"1","title":"Tee"})");
}

TEST(ProductToJson, WritesIntegralNumbersWithoutAFraction) {
  Product p = Minimal("1", "Tee");
  p.price = 1299.0;
  p.rating = 4.5;
  p.popularity = 0.0;
  EXPECT_EQ(ProductToJson(p),
            R"({"id":"1","title":"Tee","price":1299,"rating":4.5,"popularity":0})");
}

TEST(ProductToJson, IsIndependentOfInputFieldOrder) {
  const absl::StatusOr<Product> a =
      ProductFromJson(R"({"id": "1", "title": "Tee", "price": 10, "brand": "Puma"})");
  const absl::StatusOr<Product> b =
      ProductFromJson(R"({"brand": "Puma", "price": 10.0, "title": "Tee", "id": "1"})");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(ProductToJson(*a), ProductToJson(*b));
}

TEST(ProductToJson, RoundTripsThroughProductFromJson) {
  Product p = FullProduct();
  p.price = 1299.99;
  p.rating = 0.1;
  p.popularity = 1e14;
  p.created_at = -86400;  // before the epoch
  p.in_stock = false;
  p.stock = 0;
  p.title = "Café Crème \"Summer\" Dress\twith\\slash";
  const absl::StatusOr<Product> parsed = ProductFromJson(ProductToJson(p));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, p);
}

TEST(ProductToJson, RoundTripsEveryFixtureRecord) {
  std::istringstream feed(testing::ReadFile(testing::TestData("products.jsonl")));
  int records = 0;
  for (std::string line; std::getline(feed, line);) {
    const absl::StatusOr<Product> product = ProductFromJson(line);
    ASSERT_TRUE(product.ok()) << product.status();
    const std::string snapshot = ProductToJson(*product);
    const absl::StatusOr<Product> reparsed = ProductFromJson(snapshot);
    ASSERT_TRUE(reparsed.ok()) << reparsed.status();
    EXPECT_EQ(*reparsed, *product) << line;
    EXPECT_EQ(ProductToJson(*reparsed), snapshot) << "the snapshot is a fixed point";
    ++records;
  }
  EXPECT_EQ(records, 12);
}

TEST(ProductToJson, IsValidJson) {
  EXPECT_TRUE(nlohmann::json::accept(ProductToJson(FullProduct())));
}

TEST(ProductFromJson, RejectsANumberTooLargeForADouble) {
  // Found by fuzzing: nlohmann reports it as out_of_range, not parse_error.
  for (std::string_view json :
       {R"({"id": "1", "title": "T", "price": 1e999})", R"({"id": 44444444.4444E0999999999})"}) {
    const absl::StatusOr<Product> product = ProductFromJson(json);
    ASSERT_FALSE(product.ok()) << json;
    EXPECT_EQ(product.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(product.status().message(), HasSubstr("number overflow"));
  }
}

}  // namespace
}  // namespace vitrine::catalog
