// The Product model: what one catalog record is, how it is validated, and its
// canonical JSON snapshot (what search hits and /v1/products/{id} return).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vitrine::catalog {

struct Product {
  std::string id;     // required; [A-Za-z0-9._~:-], at most 128 bytes
  std::string title;  // required, non-empty
  std::string brand;
  std::string description;
  std::vector<std::string> category;  // path from the root: {"Apparel", "Topwear", "Tshirts"}
  std::string gender;
  std::string color;
  std::string season;
  std::string material;
  std::vector<std::string> sizes;  // the sizes a size filter finds (those in stock)
  // Units per size over the product's whole size run, in run order: a tile shows
  // every size and which are sold out. Fills in `sizes` (the sizes with units),
  // and `stock` (their sum) and `in_stock` when those are absent; see CompleteProduct.
  struct SizeStock {
    std::string size;
    int64_t units = 0;  // >= 0
    friend bool operator==(const SizeStock&, const SizeStock&) = default;
  };
  std::vector<SizeStock> size_stock;
  std::optional<double> price;  // >= 0, in `currency`
  std::string currency;
  std::optional<double> rating;       // 0..5
  std::optional<double> popularity;   // >= 0, higher is more popular
  std::optional<int64_t> created_at;  // seconds since the Unix epoch
  std::optional<bool> in_stock;
  std::optional<int64_t> stock;  // units available, >= 0
  std::string image_url;
  std::string url;
  std::string parent_id;                          // groups variants of one style
  std::map<std::string, std::string> attributes;  // declared extra fields, scalar values

  friend bool operator==(const Product&, const Product&) = default;
};

// Limits every writer of products honours (feeds and the HTTP API).
inline constexpr size_t kMaxIdBytes = 128;
inline constexpr size_t kMaxTextBytes = 1024;  // title, brand, colour, ...
inline constexpr size_t kMaxDescriptionBytes = 64 * 1024;
inline constexpr size_t kMaxListItems = 64;  // category levels, sizes, size_stock
inline constexpr size_t kMaxAttributes = 64;

// Checks required fields, ranges and limits of an assembled product, and that
// `sizes` lists exactly the sizes `size_stock` has units of. Errors name the
// field (see vitrine::ParameterOf).
absl::Status ValidateProduct(const Product& product);

// Fills in what `size_stock` implies and the record left out (`sizes`, `stock`,
// `in_stock`), then validates. Every reader of a record calls it once all its
// fields are set.
absl::Status CompleteProduct(Product& product);

// Parses a product from a JSON object (a feed line or an API body) and validates
// it. Unknown fields, wrong types and invalid UTF-8 are errors naming the field.
absl::StatusOr<Product> ProductFromJson(std::string_view json);

// Applies a JSON merge patch (RFC 7386, as PATCH /v1/products/{id} does) to a
// product and validates the result: the patch's members replace the product's,
// `attributes` merge key by key, and null removes a field or an attribute. The
// patch may repeat the product's id but not change it. Errors name the field.
absl::StatusOr<Product> MergePatch(const Product& product, std::string_view patch_json);

// Sets one field from its text form, as in a CSV cell: numbers as decimals,
// booleans as true/false/1/0/yes/no, category as "A > B > C", sizes as "S|M|L",
// size_stock as "S:0|M:13|L:7", attributes as "attributes.<key>". Empty text leaves the field
// unset.
absl::Status SetFieldFromText(Product& product, std::string_view field, std::string_view text);

// True when `field` names a field SetFieldFromText understands.
bool IsKnownField(std::string_view field);

// Canonical snapshot: fields in a fixed order, absent ones omitted, integral
// numbers without a fraction. Stable, so a re-run of the same feed stores the same bytes.
std::string ProductToJson(const Product& product);

}  // namespace vitrine::catalog
