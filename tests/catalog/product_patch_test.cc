// Specification of MergePatch: a JSON merge patch (RFC 7386) applied to a
// product, as supplemental feeds and PATCH /v1/products/{id} apply them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/product.h"

namespace vitrine::catalog {
namespace {

using ::testing::HasSubstr;

Product Shirt() {
  Product p;
  p.id = "1001";
  p.title = "Turtle Check Men Navy Blue Shirt";
  p.color = "Navy Blue";
  p.sizes = {"S", "M"};
  p.price = 1299;
  p.attributes = {{"usage", "Casual"}, {"year", "2011"}};
  return p;
}

TEST(MergePatch, ChangesWhatThePatchNamesAndKeepsTheRest) {
  struct Case {
    std::string_view patch;
    std::string_view snapshot;
  } cases[] = {
      {R"({})",
       R"({"id":"1001","title":"Turtle Check Men Navy Blue Shirt","color":"Navy Blue","sizes":["S","M"],"price":1299,"attributes":{"usage":"Casual","year":"2011"}})"},
      {R"({"sizes": ["L"], "stock": 3, "in_stock": true, "rating": 4.5})",
       R"({"id":"1001","title":"Turtle Check Men Navy Blue Shirt","color":"Navy Blue","sizes":["L"],"price":1299,"rating":4.5,"in_stock":true,"stock":3,"attributes":{"usage":"Casual","year":"2011"}})"},
      {R"({"id": "1001", "attributes": {"demo": "synthetic", "year": null}, "price": null})",
       R"({"id":"1001","title":"Turtle Check Men Navy Blue Shirt","color":"Navy Blue","sizes":["S","M"],"attributes":{"demo":"synthetic","usage":"Casual"}})"},
      {R"({"id": 1001, "parent_id": "style-1001", "created_at": "2011-01-01T00:00:00Z"})",
       R"({"id":"1001","title":"Turtle Check Men Navy Blue Shirt","color":"Navy Blue","sizes":["S","M"],"price":1299,"created_at":1293840000,"parent_id":"style-1001","attributes":{"usage":"Casual","year":"2011"}})"},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<Product> merged = MergePatch(Shirt(), c.patch);
    ASSERT_TRUE(merged.ok()) << c.patch << ": " << merged.status();
    EXPECT_EQ(ProductToJson(*merged), c.snapshot) << c.patch;
  }
}

TEST(MergePatch, RejectsWhatWouldMakeAnInvalidProductNamingTheField) {
  struct Case {
    std::string_view patch;
    std::string_view field;
    std::string_view reason;
  } cases[] = {
      {R"({"rating": 7})", "rating", "rating must be between 0 and 5"},
      {R"({"title": null})", "title", "title is required"},
      {R"({"stock": "many"})", "stock", "stock must be an integer, got string"},
      {R"({"colour": "red"})", "colour", "unknown field 'colour'"},
      {R"({"id": "1002"})", "id", "a patch cannot change the product's id"},
      {R"(["rating", 4])", "", "a patch must be a JSON object, got array"},
      {R"({"rating": 4)", "", "malformed JSON"},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<Product> merged = MergePatch(Shirt(), c.patch);
    ASSERT_FALSE(merged.ok()) << c.patch;
    EXPECT_EQ(ParameterOf(merged.status()).value_or("?"), c.field) << c.patch;
    EXPECT_THAT(merged.status().message(), HasSubstr(c.reason)) << c.patch;
  }
}

}  // namespace
}  // namespace vitrine::catalog
