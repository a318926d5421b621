// Ranking a match in memory: the BM25 weights Xapian's matcher would give the
// documents of a known match set, summed over the query tree the way Xapian
// sums them, and the best first. The match set (match_sets.h) says which
// documents each part of the query matches, so each term's postings are read
// once (MatchSets keeps them between searches) and weighed only where their part counts,
// instead of a walk of the whole tree per document. Private to query/.
//
// Weighed like Xapian (default BM25Weight: k1 = 1, k2 = 0, k3 = 1, b = 0.5,
// min_normlen = 0.5): terms, OR, AND, AND_MAYBE, FILTER, AND_NOT and PHRASE
// (their boolean parts weigh nothing), SCALE_WEIGHT, fixed-weight posting
// sources and wildcards combined as synonyms (their weight calibrated by Xapian
// itself on one document and checked on a sample of others). Anything else, and the rare wildcard
// whose expansion cannot be checked, makes Top() decline: the caller asks Xapian.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/functional/function_ref.h"
#include "query/facets/facet_columns.h"
#include "query/match/match_sets.h"
#include "query/rank/collapse.h"

namespace vitrine::query::internal {

struct RankedDoc {
  Xapian::docid docid;
  double weight;
  uint32_t parent = 0;  // collapsing: the parent's value id (0: none)
};

class Ranker {
 public:
  // `database` and `sets` (of the same database) must outlive the ranker.
  Ranker(const Xapian::Database& database, MatchSets& sets);

  // Forgets what was read (call after the database was reopened).
  void Reset();
  // Every document's length, shared by the searchers of the database's
  // revision (null: the ranker reads them). Set for each search.
  void UseLengths(const DocumentLengths* lengths) { lengths_ = lengths; }

  // The `count` best documents of `candidates`, which all match `query`, by
  // their weight for `query`: highest first, ties by ascending docid (as
  // Xapian orders them). With `parents`, the best of each style stands for it
  // (collapse.h). nullopt when `query` has a part this ranker does not weigh.
  std::optional<std::vector<RankedDoc>> Top(const Xapian::Query& query, const DocSet& candidates,
                                            size_t count, const FacetColumn* parents = nullptr);

  // The same by `weight(docid)`, called once per candidate: a browse weighed by
  // its multipliers (rescore.h) rather than by a query.
  std::vector<RankedDoc> TopBy(const DocSet& candidates, size_t count, const FacetColumn* parents,
                               absl::FunctionRef<double(Xapian::docid)> weight);

 private:
  // Zeroes the candidates' scores (and wildcard wdfs) when it goes.
  struct Cleared {
    const DocSet& candidates;
    std::vector<double>& scores;
    std::vector<Xapian::termcount>& wdf_sums;
    ~Cleared();
  };

  // Sizes the per-document arrays on first use.
  void Fit();
  // The best `count` of `candidates` by scores_, collapsed by `parents` if given.
  std::vector<RankedDoc> Select(const DocSet& candidates, size_t count, const FacetColumn* parents);
  // A wildcard's expansion and the weight of its synonym at factor 1, before
  // the wdf part; `ok` false when it could not be checked.
  struct Wildcard {
    std::vector<std::string> terms;
    double termweight = 0;
    bool ok = false;
  };

  // The documents a part of the query is weighed for, and their number, counted
  // once if asked.
  struct Context {
    const DocSet& set;
    mutable std::optional<uint64_t> count;
    uint64_t Count() const {
      if (!count) count = set.Count();
      return *count;
    }
  };
  bool Accumulate(const Xapian::Query& query, const Context& context, double factor);
  void AddTerm(const std::string& term, const Context& context, double factor);
  bool AddWildcard(const Xapian::Query& query, const Context& context, double factor);
  const Wildcard& WildcardOf(const Xapian::Query& query);
  double TermWeight(Xapian::doccount termfreq, double factor) const;
  double WdfPart(Xapian::termcount wdf, Xapian::docid id) const;

  const Xapian::Database& database_;
  MatchSets& sets_;
  const DocumentLengths* lengths_ = nullptr;
  Xapian::doccount documents_ = 0;
  double len_factor_ = 0;
  // By docid: k1 * (normalised length * b + 1 - b), BM25's denominator less the wdf.
  std::vector<double> length_parts_;
  std::vector<double> scores_;                           // by docid; zero outside Top()
  std::vector<Xapian::termcount> wdf_sums_;              // by docid; zero outside AddWildcard()
  std::vector<Xapian::docid> summed_;                    // AddWildcard's documents
  StyleScratch styles_;                                  // collapsing
  std::unordered_map<std::string, Wildcard> wildcards_;  // by serialisation
};

}  // namespace vitrine::query::internal
