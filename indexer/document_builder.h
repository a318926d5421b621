// Product -> Xapian::Document, by the layout in catalog/index_schema.h: the id
// term, analysed text per field, boolean filter terms and value slots.
#pragma once

#include <xapian.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "analyzers/analyzer.h"
#include "catalog/product.h"

namespace vitrine::indexer {

// What BuildDocument makes of the values a catalog repeats across its products
// (brands, categories, colours, genders, their filter forms, sizes; and a
// brand's words for spelling), kept for the next products built with the same
// analyzer: a million products have a few thousand brands, and each analysis
// is ICU normalisation. Titles and descriptions, mostly unique, are not kept.
// Bounded: a kind of value starts over past `max_values`. Not thread-safe: one
// per thread at a time.
class AnalysisMemo {
 public:
  static constexpr size_t kMaxValues = 8192;

  explicit AnalysisMemo(const analyzers::Analyzer& analyzer, size_t max_values = kMaxValues)
      : analyzer_(analyzer), max_values_(max_values) {}
  const analyzers::Analyzer& analyzer() const { return analyzer_; }

  // As analyzer().Analyze(text), Words(text), SizeTerm(size) and
  // FilterValue(value); valid until the next call.
  const std::vector<analyzers::Token>& Analyze(std::string_view text);
  const std::vector<std::string>& Words(std::string_view text);
  const std::string& SizeTerm(std::string_view size);
  const std::string& FilterValue(std::string_view value);

 private:
  // `map`'s value for `key`, made by `make` when it has none.
  template <typename Value, typename Make>
  const Value& Kept(absl::flat_hash_map<std::string, Value>& map, std::string_view key,
                    Make&& make);

  const analyzers::Analyzer& analyzer_;
  const size_t max_values_;
  absl::flat_hash_map<std::string, std::vector<analyzers::Token>> tokens_;
  absl::flat_hash_map<std::string, std::vector<std::string>> words_;
  absl::flat_hash_map<std::string, std::string> size_terms_;
  absl::flat_hash_map<std::string, std::string> filter_values_;
};

// Builds the document for `product`; `text` analyses the free-text fields.
// `filterable_attributes`: the `attributes` keys the index declares filterable
// (filter terms and a facet slot each; see catalog/index_schema.h).
// Thread-safe: documents for different products may be built concurrently.
Xapian::Document BuildDocument(const catalog::Product& product, const analyzers::Analyzer& text,
                               std::span<const std::string> filterable_attributes = {});
// The same document, with the repeated values' analyses from `memo` (its
// analyzer analyses the text): for a thread that builds many.
Xapian::Document BuildDocument(const catalog::Product& product, AnalysisMemo& memo,
                               std::span<const std::string> filterable_attributes = {});

// Checks keys declared filterable: at most schema::kMaxFilterableAttributes,
// each 1-64 of [a-z0-9_], no repeats. Errors name "filterable_attributes".
absl::Status ValidateFilterableAttributes(std::span<const std::string> keys);

// The terms BuildDocument indexes for `text` in the text field `field` ("title",
// "brand", "category", "color", "gender", "description"), prefixes included; for
// "color" also the colour family terms. Empty for an unknown field. Shows what
// the analyzer makes of a string (`vitrine analyze`, GET /v1/analyze).
std::vector<std::string> TextFieldTerms(const analyzers::Analyzer& analyzer, std::string_view field,
                                        std::string_view text);

// The filter form of a display value: "Navy Blue" -> "navy blue". Query filters
// normalise the same way, so filters match case- and accent-insensitively.
std::string FilterValue(std::string_view display_value);

}  // namespace vitrine::indexer
