#include "query/posting_store.h"

#include <mutex>

namespace vitrine::query::internal {

Postings Postings::Read(const Xapian::Database& database, const std::string& term) {
  Postings postings;
  const Xapian::doccount size = database.get_termfreq(term);
  postings.docids.reserve(size);
  postings.wdfs.reserve(size);
  for (Xapian::PostingIterator it = database.postlist_begin(term);
       it != database.postlist_end(term); ++it) {
    postings.docids.push_back(*it);
    postings.wdfs.push_back(it.get_wdf());
  }
  return postings;
}

std::shared_ptr<const Postings> PostingStore::Get(const std::string& term,
                                                  const Xapian::Database& reader) {
  {
    const std::shared_lock lock(mutex_);
    if (const auto found = lists_.find(term); found != lists_.end()) return found->second;
  }
  auto postings = std::make_shared<const Postings>(Postings::Read(reader, term));
  const std::unique_lock lock(mutex_);
  // Another searcher may have read it meanwhile: the first one kept is shared.
  if (const auto found = lists_.find(term); found != lists_.end()) return found->second;
  const size_t bytes = postings->bytes() + term.size() + 64;
  if (bytes_ + bytes > max_bytes_) return postings;  // full: not kept
  bytes_ += bytes;
  lists_.emplace(term, postings);
  return postings;
}

size_t PostingStore::bytes() const {
  const std::shared_lock lock(mutex_);
  return bytes_;
}

size_t PostingStore::terms() const {
  const std::shared_lock lock(mutex_);
  return lists_.size();
}

}  // namespace vitrine::query::internal
