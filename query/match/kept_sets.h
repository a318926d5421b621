// The sets of a revision's most used leaves (frequent terms, wildcards, value
// ranges), kept for every searcher of it: a storefront's searchers ask for the
// same "men", "black" and price ranges, so each set is made once per revision
// and read in place by all of them, rather than made and kept by each searcher
// in a bound of its own (which at 1M products held a quarter of a workload's
// sets, so each searcher made most of them again and again). Least recently
// used sets go first past the bound. A set handed out stays valid for as long
// as its holder holds it, kept or not. Thread-safe. Private to query/.
//
//   std::shared_ptr<const DocSet> set = kept.Find("Tshirt");
//   if (!set) set = kept.Keep("Tshirt", MakeSet(), list);
//   std::shared_ptr<KeptSets> next = kept.Carried(next_postings, next_size);
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "query/match/doc_set.h"
#include "query/match/posting_store.h"

namespace vitrine::query::internal {

class KeptSets {
 public:
  // Sets kept by default: as many bytes as this many sets of the catalog take
  // (at 1M products, 128 MiB; a storefront workload's frequent leaves), and at
  // least kMinBytes.
  static constexpr size_t kSets = 1024;
  static constexpr size_t kMinBytes = size_t{32} << 20;
  // The default bound for a catalog whose docids are below `size`.
  static size_t DefaultBytes(size_t size);

  explicit KeptSets(size_t max_bytes) : max_bytes_(max_bytes) {}

  // The set kept under `key` (now the most recently used), or null.
  std::shared_ptr<const DocSet> Find(const std::string& key);
  // Keeps `set` under `key` and returns it; `source`: the PostingStore list
  // a term's set was made from (Carried keeps it while the list is shared).
  // When another searcher kept a set under `key` first, returns that one (or,
  // if it is of another size, `set` without keeping it). A set larger than
  // the bound is returned, not kept.
  std::shared_ptr<const DocSet> Keep(std::string key, DocSet set,
                                     std::shared_ptr<const Postings> source = nullptr);

  // A store for the next revision, whose posting lists are `postings` and
  // docids below `size`: the sets of terms whose lists `postings` shares with
  // this revision (PostingStore::Carried left them as they were), in the same
  // order of use; grown to `size` (a copy) only when documents were added.
  std::shared_ptr<KeptSets> Carried(const PostingStore& postings, size_t size) const;

  size_t bytes() const;
  size_t size() const;

 private:
  struct Kept {
    std::string key;
    std::shared_ptr<const DocSet> set;
    std::shared_ptr<const Postings> source;  // a term's list in the store, or null
  };
  // Forgets the least recently used sets until `bytes` more fit the bound.
  void MakeRoom(size_t bytes);

  const size_t max_bytes_;
  mutable std::mutex mutex_;
  std::list<Kept> entries_;  // least recently used first
  absl::flat_hash_map<std::string, std::list<Kept>::iterator> by_key_;
  size_t bytes_ = 0;
};

}  // namespace vitrine::query::internal
