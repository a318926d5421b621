// Relevance metrics over ranked result lists and graded judgments (qrels), and the
// readers of the query and judgment files an evaluation set is made of.
//
//   ASSIGN_OR_RETURN(std::vector<EvalQuery> queries, ReadQueries("queries.tsv"));
//   ASSIGN_OR_RETURN(Qrels qrels, ReadQrels("qrels.tsv.gz"));
//   std::optional<double> ndcg = NdcgAtK(ranked_ids, qrels[queries[0].id], 10);
//
// Grades are 0 (not relevant), 1 (partly relevant) and 2 (relevant); a product
// without a judgment counts as grade 0. "Relevant" below means grade >= 1.
// Every metric counts an id only at its first position in `ranked`, so a list
// with repeats can never score above a perfect one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrine::eval {

inline constexpr int kMaxGrade = 2;

// One line of queries.tsv.
struct EvalQuery {
  std::string id;
  std::string text;

  friend bool operator==(const EvalQuery&, const EvalQuery&) = default;
};

// The judgments of one query: product id -> grade.
using Judgments = std::unordered_map<std::string, int>;

// The judgments of a whole set, by query id.
using Qrels = std::unordered_map<std::string, Judgments>;

// True when at least one judged product has grade >= 1.
bool HasRelevant(const Judgments& judgments);

// nDCG@k of `ranked` (best first): DCG with gains 2^grade - 1 and discount
// log2(rank + 1), divided by the DCG of the ideal ordering of all the query's
// judged grades (cut at k). nullopt when the query has no relevant judgment: its
// ideal DCG is 0 and it cannot be scored.
std::optional<double> NdcgAtK(const std::vector<std::string>& ranked, const Judgments& judgments,
                              int k);

// NdcgAtK after dropping the unjudged products from `ranked`, so products nobody
// assessed are neither rewarded nor penalised (judged grade-0 products stay).
std::optional<double> JudgedOnlyNdcgAtK(const std::vector<std::string>& ranked,
                                        const Judgments& judgments, int k);

// Share of the relevant products found in the first k of `ranked`; nullopt when
// the query has none.
std::optional<double> RecallAtK(const std::vector<std::string>& ranked, const Judgments& judgments,
                                int k);

// 1 / rank of the first relevant product within the first k of `ranked`, 0 when
// none is there; nullopt when the query has no relevant judgment.
std::optional<double> ReciprocalRank(const std::vector<std::string>& ranked,
                                     const Judgments& judgments, int k);

// Parses queries.tsv text: `qid<TAB>query` per line, blank lines skipped, "\r\n"
// accepted. Errors are InvalidArgument naming `source` and the 1-based line:
// a line without a tab, an empty qid or query, a repeated qid.
absl::StatusOr<std::vector<EvalQuery>> ParseQueries(std::string_view text, std::string_view source);

// Parses qrels.tsv text: `qid<TAB>product_id<TAB>grade` per line, grade 0, 1 or 2.
// Errors are InvalidArgument naming `source` and the line: a wrong number of
// fields, an empty id, a bad grade, a product judged twice for one query.
absl::StatusOr<Qrels> ParseQrels(std::string_view text, std::string_view source);

// Reads and parses a file, plain or gzip-compressed (detected by content).
// NotFound when the file does not exist.
absl::StatusOr<std::vector<EvalQuery>> ReadQueries(const std::string& path);
absl::StatusOr<Qrels> ReadQrels(const std::string& path);

}  // namespace vitrine::eval
