#include "bench/catalog_scaler.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

#include "base/strings.h"

namespace vitrine::bench {
namespace {

// Salts: each random choice draws from its own stream, so adding one never
// changes the others.
enum Salt : uint64_t {
  kShuffle = 1,
  kVariants,
  kColor,
  kBrandSwap,
  kBrand,
  kPrice,
  kVariantPrice,
  kSizes,
  kStock,
  kRating,
  kRatingCount,
  kPopularity,
  kCreated,
};

uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// A uniform double in [0, 1) from 53 bits of `h`.
double Unit(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

// lo * (hi/lo)^u: prices, counts and stock are spread over orders of magnitude.
double LogUniform(uint64_t h, double lo, double hi) { return lo * std::pow(hi / lo, Unit(h)); }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Replaces whole-word, ASCII case-insensitive occurrences of `from` with `to`
// (lower-cased where the occurrence was lower case: "navy blue" in a description).
std::string ReplaceWords(std::string_view text, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(text);
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    bool match = i + from.size() <= text.size() && (i == 0 || !IsWordChar(text[i - 1])) &&
                 (i + from.size() == text.size() || !IsWordChar(text[i + from.size()]));
    for (size_t k = 0; match && k < from.size(); ++k) match = Lower(text[i + k]) == Lower(from[k]);
    if (!match) {
      out.push_back(text[i++]);
      continue;
    }
    const bool lower = Lower(text[i]) == text[i];
    for (char c : to) out.push_back(lower ? Lower(c) : c);
    i += from.size();
  }
  return out;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (prefix.empty() || text.size() < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    if (Lower(text[k]) != Lower(prefix[k])) return false;
  }
  return true;
}

// How a product is sized: by its category path, or by its title's words when
// the source has no category (the Myntra products catalog).
enum class SizeKind { kNone, kLetters, kWaist, kShoes, kKids, kOne };

constexpr std::array<std::string_view, 7> kLetters = {"XS", "S", "M", "L", "XL", "XXL", "3XL"};
constexpr std::array<std::string_view, 7> kWaist = {"28", "30", "32", "34", "36", "38", "40"};
constexpr std::array<std::string_view, 9> kShoes = {"UK 3", "UK 4", "UK 5",  "UK 6", "UK 7",
                                                    "UK 8", "UK 9", "UK 10", "UK 11"};
constexpr std::array<std::string_view, 8> kKids = {"2-3Y", "3-4Y", "4-5Y", "5-6Y",
                                                   "6-7Y", "7-8Y", "8-9Y", "9-10Y"};

bool HasAnyWord(std::string_view lower_title, std::initializer_list<std::string_view> words) {
  for (std::string_view word : words) {
    if (lower_title.find(word) != std::string_view::npos) return true;
  }
  return false;
}

SizeKind KindByTitle(const catalog::Product& p) {
  const std::string title = AsciiLower(p.title);
  if (HasAnyWord(title, {"shoe", "sneaker", "sandal", "heel", "flats", "boot", "flip", "slipper",
                         "loafer", "mojari", "juttis"})) {
    return SizeKind::kShoes;
  }
  if (HasAnyWord(title, {"jeans", "trouser", "shorts", "chinos"})) return SizeKind::kWaist;
  if (HasAnyWord(title, {"saree", "dupatta", "socks", "cap", "stole", "scarf"})) {
    return SizeKind::kOne;
  }
  if (HasAnyWord(title,
                 {"shirt", "kurta", "top",    "dress",   "jacket", "sweat",    "blazer",   "kurti",
                  "tunic", "pants", "skirt",  "legging", "track",  "jumpsuit", "suit",     "bra",
                  "brief", "trunk", "lounge", "night",   "set",    "coat",     "waistcoat"})) {
    return p.gender == "Boys" || p.gender == "Girls" ? SizeKind::kKids : SizeKind::kLetters;
  }
  return SizeKind::kNone;
}

SizeKind KindOf(const catalog::Product& p) {
  if (p.category.size() < 2) return KindByTitle(p);
  const std::string_view top = p.category[0], sub = p.category[1];
  const std::string_view type = p.category.size() > 2 ? p.category[2] : "";
  const bool kids = p.gender == "Boys" || p.gender == "Girls";
  if (top == "Footwear") return SizeKind::kShoes;
  if (top == "Apparel") {
    if (sub == "Saree" || sub == "Socks") return SizeKind::kOne;
    if (kids) return SizeKind::kKids;
    if (type == "Jeans" || type == "Trousers" || type == "Shorts" || type == "Capris") {
      return SizeKind::kWaist;
    }
    return SizeKind::kLetters;
  }
  if (sub == "Belts") return SizeKind::kLetters;
  if (sub == "Socks" || sub == "Headwear" || sub == "Gloves") return SizeKind::kOne;
  return SizeKind::kNone;
}

template <size_t N>
std::vector<std::string> Run(const std::array<std::string_view, N>& sizes, uint64_t h,
                             size_t first_max, size_t min_length) {
  const size_t first = h % (first_max + 1);
  const size_t length = std::min(N - first, min_length + (h >> 8) % 3);
  std::vector<std::string> out;
  for (size_t k = first; k < first + length; ++k) out.emplace_back(sizes[k]);
  return out;
}

std::vector<std::string> SizesFor(const catalog::Product& p, uint64_t h) {
  switch (KindOf(p)) {
    case SizeKind::kLetters:
      return Run(kLetters, h, 2, 3);
    case SizeKind::kWaist:
      return Run(kWaist, h, 2, 4);
    case SizeKind::kShoes:
      // Women's lasts start smaller.
      return Run(kShoes, h + (p.gender == "Women" ? 0 : 3), p.gender == "Women" ? 2 : 4, 4);
    case SizeKind::kKids:
      return Run(kKids, h, 3, 4);
    case SizeKind::kOne:
      return {"Onesize"};
    case SizeKind::kNone:
      break;
  }
  return {};
}

// Typical price ranges (INR) where the source has none (the styles catalog).
std::pair<double, double> PriceRange(const catalog::Product& p) {
  const std::string_view top = p.category.empty() ? "" : std::string_view(p.category[0]);
  const std::string_view sub = p.category.size() > 1 ? std::string_view(p.category[1]) : "";
  if (sub == "Watches") return {999, 14999};
  if (top == "Footwear") return {399, 6999};
  if (top == "Apparel") return {299, 3999};
  if (top == "Personal Care") return {99, 2499};
  return {199, 2999};
}

// Shop prices end in 9: 1,299 rather than 1,304.
double ShopPrice(double price) {
  if (price < 100) return std::max(9.0, std::floor(price));
  return std::round(price / 10) * 10 - 1;
}

}  // namespace

CatalogScaler::CatalogScaler(std::vector<catalog::Product> sources, const ScalerOptions& options)
    : sources_(std::move(sources)), options_(options) {
  order_.resize(sources_.size());
  for (uint32_t k = 0; k < order_.size(); ++k) order_[k] = k;
  // Fisher-Yates with our own generator: std::shuffle's draws are the library's.
  for (size_t k = order_.size(); k > 1; --k) {
    std::swap(order_[k - 1], order_[Hash(k, 0, kShuffle) % k]);
  }
  // 1-4 variants per style: 40%, 30%, 20%, 10%.
  for (uint64_t product = 0, style = 0; product < options_.products; ++style) {
    style_start_.push_back(product);
    const uint64_t draw = Hash(style, 0, kVariants) % 10;
    product += draw < 4 ? 1 : draw < 7 ? 2 : draw < 9 ? 3 : 4;
  }
  for (const catalog::Product& p : sources_) {
    if (!p.color.empty()) color_pool_.push_back(p.color);
    if (!p.brand.empty()) brand_pool_.push_back(p.brand);
  }
}

uint64_t CatalogScaler::Hash(uint64_t a, uint64_t b, uint64_t salt) const {
  return SplitMix(SplitMix(SplitMix(options_.seed ^ (salt << 56)) ^ a) ^ b);
}

std::string CatalogScaler::PickColor(uint64_t style, int variant,
                                     const std::vector<std::string>& taken) const {
  if (color_pool_.empty()) return "";
  for (uint64_t attempt = 0;; ++attempt) {
    const uint64_t h = Hash(style, static_cast<uint64_t>(variant) * 64 + attempt, kColor);
    const std::string& color = color_pool_[h % color_pool_.size()];
    // Variants of a style differ in colour; give up after a few draws (tiny pools).
    if (attempt >= 16 || std::find(taken.begin(), taken.end(), color) == taken.end()) return color;
  }
}

std::string CatalogScaler::PickBrand(const catalog::Product& source, uint64_t style) const {
  if (brand_pool_.empty() || source.brand.empty()) return source.brand;
  return brand_pool_[Hash(style, 0, kBrand) % brand_pool_.size()];
}

double CatalogScaler::StylePrice(const catalog::Product& source, uint64_t style,
                                 uint64_t round) const {
  const uint64_t h = Hash(style, 0, kPrice);
  if (source.price) {
    // The first round keeps the real price; later ones vary it by up to 30% either way.
    return round == 0 ? *source.price : *source.price * (0.7 + 0.6 * Unit(h));
  }
  const auto [lo, hi] = PriceRange(source);
  return LogUniform(h, lo, hi);
}

catalog::Product CatalogScaler::Make(uint64_t i) const {
  const uint64_t style =
      static_cast<uint64_t>(std::upper_bound(style_start_.begin(), style_start_.end(), i) -
                            style_start_.begin()) -
      1;
  const int variant = static_cast<int>(i - style_start_[style]);
  const uint64_t round = style / sources_.size();
  const catalog::Product& source = sources_[order_[style % sources_.size()]];
  catalog::Product p = source;
  const std::string parent = StrCat(source.id, "-", round);
  p.id = StrCat(parent, "-", variant);
  p.parent_id = parent;

  // Half the styles of later rounds are the same product under another brand.
  if (round > 0 && Hash(style, 0, kBrandSwap) % 2 == 0 &&
      StartsWithIgnoreCase(source.title, source.brand)) {
    p.brand = PickBrand(source, style);
    p.title = p.brand + source.title.substr(source.brand.size());
  }
  // The first product of the first round keeps its colour; every other variant
  // takes one its siblings do not have, in its title and description too.
  std::vector<std::string> taken;
  for (int v = 0; v <= variant; ++v) {
    taken.push_back(round == 0 && v == 0 && !source.color.empty() ? source.color
                                                                  : PickColor(style, v, taken));
  }
  p.color = taken.back();
  if (!source.color.empty() && p.color != source.color) {
    p.title = ReplaceWords(p.title, source.color, p.color);
    p.description = ReplaceWords(p.description, source.color, p.color);
  }

  // Variants mostly share the style's price; a quarter differ by up to 10%.
  double price = StylePrice(source, style, round);
  const uint64_t hv = Hash(i, 0, kVariantPrice);
  if (variant > 0 && hv % 4 == 0) price *= 0.9 + 0.2 * Unit(hv);
  p.price = ShopPrice(price);
  p.currency = "INR";
  p.sizes = SizesFor(source, Hash(style, 0, kSizes));

  const uint64_t hs = Hash(i, 0, kStock);
  p.stock = hs % 100 < 12 ? 0 : static_cast<int64_t>(LogUniform(Hash(i, 1, kStock), 1, 1000));
  p.in_stock = *p.stock > 0;
  const uint64_t hr = Hash(i, 0, kRating);
  uint64_t rating_count = 0;
  if (hr % 100 >= 20) {
    // The larger of two draws: ratings lean towards 4-5 stars as on real shops.
    const uint64_t a = (hr >> 8) % 26, b = (hr >> 20) % 26;
    p.rating = 2.5 + static_cast<double>(std::max(a, b)) / 10;
    rating_count = static_cast<uint64_t>(LogUniform(Hash(i, 0, kRatingCount), 1, 20000));
    p.attributes["rating_count"] = std::to_string(rating_count);
  }
  const uint64_t hp = Hash(i, 0, kPopularity);
  p.popularity = static_cast<double>(rating_count * (5 + hp % 20) + (hp >> 8) % 500);
  // Styles launched from 2018 to November 2025; colours added within a month.
  constexpr int64_t kFirst = 1514764800, kLast = 1764460800, kMonth = 30 * 86400;
  p.created_at = kFirst + static_cast<int64_t>(Hash(style, 0, kCreated) % (kLast - kFirst)) +
                 (variant == 0 ? 0 : static_cast<int64_t>(Hash(i, 1, kCreated) % kMonth));
  return p;
}

}  // namespace vitrine::bench
