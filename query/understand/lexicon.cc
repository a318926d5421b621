#include "query/understand/lexicon.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_join.h"
#include "catalog/index_schema.h"
#include "query/facets/facet_columns.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

// Brand names this short, or that are stop words ("only", "being"), are too
// often ordinary words to be read as brands.
constexpr size_t kMinBrandLetters = 3;

// Values of one column with how many products have each.
struct Counted {
  const FacetColumn* column = nullptr;
  std::vector<uint64_t> products;  // by value id
};

Counted Count(const FacetColumns& columns, Xapian::valueno slot) {
  Counted counted;
  const auto found = columns.slots.find(slot);
  if (found == columns.slots.end()) return counted;
  counted.column = &found->second;
  counted.products.assign(counted.column->values.size(), 0);
  if (counted.column->multi_valued()) {
    for (uint32_t id : counted.column->ids) ++counted.products[id];
  } else {
    for (uint32_t id : counted.column->by_docid) ++counted.products[id];
  }
  return counted;
}

std::string JoinWords(const std::vector<std::string>& words) { return absl::StrJoin(words, " "); }

// The analysed terms of `text` a query would search, joined; stop words left out.
std::string JoinTerms(const std::vector<analyzers::Token>& tokens) {
  std::string joined;
  for (const analyzers::Token& token : tokens) {
    if (token.kind == analyzers::TokenKind::kStop) continue;
    if (!joined.empty()) joined.push_back(' ');
    joined.append(token.term);
  }
  return joined;
}

