// How a Product is laid out in the Xapian index: term prefixes, filter terms and
// value slots. The indexer writes by these names and query/ reads by them, so
// this header is the contract between the two.
#pragma once

#include <xapian.h>

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>

namespace vitrine::catalog::schema {

// Unique id term: "Q15970". replace_document(IdTerm(id), doc) makes writes idempotent.
inline constexpr std::string_view kIdPrefix = "Q";
inline std::string IdTerm(std::string_view id) { return std::string(kIdPrefix) + std::string(id); }

// Free-text fields. Each has its own prefix so weights can change at query time
// and a phrase never spans two fields.
struct TextField {
  std::string_view name;
  std::string_view prefix;
  double weight;  // default query-time weight
  bool positional;
};
inline constexpr std::array<TextField, 6> kTextFields = {{
    {"title", "S", 3.0, true},
    {"brand", "XB", 2.0, false},
    {"category", "XC", 3.0, false},
    {"color", "XCOL", 1.5, false},
    {"gender", "XG", 1.0, false},
    {"description", "XD", 0.5, false},
}};

// The text field of a schema name ("title", "gender", ...). Aborts on any other
// name: callers pass the schema's own names.
inline const TextField& TextFieldNamed(std::string_view name) {
  for (const TextField& field : kTextFields) {
    if (field.name == name) return field;
  }
  std::abort();
}

// Index-only companions of the text fields: the colour family of the product's
// colour ("XCFblue" for navy), matched at a lower weight than the colour itself,
// and the canonical form of each of its sizes ("XSZxl"), matched by sizes typed
// into a query.
inline constexpr std::string_view kColorFamilyPrefix = "XCF";
inline constexpr std::string_view kSizePrefix = "XSZ";

// Boolean filter terms: "XF" + FIELD + ":" + normalised display value, e.g.
// "XFBRAND:roadster". Filters are term lookups and never score.
inline std::string FilterTerm(std::string_view field_upper, std::string_view normalized_value) {
  std::string term = "XF";
  term.append(field_upper).append(":").append(normalized_value);
  return term;
}

// Value slots (numbers via Xapian::sortable_serialise).
inline constexpr Xapian::valueno kSlotPrice = 0;
inline constexpr Xapian::valueno kSlotRating = 1;
inline constexpr Xapian::valueno kSlotPopularity = 2;
inline constexpr Xapian::valueno kSlotCreatedAt = 3;
inline constexpr Xapian::valueno kSlotInStock = 4;  // "1" or "0"; empty when unknown
inline constexpr Xapian::valueno kSlotId = 5;       // the product id: sort ties break by id
// The product's parent (style) id: variants of one style collapse on it.
inline constexpr Xapian::valueno kSlotParent = 6;
// The product's sizes as given, joined by '|': listed for collapsed variants.
inline constexpr Xapian::valueno kSlotSizes = 7;
// The whole size run of a product that gives its stock per size, joined by '|':
// a tile lists it with the sizes not in kSlotSizes as sold out.
inline constexpr Xapian::valueno kSlotSizeRun = 8;
// Display values for facet counting (one slot per single-valued facet field).
inline constexpr Xapian::valueno kSlotBrand = 10;
inline constexpr Xapian::valueno kSlotColor = 11;
inline constexpr Xapian::valueno kSlotGender = 12;
inline constexpr Xapian::valueno kSlotSeason = 13;
inline constexpr Xapian::valueno kSlotMaterial = 14;
inline constexpr Xapian::valueno kSlotCategoryLeaf = 15;
// Levels of the category path, root first (category.lvl0 .. category.lvl2).
inline constexpr Xapian::valueno kSlotCategoryLevel0 = 16;
inline constexpr int kCategoryLevels = 3;

// `attributes` keys declared filterable when the index is built: the i-th key's
// display value goes to slot kSlotAttribute0 + i and its filter term to
// FilterTerm(AttributeFilterField(key), value). The index records its keys,
// comma-separated in declaration order, in the Xapian metadata entry
// kFilterableAttributesKey, so readers know them without other configuration.
inline constexpr Xapian::valueno kSlotAttribute0 = 32;
inline constexpr size_t kMaxFilterableAttributes = 16;
inline constexpr std::string_view kFilterableAttributesKey = "vitrine.filterable_attributes";
// Names a declared key may not take: requests name attributes and built-in
// fields alike (filter.<name>, facets=<name>).
inline constexpr std::array<std::string_view, 14> kReservedFieldNames = {
    "id",     "title",    "brand", "description", "category", "gender",   "color",
    "season", "material", "size",  "price",       "rating",   "in_stock", "parent_id"};
// Xapian metadata: the sequence number of the last update-journal entry the
// index holds (indexer/journal.h); a reindex records the journal's last one
// when it starts.
inline constexpr std::string_view kJournalSeqKey = "vitrine.journal_seq";

inline std::string AttributeFilterField(std::string_view key) { return "ATTR." + std::string(key); }

}  // namespace vitrine::catalog::schema
