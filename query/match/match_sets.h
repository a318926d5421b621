// The documents a query matches, as a bitset over docids, computed in memory
// from its boolean structure: filters, totals and facet counts come from these
// sets, and Xapian's matcher only ranks the page (see search.cc). Counting
// tens of thousands of matches this way is word-wide AND/OR over a few KiB
// instead of a walk of the query tree per document. Private to query/.
//
//   MatchSets sets(database);          // one per searcher
//   DocSet text = sets.Of(query);      // what `query` matches, scores aside
//   text &= sets.Of(filter);
//   uint64_t total = text.Count();
//   sets.Reset();                      // after the database is reopened
#pragma once

#include <xapian.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "query/match/posting_store.h"

namespace vitrine::query::internal {

struct NumberColumn;  // facet_columns.h

// What a wildcard's serialisation holds (Xapian 1.4: 0x0b, max expansion, max
// type, combiner, pattern length, pattern; lengths below 255 take one byte);
// nullopt for any other form.
struct WildcardSpec {
  Xapian::termcount max_expansion;
  int max_type;
  int combiner;
  std::string pattern;
};
std::optional<WildcardSpec> ParseWildcard(const std::string& serialised);

// A set of documents of one database: a bit per docid.
class DocSet {
 public:
  DocSet() = default;
  // The empty set of a database whose docids are below `size`.
  explicit DocSet(size_t size) : words_((size + 63) / 64, 0) {}

  void Add(Xapian::docid id) { words_[id >> 6] |= uint64_t{1} << (id & 63); }
  void Remove(Xapian::docid id) { words_[id >> 6] &= ~(uint64_t{1} << (id & 63)); }
  // Makes room for docids below `size` (new ones absent); never shrinks.
  void Grow(size_t size) { words_.resize(std::max(words_.size(), (size + 63) / 64), 0); }
  bool Contains(Xapian::docid id) const {
    return (id >> 6) < words_.size() && (words_[id >> 6] >> (id & 63) & 1) != 0;
  }
  // Sets of one database (the same size: asserted) combine.
  DocSet& operator&=(const DocSet& other);
  DocSet& operator|=(const DocSet& other);
  DocSet& operator^=(const DocSet& other);
  DocSet& Subtract(const DocSet& other);
  // The documents in both, in either, and in `a` but not `b`: each made in
  // one pass (not a copy, then another).
  static DocSet Intersection(const DocSet& a, const DocSet& b);
  static DocSet Union(const DocSet& a, const DocSet& b);
  static DocSet Difference(const DocSet& a, const DocSet& b);
  uint64_t Count() const;
  bool empty() const;
  // The first document at or after `from`; 0 when none.
  Xapian::docid Next(Xapian::docid from) const;

  // Calls `f(docid)` for each document, in ascending docid order.
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < words_.size(); ++i) {
      for (uint64_t word = words_[i]; word != 0; word &= word - 1) {
        f(static_cast<Xapian::docid>(i * 64 + static_cast<size_t>(std::countr_zero(word))));
      }
    }
  }

  // Calls `f(docid)` for each document of this set that `mask` holds (`in`) or
  // does not hold (`!in`), in ascending docid order, a word of 64 at a time.
  // The sets may differ in size: past its end, `mask` holds nothing.
  template <typename F>
  void ForEachMasked(const DocSet& mask, bool in, F&& f) const {
    for (size_t i = 0; i < words_.size(); ++i) {
      const uint64_t held = i < mask.words_.size() ? mask.words_[i] : 0;
      for (uint64_t word = words_[i] & (in ? held : ~held); word != 0; word &= word - 1) {
        f(static_cast<Xapian::docid>(i * 64 + static_cast<size_t>(std::countr_zero(word))));
      }
    }
  }

  // Documents are handed to ForEachBlock's callers up to this many at a time.
  static constexpr size_t kBlockDocs = 1024;

  // Calls `f(std::span<const Xapian::docid>)` with the documents in ascending
  // docid order, up to about kBlockDocs at a time, for a caller that takes
  // each block in a loop of its own. A word's documents are decoded eight at
  // a time rather than one by one, so a block costs no mispredicted branch
  // per word (how many of a word's 64 documents a set holds follows no
  // pattern a branch predictor could learn).
  template <typename F>
  void ForEachBlock(F&& f) const {
    ForEachBlockOf(
        words_.size(), [&](size_t k) { return words_[k]; }, f);
  }
  // The same for the words `word(k)` gives, for k = 0 to `words` - 1 in turn
  // (a set's words combined with others').
  template <typename Word, typename F>
  static void ForEachBlockOf(size_t words, Word&& word, F&& f) {
    // Room for a block, a word's documents past it and the decoding's slack.
    std::array<Xapian::docid, kBlockDocs + 64 + 7> block;
    size_t filled = 0;
    for (size_t k = 0; k < words; ++k) {
      uint64_t bits = word(k);
      if (bits == 0) continue;
      const size_t count = static_cast<size_t>(std::popcount(bits));
      const auto base = static_cast<Xapian::docid>(k * 64);
      Xapian::docid* const out = block.data() + filled;
      // Eight at a time, past the last bit too: countr_zero(0) is 64, and what
      // lands past `count` is written over or never read.
      for (size_t i = 0; i < count; i += 8) {
        for (size_t j = 0; j < 8; ++j) {
          out[i + j] = base + static_cast<Xapian::docid>(std::countr_zero(bits));
          bits &= bits - 1;
        }
      }
      filled += count;
      if (filled >= kBlockDocs) {
        f(std::span<const Xapian::docid>(block.data(), filled));
        filled = 0;
      }
    }
    if (filled > 0) f(std::span<const Xapian::docid>(block.data(), filled));
  }

  size_t bytes() const { return words_.size() * sizeof(uint64_t); }
  // Its bits, docids 64 * i to 64 * i + 63 in word i.
  std::span<const uint64_t> words() const { return words_; }
  void SetWord(size_t i, uint64_t word) { words_[i] = word; }

 private:
  template <typename Op>
  static DocSet Zip(const DocSet& a, const DocSet& b, Op op);

  std::vector<uint64_t> words_;
};

