// Specification of size_stock: units per size over a product's size run, in a
// JSON record, a CSV cell and a merge patch, and what it fills in.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/product.h"

namespace vitrine::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using SizeStock = Product::SizeStock;

constexpr std::string_view kShirt =
    R"({"id": "1001", "title": "Turtle Check Men Navy Blue Shirt", )"
    R"("size_stock": {"S": 0, "M": 13, "L": 7, "XL": 0}})";

TEST(SizeStock, KeepsTheRunsOrderAndFillsInSizesStockAndInStock) {
  const absl::StatusOr<Product> shirt = ProductFromJson(kShirt);
  ASSERT_TRUE(shirt.ok()) << shirt.status();
  EXPECT_THAT(shirt->size_stock, ElementsAre(SizeStock{"S", 0}, SizeStock{"M", 13},
                                             SizeStock{"L", 7}, SizeStock{"XL", 0}));
  EXPECT_THAT(shirt->sizes, ElementsAre("M", "L"));  // what a size filter finds
  EXPECT_EQ(shirt->stock, 20);
  EXPECT_EQ(shirt->in_stock, true);
  EXPECT_EQ(ProductToJson(*shirt),
            R"({"id":"1001","title":"Turtle Check Men Navy Blue Shirt","sizes":["M","L"],)"
            R"("size_stock":{"S":0,"M":13,"L":7,"XL":0},"in_stock":true,"stock":20})");
  // The snapshot reads back as the same product.
  const absl::StatusOr<Product> again = ProductFromJson(ProductToJson(*shirt));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *shirt);
}

TEST(SizeStock, ASoldOutRunIsOutOfStock) {
  const absl::StatusOr<Product> shirt =
      ProductFromJson(R"({"id": "1", "title": "Tee", "size_stock": {"S": 0, "M": 0}})");
  ASSERT_TRUE(shirt.ok()) << shirt.status();
  EXPECT_TRUE(shirt->sizes.empty());
  EXPECT_EQ(shirt->stock, 0);
  EXPECT_EQ(shirt->in_stock, false);
}

TEST(SizeStock, KeepsStockAndInStockTheRecordStates) {
  const absl::StatusOr<Product> shirt = ProductFromJson(
      R"({"id": "1", "title": "Tee", "size_stock": {"S": 2}, "stock": 5, "in_stock": false})");
  ASSERT_TRUE(shirt.ok()) << shirt.status();
  EXPECT_EQ(shirt->stock, 5);
  EXPECT_EQ(shirt->in_stock, false);
}

TEST(SizeStock, SizesGivenTooMustBeTheSizesInStockInAnyOrder) {
  EXPECT_TRUE(
      ProductFromJson(
          R"({"id": "1", "title": "Tee", "sizes": ["L", "M"], "size_stock": {"M": 1, "L": 2}})")
          .ok());
  const absl::StatusOr<Product> wrong = ProductFromJson(
      R"({"id": "1", "title": "Tee", "sizes": ["S", "M"], "size_stock": {"S": 0, "M": 1}})");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(ParameterOf(wrong.status()), "sizes");
  EXPECT_THAT(wrong.status().message(), HasSubstr("size_stock has units of (M)"));
}

TEST(SizeStock, RejectsBadRunsNamingTheSize) {
  struct Case {
    std::string_view size_stock;
    std::string_view parameter;
    std::string_view message;
  } cases[] = {
      {R"(["S", "M"])", "size_stock", "size_stock must be an object of sizes to units"},
      {R"({"S": -1})", "size_stock.S", "must not be negative"},
      {R"({"S": 1.5})", "size_stock.S", "must be an integer"},
      {R"({"S": "3"})", "size_stock.S", "must be an integer"},
      {R"({"": 3})", "size_stock", "empty size"},
      {R"({"S": 1, "S": 2})", "", ""},  // JSON keeps the last of a repeated key
  };
  for (const Case& c : cases) {
    const absl::StatusOr<Product> product =
        ProductFromJson(std::string(R"({"id": "1", "title": "Tee", "size_stock": )") +
                        std::string(c.size_stock) + "}");
    if (c.parameter.empty()) {
      EXPECT_TRUE(product.ok()) << c.size_stock << ": " << product.status();
      continue;
    }
    ASSERT_FALSE(product.ok()) << c.size_stock;
    EXPECT_EQ(ParameterOf(product.status()), c.parameter) << c.size_stock;
    EXPECT_THAT(product.status().message(), HasSubstr(c.message)) << c.size_stock;
  }
}

