#include "catalog/product.h"

#include <algorithm>
#include <climits>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "catalog/product_fields.h"

namespace vitrine::catalog {
namespace {

bool IsAsciiLowerOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool IsIdChar(char c) {
  return IsAsciiLowerOrDigit(c) || (c >= 'A' && c <= 'Z') || c == '.' || c == '_' || c == '~' ||
         c == ':' || c == '-';
}

absl::Status CheckText(std::string_view field, std::string_view value, size_t max_bytes) {
  if (value.size() > max_bytes) {
    return InvalidParameter(field, StrCat(field, " is longer than ", max_bytes, " bytes"));
  }
  if (std::optional<size_t> bad = FindInvalidUtf8(value)) {
    return InvalidParameter(field, StrCat(field, " is not valid UTF-8 (byte ", *bad, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckList(std::string_view field, const std::vector<std::string>& values) {
  if (values.size() > kMaxListItems) {
    return InvalidParameter(field, StrCat(field, " has more than ", kMaxListItems, " items"));
  }
  for (const std::string& value : values) {
    if (value.empty()) return InvalidParameter(field, StrCat(field, " has an empty item"));
    RETURN_IF_ERROR(CheckText(field, value, kMaxTextBytes));
  }
  return absl::OkStatus();
}

absl::Status CheckNumber(std::string_view field, const std::optional<double>& value, double min,
                         double max) {
  if (!value) return absl::OkStatus();
  if (!std::isfinite(*value) || *value < min || *value > max) {
    return InvalidParameter(field, StrCat(field, " must be between ", min, " and ", max));
  }
  return absl::OkStatus();
}

absl::StatusOr<double> NumberField(std::string_view field, std::string_view text) {
  std::optional<double> value = ParseDouble(text);
  if (!value) return InvalidParameter(field, StrCat(field, " must be a number, got '", text, "'"));
  return *value;
}

absl::StatusOr<int64_t> IntegerField(std::string_view field, std::string_view text) {
  std::optional<int64_t> value = ParseInt64(text);
  if (!value)
    return InvalidParameter(field, StrCat(field, " must be an integer, got '", text, "'"));
  return *value;
}

absl::StatusOr<bool> BoolField(std::string_view field, std::string_view text) {
  std::optional<bool> value = ParseBool(text);
  if (!value) {
    return InvalidParameter(field, StrCat(field, " must be true or false, got '", text, "'"));
  }
  return *value;
}

// "S:0|M:13|L:7": a size, a colon and its units, per item.
absl::StatusOr<std::vector<Product::SizeStock>> SizeStockField(std::string_view field,
                                                               std::string_view text) {
  std::vector<Product::SizeStock> run;
  for (const std::string& item : SplitTrimmed(text, '|')) {
    const size_t colon = item.rfind(':');
    std::optional<int64_t> units;
    if (colon != std::string::npos)
      units = ParseInt64(Trim(std::string_view(item).substr(colon + 1)));
    if (!units) {
      return InvalidParameter(field,
                              StrCat(field, " items are size:units (S:0|M:13), got '", item, "'"));
    }
    run.push_back({std::string(Trim(std::string_view(item).substr(0, colon))), *units});
  }
  return run;
}

// The sizes of `run` that have units, in run order.
std::vector<std::string> SizesInStock(const std::vector<Product::SizeStock>& run) {
  std::vector<std::string> sizes;
  for (const Product::SizeStock& slot : run) {
    if (slot.units > 0) sizes.push_back(slot.size);
  }
  return sizes;
}

absl::Status CheckSizeStock(const Product& p) {
  if (p.size_stock.size() > kMaxListItems) {
    return InvalidParameter("size_stock",
                            StrCat("size_stock has more than ", kMaxListItems, " sizes"));
  }
  absl::flat_hash_set<std::string_view> seen;
  for (const Product::SizeStock& slot : p.size_stock) {
    const std::string field = StrCat("size_stock.", slot.size);
    if (slot.size.empty()) return InvalidParameter("size_stock", "size_stock has an empty size");
    RETURN_IF_ERROR(CheckText(field, slot.size, kMaxTextBytes));
    if (!seen.insert(slot.size).second) {
      return InvalidParameter(field, StrCat("size_stock lists ", slot.size, " twice"));
    }
    if (slot.units < 0) return InvalidParameter(field, StrCat(field, " must not be negative"));
  }
  if (p.size_stock.empty()) return absl::OkStatus();
  // Compared as sets: a feed may list its sizes in another order.
  std::vector<std::string> in_stock = SizesInStock(p.size_stock);
  std::vector<std::string> sizes = p.sizes;
  std::sort(in_stock.begin(), in_stock.end());
  std::sort(sizes.begin(), sizes.end());
  if (sizes != in_stock) {
    return InvalidParameter("sizes",
                            StrCat("sizes must list the sizes size_stock has units of (",
                                   in_stock.empty() ? "none" : absl::StrJoin(in_stock, ", "),
                                   "); leave sizes out and it is filled in from size_stock"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<int64_t> ParseTimestamp(std::string_view field, std::string_view text) {
  if (std::optional<int64_t> seconds = ParseInt64(text)) return *seconds;
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, ToAbsl(text), &time, &error)) {
    return InvalidParameter(
        field, StrCat(field, " must be RFC 3339 (2026-11-27T00:00:00Z) or Unix seconds"));
  }
  return absl::ToUnixSeconds(time);
}

absl::Status ValidateProduct(const Product& p) {
  if (p.id.empty()) return InvalidParameter("id", "id is required");
  if (p.id.size() > kMaxIdBytes) {
    return InvalidParameter("id", StrCat("id is longer than ", kMaxIdBytes, " bytes"));
  }
  for (char c : p.id) {
    if (!IsIdChar(c)) {
      return InvalidParameter("id", "id may only hold letters, digits and . _ ~ : -");
    }
  }
  if (p.title.empty()) return InvalidParameter("title", "title is required");
  for (const auto& [field, value] :
       {std::pair<std::string_view, const std::string&>{"title", p.title},
        {"brand", p.brand},
        {"gender", p.gender},
        {"color", p.color},
        {"season", p.season},
        {"material", p.material},
        {"currency", p.currency},
        {"image_url", p.image_url},
        {"url", p.url},
        {"parent_id", p.parent_id}}) {
    RETURN_IF_ERROR(CheckText(field, value, kMaxTextBytes));
  }
  RETURN_IF_ERROR(CheckText("description", p.description, kMaxDescriptionBytes));
  RETURN_IF_ERROR(CheckList("category", p.category));
  RETURN_IF_ERROR(CheckSizeStock(p));  // first: it may have filled in sizes
  RETURN_IF_ERROR(CheckList("sizes", p.sizes));
  RETURN_IF_ERROR(CheckNumber("price", p.price, 0, 1e12));
  RETURN_IF_ERROR(CheckNumber("rating", p.rating, 0, 5));
  RETURN_IF_ERROR(CheckNumber("popularity", p.popularity, 0, 1e15));
  if (p.stock && *p.stock < 0) return InvalidParameter("stock", "stock must not be negative");
  if (p.attributes.size() > kMaxAttributes) {
    return InvalidParameter("attributes",
                            StrCat("attributes has more than ", kMaxAttributes, " keys"));
  }
  for (const auto& [key, value] : p.attributes) {
    const std::string field = StrCat("attributes.", key);
    if (key.empty() || key.size() > 64 || !std::all_of(key.begin(), key.end(), [](char c) {
          return IsAsciiLowerOrDigit(c) || c == '_';
        })) {
      return InvalidParameter(field, "attribute keys are 1-64 characters of a-z, 0-9 and _");
    }
    RETURN_IF_ERROR(CheckText(field, value, kMaxTextBytes));
  }
  return absl::OkStatus();
}

absl::Status CompleteProduct(Product& p) {
  if (!p.size_stock.empty()) {
    if (p.sizes.empty()) p.sizes = SizesInStock(p.size_stock);
    if (!p.stock) {
      int64_t units = 0;
      for (const Product::SizeStock& slot : p.size_stock) {
        // Negative units fail validation below; a sum past int64 is not a stock.
        if (slot.units > 0) units = slot.units > INT64_MAX - units ? INT64_MAX : units + slot.units;
      }
      p.stock = units;
    }
    if (!p.in_stock) p.in_stock = *p.stock > 0;
  }
  return ValidateProduct(p);
}

bool IsKnownField(std::string_view field) {
  if (field.starts_with("attributes.")) return field.size() > 11;
  for (std::string_view known : kProductFields) {
    if (field == known) return true;
  }
  return false;
}

absl::Status SetFieldFromText(Product& p, std::string_view field, std::string_view raw) {
  const std::string_view text = Trim(raw);
  if (text.empty()) return absl::OkStatus();
  if (field == "id")
    p.id = std::string(text);
  else if (field == "title")
    p.title = std::string(text);
  else if (field == "brand")
    p.brand = std::string(text);
  else if (field == "description")
    p.description = std::string(text);
  else if (field == "gender")
    p.gender = std::string(text);
  else if (field == "color")
    p.color = std::string(text);
  else if (field == "season")
    p.season = std::string(text);
  else if (field == "material")
    p.material = std::string(text);
  else if (field == "currency")
    p.currency = std::string(text);
  else if (field == "image_url")
    p.image_url = std::string(text);
  else if (field == "url")
    p.url = std::string(text);
  else if (field == "parent_id")
    p.parent_id = std::string(text);
  else if (field == "category")
    p.category = SplitTrimmed(text, '>');
  else if (field == "sizes")
    p.sizes = SplitTrimmed(text, '|');
  else if (field == "size_stock") {
    ASSIGN_OR_RETURN(p.size_stock, SizeStockField(field, text));
  } else if (field == "price") {
    ASSIGN_OR_RETURN(p.price, NumberField(field, text));
  } else if (field == "rating") {
    ASSIGN_OR_RETURN(p.rating, NumberField(field, text));
  } else if (field == "popularity") {
    ASSIGN_OR_RETURN(p.popularity, NumberField(field, text));
  } else if (field == "stock") {
    ASSIGN_OR_RETURN(p.stock, IntegerField(field, text));
  } else if (field == "in_stock") {
    ASSIGN_OR_RETURN(p.in_stock, BoolField(field, text));
  } else if (field == "created_at") {
    ASSIGN_OR_RETURN(p.created_at, ParseTimestamp(field, text));
  } else if (field.starts_with("attributes."))
    p.attributes[std::string(field.substr(11))] = std::string(text);
  else
    return InvalidParameter(field, StrCat("unknown field '", field, "'"));
  return absl::OkStatus();
}

}  // namespace vitrine::catalog
