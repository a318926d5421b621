// Product -> Xapian::Document, by the layout in catalog/index_schema.h: the id
// term, analysed text per field, boolean filter terms and value slots.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

#include "analyzers/analyzer.h"
#include "catalog/product.h"

namespace vitrine::indexer {

// Builds the document for `product`; `text` analyses the free-text fields.
// Thread-safe: documents for different products may be built concurrently.
Xapian::Document BuildDocument(const catalog::Product& product, const analyzers::Analyzer& text);

// The filter form of a display value: "Navy Blue" -> "navy blue". Query filters
// normalise the same way, so filters match case- and accent-insensitively.
std::string FilterValue(std::string_view display_value);

}  // namespace vitrine::indexer
