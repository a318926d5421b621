// The catalog's own attribute values, as query words can name them: brands,
// product types (category leaves), colours with their families, genders,
// seasons, materials and sizes of one revision's facet columns, keyed by the
// normalised words and by the analysed terms that spell them. Built once per
// revision (FacetColumns::lexicon) and shared read-only. Private to query/.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "analyzers/analyzer.h"

namespace vitrine::query::internal {

struct FacetColumns;

// Attribute fields a query can name, in the order a tie between two readings of
// the same words goes (a product type before a brand of the same name).
enum class QueryField { kCategory, kBrand, kColor, kGender, kSeason, kMaterial };
std::string_view QueryFieldName(QueryField field);  // as the API names it: "category", ...

struct LexiconEntry {
  QueryField field;
  std::string value;                // the catalog's value the words name ("Navy Blue")
  std::vector<std::string> values;  // every value a filter on it accepts (a family, unisex)
  std::vector<std::string> exact;   // of those, the ones the words name exactly (ranked first)
  uint64_t products = 0;            // products with one of `values`
};

class Lexicon {
 public:
  // From the display values of `columns` (analysed with `analyzer`, the
  // generation's). Costs a pass over the single-valued columns.
  static Lexicon Build(const FacetColumns& columns, const analyzers::Analyzer& analyzer);

  // Entries whose value's normalised words, joined by single spaces, are `words`.
  const std::vector<LexiconEntry>* ByWords(std::string_view words) const;
  // Entries whose value analyses to `terms` (non-stop terms joined by spaces):
  // "t shirt", "tees" and "Tshirts" are all "tshirt".
  const std::vector<LexiconEntry>* ByTerms(std::string_view terms) const;
  // The brand `words` (one to three normalised words) misspell: the one brand
  // within one edit (two for 9 letters or more), if only one is.
  const LexiconEntry* MisspeltBrand(std::string_view words) const;
  // The genders a gender word (a kGender token: "mens", "ladies", "kids")
  // accepts, as the catalog writes them; nullopt when it has none of them.
  std::optional<LexiconEntry> Gender(const analyzers::Token& token,
                                     const analyzers::Vocabulary& vocabulary) const;
  // Catalog sizes whose canonical form (Analyzer::SizeTerm) is `size_term`.
  const std::vector<std::string>* Sizes(std::string_view size_term) const;
  // Catalog sizes written with a system ("UK 10") whose number is `size_term`.
  const std::vector<std::string>* SizesInAnySystem(std::string_view size_term) const;

  // Whether some product of the product type `category` (a category leaf) has
  // a material: a deodorant has none, so "denim deodorant" names no denim.
  bool TypeHasMaterials(std::string_view category) const;

  size_t max_words() const { return max_words_; }
  // The facet slots a lexicon reads.
  static std::vector<Xapian::valueno> Slots();

 private:
  absl::flat_hash_map<std::string, std::vector<LexiconEntry>> by_words_;
  absl::flat_hash_map<std::string, std::vector<LexiconEntry>> by_terms_;
  absl::flat_hash_map<std::string, std::vector<std::string>> sizes_;
  absl::flat_hash_map<std::string, std::vector<std::string>> bare_sizes_;
  // a gender's term -> the catalog's values of it and their products, most first:
  // "girl" -> Girls; "kid" -> Unisex Kids (a value of several words is keyed by
  // its last, the audience the others qualify)
  absl::flat_hash_map<std::string, std::vector<std::pair<std::string, uint64_t>>> genders_;
  std::vector<std::pair<std::string, LexiconEntry>> brands_;  // normalised name, entry
  absl::flat_hash_set<std::string> made_of_something_;  // leaves with a product with a material
  size_t max_words_ = 1;
};

// A revision's lexicon, built by the first search that needs it.
class LexiconOnce {
 public:
  const Lexicon& Get(const FacetColumns& columns, const analyzers::Analyzer& analyzer) {
    std::call_once(
        once_, [&] { lexicon_ = std::make_unique<Lexicon>(Lexicon::Build(columns, analyzer)); });
    return *lexicon_;
  }

 private:
  std::once_flag once_;
  std::unique_ptr<Lexicon> lexicon_;
};

}  // namespace vitrine::query::internal
