#include "base/strings.h"
#include "indexer/document_builder.h"

#include "absl/strings/str_join.h"
#include "catalog/index_schema.h"

namespace vitrine::indexer {
namespace {

namespace schema = catalog::schema;

void AddText(Xapian::Document& doc, const analyzers::Analyzer& analyzer,
             const schema::TextField& field, std::string_view text) {
  if (text.empty()) return;
  std::string term(field.prefix);
  for (const analyzers::Token& token : analyzer.Analyze(text)) {
    term.resize(field.prefix.size());
    term.append(token.term);
    if (term.size() > 240) continue;  // Xapian's term length limit is 245 bytes
    if (field.positional) {
      doc.add_posting(term, token.position + 1);
    } else {
      doc.add_term(term);
    }
  }
}

void AddFilter(Xapian::Document& doc, std::string_view field, std::string_view value) {
  if (value.empty()) return;
  std::string term = schema::FilterTerm(field, FilterValue(value));
  if (term.size() <= 240) doc.add_boolean_term(term);
}

void SetNumber(Xapian::Document& doc, Xapian::valueno slot, const std::optional<double>& value) {
  if (value) doc.add_value(slot, Xapian::sortable_serialise(*value));
}

const schema::TextField& Field(std::string_view name) {
  for (const schema::TextField& field : schema::kTextFields) {
    if (field.name == name) return field;
  }
  std::abort();  // a programming error: the names below are the schema's own
}

}  // namespace

std::string FilterValue(std::string_view display_value) {
  return analyzers::NormalizeText(display_value);
}

Xapian::Document BuildDocument(const catalog::Product& p, const analyzers::Analyzer& analyzer) {
  Xapian::Document doc;
  doc.set_data(p.id);
  doc.add_boolean_term(schema::IdTerm(p.id));

  AddText(doc, analyzer, Field("title"), p.title);
  AddText(doc, analyzer, Field("brand"), p.brand);
  AddText(doc, analyzer, Field("category"), absl::StrJoin(p.category, " "));
  AddText(doc, analyzer, Field("color"), p.color);
  AddText(doc, analyzer, Field("gender"), p.gender);
  AddText(doc, analyzer, Field("description"), p.description);

  AddFilter(doc, "BRAND", p.brand);
  AddFilter(doc, "COLOR", p.color);
  AddFilter(doc, "GENDER", p.gender);
  AddFilter(doc, "SEASON", p.season);
  AddFilter(doc, "MATERIAL", p.material);
  for (const std::string& level : p.category) AddFilter(doc, "CATEGORY", level);
  for (const std::string& size : p.sizes) AddFilter(doc, "SIZE", size);
  if (p.in_stock) AddFilter(doc, "INSTOCK", *p.in_stock ? "true" : "false");

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
  return doc;
}

}  // namespace vitrine::indexer
