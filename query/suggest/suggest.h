// Search-as-you-type suggestions: brands, categories and product titles whose
// words start with what the shopper typed, most popular first, the typed
// prefixes marked. Built in memory once per generation (Index::suggester()),
// answered without touching Xapian or RocksDB.
//
//   ASSIGN_OR_RETURN(std::vector<Suggestion> found,
//                    index->suggester().Suggest({.q = "nike run", .limit = 10}));
//   // {kBrand "Nike" "<em>Nike</em>" count 1234}, ...,
//   // {kTitle "Nike Men Black Running Shoes" "<em>Nike</em> Men Black <em>Run</em>ning Shoes"}
//
// Matching: q and every suggestion are split into words (letters and digits;
// apostrophes join: "Levi's" is the word "levis") and normalised like filter
// values (analyzers::NormalizeText: case, accents, compatibility forms). A
// suggestion matches when the typed words occur among its words in the typed
// order: every word but the last as a whole word, the last as the start of a
// word ("red dre" finds "Biba Red Dress"), or whole too when q ends in a space.
//
// Ranking: brands and categories by their number of products; titles (one per
// distinct normalised title) by the popularity of their most popular product,
// then its rating, then its id. Up to 3 brands, then up to 3 categories, then
// titles up to `limit`. Thread-safe: a Suggester is immutable.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catalog/product_store.h"

namespace vitrine::query {

struct SuggestLimits {
  size_t max_query_bytes = 100;
  int max_limit = 50;  // larger limit is a 400
  int max_brands = 3;  // per response, before categories
  int max_categories = 3;
};

struct SuggestRequest {
  std::string q;  // required: an empty or blank q is a 400
  int limit = 10;
};

enum class SuggestionType { kBrand, kCategory, kTitle };
std::string_view SuggestionTypeName(SuggestionType type);  // "brand", "category", "title"

struct Suggestion {
  SuggestionType type = SuggestionType::kTitle;
  std::string text;       // as displayed in the catalog
  std::string highlight;  // `text` HTML-escaped, typed prefixes in <em>...</em>
  uint64_t count = 0;     // products with this brand, category or title
  std::string id;         // titles: the most popular product with this title
};

// Checks q (non-blank, at most max_query_bytes, UTF-8) and limit; errors name the parameter.
absl::Status ValidateSuggestRequest(const SuggestRequest& request, const SuggestLimits& limits);

// One product as the suggester sees it.
struct SuggestSource {
  std::string id;
  std::string title;
  std::string brand;
  std::vector<std::string> categories;  // every level of its path (a filter.category value)
  double popularity = 0;
  double rating = 0;
};

class Suggester {
 public:
  // From products in any order; the same products always build the same suggester.
  static std::shared_ptr<const Suggester> Build(std::span<const SuggestSource> products,
                                                SuggestLimits limits = {});

  // From a generation: titles from the snapshot store (one scan), everything else
  // from the Xapian value slots (catalog/index_schema.h).
  static absl::StatusOr<std::shared_ptr<const Suggester>> Load(const std::string& xapian_path,
                                                               const catalog::ProductStore& store,
                                                               SuggestLimits limits = {});

  ~Suggester();

  // Validates `request`, then answers it: brands, categories, titles.
  absl::StatusOr<std::vector<Suggestion>> Suggest(const SuggestRequest& request) const;

  const SuggestLimits& limits() const { return limits_; }
  // Distinct suggestions of a type, and the bytes the whole suggester holds.
  size_t size(SuggestionType type) const;
  size_t memory_bytes() const;

  struct Section;  // one type's suggestions and word index (suggest.cc)

 private:
  Suggester();
  SuggestLimits limits_;
  std::unique_ptr<Section> brands_, categories_, titles_;
};

}  // namespace vitrine::query
