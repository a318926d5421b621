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

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "query/match/doc_set.h"
#include "query/match/kept_sets.h"
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

  // `database` must outlive this. Of its own (until UseKept), this keeps at
  // most `max_kept_bytes` of leaf sets (0: KeptSets::DefaultBytes); at most
  // `max_postings_bytes` of posting lists are kept.
  explicit MatchSets(const Xapian::Database& database, size_t max_kept_bytes = 0,
                     size_t max_postings_bytes = 64 << 20);

  // A term's postings, read once (until Reset or the bound is reached). Valid
  // until the next call.
  const Postings& PostingsOf(const std::string& term) { return *SharedPostingsOf(term); }
  // The same, held by the caller for as long as it needs it.
  std::shared_ptr<const Postings> SharedPostingsOf(const std::string& term);

  // Forgets what was read (call after the database was reopened).
  void Reset();
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
  // The leaf sets of the database's revision, shared with the other searchers
  // of it (null: this keeps its own). Set for each search.
  void UseKept(KeptSets* kept) { kept_ = kept != nullptr ? kept : own_kept_.get(); }
  // Forgets the sets of composite queries remembered for the last search, and
  // lets go of the kept sets it read.
  void NewSearch() {
    memo_.clear();
    memo_bytes_ = 0;
    held_.clear();
  }

  // Every document `query` matches. AND, OR, AND_NOT, FILTER, AND_MAYBE, XOR,
  // SYNONYM, MAX and SCALE_WEIGHT combine the sets of their subqueries as
  // Xapian's matcher would; terms and wildcards (their Expansion) are read from
  // their posting lists; a fixed weight matches every document; value ranges
  // read the numeric columns (UseNumbers); any other node (phrases, other
  // posting sources) is matched by Xapian on its own and kept. Composite queries are remembered
  // until NewSearch(), so the sets of a query's parts cost nothing after the first.
  DocSet Of(const Xapian::Query& query);
  // The same without a copy when the set is kept or remembered (valid until
  // NewSearch), else made in `scratch`.
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

  // Leaf sets kept (in the shared KeptSets, when used), for tests and metrics.
  size_t kept() const { return kept_->size(); }

 private:
  // The set of a composite query: remembered for the search when it fits
  // (made by Composite the first time), else made in `scratch`.
  const DocSet& Composed(const Xapian::Query& query, DocSet& scratch);
  DocSet Composite(const Xapian::Query& query);
  // The sets of leaves, kept (valid until NewSearch); a term's set too small
  // to keep is made in `scratch`.
  const DocSet& Term(const std::string& term, DocSet& scratch);
  const DocSet& Opaque(const Xapian::Query& query);
  const DocSet& Wildcard(const Xapian::Query& query);
  const DocSet& ValueRange(const Xapian::Query& query);
  // The set kept under `key` (of this database's size), held until NewSearch; or null.
  const DocSet* Find(const std::string& key);
  // Keeps `set` under `key` and holds it until NewSearch. `source`: the
  // store's list a term's set was made from (else null).
  const DocSet& Keep(std::string key, DocSet set, std::shared_ptr<const Postings> source = nullptr);

  const Xapian::Database& database_;
  size_t size_ = 0;  // docids are below this
  const std::map<Xapian::valueno, NumberColumn>* numbers_ = nullptr;
  size_t max_kept_bytes_;  // as asked (0: KeptSets::DefaultBytes)
  size_t max_postings_bytes_;
  size_t postings_bytes_ = 0;
  PostingStore* store_ = nullptr;
  // The lists this searcher holds (the store's, or its own up to the bound).
  std::unordered_map<std::string, std::shared_ptr<const Postings>> postings_;
  // Wildcard expansions by serialisation (until Reset).
  std::unordered_map<std::string, std::optional<std::vector<std::string>>> expansions_;
  std::optional<DocSet> all_;
  const DocSet* shared_all_ = nullptr;
  // The kept leaf sets: the revision's (UseKept), or this searcher's own.
  std::shared_ptr<KeptSets> own_kept_;
  KeptSets* kept_ = nullptr;
  // Kept sets this search read: each stays valid until NewSearch, though
  // keeping the sets of later parts (here or in another searcher) may forget
  // it meanwhile.
  std::vector<std::shared_ptr<const DocSet>> held_;
  // This search's composite queries by their internals (each kept alive by its
  // copy, so an address is never reused while remembered), up to kMaxMemoBytes.
  static constexpr size_t kMaxMemoBytes = 16 << 20;
  std::unordered_map<const void*, std::pair<Xapian::Query, DocSet>> memo_;
  size_t memo_bytes_ = 0;
};

}  // namespace vitrine::query::internal
