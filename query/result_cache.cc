#include "query/result_cache.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "query/understand/phrases.h"

namespace vitrine::query {
namespace {

// Approximate memory of a cached response.
size_t BytesOf(const SearchResponse& response, const std::string& key) {
  size_t bytes = sizeof(SearchResponse) + key.size() * 2 + response.corrected_query.size() + 128;
  for (const SearchHit& hit : response.hits) {
    bytes += sizeof(SearchHit) + hit.id.size() + hit.highlight_title.size() +
             hit.highlight_description.size();
    for (const SearchHit::Variant& variant : hit.variants) {
      bytes +=
          sizeof(variant) + variant.id.size() + variant.color.size() + 8 * variant.sizes.size();
    }
  }
  for (const Facet& facet : response.facets) {
    bytes += sizeof(Facet) + facet.field.size();
    for (const FacetValue& value : facet.values) bytes += sizeof(FacetValue) + value.value.size();
  }
  return bytes;
}

void AppendField(std::string& key, std::string_view name, std::string_view value) {
  key.append(name).push_back('=');
  key.append(value).push_back('\x1f');
}

}  // namespace

uint32_t ScopesOf(const SearchRequest& request) {
  uint32_t scopes = kScopeEverything;
  auto uses = [&](std::string_view field) {
    return request.ranges.contains(std::string(field)) ||
           std::find(request.facets.begin(), request.facets.end(), field) != request.facets.end();
  };
  const SortOrder sort = request.sort;
  // A price named in q ("under 1000") filters on prices too.
  const bool price_in_q = request.understand && !internal::FindPhrases(request.q).prices.empty();
  if (uses("price") || price_in_q || sort == SortOrder::kPriceAsc ||
      sort == SortOrder::kPriceDesc) {
    scopes |= kScopePrice;
  }
  if (uses("rating") || sort == SortOrder::kRating) scopes |= kScopeRating;
  if (request.in_stock) scopes |= kScopeInStock;
  if (sort == SortOrder::kPopularity) scopes |= kScopePopularity;
  if (sort == SortOrder::kNewest) scopes |= kScopeCreated;
  return scopes;
}

uint32_t ScopesChanged(std::string_view before_json, std::string_view after_json) {
  if (before_json.empty() || after_json.empty()) return kScopeEverything;
  const nlohmann::json before = nlohmann::json::parse(before_json, nullptr, false);
  const nlohmann::json after = nlohmann::json::parse(after_json, nullptr, false);
  if (!before.is_object() || !after.is_object()) return kScopeEverything;
  uint32_t scopes = 0;
  auto changed = [&](const std::string& field) {
    const auto a = before.find(field), b = after.find(field);
    if ((a == before.end()) != (b == after.end())) return true;
    return a != before.end() && *a != *b;
  };
  for (const nlohmann::json* product : {&before, &after}) {
    for (const auto& [field, value] : product->items()) {
      if (!changed(field)) continue;
      if (field == "price") {
        scopes |= kScopePrice;
      } else if (field == "rating") {
        scopes |= kScopeRating;
      } else if (field == "in_stock") {
        // A variant's availability shows on its style's tile (a swatch) in any search.
        const bool variant = before.contains("parent_id") || after.contains("parent_id");
        scopes |= variant ? kScopeEverything : kScopeInStock;
      } else if (field == "popularity") {
        scopes |= kScopePopularity;
      } else if (field == "created_at") {
        scopes |= kScopeCreated;
      } else if (field == "size_stock") {
        // Units are only displayed; which sizes are in stock is `sizes` (above).
        // The run's sizes themselves are listed on tiles.
        const auto a = before.find(field), b = after.find(field);
        const auto sizes_of = [](const nlohmann::json* run) {
          std::vector<std::string> sizes;
          if (run != nullptr && run->is_object()) {
            for (const auto& [size, units] : run->items()) sizes.push_back(size);
          }
          return sizes;
        };
        if (sizes_of(a == before.end() ? nullptr : &*a) !=
            sizes_of(b == after.end() ? nullptr : &*b)) {
          scopes |= kScopeEverything;
        }
      } else if (field != "stock" && field != "image_url" && field != "url" &&
                 field != "currency") {
        scopes |= kScopeEverything;  // text, filters, facets, variants
      }
    }
  }
  return scopes;
}

std::string CacheKey(const SearchRequest& request, std::string_view generation) {
  std::string key;
  key.reserve(128 + request.q.size());
  AppendField(key, "g", generation);
  AppendField(key, "q", AsciiLower(request.q));
  AppendField(key, "p", StrCat(request.page, "x", request.per_page));
  for (const auto& [field, values] : request.filters) {
    std::vector<std::string> sorted;
    for (const std::string& value : values) sorted.push_back(AsciiLower(value));
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& value : sorted) AppendField(key, "f." + field, value);
  }
  for (const auto& [field, values] : request.excluded) {
    std::vector<std::string> sorted;
    for (const std::string& value : values) sorted.push_back(AsciiLower(value));
    std::sort(sorted.begin(), sorted.end());
    for (const std::string& value : sorted) AppendField(key, "x." + field, value);
  }
  for (const auto& [field, range] : request.ranges) {
    AppendField(
        key, "r." + field,
        StrCat(range.gte ? StrCat(*range.gte) : "", "..", range.lte ? StrCat(*range.lte) : ""));
  }
  if (request.in_stock) AppendField(key, "s", *request.in_stock ? "1" : "0");
  AppendField(key, "o", SortOrderName(request.sort));
  for (const std::string& facet : request.facets) AppendField(key, "F", facet);
  AppendField(key, "n", StrCat(request.facet_size));
  for (const auto& [field, order] : request.facet_order) {
    AppendField(key, "fo." + field, FacetOrderName(order));
  }
  for (const auto& [field, bounds] : request.buckets) {
    for (double bound : bounds) AppendField(key, "b." + field, StrCat(bound));
  }
  AppendField(key, "h", request.highlight ? request.highlight_tag : "");
  AppendField(key, "c", request.collapse ? "1" : "0");
  AppendField(key, "u", request.understand ? "1" : "0");
  return key;
}

