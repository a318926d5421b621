// A revision's posting lists in memory, shared by every searcher of it: a
// term's docids and wdfs are read from Xapian once (by the first searcher that
// needs them, through its own reader, outside the lock) and then handed to
// every search of the revision, instead of each searcher keeping its own copy.
// Bounded: past `max_bytes`, a list is read for the caller without being kept.
// Thread-safe. Private to query/.
//
//   std::shared_ptr<const Postings> list = store.Get("Sshirt", reader);
//   std::shared_ptr<PostingStore> next = store.Carried(changed, documents);
#pragma once

#include <xapian.h>

#include <cstddef>
#include <memory>
#include <optional>
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
  // `term`'s list if the store holds it, else null (nothing is read).
  std::shared_ptr<const Postings> Find(const std::string& term) const;

  // Lists shorter than this are left to be read again by the next revision
  // (Carried): reading them costs about what bringing them up to date would.
  static constexpr size_t kCarryFrom = 1024;
  // A store for the next revision: this one's lists of kCarryFrom postings or
  // more, brought up to date for the `changed` documents (`documents`: their
  // versions in the next revision, nullopt when deleted; the same order). A
  // list no changed document was or is in is shared, not copied; the next
  // revision's first searches then find the long lists ("men", "topwear")
  // rather than read them from disk again after every write batch.
  std::shared_ptr<PostingStore> Carried(
      const std::vector<Xapian::docid>& changed,
      const std::vector<std::optional<Xapian::Document>>& documents) const;

  size_t bytes() const;
  size_t terms() const;

 private:
  const size_t max_bytes_;
  mutable std::shared_mutex mutex_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Postings>> lists_;
  size_t bytes_ = 0;
};

}  // namespace vitrine::query::internal
