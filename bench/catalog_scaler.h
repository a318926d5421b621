// A catalog of any size made from real products: each style of the scaled catalog
// is a bundled product recombined (brand swapped, colours swapped, price varied) with
// 1-4 colour variants sharing a parent_id, sizes by category, stock, ratings with
// counts, popularity and dates. Product i depends only on (sources, seed, i).
//
//   CatalogScaler scaler(sources, {.products = 1'000'000, .seed = 1});
//   for (uint64_t i = 0; i < scaler.size(); ++i) Write(scaler.Make(i));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/product.h"

namespace vitrine::bench {

struct ScalerOptions {
  uint64_t products = 0;  // products in the scaled catalog
  uint64_t seed = 1;      // a different seed, a different (equally shaped) catalog
};

class CatalogScaler {
 public:
  // `sources`: the real products to recombine (the bundled catalog); not empty.
  CatalogScaler(std::vector<catalog::Product> sources, const ScalerOptions& options);

  uint64_t size() const { return options_.products; }
  uint64_t styles() const { return style_start_.size(); }

  // The i-th product (0 <= i < size()). Thread-safe; the same for every call.
  catalog::Product Make(uint64_t i) const;

 private:
  uint64_t Hash(uint64_t a, uint64_t b, uint64_t salt) const;
  std::string PickColor(uint64_t style, int variant, const std::vector<std::string>& taken) const;
  std::string PickBrand(const catalog::Product& source, uint64_t style) const;
  double StylePrice(const catalog::Product& source, uint64_t style, uint64_t round) const;

  std::vector<catalog::Product> sources_;
  ScalerOptions options_;
  std::vector<uint32_t> order_;          // sources in a seeded shuffle: style s uses order_[s % n]
  std::vector<uint64_t> style_start_;    // first product of each style
  std::vector<std::string> color_pool_;  // one entry per source product: weighted by frequency
  std::vector<std::string> brand_pool_;  // likewise for brands
};

}  // namespace vitrine::bench
