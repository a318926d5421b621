// Product -> Xapian::Document, by the layout in catalog/index_schema.h: the id
// term, analysed text per field, boolean filter terms and value slots.
#pragma once

#include <xapian.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "analyzers/analyzer.h"
#include "catalog/product.h"

namespace vitrine::indexer {

// Builds the document for `product`; `text` analyses the free-text fields.
// `filterable_attributes`: the `attributes` keys the index declares filterable
// (filter terms and a facet slot each; see catalog/index_schema.h).
// Thread-safe: documents for different products may be built concurrently.
Xapian::Document BuildDocument(const catalog::Product& product, const analyzers::Analyzer& text,
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
