// From analysed query words to the Xapian query of a search: every word in any
// text field (title and category weigh most), colours with their family, sizes
// in their written forms, stated genders as a boost, the word being typed as a
// prefix, words written together or apart, and the spelling correction of
// unknown words. Private to query/.
#pragma once

#include <xapian.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"
#include "catalog/index_schema.h"
#include "merch/synonyms.h"

namespace vitrine::query::internal {

// The weight of each text field's matches, in catalog::schema::kTextFields
// order (the ranking config sets them; the schema's are the default).
using FieldWeights = std::array<double, catalog::schema::kTextFields.size()>;
constexpr FieldWeights SchemaFieldWeights() {
  FieldWeights weights{};
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = catalog::schema::kTextFields[i].weight;
  return weights;
}
inline constexpr FieldWeights kDefaultFieldWeights = SchemaFieldWeights();

// How the catalog writes some query words: two words as one, one word as two.
struct WrittenForms {
  // joined[i], when not empty: the term of tokens i and i + 1 written as one
  // word ("lawn mower" -> "lawnmower").
  std::vector<std::string> joined;
  // split[i], when not empty: the terms of token i written as two words
  // ("lawnmower" -> {"lawn", "mower"}), matched as a title phrase.
  std::vector<std::vector<std::string>> split;
};

// Every non-gender, non-stop token must match (`any`: one token is enough, most
// matched tokens first); stated genders re-order rather than exclude.
// `typing`: the unfinished last word, also matched as a prefix. `forms`: other
// ways the catalog writes the tokens, matched as well. `weights` scale each text
// field's matches. `synonyms` (may be null): managed synonyms that words or
// phrases also match (query/text/synonyms.h).
Xapian::Query TextQuery(const std::vector<analyzers::Token>& tokens,
                        const analyzers::Analyzer& analyzer, bool any, std::string_view typing = {},
                        const WrittenForms& forms = {},
                        const FieldWeights& weights = kDefaultFieldWeights,
                        const merch::Thesaurus::Analysed* synonyms = nullptr);

// The other ways titles write the words of `q`: each pair of adjacent plain
// words that two or more titles write as one word (joined), and each plain word
// of 6+ letters that titles also write as two words of 3+ letters, each at least
// as common in titles as the whole word and in two or more titles (split).
WrittenForms CatalogForms(std::string_view q, const std::vector<analyzers::Token>& tokens,
                          const analyzers::Analyzer& analyzer, const Xapian::Database& database);

// The last word of `q` when the shopper may still be typing it: no space after
// it, a plain word of 2+ bytes. Else empty.
std::string UnfinishedWord(std::string_view q, const std::vector<analyzers::Token>& tokens,
                           const analyzers::Analyzer& analyzer);

// `q` with the words the index does not know replaced by the closest word of its
// spelling data, or split into two known title words; empty when nothing changed.
// Words of managed `synonyms` (may be null) are known too.
std::string CorrectSpelling(std::string_view q, const analyzers::Analyzer& analyzer,
                            const Xapian::Database& database,
                            const merch::Thesaurus::Analysed* synonyms = nullptr);

}  // namespace vitrine::query::internal
