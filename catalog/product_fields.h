// Field names of the product schema; private to catalog/.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"

namespace vitrine::catalog {

inline constexpr std::array<std::string_view, 22> kProductFields = {
    "id",        "title",  "brand",      "description", "category",   "gender",
    "color",     "season", "material",   "sizes",       "size_stock", "price",
    "currency",  "rating", "popularity", "created_at",  "in_stock",   "stock",
    "image_url", "url",    "parent_id",  "attributes"};

// RFC 3339 text or Unix seconds.
absl::StatusOr<int64_t> ParseTimestamp(std::string_view field, std::string_view text);

}  // namespace vitrine::catalog
