// What a search asks and answers: SearchRequest (text, filters, ranges, facets,
// sort, paging, merchandising config) and SearchResponse (hits, totals, facets),
// with the limits a request is checked against. Plain values; no Xapian here.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace vitrine::merch {
class RuleSet;          // merch/rule_set.h
class Thesaurus;        // merch/synonyms.h
struct ConfigSnapshot;  // merch/config_store.h
struct Ranking;         // merch/ranking.h
}  // namespace vitrine::merch

namespace vitrine::query {

// How a search orders its hits. The API names them as kSortOrderNames does.
enum class SortOrder { kRelevance, kPriceAsc, kPriceDesc, kNewest, kRating, kPopularity };
inline constexpr std::array<std::string_view, 6> kSortOrderNames = {
    "relevance", "price_asc", "price_desc", "newest", "rating", "popularity"};
inline std::string_view SortOrderName(SortOrder sort) {
  return kSortOrderNames[static_cast<size_t>(sort)];
}
// The order an API name stands for; nullopt for an unknown name.
std::optional<SortOrder> ParseSortOrder(std::string_view name);

// How a term facet's values are listed (the facet_size most frequent are kept
// either way): by count, by value (natural order: "2" < "10"), or by size (XS <
// S < M ..., query/facets/size_order.h). The size facet's default is by size, the
// others' by count.
enum class FacetOrder { kCount, kValue, kSize };
inline constexpr std::array<std::string_view, 3> kFacetOrderNames = {"count", "value", "size"};
inline std::string_view FacetOrderName(FacetOrder order) {
  return kFacetOrderNames[static_cast<size_t>(order)];
}
// The order an API name stands for; nullopt for an unknown name.
std::optional<FacetOrder> ParseFacetOrder(std::string_view name);

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

// One stage of a search and when it ran (the server turns them into trace spans).
struct StageTiming {
  std::string_view name;  // "parse", "match", "facets", "rank", "hydrate", "highlight"
  std::chrono::steady_clock::time_point start;
  std::chrono::steady_clock::time_point end;
};

// Notes stages in a log (if there is one): Begin(name) ends the stage under way
// and starts the next; the last ends with the recorder.
class StageRecorder {
 public:
  using Clock = std::chrono::steady_clock;
  explicit StageRecorder(std::vector<StageTiming>* out, Clock::time_point (*clock)() = &Clock::now)
      : out_(out), clock_(clock) {}
  ~StageRecorder() { End(); }
  StageRecorder(const StageRecorder&) = delete;
  StageRecorder& operator=(const StageRecorder&) = delete;

  void Begin(std::string_view name) {
    End();
    if (out_ == nullptr) return;
    out_->push_back({.name = name, .start = clock_(), .end = {}});
    open_ = true;
  }
  void End() {
    if (open_) out_->back().end = clock_();
    open_ = false;
  }

 protected:
  Clock::time_point Now() const { return clock_(); }

 private:
  std::vector<StageTiming>* const out_;
  Clock::time_point (*const clock_)();
  bool open_ = false;
};

// A part of q read as a product attribute (SearchRequest::understand).
struct UnderstoodPart {
  enum class Applied { kFilter, kBoost, kNone };

