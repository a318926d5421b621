// Highlighting a hit reads only the title and description of its snapshot:
// every JSON shape around them (nested objects and arrays, escapes, numbers,
// members in any order) is skipped correctly, and escapes inside them decode.
#include <gtest/gtest.h>

#include <string>

#include "analyzers/analyzer.h"
#include "query/search_hits.h"

namespace vitrine::query::internal {
namespace {

SearchHit Highlighted(std::string product_json) {
  const analyzers::Analyzer analyzer;
  HighlightTerms terms;
  terms.terms.insert(analyzer.Analyze("shirt")[0].term);
  TermMemo memo;
  SearchHit hit{.id = "1", .score = 1, .product_json = std::move(product_json)};
  HighlightHit(hit, analyzer, terms, "em", memo);
  return hit;
}

TEST(HighlightHit, FindsTitleAndDescriptionAmongOtherMembers) {
  const SearchHit hit = Highlighted(
      R"({"id": "1", "attributes": {"title": "not this shirt", "list": [1, {"a": "}"}]},
          "price": -12.5e1, "in_stock": true, "note": null, "sizes": ["S", "M"],
          "title": "Café \"Linen\" Shirt \u00e9", "tags": "a \\ b",
          "description": "A shirt.\nWashable"})");
  EXPECT_EQ(hit.highlight_title, "Café &quot;Linen&quot; <em>Shirt</em> é");
  EXPECT_EQ(hit.highlight_description, "A <em>shirt</em>.\nWashable");
}

TEST(HighlightHit, LeavesHitsWithoutThoseFieldsOrValidJsonAlone) {
  EXPECT_TRUE(Highlighted(R"({"id": "1", "title": 5})").highlight_title.empty());
  EXPECT_TRUE(Highlighted(R"({"id": "1", "title": "shirt)").highlight_title.empty());
  EXPECT_TRUE(Highlighted("null").highlight_title.empty());
  EXPECT_TRUE(Highlighted(R"({"title": "Navy Tee"})").highlight_title.empty());  // no match
}

}  // namespace
}  // namespace vitrine::query::internal
