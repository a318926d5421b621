#include "query/search_hits.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <span>

#include "base/status.h"
#include "catalog/index_schema.h"

namespace vitrine::query::internal {

namespace schema = catalog::schema;

namespace {

// The end of the JSON string starting at `at` (its opening quote), just past
// its closing quote; npos if it does not close.
size_t StringEnd(std::string_view json, size_t at) {
  for (size_t i = at + 1; i < json.size(); ++i) {
    if (json[i] == '\\') {
      ++i;
    } else if (json[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// The end of the JSON value starting at `at`: a string, an object or array
// (brackets counted outside strings), or a number or literal.
size_t ValueEnd(std::string_view json, size_t at) {
  if (json[at] == '"') return StringEnd(json, at);
  int depth = 0;
  for (size_t i = at; i < json.size(); ++i) {
    const char c = json[i];
    if (c == '"') {
      i = StringEnd(json, i);
      if (i == std::string_view::npos) return i;
      --i;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;  // the end of the enclosing object
      if (--depth == 0) return i + 1;
    } else if (c == ',' && depth == 0) {
      return i;
    }
  }
  return json.size();
}

// The title and description of a product's JSON (top-level string members),
// found without parsing the rest: only those two strings are decoded.
struct TextFields {
  std::string title, description;

  bool Read(std::string_view json) {
    size_t i = json.find('{');
    if (i == std::string_view::npos) return false;
    auto skip_space = [&] {
      while (i < json.size() &&
             (json[i] == ' ' || json[i] == '\n' || json[i] == '\t' || json[i] == '\r')) {
        ++i;
      }
    };
    for (++i;;) {
      skip_space();
      if (i >= json.size() || json[i] != '"') return i < json.size() && json[i] == '}';
      const size_t key_end = StringEnd(json, i);
      if (key_end == std::string_view::npos) return false;
      const std::string_view key = json.substr(i + 1, key_end - i - 2);
      i = key_end;
      skip_space();
      if (i >= json.size() || json[i] != ':') return false;
      ++i;
      skip_space();
      if (i >= json.size()) return false;
      const size_t end = ValueEnd(json, i);
      if (end == std::string_view::npos) return false;
      std::string* field = key == "title" ? &title : key == "description" ? &description : nullptr;
      if (field != nullptr && json[i] == '"') {
        const nlohmann::json value = nlohmann::json::parse(json.substr(i, end - i), nullptr, false);
        if (value.is_string()) *field = value.get<std::string>();
      }
      i = end;
      skip_space();
      if (i < json.size() && json[i] == ',') ++i;
    }
  }
};

}  // namespace

void HighlightHit(SearchHit& hit, const analyzers::Analyzer& analyzer, const HighlightTerms& terms,
                  std::string_view tag, TermMemo& memo) {
  TextFields fields;
  if (!fields.Read(hit.product_json)) return;
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

void ListVariants(const Xapian::Database& database, MatchSets& sets, const FacetColumns& columns,
                  const DocSet& matched, const std::map<std::string, StyleTile>& collapsed,
                  std::vector<SearchHit>& hits) {
  const FacetColumn& colors = columns.slots.at(schema::kSlotColor);
  const FacetColumn& sizes = columns.slots.at(schema::kSlotSizes);
  const FacetColumn none;
  const auto column_of = [&](Xapian::valueno slot) -> const FacetColumn& {
    const auto found = columns.slots.find(slot);
    return found != columns.slots.end() ? found->second : none;
  };
  const FacetColumn& in_stock = column_of(schema::kSlotInStock);
  const FacetColumn& size_run = column_of(schema::kSlotSizeRun);
  const auto value = [](const FacetColumn& column, Xapian::docid id) -> std::string_view {
    return id < column.by_docid.size() ? std::string_view(column.values[column.by_docid[id]]) : "";
  };
  // The value ids of a multi-valued column's document, in the order given.
  const auto ids = [](const FacetColumn& column, Xapian::docid id) -> std::span<const uint32_t> {
    if (id + 1 >= column.offsets.size()) return {};
    return {column.ids.data() + column.offsets[id], column.ids.data() + column.offsets[id + 1]};
  };
  const FacetColumns::StyleAdjacency& adjacency = columns.adjacency;
  const size_t known = column_of(schema::kSlotParent).by_docid.size();  // (adjacency's too)
  std::vector<Xapian::docid> run;
  for (const auto& [parent, tile] : collapsed) {
    SearchHit& hit = hits[tile.index];
    // The style's products: where they all lie together, the run of docids
    // each of which continues the style of the one before, around the hit's
    // (no lookup of the style's list among the searcher's thousands).
    std::span<const Xapian::docid> style;
    if (tile.docid < known && adjacency.continues.bytes() == DocSet::BytesOf(known) &&
        !adjacency.scattered.Contains(tile.docid)) {
      Xapian::docid first = tile.docid;
      while (adjacency.continues.Contains(first)) --first;
      run.clear();
      for (Xapian::docid id = first; id == first || adjacency.continues.Contains(id); ++id) {
        run.push_back(id);
      }
      style = run;
    } else {
      style = sets.PostingsOf(schema::FilterTerm("PARENT", parent)).docids;
    }
    if (style.size() < 2) continue;
    for (const Xapian::docid id : style) {
      if (hit.swatches.size() >= kMaxVariantsListed) break;
      SearchHit::Swatch swatch{.id = columns.ProductId(database, id),
                               .color = std::string(value(colors, id)),
                               .matches = matched.Contains(id)};
      if (const std::string_view stocked = value(in_stock, id); !stocked.empty()) {
        swatch.in_stock = stocked == "1";
      }
      const std::span<const uint32_t> stocked = ids(sizes, id);
      const std::span<const uint32_t> run = ids(size_run, id);
      swatch.sizes.reserve(run.empty() ? stocked.size() : run.size());
      if (run.empty()) {
        for (const uint32_t size : stocked) swatch.sizes.push_back({sizes.values[size]});
      } else {
        for (const uint32_t size : run) {
          const std::string& name = size_run.values[size];
          const bool in_stock = std::any_of(stocked.begin(), stocked.end(),
                                            [&](uint32_t s) { return sizes.values[s] == name; });
          swatch.sizes.push_back({name, in_stock});
        }
      }
      // The hit itself comes first.
      const bool first = swatch.id == hit.id;
      if (swatch.matches) {
        SearchHit::Variant variant{.id = swatch.id, .color = swatch.color};
        variant.sizes.reserve(stocked.size());
        for (const uint32_t size : stocked) variant.sizes.push_back(sizes.values[size]);
        hit.variants.insert(first ? hit.variants.begin() : hit.variants.end(), std::move(variant));
      }
      hit.swatches.insert(first ? hit.swatches.begin() : hit.swatches.end(), std::move(swatch));
    }
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
