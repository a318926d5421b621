#include "query/facets/facet_columns.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <unordered_map>

#include "catalog/index_schema.h"
#include "query/facets/facet_memo.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

// Value ids of one column, assigned in order of first appearance.
class ValueIds {
 public:
  explicit ValueIds(FacetColumn& column) : column_(column) {
    if (column_.values.empty()) column_.values.emplace_back();  // id 0: no value
    for (uint32_t id = 1; id < column_.values.size(); ++id) ids_.emplace(column_.values[id], id);
  }
  uint32_t Of(std::string_view value) {
    auto [entry, inserted] =
        ids_.try_emplace(std::string(value), static_cast<uint32_t>(column_.values.size()));
    if (inserted) column_.values.emplace_back(value);
    return entry->second;
  }

 private:
  FacetColumn& column_;
  std::unordered_map<std::string, uint32_t> ids_;
};

// `narrow` as `by_docid`, a value id per product in a narrower type.
template <typename T>
void Follow(const std::vector<uint32_t>& by_docid, std::span<const Xapian::docid> changed,
            std::vector<T>& narrow) {
  if (narrow.size() == by_docid.size() && !changed.empty()) {
    for (const Xapian::docid id : changed) narrow[id] = static_cast<T>(by_docid[id]);
    return;
  }
  narrow.resize(by_docid.size());
  for (size_t id = 0; id < by_docid.size(); ++id) narrow[id] = static_cast<T>(by_docid[id]);
}

}  // namespace

void FacetColumn::Narrow(std::span<const Xapian::docid> changed) {
  const bool single = !multi_valued();
  if (single && values.size() <= kNarrowValues) {
    narrow16 = {};
    Follow(by_docid, changed, narrow);
  } else if (single && values.size() <= kNarrow16Values) {
    narrow = {};
    Follow(by_docid, changed, narrow16);
  } else {
    narrow = {};
    narrow16 = {};
  }
}

namespace {

void LoadSingle(const Xapian::Database& database, Xapian::valueno slot, FacetColumn& column) {
  ValueIds ids(column);
  column.by_docid.assign(static_cast<size_t>(database.get_lastdocid()) + 1, 0);
  for (Xapian::ValueIterator it = database.valuestream_begin(slot);
       it != database.valuestream_end(slot); ++it) {
    const std::string value = *it;
    if (!value.empty()) column.by_docid[it.get_docid()] = ids.Of(value);
  }
  column.Narrow();
}

// The ids of the values of `joined` (values joined by '|'), appended to `out`.
void AppendValues(std::string_view joined, ValueIds& ids, std::vector<uint32_t>& out) {
  while (!joined.empty()) {
    const size_t bar = joined.find('|');
    const std::string_view value = joined.substr(0, bar);
    if (!value.empty()) out.push_back(ids.Of(value));
    joined = bar == std::string_view::npos ? std::string_view() : joined.substr(bar + 1);
  }
}

void LoadMulti(const Xapian::Database& database, Xapian::valueno slot, FacetColumn& column) {
  ValueIds ids(column);
  const Xapian::docid last = database.get_lastdocid();
  column.offsets.assign(static_cast<size_t>(last) + 2, 0);
  Xapian::docid next = 1;  // offsets of docids below `next` are set
  for (Xapian::ValueIterator it = database.valuestream_begin(slot);
       it != database.valuestream_end(slot); ++it) {
    const std::string joined = *it;
    for (; next <= it.get_docid(); ++next) {
      column.offsets[next] = static_cast<uint32_t>(column.ids.size());
    }
    AppendValues(joined, ids, column.ids);
  }
  for (; next <= last + 1; ++next) column.offsets[next] = static_cast<uint32_t>(column.ids.size());
}

// Brings a multi-valued column up to date for the `changed` documents (their
// new versions in `documents`, empty when deleted): the other documents' lists
// are copied as they are, so a write batch costs a copy of the column rather
// than a read of the slot's whole value stream.
void UpdateMulti(Xapian::valueno slot, const std::vector<Xapian::docid>& changed,
                 const std::vector<std::optional<Xapian::Document>>& documents, size_t size,
                 FacetColumn& column) {
  std::map<Xapian::docid, std::string> joined;  // the changed documents' new values
  for (size_t i = 0; i < changed.size(); ++i) {
    joined[changed[i]] = documents[i] ? documents[i]->get_value(slot) : std::string();
  }
  ValueIds ids(column);
  std::vector<uint32_t> offsets(size + 1, 0);
  std::vector<uint32_t> entries;
  entries.reserve(column.ids.size());
  const size_t known = column.offsets.size() - 1;  // docids below it have a list
  auto next_change = joined.begin();
  for (size_t id = 0; id < size; ++id) {
    offsets[id] = static_cast<uint32_t>(entries.size());
    if (next_change != joined.end() && next_change->first == id) {
      AppendValues(next_change->second, ids, entries);
      ++next_change;
    } else if (id < known) {
      entries.insert(entries.end(), column.ids.begin() + column.offsets[id],
                     column.ids.begin() + column.offsets[id + 1]);
    }
  }
  offsets[size] = static_cast<uint32_t>(entries.size());
  column.offsets = std::move(offsets);
  column.ids = std::move(entries);
}

void LoadNumbers(const Xapian::Database& database, Xapian::valueno slot, NumberColumn& column) {
  column.by_docid.assign(static_cast<size_t>(database.get_lastdocid()) + 1,
                         std::numeric_limits<double>::quiet_NaN());
  for (Xapian::ValueIterator it = database.valuestream_begin(slot);
       it != database.valuestream_end(slot); ++it) {
    column.by_docid[it.get_docid()] = Xapian::sortable_unserialise(*it);
  }
}

// The "round" number nearest to `x` (> 0) on a log scale: 1, 1.5, 2, 2.5, 3,
// 4, 5, 6, 7.5 or 8 times a power of ten.
double RoundNumber(double x) {
  static constexpr std::array<double, 11> kSteps = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10};
  const double scale = std::pow(10.0, std::floor(std::log10(x)));
  const double mantissa = x / scale;
  double best = kSteps[0];
  for (double step : kSteps) {
    if (std::abs(std::log(step / mantissa)) < std::abs(std::log(best / mantissa))) best = step;
  }
  return best * scale;
}

