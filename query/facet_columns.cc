#include "query/facet_columns.h"

#include <unordered_map>

namespace vitrine::query::internal {

FacetColumns FacetColumns::Load(const Xapian::Database& database,
                                const std::vector<Xapian::valueno>& slots) {
  FacetColumns columns;
  const Xapian::docid last = database.get_lastdocid();
  for (const Xapian::valueno slot : slots) {
    FacetColumn& column = columns.slots[slot];
    column.values.emplace_back();  // id 0: no value
    column.by_docid.assign(static_cast<size_t>(last) + 1, 0);
    std::unordered_map<std::string, uint32_t> ids;
    for (Xapian::ValueIterator it = database.valuestream_begin(slot);
         it != database.valuestream_end(slot); ++it) {
      const std::string value = *it;
      if (value.empty()) continue;
      auto [entry, inserted] = ids.try_emplace(value, static_cast<uint32_t>(column.values.size()));
      if (inserted) column.values.push_back(value);
      column.by_docid[it.get_docid()] = entry->second;
    }
  }
  return columns;
}

}  // namespace vitrine::query::internal
