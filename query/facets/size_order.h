// The order shoppers read sizes in, for facets ordered by size: letter sizes
// (XXS < XS < S < M < L < XL < 2XL/XXL < 3XL ...), then one size (Free Size,
// Onesize), plain numbers ascending (waists, EU dress sizes), waist x length
// (32x34, W32 L34), bra sizes (band, then cup), ages (months before years:
// 3-6M < 2-3Y), shoe sizes per system (UK, US, EU; UK children's 10K..13K
// before the adults' 1), then anything else alphabetically. Private to query/.
//
//   std::sort(values.begin(), values.end(), SizeLess);
#pragma once

#include <string_view>

namespace vitrine::query::internal {

// A strict weak order on size names (case-insensitive).
bool SizeLess(std::string_view a, std::string_view b);

// Natural order: case-insensitive, runs of digits compared as numbers ("2" < "10").
bool NaturalLess(std::string_view a, std::string_view b);

}  // namespace vitrine::query::internal
