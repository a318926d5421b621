// Ranking a match in memory: the BM25 weights Xapian's matcher would give the
// documents of a known match set, summed over the query tree the way Xapian
// sums them, and the best first. The query tree becomes a flat sum of weighed
// lists (max_score.h): each term's postings (MatchSets keeps them between
// searches), weighed only where their part of the tree counts (a set from
// match_sets.h when the part asks more than the term), and the best documents
// are found a document at a time, skipping those that cannot reach the page.
// Private to query/.
//
// Weighed like Xapian (default BM25Weight: k1 = 1, k2 = 0, k3 = 1, b = 0.5,
// min_normlen = 0.5): terms, OR, AND, AND_MAYBE, FILTER, AND_NOT and PHRASE
// (their boolean parts weigh nothing), SCALE_WEIGHT, fixed-weight posting
// sources and wildcards combined as synonyms (their weight calibrated by Xapian
// itself on one document and checked on a sample of others). Anything else, and the rare wildcard
// whose expansion cannot be checked, makes Top() decline: the caller asks Xapian.
#pragma once

#include <xapian.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/functional/function_ref.h"
#include "query/facets/facet_columns.h"
#include "query/match/match_sets.h"
#include "query/rank/collapse.h"
#include "query/rank/max_score.h"

namespace vitrine::query::internal {

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

  // The same by `weight(docid)`, called for each candidate (again for a deeper
  // fetch when styles crowd the top): a browse weighed by its multipliers
  // (rescore.h) rather than by a query.
  std::vector<RankedDoc> TopBy(const DocSet& candidates, size_t count, const FacetColumn* parents,
                               absl::FunctionRef<double(Xapian::docid)> weight);

 private:
  // Sizes the per-document arrays on first use.
  void Fit();
  // The best `count` documents by `best(n)` (the best n documents, best first),
  // collapsed by `parents` if given, asking first for `count` and `extra` more.
  std::vector<RankedDoc> Select(size_t count, const FacetColumn* parents, size_t extra,
                                absl::FunctionRef<std::vector<RankedDoc>(size_t)> best);

  // A wildcard's expansion, the weight of its synonym at factor 1 before the
  // wdf part, and its terms' postings merged (their wdfs summed per document,
  // as a synonym counts them); `ok` false when it could not be checked.
  struct Wildcard {
    std::vector<std::string> terms;
    double termweight = 0;
    bool ok = false;
    std::shared_ptr<const Postings> merged;    // made on first use
    std::shared_ptr<const PartMaxima> maxima;  // of `merged`'s parts
  };

  // The query as weighed lists, in the order Xapian sums its parts.
  struct Plan {
    std::vector<WeighedList> lists;
    std::deque<DocSet> conditions;                          // the lists' conditions
    std::vector<std::shared_ptr<const Postings>> held;      // the lists' postings
    std::vector<std::shared_ptr<const PartMaxima>> maxima;  // and their parts' maxima
  };
  // Adds the lists of `query` to `plan`, each weighing only the candidates in
  // `condition` (null: all of them). False for a part this ranker does not weigh.
  bool Flatten(const Xapian::Query& query, const DocSet& candidates, const DocSet* condition,
               double factor, Plan& plan);
  Wildcard& WildcardOf(const Xapian::Query& query);
  // The merged postings of a checked wildcard, kept up to MergedBound() in all.
  std::shared_ptr<const Postings> MergedOf(Wildcard& wildcard);
  double TermWeight(Xapian::doccount termfreq, double factor) const;
  double WdfPart(Xapian::termcount wdf, Xapian::docid id) const;
  // The highest WdfParts of a term's postings, overall and per window, and
  // each posting's part if KeepParts (computed once per term).
  std::shared_ptr<const PartMaxima> MaximaOf(const std::string& term, const Postings& postings);
  // Whether to keep each posting's part of a list of `postings` postings
  // (counted if so): lists of kPartsFrom postings or more, up to kPartsBytes
  // in all, first come first kept until the index is reopened.
  bool KeepParts(size_t postings);

  // Merged wildcard lists kept: 32 bytes a document, at least 32 MB (a
  // wildcard's list grows with the catalog; at 4M products a fixed 32 MB had
  // them merged again on nearly every request).
  static constexpr size_t kMergedBytes = 32 << 20;
  static constexpr size_t kMergedBytesPerDocument = 32;
  size_t MergedBound() const;
  // At 1M products a storefront workload's lists come to ~15M postings (120
  // MB of parts); a short list's parts cost little to compute each time.
  static constexpr size_t kPartsFrom = 1024;
  static constexpr size_t kPartsBytes = size_t{128} << 20;

  const Xapian::Database& database_;
  MatchSets& sets_;
  const DocumentLengths* lengths_ = nullptr;
  Xapian::doccount documents_ = 0;
  double len_factor_ = 0;
  // By docid: k1 * (normalised length * b + 1 - b), BM25's denominator less the wdf.
  std::vector<double> length_parts_;
  StyleScratch styles_;                                  // collapsing
  std::unordered_map<std::string, Wildcard> wildcards_;  // by serialisation
  size_t merged_bytes_ = 0;
  std::unordered_map<std::string, std::shared_ptr<const PartMaxima>> maxima_;  // by term
  size_t parts_bytes_ = 0;  // of the parts kept (KeepParts)
};

}  // namespace vitrine::query::internal
