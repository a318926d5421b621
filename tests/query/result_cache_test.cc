// Specification of the result cache: canonical keys, what each search depends
// on, what each update changes, LRU bounds, TTL and invalidation.
#include "query/result_cache.h"

#include <gtest/gtest.h>

namespace vitrine::query {
namespace {

SearchResponse ResponseWith(uint64_t total, size_t padding = 0) {
  SearchResponse response;
  response.total = total;
  response.hits.push_back({.id = "1", .product_json = "{\"id\":\"1\"}"});
  response.hits[0].highlight_title = std::string(padding, 'x');
  return response;
}

TEST(CacheKey, IgnoresFilterValueOrderAndQueryCaseButNotTheRest) {
  SearchRequest a{.q = "Navy Tee"};
  a.filters["color"] = {"Navy Blue", "Blue"};
  SearchRequest b{.q = "navy tee"};
  b.filters["color"] = {"blue", "navy blue"};
  EXPECT_EQ(CacheKey(a, "000001"), CacheKey(b, "000001"));
  EXPECT_NE(CacheKey(a, "000001"), CacheKey(a, "000002"));
  SearchRequest c = a;
  c.page = 2;
  EXPECT_NE(CacheKey(a, "g"), CacheKey(c, "g"));
  c = a;
  c.q = "navy tee ";  // a finished word is not a prefix
  EXPECT_NE(CacheKey(a, "g"), CacheKey(c, "g"));
  c = a;
  c.facets = {"brand"};
  EXPECT_NE(CacheKey(a, "g"), CacheKey(c, "g"));
}

TEST(ScopesOf, NamesWhatASearchDependsOn) {
  EXPECT_EQ(ScopesOf({.q = "tee"}), kScopeEverything);
  SearchRequest request{.q = "tee", .sort = SortOrder::kPriceAsc};
  request.in_stock = true;
  EXPECT_EQ(ScopesOf(request), kScopeEverything | kScopePrice | kScopeInStock);
  request = SearchRequest{.facets = {"rating"}};
  EXPECT_EQ(ScopesOf(request), kScopeEverything | kScopeRating);
  EXPECT_EQ(ScopesOf({.sort = SortOrder::kNewest}), kScopeEverything | kScopeCreated);
}

TEST(ScopesChanged, NamesWhatAnUpdateChanges) {
  const std::string before = R"({"id":"1","title":"Tee","price":500,"stock":3})";
  EXPECT_EQ(ScopesChanged(before, R"({"id":"1","title":"Tee","price":450,"stock":3})"),
            static_cast<uint32_t>(kScopePrice));
  EXPECT_EQ(ScopesChanged(before, R"({"id":"1","title":"Tee","price":500,"stock":0})"), 0u);
  EXPECT_EQ(ScopesChanged(before, R"({"id":"1","title":"Tee","price":500})"), 0u);
  EXPECT_EQ(ScopesChanged(before, R"({"id":"1","title":"Top","price":500,"stock":3})"),
            static_cast<uint32_t>(kScopeEverything));
  EXPECT_EQ(ScopesChanged(before, R"({"id":"1","title":"Tee","price":500,"in_stock":false,
                                      "stock":3})"),
            static_cast<uint32_t>(kScopeInStock));
  // A variant's availability shows in its style's swatches, whatever the search.
  EXPECT_EQ(ScopesChanged(R"({"id":"1","title":"Tee","in_stock":true,"parent_id":"s"})",
                          R"({"id":"1","title":"Tee","in_stock":false,"parent_id":"s"})"),
            static_cast<uint32_t>(kScopeEverything));
  // Units per size are displayed only; a size selling out changes `sizes`, a
  // filter; a size added to the run changes the tiles.
  const std::string run =
      R"({"id":"1","title":"Tee","sizes":["S","M"],"size_stock":{"S":2,"M":1}})";
  EXPECT_EQ(ScopesChanged(
                run, R"({"id":"1","title":"Tee","sizes":["S","M"],"size_stock":{"S":1,"M":1}})"),
            0u);
  EXPECT_EQ(
      ScopesChanged(run, R"({"id":"1","title":"Tee","sizes":["S"],"size_stock":{"S":2,"M":0}})"),
      static_cast<uint32_t>(kScopeEverything));
  EXPECT_EQ(
      ScopesChanged(
          run, R"({"id":"1","title":"Tee","sizes":["S","M"],"size_stock":{"S":2,"M":1,"L":0}})"),
      static_cast<uint32_t>(kScopeEverything));
  EXPECT_EQ(ScopesChanged("", before), static_cast<uint32_t>(kScopeEverything));  // added
  EXPECT_EQ(ScopesChanged(before, ""), static_cast<uint32_t>(kScopeEverything));  // deleted
}

TEST(ResultCache, FindsWhatWasInsertedWithoutSnapshots) {
  ResultCache cache;
  EXPECT_EQ(cache.Find("k", kScopeEverything), nullptr);
  cache.Insert("k", kScopeEverything, cache.CurrentEpochs(), ResponseWith(7));
  const auto found = cache.Find("k", kScopeEverything);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->total, 7u);
  EXPECT_EQ(found->hits[0].id, "1");
  EXPECT_TRUE(found->hits[0].product_json.empty());  // hydrated fresh on every hit
  EXPECT_EQ(cache.stats().hits, 1u);
  EXPECT_EQ(cache.stats().misses, 1u);
  EXPECT_EQ(cache.stats().entries, 1u);
}

