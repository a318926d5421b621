#include "query/match/kept_sets.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace vitrine::query::internal {

size_t KeptSets::DefaultBytes(size_t size) {
  return std::max(kMinBytes, kSets * DocSet::BytesOf(size));
}

std::shared_ptr<const DocSet> KeptSets::Find(const std::string& key) {
  const std::lock_guard lock(mutex_);
  const auto found = by_key_.find(key);
  if (found == by_key_.end()) return nullptr;
  entries_.splice(entries_.end(), entries_, found->second);  // now the most recent
  return found->second->set;
}

std::shared_ptr<const DocSet> KeptSets::Keep(std::string key, DocSet set,
                                             std::shared_ptr<const Postings> source) {
  auto kept = std::make_shared<const DocSet>(std::move(set));
  const size_t bytes = kept->bytes();
  if (bytes > max_bytes_) return kept;
  const std::lock_guard lock(mutex_);
  if (const auto found = by_key_.find(key); found != by_key_.end()) {
    entries_.splice(entries_.end(), entries_, found->second);
    // Made by another searcher first; one of another size (a searcher not yet
    // on this revision) is handed back to its maker, not kept.
    return found->second->set->bytes() == bytes ? found->second->set : kept;
  }
  MakeRoom(bytes);
  entries_.push_back({.key = key, .set = kept, .source = std::move(source)});
  by_key_.emplace(std::move(key), std::prev(entries_.end()));
  bytes_ += bytes;
  return kept;
}

void KeptSets::MakeRoom(size_t bytes) {
  while (bytes_ + bytes > max_bytes_ && !entries_.empty()) {
    bytes_ -= entries_.front().set->bytes();
    by_key_.erase(entries_.front().key);
    entries_.pop_front();  // (a searcher reading the set still holds it)
  }
}

std::shared_ptr<KeptSets> KeptSets::Carried(const PostingStore& postings, size_t size) const {
  auto next = std::make_shared<KeptSets>(max_bytes_);
  const std::lock_guard lock(mutex_);
  for (const Kept& entry : entries_) {
    if (entry.source == nullptr || postings.Find(entry.key.substr(1)) != entry.source) continue;
    std::shared_ptr<const DocSet> set = entry.set;
    if (set->bytes() != DocSet::BytesOf(size)) {
      DocSet grown = *set;
      grown.Grow(size);  // (no new document is in an unchanged list)
      set = std::make_shared<const DocSet>(std::move(grown));
    }
    next->bytes_ += set->bytes();
    next->entries_.push_back({.key = entry.key, .set = std::move(set), .source = entry.source});
    next->by_key_.emplace(entry.key, std::prev(next->entries_.end()));
  }
  next->MakeRoom(0);
  return next;
}

size_t KeptSets::bytes() const {
  const std::lock_guard lock(mutex_);
  return bytes_;
}

size_t KeptSets::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace vitrine::query::internal
