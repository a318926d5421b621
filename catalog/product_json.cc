// JSON <-> Product. Parsing is strict about types and names so that a feed with a
// typo fails loudly on its first record rather than indexing empty fields.
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "catalog/product.h"
#include "catalog/product_fields.h"

namespace vitrine::catalog {
namespace {

// Ordered, so size_stock keeps the run's order (S, M, L rather than L, M, S).
using Json = nlohmann::ordered_json;

std::string_view TypeName(const Json& value) { return value.type_name(); }

absl::Status WrongType(std::string_view field, std::string_view expected, const Json& value) {
  return InvalidParameter(field, StrCat(field, " must be ", expected, ", got ", TypeName(value)));
}

absl::StatusOr<std::string> AsString(std::string_view field, const Json& value) {
  if (!value.is_string()) return WrongType(field, "a string", value);
  return value.get<std::string>();
}

absl::StatusOr<double> AsNumber(std::string_view field, const Json& value) {
  if (!value.is_number()) return WrongType(field, "a number", value);
  return value.get<double>();
}

// JSON integers above INT64_MAX parse as unsigned; they must not wrap to negatives.
absl::StatusOr<int64_t> AsInt64(std::string_view field, const Json& value) {
  if (!value.is_number_integer()) return WrongType(field, "an integer", value);
  if (value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return InvalidParameter(field, StrCat(field, " is out of range"));
  }
  return value.get<int64_t>();
}

absl::StatusOr<std::vector<std::string>> AsStringList(std::string_view field, const Json& value) {
  if (!value.is_array()) return WrongType(field, "an array of strings", value);
  std::vector<std::string> items;
  for (const Json& item : value) {
    if (!item.is_string()) return WrongType(field, "an array of strings", item);
    items.push_back(item.get<std::string>());
  }
  return items;
}

// Scalars become their text form: attribute values are matched and shown as text.
absl::StatusOr<std::string> AsScalarText(std::string_view field, const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return std::string(value.get<bool>() ? "true" : "false");
  if (value.is_number_integer()) return value.dump();
  if (value.is_number_float()) return StrCat(value.get<double>());
  return WrongType(field, "a string, number or boolean", value);
}

absl::Status SetField(Product& p, const std::string& key, const Json& value) {
  if (value.is_null()) return absl::OkStatus();
  if (key == "id") {
    // Numeric ids are common in exported feeds; they mean the same decimal string.
    if (value.is_number_unsigned()) {
      p.id = value.dump();
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(p.id, AsString(key, value));
  } else if (key == "category") {
    if (value.is_string()) return SetFieldFromText(p, key, value.get<std::string>());
    ASSIGN_OR_RETURN(p.category, AsStringList(key, value));
  } else if (key == "sizes") {
    ASSIGN_OR_RETURN(p.sizes, AsStringList(key, value));
  } else if (key == "size_stock") {
    if (!value.is_object()) return WrongType(key, "an object of sizes to units", value);
    for (const auto& [size, units] : value.items()) {
      if (units.is_null()) continue;  // a merge patch's way to drop a size
      ASSIGN_OR_RETURN(const int64_t count, AsInt64(StrCat("size_stock.", size), units));
      p.size_stock.push_back({size, count});
    }
  } else if (key == "price") {
    ASSIGN_OR_RETURN(p.price, AsNumber(key, value));
  } else if (key == "rating") {
    ASSIGN_OR_RETURN(p.rating, AsNumber(key, value));
  } else if (key == "popularity") {
    ASSIGN_OR_RETURN(p.popularity, AsNumber(key, value));
  } else if (key == "stock") {
    ASSIGN_OR_RETURN(p.stock, AsInt64(key, value));
  } else if (key == "in_stock") {
    if (!value.is_boolean()) return WrongType(key, "a boolean", value);
    p.in_stock = value.get<bool>();
  } else if (key == "created_at") {
    if (value.is_number_integer()) {
      ASSIGN_OR_RETURN(p.created_at, AsInt64(key, value));
    } else {
      ASSIGN_OR_RETURN(std::string text, AsString(key, value));
      ASSIGN_OR_RETURN(p.created_at, ParseTimestamp(key, text));
    }
  } else if (key == "attributes") {
    if (!value.is_object()) return WrongType(key, "an object", value);
    for (const auto& [name, item] : value.items()) {
      if (item.is_null()) continue;
      ASSIGN_OR_RETURN(p.attributes[name], AsScalarText(StrCat("attributes.", name), item));
    }
  } else if (IsKnownField(key)) {
    ASSIGN_OR_RETURN(std::string text, AsString(key, value));
    if (!text.empty()) return SetFieldFromText(p, key, text);
  } else {
    return InvalidParameter(key, StrCat("unknown field '", key, "'"));
  }
  return absl::OkStatus();
}

// The member whose value holds byte `offset` of `json`: "title", or
// "attributes.usage" inside the attributes object; "" outside any member value.
// Only names the field in an error message, so malformed JSON is tolerated.
std::string FieldAt(std::string_view json, size_t offset) {
  struct Open {
    bool object;
    std::string key;
  };
  std::vector<Open> open;
  for (size_t i = 0; i < offset && i < json.size(); ++i) {
    const char c = json[i];
    if (c == '{' || c == '[') {
      open.push_back({c == '{', ""});
    } else if ((c == '}' || c == ']') && !open.empty()) {
      open.pop_back();
    } else if (c == ',' && !open.empty()) {
      open.back().key.clear();  // the next member's key is not read yet
    } else if (c == '"') {
      const size_t start = ++i;
      while (i < json.size() && i < offset && json[i] != '"') i += json[i] == '\\' ? 2 : 1;
      if (i >= offset) break;  // the offset is inside this string
      size_t next = i + 1;
      while (next < json.size() && (json[next] == ' ' || json[next] == '\t')) ++next;
      if (next < json.size() && json[next] == ':' && !open.empty() && open.back().object) {
        open.back().key = std::string(json.substr(start, i - start));
      }
    }
  }
  std::string field;
  for (const Open& level : open) {
    if (!level.object || level.key.empty()) continue;
    if (!field.empty()) field.push_back('.');
    field.append(level.key);
  }
  return field;
}

// Integral values print without a fraction so snapshots read like the feed.
Json NumberJson(double value) {
  if (std::floor(value) == value && std::fabs(value) < 9e15) {
    return static_cast<int64_t>(value);
  }
  return value;
}

}  // namespace

absl::StatusOr<Product> ProductFromJson(std::string_view json) {
  if (std::optional<size_t> bad = FindInvalidUtf8(json)) {
    const std::string field = FieldAt(json, *bad);
    return InvalidParameter(
        field, StrCat(field.empty() ? "record" : field, " has invalid UTF-8 at byte ", *bad));
  }
  Json root;
  try {
    root = Json::parse(json);
  } catch (const Json::exception& e) {
    // Not only parse_error: a number too large for a double ("1e999") is an
    // out_of_range, and must be a rejected record, not a crash of the reindex.
    return InvalidParameter("", StrCat("malformed JSON: ", e.what()));
  }
  if (!root.is_object()) {
    return InvalidParameter("", StrCat("a product must be a JSON object, got ", TypeName(root)));
  }
  Product product;
  for (const auto& [key, value] : root.items()) {
    RETURN_IF_ERROR(SetField(product, key, value));
  }
  RETURN_IF_ERROR(CompleteProduct(product));
  return product;
}

absl::StatusOr<Product> MergePatch(const Product& product, std::string_view patch_json) {
  Json patch;
  try {
    patch = Json::parse(patch_json);
  } catch (const Json::exception& e) {
    return InvalidParameter("", StrCat("malformed JSON: ", e.what()));
  }
  if (!patch.is_object()) {
    return InvalidParameter("", StrCat("a patch must be a JSON object, got ", TypeName(patch)));
  }
  if (const auto id = patch.find("id"); id != patch.end()) {
    const bool same = (id->is_string() && id->get<std::string>() == product.id) ||
                      (id->is_number_unsigned() && id->dump() == product.id);
    if (!same) return InvalidParameter("id", "a patch cannot change the product's id");
  }
  Json merged = Json::parse(ProductToJson(product));
  // What size_stock implied is implied afresh by a patched size_stock, unless
  // the patch says it too. (A size_stock removed leaves them as they were.)
  if (const auto run = patch.find("size_stock"); run != patch.end() && !run->is_null()) {
    for (const char* implied : {"sizes", "stock", "in_stock"}) {
      if (!patch.contains(implied)) merged.erase(implied);
    }
  }
  merged.merge_patch(patch);
  return ProductFromJson(merged.dump());
}

std::string ProductToJson(const Product& p) {
  nlohmann::ordered_json out;
  out["id"] = p.id;
  out["title"] = p.title;
  auto put_text = [&](const char* key, const std::string& value) {
    if (!value.empty()) out[key] = value;
  };
  put_text("brand", p.brand);
  put_text("description", p.description);
  if (!p.category.empty()) out["category"] = p.category;
  put_text("gender", p.gender);
  put_text("color", p.color);
  put_text("season", p.season);
  put_text("material", p.material);
  if (!p.sizes.empty()) out["sizes"] = p.sizes;
  if (!p.size_stock.empty()) {
    nlohmann::ordered_json& run = out["size_stock"];
    for (const Product::SizeStock& slot : p.size_stock) run[slot.size] = slot.units;
  }
  if (p.price) out["price"] = NumberJson(*p.price);
  put_text("currency", p.currency);
  if (p.rating) out["rating"] = NumberJson(*p.rating);
  if (p.popularity) out["popularity"] = NumberJson(*p.popularity);
  if (p.created_at) out["created_at"] = *p.created_at;
  if (p.in_stock) out["in_stock"] = *p.in_stock;
  if (p.stock) out["stock"] = *p.stock;
  put_text("image_url", p.image_url);
  put_text("url", p.url);
  put_text("parent_id", p.parent_id);
  if (!p.attributes.empty()) out["attributes"] = p.attributes;
  return out.dump();
}

}  // namespace vitrine::catalog