ResultCache::ResultCache(ResultCacheOptions options) : options_(options) {}

ResultCache::Epochs ResultCache::CurrentEpochs() const {
  Epochs epochs;
  for (int i = 0; i < kCacheScopes; ++i) epochs[i] = epochs_[i].load(std::memory_order_acquire);
  return epochs;
}

ResultCache::Shard& ResultCache::ShardOf(const std::string& key) {
  return shards_[std::hash<std::string>()(key) % kShards];
}

bool ResultCache::Fresh(const Entry& entry, uint32_t scopes) const {
  if (std::chrono::steady_clock::now() - entry.stored > options_.ttl) return false;
  for (int i = 0; i < kCacheScopes; ++i) {
    if ((scopes >> i & 1) && entry.epochs[i] != epochs_[i].load(std::memory_order_acquire)) {
      return false;
    }
  }
  return true;
}

std::shared_ptr<const SearchResponse> ResultCache::Find(const std::string& key, uint32_t scopes) {
  if (options_.max_bytes == 0) return nullptr;
  Shard& shard = ShardOf(key);
  std::lock_guard lock(shard.mutex);
  const auto found = shard.by_key.find(key);
  if (found == shard.by_key.end() || !Fresh(*found->second, scopes)) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return found->second->response;
}

void ResultCache::Insert(const std::string& key, uint32_t scopes, const Epochs& epochs,
                         SearchResponse response) {
  if (options_.max_bytes == 0) return;
  for (SearchHit& hit : response.hits) std::string().swap(hit.product_json);
  const size_t bytes = BytesOf(response, key);
  Shard& shard = ShardOf(key);
  const size_t budget = options_.max_bytes / kShards;
  if (bytes > budget) return;
  std::lock_guard lock(shard.mutex);
  if (const auto old = shard.by_key.find(key); old != shard.by_key.end()) {
    shard.bytes -= old->second->bytes;
    shard.lru.erase(old->second);
    shard.by_key.erase(old);
  }
  shard.lru.push_front(Entry{key, std::make_shared<const SearchResponse>(std::move(response)),
                             scopes, epochs, std::chrono::steady_clock::now(), bytes});
  shard.by_key.emplace(shard.lru.front().key, shard.lru.begin());
  shard.bytes += bytes;
  while (shard.bytes > budget) {
    Entry& last = shard.lru.back();
    shard.bytes -= last.bytes;
    shard.by_key.erase(last.key);
    shard.lru.pop_back();
  }
}

void ResultCache::Invalidate(uint32_t scopes) {
  for (int i = 0; i < kCacheScopes; ++i) {
    if (scopes >> i & 1) epochs_[i].fetch_add(1, std::memory_order_acq_rel);
  }
}

ResultCache::Stats ResultCache::stats() const {
  Stats stats{.hits = hits_.load(std::memory_order_relaxed),
              .misses = misses_.load(std::memory_order_relaxed)};
  for (const Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    stats.entries += shard.lru.size();
    stats.bytes += shard.bytes;
  }
  return stats;
}

}  // namespace vitrine::query
