// Search: a validated SearchRequest -> Xapian match -> hits hydrated from the
// product store. One Searcher per thread (Xapian::Database is not thread-safe);
// SearcherPool hands them out and swaps generations without blocking searches.
//
//   ASSIGN_OR_RETURN(auto index, OpenIndex({.generation = "000007", .xapian_path = ...}));
//   SearcherPool pool(index);
//   SearcherPool::Lease searcher = pool.Acquire();
//   ASSIGN_OR_RETURN(SearchResponse response, searcher->Search({.q = "navy tee"}));
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analyzers/analyzer.h"
#include "catalog/product_store.h"

namespace vitrine::merch {
class RuleSet;          // merch/rule_set.h
class Thesaurus;        // merch/synonyms.h
struct ConfigSnapshot;  // merch/config_store.h
struct Ranking;         // merch/ranking.h
}  // namespace vitrine::merch

namespace vitrine::query {

struct SearchLimits {
  size_t max_filter_values = 64;  // over all filter fields
  int max_per_page = 100;         // larger per_page is a 400
  int max_result_window = 10000;  // page * per_page may not go deeper
  size_t max_query_bytes = 512;
  size_t max_query_words = 32;
};

// A numeric range; either side may be open.
struct Range {
  std::optional<double> gte;
  std::optional<double> lte;
};

struct SearchRequest {
  std::string q;  // empty: browse the whole catalog
  int page = 1;   // 1-based
  int per_page = 24;
  // Field -> accepted display values ("color" -> {"Navy Blue", "Blue"}): values of
  // one field OR together, fields AND together; matched case- and accent-
  // insensitively. Fields: see kFilterFields. Filters never change scores.
  std::map<std::string, std::vector<std::string>> filters;
  std::map<std::string, Range> ranges;  // "price", "rating"
  std::optional<bool> in_stock;
  // "relevance" (default), "price_asc", "price_desc", "newest", "rating",
  // "popularity"; ties break by product id.
  std::string sort = "relevance";
  // Facet fields to count: kFacetFields and the index's filterable attributes,
  // top `facet_size` values of each; kRangeFields as range facets: a count per
  // bucket plus min/max stats.
  std::vector<std::string> facets;
  int facet_size = 10;
  // Range facet field -> ascending bucket boundaries (500, 1000 -> "..500",
  // "500..1000", "1000.."); unset: round numbers near the catalog's quintiles.
  std::map<std::string, std::vector<double>> buckets;
  // Variants (products sharing a parent_id) collapse into their best-ranked one,
  // which lists the matching variants.
  bool collapse = true;
  // Mark the matched words of each hit's title and description (HTML-escaped)
  // with <highlight_tag>...</highlight_tag>.
  bool highlight = true;
  std::string highlight_tag = "em";
  // Merchandising rules to apply (see query/rules.h); null: none. The server
  // passes the live snapshot (SearcherPool::config()).
  std::shared_ptr<const merch::RuleSet> rules;
  // Text field weights and business signals (see query/rescore.h); null: the
  // defaults. The server passes the live snapshot's, with the rules of its version.
  std::shared_ptr<const merch::Ranking> ranking;
  // Managed synonym sets the query's words also match (query/synonyms.h); null:
  // none. The server passes the live snapshot's, with the rules of its version.
  std::shared_ptr<const merch::Thesaurus> synonyms;
  // False: never answered from nor kept in the result cache (previews of a
  // draft config, whose version says nothing).
  bool cacheable = true;
};

// Fields a search may count values of, as named in facets= (besides declared
// attributes and the range fields).
inline constexpr std::array<std::string_view, 10> kFacetFields = {
    "brand",    "color",    "gender",        "size",          "season",
    "material", "category", "category.lvl0", "category.lvl1", "category.lvl2"};
inline constexpr size_t kMaxRangeBuckets = 50;
inline constexpr std::array<std::string_view, 6> kSortOrders = {
    "relevance", "price_asc", "price_desc", "newest", "rating", "popularity"};

struct FacetValue {
  std::string value;  // a range bucket's is "from..to", "..to" or "from.."
  uint64_t count = 0;
  std::optional<double> from;  // range buckets: from <= value < to
  std::optional<double> to;
};

// Numbers of a range facet's field over the products counted.
struct FacetStats {
  uint64_t count = 0;  // products with a value
  double min = 0;
  double max = 0;
  double sum = 0;
};

struct Facet {
  std::string field;
  std::vector<FacetValue> values;   // by count, then value; range buckets in order
  std::optional<FacetStats> stats;  // range facets
};

// Fields a search may filter on, as named in filter.<field>.
inline constexpr std::array<std::string_view, 7> kFilterFields = {
    "brand", "color", "gender", "category", "size", "season", "material"};
// Fields a search may bound with range.<field>.
inline constexpr std::array<std::string_view, 2> kRangeFields = {"price", "rating"};

struct SearchHit {
  std::string id;
  double score = 0;
  std::string product_json;  // the snapshot; "null" if it vanished since the match
  // Matched words marked; empty when highlighting is off or nothing matched.
  std::string highlight_title;
  std::string highlight_description;  // the first 300 bytes or so, cut at a space
  // A collapsed style: every variant that matched (this hit first), with the
  // colours and sizes they come in. Empty when the product has no variants.
  struct Variant {
    std::string id;
    std::string color;
    std::vector<std::string> sizes;
  };
  std::vector<Variant> variants;
};

struct SearchResponse {
  uint64_t total = 0;
  bool total_is_estimate = false;  // totals are exact: always false
  bool relaxed = false;            // few products had every word; partial matches follow
  // The query as searched when a word was unknown and corrected from the index's
  // spelling data ("sneekers" -> "sneakers"); empty when q was searched as typed.
  std::string corrected_query;
  // In the order requested. A field's counts ignore that field's own filter
  // (disjunctive), so every brand stays visible after choosing one.
  std::vector<Facet> facets;
  std::vector<SearchHit> hits;
  // Merchandising: ids of the rules that fired (in firing order), and the JSON
  // banner of the first of them that has one (empty: none).
  std::vector<std::string> applied_rules;
  std::string banner_json;
};

// Checks a request against the limits; errors name the parameter.
// `attributes`: the index's filterable attribute keys (filter and facet fields).
absl::Status ValidateSearchRequest(const SearchRequest& request, const SearchLimits& limits,
                                   const std::vector<std::string>& attributes = {});

// One opened generation: paths, the shared snapshot store, counts. Immutable.
struct IndexSource {
  std::string generation;
  std::string xapian_path;
  std::string snapshot_path;
  // The generation's analyzer (PROFILE and vocabulary files, as written by the
  // reindex); empty or missing: the plain analyzer without vocabulary.
  std::string analyzers_path;
  // Open the snapshot store read-write, for live updates (one process only).
  bool writable = false;
  // Build the in-memory suggester (Index::suggester()); one-shot commands that
  // never suggest skip it and get an empty one.
  bool suggestions = true;
};

namespace internal {
struct FacetColumns;
struct RulePlan;
}  // namespace internal
class Suggester;  // query/suggest.h

// A generation opened for serving. Its live view advances when updates are
// committed to it (Refresh): searchers reopen their readers at the new revision
// and count facets from the refreshed columns.
class Index {
 public:
  const std::string& generation() const { return source_.generation; }
  const std::string& xapian_path() const { return source_.xapian_path; }
  const catalog::ProductStore& store() const { return *store_; }
  const std::shared_ptr<catalog::ProductStore>& shared_store() const { return store_; }
  uint64_t documents() const { return documents_.load(std::memory_order_relaxed); }
  // The analysis the generation was built with; queries go through the same.
  const analyzers::Analyzer& analyzer() const { return *analyzer_; }
  const std::shared_ptr<const analyzers::Analyzer>& shared_analyzer() const { return analyzer_; }
  // Facet values in memory, for counting without reading documents; a search
  // holds on to the columns of its revision.
  std::shared_ptr<const internal::FacetColumns> facet_columns() const;
  // `attributes` keys the index was built to filter and count (see
  // catalog/index_schema.h), in declaration order.
  const std::vector<std::string>& filterable_attributes() const { return attributes_; }
  // Whether any product names a parent_id (so variants may collapse).
  bool has_variants() const { return has_variants_.load(std::memory_order_relaxed); }
  // Range facet boundaries of `field` when a request gives none.
  const std::vector<double>& default_buckets(std::string_view field) const {
    return field == "price" ? price_buckets_ : rating_buckets_;
  }
  // Bumped by every Refresh.
  uint64_t revision() const { return revision_.load(std::memory_order_acquire); }