// Sets `across_style` of the single-valued columns of `columns`: a pass over
// the products with a parent, and for a field they do not all share within
// their styles, a sort of (style, value) pairs.
void ClassifyAcrossStyles(FacetColumns& columns) {
  const auto parents = columns.slots.find(schema::kSlotParent);
  for (auto& entry : columns.slots) {
    const Xapian::valueno slot = entry.first;
    FacetColumn& column = entry.second;  // (a lambda below reads it: no structured binding)
    column.across_style = FacetColumn::AcrossStyle::kMixed;
    if (parents == columns.slots.end() || slot == schema::kSlotParent || column.multi_valued()) {
      continue;
    }
    const std::vector<uint32_t>& parent_of = parents->second.by_docid;
    const auto value_of = [&](size_t id) -> uint32_t {
      return id < column.by_docid.size() ? column.by_docid[id] : 0;
    };
    std::vector<uint32_t> first(parents->second.values.size(), UINT32_MAX);  // per style
    bool same = true;
    for (size_t id = 0; id < parent_of.size() && same; ++id) {
      const uint32_t parent = parent_of[id];
      if (parent == 0) continue;
      if (first[parent] == UINT32_MAX) first[parent] = value_of(id);
      same = first[parent] == value_of(id);
    }
    if (same) {
      column.across_style = FacetColumn::AcrossStyle::kSame;
      continue;
    }
    std::vector<uint64_t> pairs;  // style << 32 | value
    for (size_t id = 0; id < parent_of.size(); ++id) {
      if (parent_of[id] != 0) pairs.push_back(uint64_t{parent_of[id]} << 32 | value_of(id));
    }
    std::sort(pairs.begin(), pairs.end());
    if (std::adjacent_find(pairs.begin(), pairs.end()) == pairs.end()) {
      column.across_style = FacetColumn::AcrossStyle::kDistinct;
    }
  }
}

// After live updates: a field shared (or all different) within every style
// stays so unless the style of a changed product now breaks it. Only those
// styles are read (their posting lists), not the catalog; a field found mixed
// stays mixed until the next revision is loaded (counted the general way).
void ReclassifyChangedStyles(FacetColumns& columns, const Xapian::Database& database,
                             const std::vector<Xapian::docid>& changed) {
  const auto parents = columns.slots.find(schema::kSlotParent);
  if (parents == columns.slots.end()) return;
  const FacetColumn& parent_of = parents->second;
  std::vector<std::vector<Xapian::docid>> styles;  // the products of each changed style
  std::vector<uint32_t> read;                      // their parents' value ids
  for (const Xapian::docid id : changed) {
    const uint32_t parent = id < parent_of.by_docid.size() ? parent_of.by_docid[id] : 0;
    if (parent == 0 || std::find(read.begin(), read.end(), parent) != read.end()) continue;
    read.push_back(parent);
    std::vector<Xapian::docid>& style = styles.emplace_back();
    const std::string term = schema::FilterTerm("PARENT", parent_of.values[parent]);
    for (auto it = database.postlist_begin(term); it != database.postlist_end(term); ++it) {
      style.push_back(*it);
    }
  }
  for (auto& entry : columns.slots) {
    FacetColumn& column = entry.second;
    if (entry.first == schema::kSlotParent ||
        column.across_style == FacetColumn::AcrossStyle::kMixed) {
      continue;
    }
    for (const std::vector<Xapian::docid>& style : styles) {
      std::vector<uint32_t> values;
      for (const Xapian::docid id : style) {
        values.push_back(id < column.by_docid.size() ? column.by_docid[id] : 0);
      }
      std::sort(values.begin(), values.end());
      const bool holds = column.across_style == FacetColumn::AcrossStyle::kSame
                             ? values.empty() || values.front() == values.back()
                             : std::adjacent_find(values.begin(), values.end()) == values.end();
      if (!holds) {
        column.across_style = FacetColumn::AcrossStyle::kMixed;
        break;
      }
    }
  }
}

