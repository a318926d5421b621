// Counts of facet passes kept for the revision they were counted on. A pass
// that leaves a field's own filter out counts the same products for every page
// that shares the text and the other filters: on a category page, the category
// facet counts the whole catalog under the other filters, whichever category
// is chosen, so every category page of a revision can share that count instead
// of walking the catalog again. Keyed by what the pass counts over (the text
// query, the other filters, the rules' restriction) and what it counts (the
// fields and buckets); a new revision starts with an empty memo. Bounded: it
// starts over when full. Thread-safe. Private to query/.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "query/facets/facet_tally.h"

namespace vitrine::query::internal {

class FacetMemo {
 public:
  static constexpr size_t kMaxPasses = 512;

  std::optional<FacetTally> Find(const std::string& key) const;
  void Insert(const std::string& key, const FacetTally& tally);
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, FacetTally> passes_;
};

}  // namespace vitrine::query::internal