// Damerau-Levenshtein distance of `a` and `b` when at most `limit`, else limit + 1.
size_t EditDistance(std::string_view a, std::string_view b, size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<size_t> two_back(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    size_t row_min = current[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        current[j] = std::min(current[j], two_back[j - 2] + 1);
      }
      row_min = std::min(row_min, current[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(two_back, previous);
    std::swap(previous, current);
  }
  return previous[b.size()];
}

bool IsSizeSystem(std::string_view word) { return word == "uk" || word == "eu" || word == "us"; }

// Other ways shoppers write a brand's name (`words`, normalised, of `value`):
// "&" as "and" ("jack and jones"), initials run together ("us polo assn" for
// "U.S. Polo Assn.") and then without a trailing "assn", "inc" or "co", and the
// name before " by " ("hrx" for "HRX by Hrithik Roshan").
std::vector<std::string> BrandAliases(std::string_view value, const std::vector<std::string>& words,
                                      const analyzers::Analyzer& analyzer) {
  std::vector<std::string> aliases;
  if (value.find('&') != std::string_view::npos) {
    std::string spelt(value);
    for (size_t at = spelt.find('&'); at != std::string::npos; at = spelt.find('&', at + 5)) {
      spelt.replace(at, 1, " and ");
    }
    aliases.push_back(JoinWords(analyzer.Words(spelt)));
  }
  std::vector<std::string> joined;
  bool initials = false;  // the last word is single letters run together
  for (const std::string& word : words) {
    if (word.size() == 1 && initials) {
      joined.back().append(word);
    } else {
      joined.push_back(word);
      initials = word.size() == 1;
    }
  }
  if (joined != words) aliases.push_back(JoinWords(joined));
  const std::string& last = joined.back();
  if (joined.size() > 2 && (last == "assn" || last == "inc" || last == "co")) {
    aliases.push_back(JoinWords(std::vector<std::string>(joined.begin(), joined.end() - 1)));
  }
  // "levi" for "Levis": a possessive the shopper wrote ("levi's") is dropped.
  if (words.size() == 1 && words[0].size() >= 5 && words[0].back() == 's') {
    aliases.push_back(words[0].substr(0, words[0].size() - 1));
  }
  if (const auto by = std::find(words.begin(), words.end(), "by");
      by != words.begin() && by != words.end() && by + 1 != words.end()) {
    const std::string before = JoinWords(std::vector<std::string>(words.begin(), by));
    if (before.size() >= 3) aliases.push_back(before);
  }
  return aliases;
}

size_t AllowedEdits(std::string_view words) { return words.size() >= 9 ? 2 : 1; }

}  // namespace

std::string_view QueryFieldName(QueryField field) {
  switch (field) {
    case QueryField::kCategory:
      return "category";
    case QueryField::kBrand:
      return "brand";
    case QueryField::kColor:
      return "color";
    case QueryField::kGender:
      return "gender";
    case QueryField::kSeason:
      return "season";
    case QueryField::kMaterial:
      return "material";
  }
  return "";
}

std::vector<Xapian::valueno> Lexicon::Slots() {
  return {schema::kSlotCategoryLeaf, schema::kSlotBrand, schema::kSlotSeason,
          schema::kSlotMaterial,     schema::kSlotColor, schema::kSlotGender,
          schema::kSlotSizes};
}

Lexicon Lexicon::Build(const FacetColumns& columns, const analyzers::Analyzer& analyzer) {
  Lexicon lexicon;
  const analyzers::Vocabulary* vocabulary = analyzer.vocabulary();
  const auto add = [&](absl::flat_hash_map<std::string, std::vector<LexiconEntry>>& map,
                       const std::string& key, const LexiconEntry& entry) {
    if (key.empty()) return;
    std::vector<LexiconEntry>& entries = map[key];
    for (LexiconEntry& existing : entries) {
      if (existing.field == entry.field) {  // "Puma" and "PUMA": one entry
        for (const std::string& value : entry.values) existing.values.push_back(value);
        for (const std::string& value : entry.exact) existing.exact.push_back(value);
        if (entry.products > existing.products) existing.value = entry.value;
        existing.products += entry.products;
        return;
      }
    }
    entries.push_back(entry);
    lexicon.max_words_ =
        std::max<size_t>(lexicon.max_words_, std::count(key.begin(), key.end(), ' ') + 1);
  };
  // Values named by their own words (brands, seasons, materials, types) and,
  // besides, by their analysed terms (types and materials: "tees", "t-shirt").
  const auto add_values = [&](Xapian::valueno slot, QueryField field, bool by_terms) {
    const Counted counted = Count(columns, slot);
    if (counted.column == nullptr) return;
    for (size_t id = 1; id < counted.column->values.size(); ++id) {
      if (counted.products[id] == 0) continue;
      const std::string& value = counted.column->values[id];
      const LexiconEntry entry{.field = field,
                               .value = value,
                               .values = {value},
                               .exact = {value},
                               .products = counted.products[id]};
      const std::vector<std::string> words = analyzer.Words(value);
      const std::string key = JoinWords(words);
      if (field == QueryField::kBrand) {
        const bool common =
            words.size() == 1 && (key.size() < kMinBrandLetters ||
                                  (vocabulary != nullptr && vocabulary->IsStopWord(key)));
        if (common) continue;
        lexicon.brands_.emplace_back(key, entry);
      }
      add(lexicon.by_words_, key, entry);
      if (field == QueryField::kBrand) {
        for (const std::string& alias : BrandAliases(value, words, analyzer)) {
          add(lexicon.by_words_, alias, entry);
          lexicon.brands_.emplace_back(alias, entry);
        }
      }
      if (field == QueryField::kSeason && key == "fall") add(lexicon.by_words_, "autumn", entry);
      if (field == QueryField::kMaterial && key == "wool") {
        for (const char* adjective : {"woolen", "woollen", "woolens", "woollens"}) {
          add(lexicon.by_words_, adjective, entry);
        }
      }
      if (by_terms) add(lexicon.by_terms_, JoinTerms(analyzer.Analyze(value)), entry);
    }
  };
  add_values(schema::kSlotCategoryLeaf, QueryField::kCategory, /*by_terms=*/true);
  add_values(schema::kSlotBrand, QueryField::kBrand, /*by_terms=*/false);
  add_values(schema::kSlotSeason, QueryField::kSeason, /*by_terms=*/false);
  add_values(schema::kSlotMaterial, QueryField::kMaterial, /*by_terms=*/true);
  const auto leaves = columns.slots.find(schema::kSlotCategoryLeaf);
  const auto materials = columns.slots.find(schema::kSlotMaterial);
  if (leaves != columns.slots.end() && materials != columns.slots.end() &&
      !leaves->second.multi_valued() && !materials->second.multi_valued()) {
    const FacetColumn& leaf = leaves->second;
    const FacetColumn& material = materials->second;
    std::vector<bool> made(leaf.values.size(), false);
    const size_t docs = std::min(leaf.by_docid.size(), material.by_docid.size());
    for (size_t id = 0; id < docs; ++id) {
      if (material.by_docid[id] != 0) made[leaf.by_docid[id]] = true;
    }
    for (size_t type = 1; type < made.size(); ++type) {
      if (made[type]) lexicon.made_of_something_.insert(leaf.values[type]);
    }
  }

  // Colours: a colour's own values, and for a family's name ("blue") every
  // value of the family (navy, teal, ...), its own ranked first.
  if (const Counted colors = Count(columns, schema::kSlotColor); colors.column != nullptr) {
    std::map<std::string, LexiconEntry> by_term;  // colour term -> entry
    std::map<std::string, std::vector<std::pair<std::string, uint64_t>>> by_family;
    for (size_t id = 1; id < colors.column->values.size(); ++id) {
      if (colors.products[id] == 0) continue;
      const std::string& value = colors.column->values[id];
      const std::vector<analyzers::Token> tokens = analyzer.Analyze(value);
      if (tokens.size() != 1 || tokens[0].kind != analyzers::TokenKind::kColor) continue;
      LexiconEntry& entry = by_term[tokens[0].term];
      entry.field = QueryField::kColor;
      if (colors.products[id] > entry.products) entry.value = value;
      entry.products += colors.products[id];
      entry.values.push_back(value);
      entry.exact.push_back(value);
      if (!tokens[0].family.empty() && tokens[0].family != tokens[0].term) {
        by_family[tokens[0].family].emplace_back(value, colors.products[id]);
      }
    }
    for (auto& [term, entry] : by_term) {
      if (const auto family = by_family.find(term); family != by_family.end()) {
        for (const auto& [value, products] : family->second) {
          entry.values.push_back(value);
          entry.products += products;
        }
      }
    }
    for (const auto& [family, members] : by_family) {
      if (by_term.contains(family)) continue;
      LexiconEntry& entry = by_term[family];  // no product is exactly this colour
      entry.field = QueryField::kColor;
      for (const auto& [value, products] : members) {
        if (products > entry.products) entry.value = value;
        entry.products += products;
        entry.values.push_back(value);
      }
      entry.exact = entry.values;
    }
    for (auto& [term, entry] : by_term) {
      add(lexicon.by_terms_, term, entry);
    }
  }

  // Genders by their normalised value; a gender word's matches are read from
  // the vocabulary when a query names one (Gender).
  if (const Counted genders = Count(columns, schema::kSlotGender); genders.column != nullptr) {
    for (size_t id = 1; id < genders.column->values.size(); ++id) {
      if (genders.products[id] == 0) continue;
      const std::string& value = genders.column->values[id];
      // Keyed as the gender field's terms are (and GenderMatches answers): "Girls" is "girl".
      const std::string normalized = analyzers::NormalizeText(value);
      const std::string_view audience =
          std::string_view(normalized).substr(normalized.find_last_of(' ') + 1);
      lexicon.genders_[analyzer.TermFor(audience)].emplace_back(value, genders.products[id]);
    }
    for (auto& [term, values] : lexicon.genders_) {
      std::sort(values.begin(), values.end(),
                [](const auto& a, const auto& b) { return a.second > b.second; });
    }
  }

  // Sizes by their canonical form ("Extra Large" and "XL" are both "xl").
  std::map<std::string, uint64_t> size_products;
  if (const Counted sizes = Count(columns, schema::kSlotSizes); sizes.column != nullptr) {
    for (size_t id = 1; id < sizes.column->values.size(); ++id) {
      if (sizes.products[id] == 0) continue;
      const std::string& value = sizes.column->values[id];
      size_products[value] += sizes.products[id];
      lexicon.sizes_[analyzer.SizeTerm(value)].push_back(value);
      // "UK 10" is also what "size 10" asks for, when the catalog writes one system.
      const std::vector<std::string> words = analyzer.Words(value);
      if (words.size() == 2 && IsSizeSystem(words[0])) {
        lexicon.bare_sizes_[analyzer.SizeTerm(words[1])].push_back(value);
      }
    }
  }
  // The size most products come in first: it is the one reported.
  for (auto* sizes : {&lexicon.sizes_, &lexicon.bare_sizes_}) {
    for (auto& [term, values] : *sizes) {
      std::stable_sort(values.begin(), values.end(),
                       [&](const std::string& a, const std::string& b) {
                         return size_products[a] > size_products[b];
                       });
    }
  }
  std::sort(lexicon.brands_.begin(), lexicon.brands_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return lexicon;
}

const std::vector<LexiconEntry>* Lexicon::ByWords(std::string_view words) const {
  const auto found = by_words_.find(absl::string_view(words.data(), words.size()));
  return found == by_words_.end() ? nullptr : &found->second;
}

const std::vector<LexiconEntry>* Lexicon::ByTerms(std::string_view terms) const {
  const auto found = by_terms_.find(absl::string_view(terms.data(), terms.size()));
  return found == by_terms_.end() ? nullptr : &found->second;
}

const LexiconEntry* Lexicon::MisspeltBrand(std::string_view words) const {
  if (words.size() < 5) return nullptr;
  const size_t limit = AllowedEdits(words);
  const LexiconEntry* found = nullptr;
  std::string_view found_name;
  for (const auto& [name, entry] : brands_) {
    if (name.size() + limit < words.size() || name.size() > words.size() + limit) continue;
    if (EditDistance(words, name, limit) > limit) continue;
    if (found != nullptr && found_name != name) return nullptr;  // two brands: say neither
    found = &entry;
    found_name = name;
  }
  if (found == nullptr) return nullptr;
  // The entry that gathers every spelling of the name ("Puma", "PUMA").
  for (const LexiconEntry& entry : *ByWords(found_name)) {
    if (entry.field == QueryField::kBrand) return &entry;
  }
  return found;
}

std::optional<LexiconEntry> Lexicon::Gender(const analyzers::Token& token,
                                            const analyzers::Vocabulary& vocabulary) const {
  LexiconEntry entry{.field = QueryField::kGender};
  for (const std::string& match : vocabulary.GenderMatches(token.term)) {
    const auto found = genders_.find(match);
    if (found == genders_.end()) continue;
    for (const auto& [value, products] : found->second) {
      entry.values.push_back(value);
      entry.products += products;
    }
    if (entry.value.empty() || match == token.term) entry.value = found->second.front().first;
  }
  if (entry.values.empty()) return std::nullopt;
  entry.exact = entry.values;
  return entry;
}

bool Lexicon::TypeHasMaterials(std::string_view category) const {
  return made_of_something_.contains(std::string(category));
}

const std::vector<std::string>* Lexicon::Sizes(std::string_view size_term) const {
  const auto found = sizes_.find(absl::string_view(size_term.data(), size_term.size()));
  return found == sizes_.end() ? nullptr : &found->second;
}

const std::vector<std::string>* Lexicon::SizesInAnySystem(std::string_view size_term) const {
  const auto found = bare_sizes_.find(absl::string_view(size_term.data(), size_term.size()));
  return found == bare_sizes_.end() ? nullptr : &found->second;
}

}  // namespace vitrine::query::internal
