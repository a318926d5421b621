#include "query/search_hits.h"

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "catalog/index_schema.h"

namespace vitrine::query::internal {

namespace schema = catalog::schema;

namespace {

// The title and description of a product's JSON, read without building the
// document (a SAX pass: no allocation for the fields it skips).
class TextFields : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::string title, description;

  bool key(string_t& key) override {
    at_ = depth_ == 1 && key == "title"         ? &title
          : depth_ == 1 && key == "description" ? &description
                                                : nullptr;
    return true;
  }
  bool string(string_t& value) override {
    if (at_ != nullptr) *at_ = std::move(value);
    at_ = nullptr;
    return true;
  }
  bool start_object(std::size_t /*elements*/) override { return Open(); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t /*elements*/) override { return Open(); }
  bool end_array() override { return Close(); }
  bool null() override { return Value(); }
  bool boolean(bool /*value*/) override { return Value(); }
  bool number_integer(number_integer_t /*value*/) override { return Value(); }
  bool number_unsigned(number_unsigned_t /*value*/) override { return Value(); }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return Value(); }
  bool binary(binary_t& /*value*/) override { return Value(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/,
                   const nlohmann::detail::exception& /*error*/) override {
    return false;
  }

 private:
  bool Open() {
    ++depth_;
    at_ = nullptr;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }
  bool Value() {
    at_ = nullptr;
    return true;
  }
  int depth_ = 0;
  std::string* at_ = nullptr;  // where the next string goes
};

}  // namespace

void HighlightHit(SearchHit& hit, const analyzers::Analyzer& analyzer, const HighlightTerms& terms,
                  std::string_view tag, TermMemo& memo) {
  TextFields fields;
  if (!nlohmann::json::sax_parse(hit.product_json, &fields)) return;
  hit.highlight_title = Highlight(fields.title, analyzer, terms, tag, memo);
  std::string& description = fields.description;
  if (description.size() > kDescriptionSnippetBytes) {
    size_t cut = description.rfind(' ', kDescriptionSnippetBytes);
    if (cut == std::string::npos) {
      // No space: cut before the UTF-8 character that straddles the limit.
      cut = kDescriptionSnippetBytes;
      while (cut > 0 && (static_cast<unsigned char>(description[cut]) & 0xC0) == 0x80) --cut;
    }
    description.resize(cut);
    description.append(" …");
  }
  hit.highlight_description = Highlight(description, analyzer, terms, tag, memo);
}

void ListVariants(const Xapian::Database& database, const FacetColumns& columns,
                  const Xapian::Query& query, const std::map<std::string, size_t>& collapsed,
                  std::vector<SearchHit>& hits) {
  std::vector<Xapian::Query> styles;
  for (const auto& [parent, hit] : collapsed) {
    styles.emplace_back(schema::FilterTerm("PARENT", parent));
  }
  Xapian::Enquire enquire(database);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  enquire.set_query(
      Xapian::Query(Xapian::Query::OP_FILTER, query,
                    Xapian::Query(Xapian::Query::OP_OR, styles.begin(), styles.end())));
  const Xapian::MSet variants =
      enquire.get_mset(0, static_cast<Xapian::doccount>(collapsed.size() * kMaxVariantsListed));
  const FacetColumn& colors = columns.slots.at(schema::kSlotColor);
  const FacetColumn& sizes = columns.slots.at(schema::kSlotSizes);
  for (Xapian::MSetIterator it = variants.begin(); it != variants.end(); ++it) {
    const Xapian::Document document = it.get_document();
    const auto style = collapsed.find(document.get_value(schema::kSlotParent));
    if (style == collapsed.end()) continue;
    SearchHit& hit = hits[style->second];
    if (hit.variants.size() >= kMaxVariantsListed) continue;
    const Xapian::docid id = *it;
    SearchHit::Variant variant{.id = document.get_data()};
    if (id < colors.by_docid.size()) variant.color = colors.values[colors.by_docid[id]];
    if (id + 1 < sizes.offsets.size()) {
      for (uint32_t k = sizes.offsets[id]; k < sizes.offsets[id + 1]; ++k) {
        variant.sizes.push_back(sizes.values[sizes.ids[k]]);
      }
    }
    // The hit itself comes first.
    hit.variants.insert(variant.id == hit.id ? hit.variants.begin() : hit.variants.end(),
                        std::move(variant));
  }
}

absl::Status Hydrate(const catalog::ProductStore& store, std::vector<SearchHit>& hits) {
  std::vector<std::string> ids;
  ids.reserve(hits.size());
  for (const SearchHit& hit : hits) ids.push_back(hit.id);
  ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> snapshots, store.MultiGet(ids));
  for (size_t i = 0; i < snapshots.size(); ++i) {
    hits[i].product_json = snapshots[i] ? std::move(*snapshots[i]) : "null";
  }
  return absl::OkStatus();
}

}  // namespace vitrine::query::internal