  // After a commit of live updates that changed the documents `changed`:
  // brings the facet columns and counts up to date and bumps the revision.
  // One caller at a time (the generation's writer).
  absl::Status Refresh(const std::vector<uint32_t>& changed) const;
  // Search-as-you-type suggestions, built in memory when the generation opens.
  const Suggester& suggester() const { return *suggester_; }

 private:
  friend absl::StatusOr<std::shared_ptr<const Index>> OpenIndex(const IndexSource&);
  IndexSource source_;
  std::shared_ptr<catalog::ProductStore> store_;
  std::shared_ptr<const analyzers::Analyzer> analyzer_;
  std::vector<std::string> attributes_;
  std::vector<double> price_buckets_;
  std::vector<double> rating_buckets_ = {1, 2, 3, 4};
  // The live view: written by Refresh, read by searches.
  mutable std::mutex columns_mutex_;
  mutable std::shared_ptr<const internal::FacetColumns> facet_columns_;
  mutable std::atomic<uint64_t> documents_ = 0;
  mutable std::atomic<bool> has_variants_ = false;
  mutable std::atomic<uint64_t> revision_ = 0;
  std::shared_ptr<const Suggester> suggester_;
};

// Opens a generation for serving (read-only store, Xapian database checked).
absl::StatusOr<std::shared_ptr<const Index>> OpenIndex(const IndexSource& source);

class ResultCache;
// Result cache bounds (query/result_cache.h).
struct ResultCacheOptions {
  size_t max_bytes = 64 << 20;  // 0 disables the cache
  std::chrono::seconds ttl{300};
};

struct SearchOptions {
  SearchLimits limits;
  ResultCacheOptions cache;  // SearcherPool's result cache
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
};

}  // namespace vitrine::query
