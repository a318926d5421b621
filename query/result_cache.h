// ResultCache: recent search results (hits without their product snapshots,
// facets, totals) keyed by the normalised request and the index generation, so
// a repeated search skips the match and only re-reads the snapshots (hydration
// always shows the current product). Bounded by memory (LRU) and by age (TTL).
//
// Invalidation is by what an update can change: every entry remembers, per
// scope its result depends on, the epoch it was computed at. A price-only
// update bumps the price epoch, so only searches that filter, bucket or sort by
// price are recomputed; a new, deleted or re-titled product bumps the epoch of
// every entry. Callers read Epochs() before searching, so a result computed
// from data older than an invalidation is never served after it.
//
//   ResultCache cache({.max_bytes = 64 << 20});
//   const ResultCache::Epochs epochs = cache.CurrentEpochs();
//   if (auto hit = cache.Find(key, scopes)) ... else cache.Insert(key, scopes, epochs, response);
//   cache.Invalidate(kScopePrice);  // after committing a price change
//
// Thread-safe (sharded locks).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "query/search.h"

namespace vitrine::query {

// What a result depends on besides the text, filters and facets of its products.
enum CacheScope : uint32_t {
  kScopePrice = 1 << 0,       // range.price, facets price, sort by price
  kScopeRating = 1 << 1,      // range.rating, facets rating, sort by rating
  kScopeInStock = 1 << 2,     // in_stock
  kScopePopularity = 1 << 3,  // sort by popularity
  kScopeCreated = 1 << 4,     // sort by newest
  kScopeEverything = 1 << 5,  // every result: text, terms, products added or removed
};
inline constexpr int kCacheScopes = 6;

// The scopes a search's result depends on (kScopeEverything always).
uint32_t ScopesOf(const SearchRequest& request);

// The scopes an update of a product changes, from its snapshots before and after
// (either empty: added or deleted -> kScopeEverything). Fields that are only
// displayed (stock, the units of size_stock, image_url, url, currency) change
// none: hydration is fresh.
uint32_t ScopesChanged(std::string_view before_json, std::string_view after_json);

// The cache key of a request on a generation: every field that shapes the
// result, in a canonical form (filter values sorted, q's ASCII case folded).
std::string CacheKey(const SearchRequest& request, std::string_view generation);

class ResultCache {
 public:
  using Epochs = std::array<uint64_t, kCacheScopes>;
  struct Stats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t entries = 0;
    uint64_t bytes = 0;
  };

  explicit ResultCache(ResultCacheOptions options = {});

  Epochs CurrentEpochs() const;
  // The cached response (hits' product_json empty) unless absent, expired or
  // invalidated in one of `scopes` since it was computed.
  std::shared_ptr<const SearchResponse> Find(const std::string& key, uint32_t scopes);
  // Stores `response` (its product_json is dropped), computed from data as of `epochs`.
  void Insert(const std::string& key, uint32_t scopes, const Epochs& epochs,
              SearchResponse response);
  // Makes every entry that depends on one of `scopes` stale.
  void Invalidate(uint32_t scopes);

  Stats stats() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const SearchResponse> response;
    uint32_t scopes;
    Epochs epochs;
    std::chrono::steady_clock::time_point stored;
    size_t bytes;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> lru;  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> by_key;
    size_t bytes = 0;
  };
  static constexpr size_t kShards = 8;

  Shard& ShardOf(const std::string& key);
  bool Fresh(const Entry& entry, uint32_t scopes) const;

  const ResultCacheOptions options_;
  std::array<std::atomic<uint64_t>, kCacheScopes> epochs_{};
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_ = 0;
  std::atomic<uint64_t> misses_ = 0;
};

}  // namespace vitrine::query
