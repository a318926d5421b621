// Relevance evaluation: runs every query of an evaluation set through the real
// search path (query::SearcherPool / Searcher) and scores the rankings against qrels.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<EvalIndex> built,
//                    EvalIndex::Prepare({.products = {"catalog.jsonl.gz"}}));
//   query::SearcherPool pool(built->index());  // declared after `built`, so it closes first
//   ASSIGN_OR_RETURN(EvalReport report, Evaluate(pool, queries, qrels, {.k = 10}));
//   for (const QueryResult* worst : WorstQueries(report, 20)) ...
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzers/analyzer.h"
#include "eval/relevance.h"
#include "query/search.h"

namespace vitrine::eval {

struct EvalIndexOptions {
  // Feeds to index (JSON Lines or CSV, .gz ok). Empty: open the current generation
  // of `data_dir` as it is.
  std::vector<std::string> products;
  // Where the index lives. Empty: a fresh temporary directory, removed with the
  // EvalIndex (only valid with `products`).
  std::string data_dir;
  analyzers::Profile profile = analyzers::Profile::kFashion;  // analysis when building
  int threads = 0;  // reindex analysis threads; 0: one per core
};

// The index an evaluation searches: built from feeds or opened from a data dir.
class EvalIndex {
 public:
  // Builds (Reindex with the profile; rejected records are counted, not fatal) or
  // opens the index, then opens its current generation for searching.
  static absl::StatusOr<std::unique_ptr<EvalIndex>> Prepare(const EvalIndexOptions& options);
  // Removes the temporary data dir, if any. Searchers and pools on index() must
  // be gone by then.
  ~EvalIndex();
  EvalIndex(const EvalIndex&) = delete;
  EvalIndex& operator=(const EvalIndex&) = delete;

  const std::shared_ptr<const query::Index>& index() const { return index_; }
  const std::string& data_dir() const { return data_dir_; }
  bool built() const { return built_; }            // false: an existing generation was opened
  uint64_t accepted() const { return accepted_; }  // records indexed (when built)
  uint64_t rejected() const { return rejected_; }  // records rejected (when built)
  double build_seconds() const { return build_seconds_; }

 private:
  EvalIndex() = default;
  std::shared_ptr<const query::Index> index_;
  std::string data_dir_;
  bool temporary_ = false;
  bool built_ = false;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
  double build_seconds_ = 0;
};

struct EvalOptions {
  int k = 10;              // cutoff of nDCG@k
  int depth = 100;         // results fetched per query (page 1; the search API's largest per_page);
                           // recall and MRR are computed over all of them
  int threads = 1;         // queries searched in parallel, one Searcher per thread
  int top_titles = 3;      // titles kept per query for reports
  bool understand = true;  // query understanding (SearchRequest::understand)
};

// How one query fared. The metrics are nullopt when the query has no relevant
// judgment (it is then left out of the means).
struct QueryResult {
  std::string qid;
  std::string query;
  uint64_t total = 0;                   // matching products, as the search reports them
  bool total_is_estimate = false;       // the search estimated `total`
  bool relaxed = false;                 // the search fell back to matching any word
  std::string error;                    // the search refused the query (counted as zero results)
  std::vector<std::string> ids;         // ranked, at most depth
  std::vector<std::string> top_titles;  // of the first hits; the id when a title is missing
  std::vector<int> top_grades;          // their grades; -1 for products nobody judged
  size_t judged = 0;                    // products judged for this query (any grade)
  size_t relevant = 0;                  // of which grade >= 1
  std::optional<double> ndcg;
  std::optional<double> judged_ndcg;
  std::optional<double> recall;
  std::optional<double> reciprocal_rank;
};

struct EvalSummary {
  int k = 0;
  int depth = 0;
  size_t queries = 0;
  size_t scored = 0;        // with at least one relevant judgment; the means are over these
  size_t unscored = 0;      // without one: skipped from the means
  size_t zero_results = 0;  // of all queries
  size_t relaxed = 0;       // answered by the any-word fallback
  size_t refused = 0;       // rejected by the search (too long, ...)
  size_t unknown_qids = 0;  // qids in the qrels that no query has
  double ndcg = 0;          // mean nDCG@k
  double judged_ndcg = 0;   // mean judged-only nDCG@k
  double recall = 0;        // mean recall@depth
  double mrr = 0;           // mean reciprocal rank within depth
  double zero_result_rate = 0;
  double search_seconds = 0;  // wall clock of the search phase
  double queries_per_second = 0;
};

struct EvalReport {
  EvalSummary summary;
  std::vector<QueryResult> queries;  // in input order
};

// Searches every query (page 1, options.depth per page) and scores it. A query the
// search rejects as invalid counts as zero results; any other search error ends
// the evaluation with that error.
absl::StatusOr<EvalReport> Evaluate(query::SearcherPool& pool,
                                    const std::vector<EvalQuery>& queries, const Qrels& qrels,
                                    const EvalOptions& options = {});

// The `n` scored queries with the lowest nDCG@k, worst first (ties: fewer hits
// first, then input order).
std::vector<const QueryResult*> WorstQueries(const EvalReport& report, size_t n);

// The ranked lists of `report` as text for offline analysis, one line per hit:
// `qid<TAB>rank<TAB>product_id<TAB>grade`, rank from 1, grade -1 when unjudged.
// Queries in input order; a query without hits has no line.
std::string RunText(const EvalReport& report, const Qrels& qrels);

}  // namespace vitrine::eval