  std::string text;   // its words, normalised: "under 1000", "navy"
  std::string field;  // price, size, brand, category, color, gender, season or material
  std::string op;     // "eq"; a price's "lte", "gte" or "between"
  std::string value;  // eq: the catalog's value the words name ("Navy Blue", "Handbags")
  std::vector<std::string> matches;  // eq: every value it accepts (a colour's family, unisex)
  std::vector<std::string> exact;    // of those, the ones named exactly (ranked first)
  std::optional<double> gte;         // a price's bounds
  std::optional<double> lte;
  Applied applied = Applied::kNone;
  std::string note;  // why it is not a filter, when it is not
};
std::string_view AppliedName(UnderstoodPart::Applied applied);  // "filter", "boost", "none"

struct SearchRequest {
  std::string q;  // empty: browse the whole catalog
  int page = 1;   // 1-based
  int per_page = 24;
  // Field -> accepted display values ("color" -> {"Navy Blue", "Blue"}): values of
  // one field OR together, fields AND together; matched case- and accent-
  // insensitively. Fields: see kFilterFields. Filters never change scores.
  std::map<std::string, std::vector<std::string>> filters;
  // Field -> display values a product must not have: one of them on any field
  // leaves the product out (of hits, totals and every facet count).
  std::map<std::string, std::vector<std::string>> excluded;
  std::map<std::string, Range> ranges;  // "price", "rating"
  std::optional<bool> in_stock;
  // Ties break by product id.
  SortOrder sort = SortOrder::kRelevance;
  // Facet fields to count: kFacetFields and the index's filterable attributes,
  // top `facet_size` values of each; kRangeFields as range facets: a count per
  // bucket plus min/max stats.
  std::vector<std::string> facets;
  int facet_size = 10;
  // Facet field -> how its values are listed; unset: FacetOrder's defaults.
  std::map<std::string, FacetOrder> facet_order;
  // Range facet field -> ascending bucket boundaries (500, 1000 -> "..500",
  // "500..1000", "1000.."); unset: round numbers near the catalog's quintiles.
  std::map<std::string, std::vector<double>> buckets;
  // Variants (products sharing a parent_id) collapse into their best-ranked one,
  // which lists the matching variants.
  bool collapse = true;
  // Read prices, sizes, brands, product types, colours, genders, seasons and
  // materials named in q as filters or boosts (query/understand/understand.h),
  // reported in SearchResponse::understood.
  bool understand = true;
  // Mark the matched words of each hit's title and description (HTML-escaped)
  // with <highlight_tag>...</highlight_tag>.
  bool highlight = true;
  std::string highlight_tag = "em";
  // Merchandising rules to apply (see query/rank/rules.h); null: none. The server
  // passes the live snapshot (SearcherPool::config()).
  std::shared_ptr<const merch::RuleSet> rules;
  // Text field weights and business signals (see query/rank/rescore.h); null: the
  // defaults. The server passes the live snapshot's, with the rules of its version.
  std::shared_ptr<const merch::Ranking> ranking;
  // Managed synonym sets the query's words also match (query/text/synonyms.h); null:
  // none. The server passes the live snapshot's, with the rules of its version.
  std::shared_ptr<const merch::Thesaurus> synonyms;
  // False: never answered from nor kept in the result cache (previews of a
  // draft config, whose version says nothing).
  bool cacheable = true;
  // The time budget the caller asks for (timeout_ms), 0: the server's. The
  // server turns it into `deadline`, capped by its own budget.
  int timeout_ms = 0;
  // Past this the search does no more optional work and answers with what it
  // has, flagged SearchResponse::timed_out: facets are left out if the match
  // ended late, highlights if the page did. A search that reaches it before it
  // has matched anything answers DeadlineExceeded. max(): none.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // When set, each stage's start and end are appended here. Not part of the request's identity.
  std::vector<StageTiming>* stages = nullptr;
};
// timeout_ms at most (a larger one is a 400).
inline constexpr int kMaxTimeoutMs = 60'000;

// Fields a search may count values of, as named in facets= (besides declared
// attributes and the range fields).
inline constexpr std::array<std::string_view, 10> kFacetFields = {
    "brand",    "color",    "gender",        "size",          "season",
    "material", "category", "category.lvl0", "category.lvl1", "category.lvl2"};
inline constexpr size_t kMaxRangeBuckets = 50;

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
  // Every product of the hit's style, matched or not (this hit first, then in
  // catalog order): a tile's colour swatches. Empty when the style has one product.
  struct Swatch {
    std::string id;
    std::string color;
    std::optional<bool> in_stock;  // unknown when the feed does not say
    bool matches = false;          // matched the search (its filters included)
    // The sizes it comes in: its whole size run with the sold-out ones marked
    // when its feed gives stock per size (size_stock), else its sizes with
    // availability unknown.
    struct Size {
      std::string size;
      std::optional<bool> in_stock;
    };
    std::vector<Size> sizes;
  };
  std::vector<Swatch> swatches;
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
  // The deadline passed before every stage was done (SearchRequest::deadline):
  // facets or highlights are missing. Never cached.
  bool timed_out = false;
  // What q was read to say (SearchRequest::understand), in the order of its words.
  std::vector<UnderstoodPart> understood;
};

// Checks a request against the limits; errors name the parameter.
// `attributes`: the index's filterable attribute keys (filter and facet fields).
absl::Status ValidateSearchRequest(const SearchRequest& request, const SearchLimits& limits,
                                   const std::vector<std::string>& attributes = {});

}  // namespace vitrine::query