// Every document of `database` and its length.
std::shared_ptr<const DocumentLengths> ReadLengths(const Xapian::Database& database) {
  auto lengths = std::make_shared<DocumentLengths>();
  lengths->all = DocSet(static_cast<size_t>(database.get_lastdocid()) + 1);
  lengths->by_docid.assign(static_cast<size_t>(database.get_lastdocid()) + 1, 0);
  for (Xapian::PostingIterator it = database.postlist_begin(""); it != database.postlist_end("");
       ++it) {
    lengths->all.Add(*it);
    lengths->by_docid[*it] = it.get_doclength();
  }
  return lengths;
}

// The products with a parent id.
DocSet VariantsOf(const FacetColumns& columns) {
  const auto parents = columns.slots.find(schema::kSlotParent);
  if (parents == columns.slots.end()) return DocSet();
  const std::vector<uint32_t>& by_docid = parents->second.by_docid;
  DocSet variants(by_docid.size());
  for (size_t id = 0; id < by_docid.size(); ++id) {
    if (by_docid[id] != 0) variants.Add(static_cast<Xapian::docid>(id));
  }
  return variants;
}

FacetColumns::StyleAdjacency AdjacencyOf(const FacetColumns& columns) {
  const auto parents = columns.slots.find(schema::kSlotParent);
  if (parents == columns.slots.end()) return {};
  return FacetColumns::StyleAdjacency::Of(parents->second);
}

}  // namespace

FacetColumns::StyleAdjacency FacetColumns::StyleAdjacency::Of(const FacetColumn& parents) {
  StyleAdjacency adjacency;
  const std::vector<uint32_t>& by_docid = parents.by_docid;
  adjacency.continues = DocSet(by_docid.size());
  // A style is scattered when a product of it follows a product of another
  // style, and its style was met before.
  std::vector<bool> met(parents.values.size(), false);
  std::vector<bool> scattered(parents.values.size(), false);
  bool any_scattered = false;
  for (size_t id = 1; id < by_docid.size(); ++id) {
    const uint32_t parent = by_docid[id];
    if (parent == 0) continue;
    if (parent == by_docid[id - 1]) {
      adjacency.continues.Add(static_cast<Xapian::docid>(id));
    } else if (met[parent]) {
      scattered[parent] = true;
      any_scattered = true;
    }
    met[parent] = true;
  }
  if (!any_scattered) return adjacency;  // (`scattered` left empty)
  adjacency.scattered = DocSet(by_docid.size());
  for (size_t id = 1; id < by_docid.size(); ++id) {
    if (scattered[by_docid[id]]) adjacency.scattered.Add(static_cast<Xapian::docid>(id));
  }
  return adjacency;
}

FacetColumns FacetColumns::Load(const Xapian::Database& database,
                                const std::vector<Xapian::valueno>& single,
                                const std::vector<Xapian::valueno>& multi,
                                const std::vector<Xapian::valueno>& numeric) {
  FacetColumns columns;
  columns.facet_memo = std::make_shared<FacetMemo>();
  for (const Xapian::valueno slot : single) LoadSingle(database, slot, columns.slots[slot]);
  for (const Xapian::valueno slot : multi) LoadMulti(database, slot, columns.slots[slot]);
  for (const Xapian::valueno slot : numeric) LoadNumbers(database, slot, columns.numbers[slot]);
  columns.ids.resize(static_cast<size_t>(database.get_lastdocid()) + 1);
  for (Xapian::ValueIterator it = database.valuestream_begin(schema::kSlotId);
       it != database.valuestream_end(schema::kSlotId); ++it) {
    columns.ids[it.get_docid()] = *it;
  }
  columns.signals = BuildSignalColumns(columns);
  columns.variants = VariantsOf(columns);
  columns.adjacency = AdjacencyOf(columns);
  ClassifyAcrossStyles(columns);
  columns.lengths = ReadLengths(database);
  columns.kept_sets = std::make_shared<KeptSets>(
      KeptSets::DefaultBytes(static_cast<size_t>(database.get_lastdocid()) + 1));
  return columns;
}

