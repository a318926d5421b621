#include "indexer/document_builder.h"

#include <algorithm>

#include "absl/strings/str_join.h"
#include "base/status.h"
#include "base/strings.h"
#include "catalog/index_schema.h"

namespace vitrine::indexer {
namespace {

namespace schema = catalog::schema;

void AddTerm(Xapian::Document& doc, const schema::TextField& field, std::string& term,
             std::string_view text, uint32_t position) {
  term.resize(field.prefix.size());
  term.append(text);
  if (term.size() > 240) return;  // Xapian's term length limit is 245 bytes
  if (field.positional) {
    doc.add_posting(term, position + 1);
  } else {
    doc.add_term(term);
  }
}

// Indexes `text` in `field`; returns the colour families it named. The
// tokens of a `repeated` value (one other products have too) come from the
// memo; the others are made anew.
std::vector<std::string> AddText(Xapian::Document& doc, AnalysisMemo& memo,
                                 const schema::TextField& field, std::string_view text,
                                 bool repeated) {
  std::vector<std::string> families;
  if (text.empty()) return families;
  std::string term(field.prefix);
  std::vector<analyzers::Token> made;
  if (!repeated) made = memo.analyzer().Analyze(text);
  for (const analyzers::Token& token : repeated ? memo.Analyze(text) : made) {
    AddTerm(doc, field, term, token.term, token.position);
    for (const std::string& broader : token.also) {
      AddTerm(doc, field, term, broader, token.position);
    }
    if (!token.family.empty()) families.push_back(token.family);
  }
  return families;
}

void AddFilter(Xapian::Document& doc, AnalysisMemo& memo, std::string_view field,
               std::string_view value) {
  if (value.empty()) return;
  std::string term = schema::FilterTerm(field, memo.FilterValue(value));
  if (term.size() <= 240) doc.add_boolean_term(term);
}

void SetNumber(Xapian::Document& doc, Xapian::valueno slot, const std::optional<double>& value) {
  if (value) doc.add_value(slot, Xapian::sortable_serialise(*value));
}

}  // namespace

absl::Status ValidateFilterableAttributes(std::span<const std::string> keys) {
  constexpr std::string_view kParameter = "filterable_attributes";
  if (keys.size() > schema::kMaxFilterableAttributes) {
    return InvalidParameter(kParameter, StrCat("at most ", schema::kMaxFilterableAttributes,
                                               " attributes may be declared filterable"));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string& key = keys[i];
    if (key.empty() || key.size() > 64 ||
        key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
      return InvalidParameter(kParameter, StrCat("attribute key '", key,
                                                 "' must be 1-64 characters of a-z, 0-9 and _"));
    }
    if (std::find(schema::kReservedFieldNames.begin(), schema::kReservedFieldNames.end(), key) !=
        schema::kReservedFieldNames.end()) {
      return InvalidParameter(kParameter,
                              StrCat("attribute key '", key, "' is the name of a built-in field"));
    }
    if (std::find(keys.begin(), keys.begin() + i, key) != keys.begin() + i) {
      return InvalidParameter(kParameter, StrCat("attribute key '", key, "' is declared twice"));
    }
  }
  return absl::OkStatus();
}

std::string FilterValue(std::string_view display_value) {
  return analyzers::NormalizeText(display_value);
}

namespace {

Xapian::Document Build(const catalog::Product& p, AnalysisMemo& memo,
                       std::span<const std::string> filterable_attributes) {
  Xapian::Document doc;
  doc.set_data(p.id);
  doc.add_boolean_term(schema::IdTerm(p.id));

  AddText(doc, memo, schema::TextFieldNamed("title"), p.title, false);
  AddText(doc, memo, schema::TextFieldNamed("brand"), p.brand, true);
  AddText(doc, memo, schema::TextFieldNamed("category"), absl::StrJoin(p.category, " "), true);
  // Only the colour field names the product's colour family: a title or
  // description may mention other colours ("navy dial").
  for (const std::string& family :
       AddText(doc, memo, schema::TextFieldNamed("color"), p.color, true)) {
    doc.add_term(StrCat(schema::kColorFamilyPrefix, family));
  }
  AddText(doc, memo, schema::TextFieldNamed("gender"), p.gender, true);
  AddText(doc, memo, schema::TextFieldNamed("description"), p.description, false);

  AddFilter(doc, memo, "BRAND", p.brand);
  AddFilter(doc, memo, "COLOR", p.color);
  AddFilter(doc, memo, "GENDER", p.gender);
  AddFilter(doc, memo, "SEASON", p.season);
  AddFilter(doc, memo, "MATERIAL", p.material);
  for (const std::string& level : p.category) AddFilter(doc, memo, "CATEGORY", level);
  for (const std::string& size : p.sizes) {
    AddFilter(doc, memo, "SIZE", size);
    const std::string term = StrCat(schema::kSizePrefix, memo.SizeTerm(size));
    if (term.size() > schema::kSizePrefix.size() && term.size() <= 240) doc.add_boolean_term(term);
  }
  if (p.in_stock) AddFilter(doc, memo, "INSTOCK", *p.in_stock ? "true" : "false");

  SetNumber(doc, schema::kSlotPrice, p.price);
  SetNumber(doc, schema::kSlotRating, p.rating);
  SetNumber(doc, schema::kSlotPopularity, p.popularity);
  if (p.created_at) SetNumber(doc, schema::kSlotCreatedAt, static_cast<double>(*p.created_at));
  if (p.in_stock) doc.add_value(schema::kSlotInStock, *p.in_stock ? "1" : "0");
  doc.add_value(schema::kSlotBrand, p.brand);
  doc.add_value(schema::kSlotColor, p.color);
  doc.add_value(schema::kSlotGender, p.gender);
  doc.add_value(schema::kSlotSeason, p.season);
  doc.add_value(schema::kSlotMaterial, p.material);
  if (!p.category.empty()) doc.add_value(schema::kSlotCategoryLeaf, p.category.back());
  for (int level = 0;
       level < schema::kCategoryLevels && level < static_cast<int>(p.category.size()); ++level) {
    doc.add_value(schema::kSlotCategoryLevel0 + level, p.category[level]);
  }
  doc.add_value(schema::kSlotId, p.id);
  if (!p.parent_id.empty()) {
    // Ids are case-sensitive: the term keeps the id as it is.
    doc.add_boolean_term(schema::FilterTerm("PARENT", p.parent_id));
    doc.add_value(schema::kSlotParent, p.parent_id);
  }
  if (!p.sizes.empty()) doc.add_value(schema::kSlotSizes, absl::StrJoin(p.sizes, "|"));
  if (!p.size_stock.empty()) {
    doc.add_value(schema::kSlotSizeRun,
                  absl::StrJoin(p.size_stock, "|", [](std::string* out, const auto& slot) {
                    out->append(slot.size);
                  }));
  }
  for (size_t i = 0; i < filterable_attributes.size(); ++i) {
    const auto value = p.attributes.find(filterable_attributes[i]);
    if (value == p.attributes.end()) continue;
    AddFilter(doc, memo, schema::AttributeFilterField(filterable_attributes[i]), value->second);
    doc.add_value(static_cast<Xapian::valueno>(schema::kSlotAttribute0 + i), value->second);
  }
  return doc;
}

}  // namespace

template <typename Value, typename Make>
const Value& AnalysisMemo::Kept(absl::flat_hash_map<std::string, Value>& map, std::string_view key,
                                Make&& make) {
  // (Debian's Abseil has a string_view of its own.)
  if (const auto found = map.find(absl::string_view(key.data(), key.size())); found != map.end()) {
    return found->second;
  }
  if (map.size() >= max_values_) map.clear();  // starts over
  return map.emplace(std::string(key), make()).first->second;
}

const std::vector<analyzers::Token>& AnalysisMemo::Analyze(std::string_view text) {
  return Kept(tokens_, text, [&] { return analyzer_.Analyze(text); });
}

const std::vector<std::string>& AnalysisMemo::Words(std::string_view text) {
  return Kept(words_, text, [&] { return analyzer_.Words(text); });
}

const std::string& AnalysisMemo::SizeTerm(std::string_view size) {
  return Kept(size_terms_, size, [&] { return analyzer_.SizeTerm(size); });
}

const std::string& AnalysisMemo::FilterValue(std::string_view value) {
  return Kept(filter_values_, value, [&] { return indexer::FilterValue(value); });
}

Xapian::Document BuildDocument(const catalog::Product& product, const analyzers::Analyzer& text,
                               std::span<const std::string> filterable_attributes) {
  AnalysisMemo memo(text);  // (for this document's values only)
  return Build(product, memo, filterable_attributes);
}

Xapian::Document BuildDocument(const catalog::Product& product, AnalysisMemo& memo,
                               std::span<const std::string> filterable_attributes) {
  return Build(product, memo, filterable_attributes);
}

}  // namespace vitrine::indexer

