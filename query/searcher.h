// Searcher: runs searches on one thread's reader of an Index; SearcherPool hands
// searchers out and switches generations without blocking searches.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "query/index.h"
#include "query/request.h"

namespace vitrine::query {

namespace internal {
struct RulePlan;  // query/rank/rules.h
}  // namespace internal

class ResultCache;
// Result cache bounds (query/result_cache.h).
struct ResultCacheOptions {
  size_t max_bytes = 64 << 20;  // 0 disables the cache
  std::chrono::seconds ttl{300};
};

struct SearchOptions {
  SearchLimits limits;
  ResultCacheOptions cache;  // SearcherPool's result cache
  // The clock deadlines are read on (SearchRequest::deadline); tests step it.
  std::chrono::steady_clock::time_point (*clock)() = &std::chrono::steady_clock::now;
};

class Searcher {
 public:
  // Opens its own Xapian reader on `index`.
  // `cache` (may be null) answers repeated searches; it must outlive the searcher.
  static absl::StatusOr<std::unique_ptr<Searcher>> Create(std::shared_ptr<const Index> index,
                                                          const SearchOptions& options,
                                                          ResultCache* cache = nullptr);
  ~Searcher();

  absl::StatusOr<SearchResponse> Search(const SearchRequest& request);
  const Index& index() const { return *index_; }

 private:
  struct Impl;
  Searcher(std::shared_ptr<const Index> index, std::unique_ptr<Impl> impl);
  // The search itself, without the cache, with the rules that fired.
  absl::StatusOr<SearchResponse> Run(const SearchRequest& request, const internal::RulePlan& rules);
  std::shared_ptr<const Index> index_;
  std::unique_ptr<Impl> impl_;
  ResultCache* cache_ = nullptr;
  uint64_t revision_ = 0;  // of index_, that impl_'s reader is open at
  // The facet columns of that revision (Index::LockRevision).
  std::shared_ptr<const internal::FacetColumns> columns_;
  // Reopens the reader at the index's latest revision and takes its columns.
  void Reopen();
};

// Reusable searchers for the current index. Publish() switches generations: new
// leases get searchers on the new index; searchers of the old one are dropped as
// they come back, so the old generation closes once its last search ends.
class SearcherPool {
 public:
  // `index` may be null until the first Publish(); Acquire() is Unavailable then.
  explicit SearcherPool(std::shared_ptr<const Index> index, SearchOptions options = {});
  ~SearcherPool();

  class Lease {
   public:
    Lease(SearcherPool* pool, std::unique_ptr<Searcher> searcher)
        : pool_(pool), searcher_(std::move(searcher)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (searcher_) pool_->Release(std::move(searcher_));
    }
    Searcher* operator->() const { return searcher_.get(); }
    Searcher& operator*() const { return *searcher_; }

   private:
    SearcherPool* pool_;
    std::unique_ptr<Searcher> searcher_;
  };

  absl::StatusOr<Lease> Acquire();
  void Publish(std::shared_ptr<const Index> index);
  std::shared_ptr<const Index> current() const;
  // Shared by the pool's searchers; product writes invalidate it.
  ResultCache& cache() { return *cache_; }

  // Counts a search a shopper made (not the sub-queries a request fans out
  // into) and whether it matched nothing: the zero-result rate on /metrics.
  void CountSearch(uint64_t total) {
    searches_.fetch_add(1, std::memory_order_relaxed);
    if (total == 0) zero_results_.fetch_add(1, std::memory_order_relaxed);
  }
  uint64_t searches() const { return searches_.load(std::memory_order_relaxed); }
  uint64_t zero_results() const { return zero_results_.load(std::memory_order_relaxed); }

  // Where the live merchandising config (rules and synonyms of one version)
  // comes from: a config store's snapshot; set once, before the pool serves.
  // config() is null without a source.
  void SetConfig(std::function<std::shared_ptr<const merch::ConfigSnapshot>()> source) {
    config_ = std::move(source);
  }
  std::shared_ptr<const merch::ConfigSnapshot> config() const {
    return config_ ? config_() : nullptr;
  }

 private:
  void Release(std::unique_ptr<Searcher> searcher);

  const SearchOptions options_;
  std::unique_ptr<ResultCache> cache_;
  mutable std::mutex mutex_;
  std::shared_ptr<const Index> current_;
  std::vector<std::unique_ptr<Searcher>> idle_;
  std::function<std::shared_ptr<const merch::ConfigSnapshot>()> config_;
  std::atomic<uint64_t> searches_ = 0;
  std::atomic<uint64_t> zero_results_ = 0;
};

}  // namespace vitrine::query
