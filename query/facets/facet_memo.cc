#include "query/facets/facet_memo.h"

namespace vitrine::query::internal {

std::optional<FacetTally> FacetMemo::Find(const std::string& key) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto found = passes_.find(key);
  if (found == passes_.end()) return std::nullopt;
  return found->second;
}

void FacetMemo::Insert(const std::string& key, const FacetTally& tally) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (passes_.size() >= kMaxPasses) passes_.clear();
  passes_.insert_or_assign(key, tally);
}

size_t FacetMemo::size() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return passes_.size();
}

}  // namespace vitrine::query::internal