namespace vitrine::indexer {

std::vector<std::string> TextFieldTerms(const analyzers::Analyzer& analyzer, std::string_view field,
                                        std::string_view text) {
  catalog::Product product;
  if (field == "title")
    product.title = text;
  else if (field == "brand")
    product.brand = text;
  else if (field == "category")
    product.category = {std::string(text)};
  else if (field == "color")
    product.color = text;
  else if (field == "gender")
    product.gender = text;
  else if (field == "description")
    product.description = text;
  else
    return {};
  const Xapian::Document document = BuildDocument(product, analyzer);
  // A term belongs to a prefix when the prefix is followed by a non-capital
  // (Xapian's convention), so "XC" does not claim "XCOLblue".
  auto has_prefix = [](const std::string& term, std::string_view prefix) {
    return term.starts_with(prefix) &&
           (term.size() == prefix.size() ||
            !(term[prefix.size()] >= 'A' && term[prefix.size()] <= 'Z'));
  };
  const std::string_view prefix = schema::TextFieldNamed(field).prefix;
  std::vector<std::string> terms;
  for (Xapian::TermIterator it = document.termlist_begin(); it != document.termlist_end(); ++it) {
    const std::string term = *it;
    if (has_prefix(term, prefix) ||
        (field == "color" && has_prefix(term, schema::kColorFamilyPrefix))) {
      terms.push_back(term);
    }
  }
  return terms;
}

}  // namespace vitrine::indexer
