#include "query/match/posting_store.h"

#include <algorithm>
#include <limits>
#include <mutex>
#include <utility>

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

std::shared_ptr<PostingStore> PostingStore::Carried(
    const std::vector<Xapian::docid>& changed,
    const std::vector<std::optional<Xapian::Document>>& documents) const {
  auto next = std::make_shared<PostingStore>(max_bytes_);
  absl::flat_hash_map<std::string, std::shared_ptr<const Postings>> carried;
  {
    const std::shared_lock lock(mutex_);
    for (const auto& [term, postings] : lists_) {
      if (postings->docids.size() >= kCarryFrom) carried.emplace(term, postings);
    }
  }
  if (carried.empty()) return next;
  // The changed documents' postings of the carried terms, in docid order.
  std::vector<size_t> order(changed.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return changed[a] < changed[b]; });
  absl::flat_hash_map<std::string, std::vector<std::pair<Xapian::docid, Xapian::termcount>>> added;
  for (size_t n = 0; n < order.size(); ++n) {
    const size_t i = order[n];
    if (!documents[i] || (n > 0 && changed[order[n - 1]] == changed[i])) continue;
    try {
      for (Xapian::TermIterator it = documents[i]->termlist_begin();
           it != documents[i]->termlist_end(); ++it) {
        if (carried.contains(*it)) added[*it].emplace_back(changed[i], it.get_wdf());
      }
    } catch (const Xapian::DocNotFoundError&) {
      // Deleted (a document read without checking that it exists): no postings.
    }
  }
  std::vector<Xapian::docid> gone(changed.begin(), changed.end());  // their old postings
  std::sort(gone.begin(), gone.end());
  gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
  static const std::vector<std::pair<Xapian::docid, Xapian::termcount>> kNone;
  std::vector<std::pair<Xapian::docid, Xapian::termcount>> had;
  for (auto& [term, postings] : carried) {
    const std::vector<Xapian::docid>& docids = postings->docids;
    // The changed documents' postings in the list: when they are what the
    // documents now hold (a price changed, not the text), the list stands.
    had.clear();
    // A few changed documents are sought in the list; many (a bulk update) are
    // met in one walk of it.
    auto at = docids.begin();
    const bool walk = gone.size() * 16 > docids.size();
    for (const Xapian::docid id : gone) {
      if (walk) {
        while (at != docids.end() && *at < id) ++at;
      } else {
        at = std::lower_bound(at, docids.end(), id);
      }
      if (at != docids.end() && *at == id)
        had.emplace_back(id, postings->wdfs[at - docids.begin()]);
    }
    const auto additions = added.find(term);
    if (had == (additions == added.end() ? kNone : additions->second)) {
      next->bytes_ += postings->bytes() + term.size() + 64;
      next->lists_.emplace(term, std::move(postings));
      continue;
    }
    // The list less the changed documents, merged with their new postings.
    auto updated = std::make_shared<Postings>();
    updated->docids.reserve(docids.size() + 8);
    updated->wdfs.reserve(docids.size() + 8);
    const auto& news = additions == added.end() ? kNone : additions->second;
    size_t k = 0;
    const auto add_news_before = [&](Xapian::docid limit) {
      for (; k < news.size() && news[k].first < limit; ++k) {
        updated->docids.push_back(news[k].first);
        updated->wdfs.push_back(news[k].second);
      }
    };
    auto next_gone = gone.begin();
    for (size_t i = 0; i < docids.size(); ++i) {
      while (next_gone != gone.end() && *next_gone < docids[i]) ++next_gone;
      if (next_gone != gone.end() && *next_gone == docids[i]) continue;
      add_news_before(docids[i]);
      updated->docids.push_back(docids[i]);
      updated->wdfs.push_back(postings->wdfs[i]);
    }
    add_news_before(std::numeric_limits<Xapian::docid>::max());
    next->bytes_ += updated->bytes() + term.size() + 64;
    next->lists_.emplace(term, std::move(updated));
  }
  return next;
}

std::shared_ptr<const Postings> PostingStore::Find(const std::string& term) const {
  const std::shared_lock lock(mutex_);
  const auto found = lists_.find(term);
  return found == lists_.end() ? nullptr : found->second;
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