TEST(ResultCache, InvalidatesOnlyEntriesThatDependOnTheScope) {
  ResultCache cache;
  const uint32_t text = kScopeEverything;
  const uint32_t priced = kScopeEverything | kScopePrice;
  cache.Insert("text", text, cache.CurrentEpochs(), ResponseWith(1));
  cache.Insert("priced", priced, cache.CurrentEpochs(), ResponseWith(2));
  cache.Invalidate(kScopePrice);
  EXPECT_NE(cache.Find("text", text), nullptr);
  EXPECT_EQ(cache.Find("priced", priced), nullptr);
  cache.Invalidate(kScopeEverything);
  EXPECT_EQ(cache.Find("text", text), nullptr);
}

TEST(ResultCache, AResultComputedBeforeAnInvalidationIsStaleWhenStored) {
  ResultCache cache;
  const ResultCache::Epochs epochs = cache.CurrentEpochs();  // the search starts
  cache.Invalidate(kScopeEverything);                        // an update commits meanwhile
  cache.Insert("k", kScopeEverything, epochs, ResponseWith(1));
  EXPECT_EQ(cache.Find("k", kScopeEverything), nullptr);
}

TEST(ResultCache, EvictsTheLeastRecentlyUsedWithinItsMemory) {
  ResultCache cache({.max_bytes = 8 * 8 * 1024});  // 8 KiB a shard
  for (int i = 0; i < 200; ++i) {
    cache.Insert("k" + std::to_string(i), kScopeEverything, cache.CurrentEpochs(),
                 ResponseWith(static_cast<uint64_t>(i), 1000));
  }
  EXPECT_LE(cache.stats().bytes, 8u * 8 * 1024);
  EXPECT_LT(cache.stats().entries, 200u);
  EXPECT_NE(cache.Find("k199", kScopeEverything), nullptr);  // the newest stays
  EXPECT_EQ(cache.Find("k0", kScopeEverything), nullptr);
}

TEST(ResultCache, ExpiresEntriesAfterTheTtl) {
  ResultCache cache({.ttl = std::chrono::seconds(0)});
  cache.Insert("k", kScopeEverything, cache.CurrentEpochs(), ResponseWith(1));
  EXPECT_EQ(cache.Find("k", kScopeEverything), nullptr);
}

TEST(ResultCache, ZeroBytesDisablesIt) {
  ResultCache cache({.max_bytes = 0});
  cache.Insert("k", kScopeEverything, cache.CurrentEpochs(), ResponseWith(1));
  EXPECT_EQ(cache.Find("k", kScopeEverything), nullptr);
}

}  // namespace
}  // namespace vitrine::query