// A set as a Xapian posting source: matches its documents and weighs nothing,
// so a ranking match filtered by it skips straight to documents known to pass
// every filter. The set must outlive the match.
class DocSetSource : public Xapian::PostingSource {
 public:
  explicit DocSetSource(const DocSet& set) : set_(set), count_(set.Count()) {}

  Xapian::doccount get_termfreq_min() const override { return count_; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }
  void init(const Xapian::Database& /*database*/) override { current_ = 0; }
  void next(double /*min_wt*/) override { current_ = set_.Next(current_ + 1); }
  void skip_to(Xapian::docid id, double /*min_wt*/) override {
    if (id > current_) current_ = set_.Next(id);
  }
  // (Xapian asks only after a next() or skip_to().)
  bool at_end() const override { return current_ == 0; }
  Xapian::docid get_docid() const override { return current_; }

 private:
  const DocSet& set_;
  const Xapian::doccount count_;
  Xapian::docid current_ = 0;  // 0: before the first, or past the last
};

// Evaluates queries to the documents they match, against one database, and
// keeps between searches the posting lists of the terms it read (from the
// revision's shared PostingStore when given one, else its own) and the sets of
// its most used leaves (frequent terms, wildcards, value ranges). Not
// thread-safe: one per searcher.
class MatchSets {
 public:
  // Terms matching fewer documents than this are made into a set from their
  // kept postings each time (cheaper than keeping the set).
  static constexpr Xapian::doccount kCacheFrom = 256;

  // Leaf sets kept by default: as many bytes as this many sets of the
  // database take, and at least 8 MiB (a storefront's frequent terms and
  // filters; at 1M products, 32 MiB).
  static constexpr size_t kKeptSets = 256;

  // `database` must outlive this; at most `max_cached_bytes` of leaf sets (0:
  // the default above) and `max_postings_bytes` of posting lists are kept.
  explicit MatchSets(const Xapian::Database& database, size_t max_cached_bytes = 0,
                     size_t max_postings_bytes = 64 << 20);

  // A term's postings, read once (until Reset or the bound is reached). Valid
  // until the next call.
  const Postings& PostingsOf(const std::string& term) { return *SharedPostingsOf(term); }
  // The same, held by the caller for as long as it needs it.
  std::shared_ptr<const Postings> SharedPostingsOf(const std::string& term);

  // Forgets every kept set (call after the database was reopened).
  void Reset();
  // After the database was reopened at the revision whose posting lists are
  // `store`: forgets the kept sets, but for those of terms whose list that
  // store shares with the revision before (PostingStore::Carried left it as it
  // was), so a write batch does not cost every searcher its frequent terms.
  // Null: Reset().
  void Reopened(const PostingStore* store);
  // The numeric columns of the database's revision (facet_columns.h): value
  // ranges on their slots are read from them rather than from Xapian's value
  // streams. Null (the default): Xapian matches them. Set for each search.
  void UseNumbers(const std::map<Xapian::valueno, NumberColumn>* numbers) { numbers_ = numbers; }
  // The posting lists of the database's revision, shared with the other
  // searchers of it (null: this reads and keeps its own). Set for each search.
  void UseStore(PostingStore* store) { store_ = store; }
  // Every document of the database's revision, shared with the other searchers
  // of it (null: All() reads them). Set for each search.
  void UseAll(const DocSet* all) { shared_all_ = all; }
  // Forgets the sets of composite queries remembered for the last search.
  void NewSearch() {
    memo_.clear();
    memo_bytes_ = 0;
  }