TEST(SizeStock, ReadsACsvCell) {
  Product shirt;
  ASSERT_TRUE(SetFieldFromText(shirt, "id", "1").ok());
  ASSERT_TRUE(SetFieldFromText(shirt, "title", "Tee").ok());
  ASSERT_TRUE(SetFieldFromText(shirt, "size_stock", "UK 6:0 | UK 7:4|UK 8 : 2").ok());
  ASSERT_TRUE(CompleteProduct(shirt).ok());
  EXPECT_THAT(shirt.size_stock,
              ElementsAre(SizeStock{"UK 6", 0}, SizeStock{"UK 7", 4}, SizeStock{"UK 8", 2}));
  EXPECT_THAT(shirt.sizes, ElementsAre("UK 7", "UK 8"));

  Product bad;
  const absl::Status status = SetFieldFromText(bad, "size_stock", "S:1|M");
  EXPECT_EQ(ParameterOf(status), "size_stock");
  EXPECT_THAT(status.message(), HasSubstr("size:units (S:0|M:13), got 'M'"));
  const absl::Status repeated = [] {
    Product twice;
    twice.id = "1";
    twice.title = "Tee";
    if (absl::Status set = SetFieldFromText(twice, "size_stock", "S:1|S:2"); !set.ok()) return set;
    return CompleteProduct(twice);
  }();
  EXPECT_EQ(ParameterOf(repeated), "size_stock.S");
  EXPECT_THAT(repeated.message(), HasSubstr("lists S twice"));
}

TEST(SizeStock, APatchOfTheRunFillsInAfreshWhatItImplies) {
  const absl::StatusOr<Product> shirt = ProductFromJson(kShirt);
  ASSERT_TRUE(shirt.ok()) << shirt.status();
  // One size sells out and another comes in: merged size by size.
  const absl::StatusOr<Product> patched =
      MergePatch(*shirt, R"({"size_stock": {"M": 0, "XL": 3}})");
  ASSERT_TRUE(patched.ok()) << patched.status();
  EXPECT_THAT(patched->size_stock, ElementsAre(SizeStock{"S", 0}, SizeStock{"M", 0},
                                               SizeStock{"L", 7}, SizeStock{"XL", 3}));
  EXPECT_THAT(patched->sizes, ElementsAre("L", "XL"));
  EXPECT_EQ(patched->stock, 10);
  EXPECT_EQ(patched->in_stock, true);
  // Everything sold: out of stock.
  const absl::StatusOr<Product> sold = MergePatch(*patched, R"({"size_stock": {"L": 0, "XL": 0}})");
  ASSERT_TRUE(sold.ok()) << sold.status();
  EXPECT_TRUE(sold->sizes.empty());
  EXPECT_EQ(sold->in_stock, false);
  // A size dropped from the run with null.
  const absl::StatusOr<Product> shorter = MergePatch(*shirt, R"({"size_stock": {"XL": null}})");
  ASSERT_TRUE(shorter.ok()) << shorter.status();
  EXPECT_EQ(shorter->size_stock.size(), 3u);
  // Sizes patched alone must still agree with the run.
  const absl::StatusOr<Product> disagreeing = MergePatch(*shirt, R"({"sizes": ["S"]})");
  ASSERT_FALSE(disagreeing.ok());
  EXPECT_EQ(ParameterOf(disagreeing.status()), "sizes");
  // Removing the run keeps what it had filled in.
  const absl::StatusOr<Product> plain = MergePatch(*shirt, R"({"size_stock": null})");
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_TRUE(plain->size_stock.empty());
  EXPECT_THAT(plain->sizes, ElementsAre("M", "L"));
  EXPECT_EQ(plain->stock, 20);
}

}  // namespace
}  // namespace vitrine::catalog
