// A revision's posting lists in memory, shared by every searcher of it: a
// term's docids and wdfs are read from Xapian once (by the first searcher that
// needs them, through its own reader, outside the lock) and then handed to
// every search of the revision, instead of each searcher keeping its own copy.
// Bounded: past `max_bytes`, a list is read for the caller without being kept.
// Thread-safe. Private to query/.
//
//   std::shared_ptr<const Postings> list = store.Get("Sshirt", reader);
#pragma once

#include <xapian.h>

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace vitrine::query::internal {

// A term's posting list: docids ascending, each with its wdf.
struct Postings {
  std::vector<Xapian::docid> docids;
  std::vector<Xapian::termcount> wdfs;

  size_t bytes() const {
    return docids.size() * (sizeof(Xapian::docid) + sizeof(Xapian::termcount));
  }
  // Read from `database`.
  static Postings Read(const Xapian::Database& database, const std::string& term);
};

class PostingStore {
 public:
  // At 1M products the lists a storefront's queries read come to ~100-300 MB.
  static constexpr size_t kDefaultMaxBytes = size_t{768} << 20;
  explicit PostingStore(size_t max_bytes = kDefaultMaxBytes) : max_bytes_(max_bytes) {}

  // `term`'s list; `reader` must read the store's revision.
  std::shared_ptr<const Postings> Get(const std::string& term, const Xapian::Database& reader);

  size_t bytes() const;
  size_t terms() const;

 private:
  const size_t max_bytes_;
  mutable std::shared_mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Postings>> lists_;
  size_t bytes_ = 0;
};

}  // namespace vitrine::query::internal
