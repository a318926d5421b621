// Prices and sizes a shopper writes into a query ("under 1000", "₹500-1000",
// "500 and above", "size 10", "uk 8", "xl", "32x34"), found in the text as
// typed: analysis would split "₹500" from its symbol and drop "under" as a stop
// word. Private to query/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vitrine::query::internal {

struct PricePhrase {
  size_t begin = 0;  // bytes of q: [begin, end)
  size_t end = 0;
  std::optional<double> gte;  // at least
  std::optional<double> lte;  // at most
};

struct SizePhrase {
  size_t begin = 0;
  size_t end = 0;
  std::string size;    // lower case: "10", "xl", "32x34", "free size"
  std::string system;  // "uk", "eu", "us" when the shopper named one; else empty
};

struct Phrases {
  std::vector<PricePhrase> prices;
  std::vector<SizePhrase> sizes;
};

// The price and size phrases of `q`, in order, none overlapping. A number on
// its own is neither ("Kiprun 1000", "Force 10"): a price needs a word or sign
// that says so (under, over, between, a currency, a range of two amounts) and a
// size needs "size", a size system, or a size that is nothing else (xl, 32x34).
Phrases FindPhrases(std::string_view q);

}  // namespace vitrine::query::internal
