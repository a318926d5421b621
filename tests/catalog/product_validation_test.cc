// Specification of ValidateProduct: required fields, ranges and limits. Every
// error names the field at fault (vitrine::ParameterOf).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <string_view>

#include "base/status.h"
#include "catalog/product.h"

namespace vitrine::catalog {
namespace {

Product Minimal() {
  Product p;
  p.id = "1001";
  p.title = "Navy Shirt";
  return p;
}

// The field ValidateProduct blames, or "<ok>" when it accepts the product.
std::string FieldAtFault(const Product& product) {
  const absl::Status status = ValidateProduct(product);
  if (status.ok()) return "<ok>";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return ParameterOf(status).value_or("<none>");
}

TEST(ValidateProduct, AcceptsIdAndTitleAlone) { EXPECT_EQ(FieldAtFault(Minimal()), "<ok>"); }

TEST(ValidateProduct, RequiresAnId) {
  Product p = Minimal();
  p.id.clear();
  EXPECT_EQ(FieldAtFault(p), "id");
}

TEST(ValidateProduct, RequiresATitle) {
  Product p = Minimal();
  p.title.clear();
  EXPECT_EQ(FieldAtFault(p), "title");
}

TEST(ValidateProduct, LimitsIdLength) {
  Product p = Minimal();
  p.id = std::string(kMaxIdBytes, '7');
  EXPECT_EQ(FieldAtFault(p), "<ok>");
  p.id.push_back('7');
  EXPECT_EQ(FieldAtFault(p), "id");
}

TEST(ValidateProduct, AcceptsIdsOfLettersDigitsAndDotUnderscoreTildeColonDash) {
  Product p = Minimal();
  p.id = "AZaz09._~:-";
  EXPECT_EQ(FieldAtFault(p), "<ok>");
}

TEST(ValidateProduct, RejectsOtherIdCharacters) {
  for (std::string_view id : {"10 01", "10/01", "10?1", "a+b", "caf\xC3\xA9", "#1", "1\n"}) {
    Product p = Minimal();
    p.id = std::string(id);
    EXPECT_EQ(FieldAtFault(p), "id") << id;
  }
}

// Every short text field, with a pointer to it.
struct TextField {
  std::string_view name;
  std::string Product::*member;
};
constexpr TextField kShortTextFields[] = {
    {"title", &Product::title},       {"brand", &Product::brand},
    {"gender", &Product::gender},     {"color", &Product::color},
    {"season", &Product::season},     {"material", &Product::material},
    {"currency", &Product::currency}, {"image_url", &Product::image_url},
    {"url", &Product::url},           {"parent_id", &Product::parent_id},
};

TEST(ValidateProduct, LimitsEachTextFieldToMaxTextBytes) {
  for (const TextField& field : kShortTextFields) {
    Product p = Minimal();
    p.*field.member = std::string(kMaxTextBytes, 'x');
    EXPECT_EQ(FieldAtFault(p), "<ok>") << field.name;
    (p.*field.member).push_back('x');
    EXPECT_EQ(FieldAtFault(p), field.name);
  }
}

TEST(ValidateProduct, RejectsInvalidUtf8InEachTextField) {
  for (const TextField& field : kShortTextFields) {
    Product p = Minimal();
    p.*field.member = "Caf\xC3";  // truncated two-byte sequence
    EXPECT_EQ(FieldAtFault(p), field.name);
  }
}

TEST(ValidateProduct, LimitsDescriptionToMaxDescriptionBytes) {
  Product p = Minimal();
  p.description = std::string(kMaxDescriptionBytes, 'x');
  EXPECT_EQ(FieldAtFault(p), "<ok>");
  p.description.push_back('x');
  EXPECT_EQ(FieldAtFault(p), "description");
}

TEST(ValidateProduct, RejectsInvalidUtf8InTheDescription) {
  Product p = Minimal();
  p.description = "soft \xED\xA0\x80 cotton";  // a surrogate
  EXPECT_EQ(FieldAtFault(p), "description");
}

TEST(ValidateProduct, LimitsListItems) {
  for (auto [name, member] :
       {std::pair{"category", &Product::category}, std::pair{"sizes", &Product::sizes}}) {
    Product p = Minimal();
    p.*member = std::vector<std::string>(kMaxListItems, "M");
    EXPECT_EQ(FieldAtFault(p), "<ok>") << name;
    (p.*member).push_back("M");
    EXPECT_EQ(FieldAtFault(p), name);
  }
}

TEST(ValidateProduct, RejectsEmptyOverLongAndInvalidListItems) {
  for (auto [name, member] :
       {std::pair{"category", &Product::category}, std::pair{"sizes", &Product::sizes}}) {
    for (const std::string& bad :
         {std::string(), std::string(kMaxTextBytes + 1, 'x'), std::string("\xFF")}) {
      Product p = Minimal();
      p.*member = {"ok", bad};
      EXPECT_EQ(FieldAtFault(p), name);
    }
  }
}

struct RangeCase {
  std::string_view field;
  std::optional<double> Product::*member;
  double lowest_ok;
  double highest_ok;
  double too_low;
  double too_high;
};

TEST(ValidateProduct, ChecksNumberRanges) {
  const RangeCase cases[] = {
      {"price", &Product::price, 0, 1e12, -0.01, 1.01e12},
      {"rating", &Product::rating, 0, 5, -0.1, 5.1},
      {"popularity", &Product::popularity, 0, 1e15, -1, 1.01e15},
  };
  for (const RangeCase& c : cases) {
    for (double ok : {c.lowest_ok, c.highest_ok}) {
      Product p = Minimal();
      p.*c.member = ok;
      EXPECT_EQ(FieldAtFault(p), "<ok>") << c.field << " = " << ok;
    }
    for (double bad :
         {c.too_low, c.too_high, std::nan(""), std::numeric_limits<double>::infinity()}) {
      Product p = Minimal();
      p.*c.member = bad;
      EXPECT_EQ(FieldAtFault(p), c.field) << c.field << " = " << bad;
    }
  }
}

TEST(ValidateProduct, RejectsNegativeStock) {
  Product p = Minimal();
  p.stock = 0;
  EXPECT_EQ(FieldAtFault(p), "<ok>");
  p.stock = -1;
  EXPECT_EQ(FieldAtFault(p), "stock");
}

TEST(ValidateProduct, LimitsTheNumberOfAttributes) {
  Product p = Minimal();
  for (size_t i = 0; i < kMaxAttributes; ++i) p.attributes["a" + std::to_string(i)] = "v";
  EXPECT_EQ(FieldAtFault(p), "<ok>");
  p.attributes["one_more"] = "v";
  EXPECT_EQ(FieldAtFault(p), "attributes");
}

TEST(ValidateProduct, NamesTheAttributeWithABadKey) {
  for (std::string_view key : {"Usage", "neck-type", "", "sleeve length"}) {
    Product p = Minimal();
    p.attributes[std::string(key)] = "v";
    EXPECT_EQ(FieldAtFault(p), "attributes." + std::string(key)) << "'" << key << "'";
  }
  Product p = Minimal();
  p.attributes[std::string(64, 'k')] = "v";
  EXPECT_EQ(FieldAtFault(p), "<ok>");
  p.attributes[std::string(65, 'k')] = "v";
  EXPECT_EQ(FieldAtFault(p), "attributes." + std::string(65, 'k'));
}

TEST(ValidateProduct, NamesTheAttributeWithABadValue) {
  Product p = Minimal();
  p.attributes["usage"] = std::string(kMaxTextBytes + 1, 'x');
  EXPECT_EQ(FieldAtFault(p), "attributes.usage");
  p.attributes["usage"] = "\xC0\xAF";
  EXPECT_EQ(FieldAtFault(p), "attributes.usage");
}

}  // namespace
}  // namespace vitrine::catalog