FacetColumns FacetColumns::Updated(const Xapian::Database& database,
                                   const std::vector<Xapian::docid>& changed) const {
  FacetColumns columns = *this;
  columns.facet_memo = std::make_shared<FacetMemo>();  // the counts may have changed
  const size_t size = static_cast<size_t>(database.get_lastdocid()) + 1;
  std::vector<std::optional<Xapian::Document>> documents;
  for (const Xapian::docid id : changed) {
    try {
      documents.emplace_back(database.get_document(id, Xapian::DOC_ASSUME_VALID));
    } catch (const Xapian::DocNotFoundError&) {
      documents.emplace_back();  // deleted: no values
    }
  }
  // The long posting lists, brought up to date with the documents.
  columns.postings = postings->Carried(changed, documents);
  columns.kept_sets = kept_sets != nullptr
                          ? kept_sets->Carried(*columns.postings, size)
                          : std::make_shared<KeptSets>(KeptSets::DefaultBytes(size));
  if (this->lengths == nullptr) {
    columns.lengths = ReadLengths(database);  // (columns made otherwise than by Load)
  }
  auto lengths = std::make_shared<DocumentLengths>(*columns.lengths);
  lengths->all.Grow(size);
  lengths->by_docid.resize(size, 0);
  for (const Xapian::docid id : changed) {
    try {
      lengths->by_docid[id] = database.get_doclength(id);
      lengths->all.Add(id);
    } catch (const Xapian::DocNotFoundError&) {
      lengths->by_docid[id] = 0;
      lengths->all.Remove(id);
    }
  }
  columns.lengths = std::move(lengths);
  for (auto& [slot, column] : columns.slots) {
    if (column.multi_valued()) {
      UpdateMulti(slot, changed, documents, size, column);
      continue;
    }
    if (column.by_docid.size() < size) column.by_docid.resize(size, 0);
    // The value index is built only for a value that changed (a price update
    // leaves the brand, the parent and the colour as they were).
    std::optional<ValueIds> ids;
    for (size_t i = 0; i < changed.size(); ++i) {
      const std::string value = documents[i] ? documents[i]->get_value(slot) : std::string();
      uint32_t& id = column.by_docid[changed[i]];
      if (value.empty()) {
        id = 0;
      } else if (id == 0 || column.values[id] != value) {
        if (!ids) ids.emplace(column);
        id = ids->Of(value);
      }
    }
    column.Narrow(changed);
  }
  if (columns.ids.size() < size) columns.ids.resize(size);
  for (size_t i = 0; i < changed.size(); ++i) {
    columns.ids[changed[i]] =
        documents[i] ? documents[i]->get_value(schema::kSlotId) : std::string();
  }
  for (auto& [slot, column] : columns.numbers) {
    if (column.by_docid.size() < size) {
      column.by_docid.resize(size, std::numeric_limits<double>::quiet_NaN());
    }
    for (size_t i = 0; i < changed.size(); ++i) {
      const std::string value = documents[i] ? documents[i]->get_value(slot) : std::string();
      column.by_docid[changed[i]] = value.empty() ? std::numeric_limits<double>::quiet_NaN()
                                                  : Xapian::sortable_unserialise(value);
    }
  }
  columns.signals = UpdatedSignalColumns(*this, columns, changed);
  columns.variants = VariantsOf(columns);
  columns.adjacency = AdjacencyOf(columns);
  ReclassifyChangedStyles(columns, database, changed);
  // New values (a brand, a size) need a new lexicon; counts alone do not.
  // (Single-valued columns only ever add values; sizes are read afresh.)
  for (const Xapian::valueno slot : Lexicon::Slots()) {
    const auto before = slots.find(slot);
    const auto after = columns.slots.find(slot);
    if (before == slots.end() || after == columns.slots.end()) continue;
    const bool changed = after->second.multi_valued()
                             ? before->second.values != after->second.values
                             : before->second.values.size() != after->second.values.size();
    if (changed) {
      columns.lexicon = std::make_shared<LexiconOnce>();
      break;
    }
  }
  return columns;
}

std::vector<double> QuantileBoundaries(const NumberColumn& column, int buckets) {
  std::vector<double> values;
  for (double value : column.by_docid) {
    if (!std::isnan(value) && value > 0) values.push_back(value);
  }
  std::vector<double> bounds;
  if (values.empty()) return bounds;
  std::sort(values.begin(), values.end());
  for (int i = 1; i < buckets; ++i) {
    const double bound = RoundNumber(values[values.size() * i / buckets]);
    if (bounds.empty() || bound > bounds.back()) bounds.push_back(bound);
  }
  return bounds;
}

}  // namespace vitrine::query::internal