  // Every document `query` matches. AND, OR, AND_NOT, FILTER, AND_MAYBE, XOR,
  // SYNONYM, MAX and SCALE_WEIGHT combine the sets of their subqueries as
  // Xapian's matcher would; terms and wildcards (their Expansion) are read from
  // their posting lists; a fixed weight matches every document; value ranges
  // read the numeric columns (UseNumbers); any other node (phrases, other
  // posting sources) is matched by Xapian on its own and kept. Composite queries are remembered
  // until NewSearch(), so the sets of a query's parts cost nothing after the first.
  DocSet Of(const Xapian::Query& query);
  // The same without a copy when the set is kept or remembered (else made in
  // `scratch`). Valid until the next call.
  const DocSet& Ref(const Xapian::Query& query, DocSet& scratch);
  // Every document of the database.
  const DocSet& All();

  // The terms a wildcard expands to, chosen as Xapian 1.4 chooses them: every
  // term with its prefix, or the first or the most frequent ones (Xapian picks
  // these with std::nth_element over the terms in this order, comparing
  // frequencies only, so the same call picks the same terms among equally
  // frequent ones). nullopt for a wildcard Xapian would refuse, or one whose
  // serialisation this does not read.
  const std::optional<std::vector<std::string>>& Expansion(const Xapian::Query& wildcard);

  // Kept leaf sets, for tests and metrics.
  size_t cached() const { return entries_.size(); }

 private:
  // The set of a composite query: remembered for the search when it fits
  // (made by Composite the first time), else made in `scratch`.
  const DocSet& Composed(const Xapian::Query& query, DocSet& scratch);
  DocSet Composite(const Xapian::Query& query);
  DocSet Term(const std::string& term);
  DocSet Opaque(const Xapian::Query& query);
  DocSet Wildcard(const Xapian::Query& query);
  DocSet ValueRange(const Xapian::Query& query);
  const DocSet* Find(const std::string& key);
  // `source`: the store's list a term's set was made from (else null).
  void Keep(std::string key, const DocSet& set, std::shared_ptr<const Postings> source = nullptr);
  // Forgets the least recently used kept sets until `bytes` more fit the bound.
  void MakeRoom(size_t bytes);

  const Xapian::Database& database_;
  size_t size_ = 0;  // docids are below this
  const std::map<Xapian::valueno, NumberColumn>* numbers_ = nullptr;
  size_t max_cached_bytes_;  // as asked (0: kKeptSets)
  size_t cached_bound_ = 0;  // in bytes, for this database
  size_t cached_bytes_ = 0;
  size_t max_postings_bytes_;
  size_t postings_bytes_ = 0;
  PostingStore* store_ = nullptr;
  // The lists this searcher holds (the store's, or its own up to the bound).
  std::unordered_map<std::string, std::shared_ptr<const Postings>> postings_;
  // Wildcard expansions by serialisation (until Reset).
  std::unordered_map<std::string, std::optional<std::vector<std::string>>> expansions_;
  std::optional<DocSet> all_;
  const DocSet* shared_all_ = nullptr;
  struct Kept {
    std::string key;
    DocSet set;
    std::shared_ptr<const Postings> source;  // a term's list in the store, or null
  };
  // Least recently used first.
  std::list<Kept> entries_;
  // Kept sets a composite reads while it makes its other parts' sets (which
  // may keep more): MakeRoom passes them over, and the bound holds again once
  // the outermost composite is made.
  std::vector<const DocSet*> pinned_;
  class Pin {
   public:
    Pin(MatchSets& sets, const DocSet& set) : sets_(sets) { sets_.pinned_.push_back(&set); }
    ~Pin() {
      sets_.pinned_.pop_back();
      if (sets_.pinned_.empty()) sets_.MakeRoom(0);
    }
    Pin(const Pin&) = delete;
    Pin& operator=(const Pin&) = delete;

   private:
    MatchSets& sets_;
  };

  std::unordered_map<std::string, std::list<Kept>::iterator> by_key_;
  // This search's composite queries by their internals (each kept alive by its
  // copy, so an address is never reused while remembered), up to kMaxMemoBytes.
  static constexpr size_t kMaxMemoBytes = 16 << 20;
  std::unordered_map<const void*, std::pair<Xapian::Query, DocSet>> memo_;
  size_t memo_bytes_ = 0;
};

}  // namespace vitrine::query::internal
