#include "eval/evaluate.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "base/status.h"
#include "base/strings.h"
#include "catalog/product.h"

namespace vitrine::eval {
namespace {

absl::Status CheckOptions(const EvalOptions& options) {
  if (options.k < 1) return InvalidParameter("k", "k must be a positive integer");
  if (options.depth < 1) return InvalidParameter("depth", "depth must be a positive integer");
  if (options.threads < 1) return InvalidParameter("threads", "threads must be at least 1");
  if (options.top_titles < 0) return InvalidParameter("top_titles", "top_titles must be >= 0");
  return absl::OkStatus();
}

// The title of a hit's snapshot, or its id when there is no usable snapshot.
std::string TitleOf(const query::SearchHit& hit) {
  absl::StatusOr<catalog::Product> product = catalog::ProductFromJson(hit.product_json);
  return product.ok() && !product->title.empty() ? product->title : hit.id;
}

void Score(const Judgments& judgments, int k, int depth, QueryResult& result) {
  result.judged = judgments.size();
  result.relevant = std::count_if(judgments.begin(), judgments.end(),
                                  [](const auto& judgment) { return judgment.second >= 1; });
  result.ndcg = NdcgAtK(result.ids, judgments, k);
  result.judged_ndcg = JudgedOnlyNdcgAtK(result.ids, judgments, k);
  result.recall = RecallAtK(result.ids, judgments, depth);
  result.reciprocal_rank = ReciprocalRank(result.ids, judgments, depth);
}

// Searches one query and scores it into `result`. Only errors other than a
// refused query are returned.
absl::Status RunQuery(query::Searcher& searcher, const EvalQuery& query, const Qrels& qrels,
                      const EvalOptions& options, QueryResult& result) {
  static const Judgments kNoJudgments;
  const auto found = qrels.find(query.id);
  const Judgments& judgments = found == qrels.end() ? kNoJudgments : found->second;
  result.qid = query.id;
  result.query = query.text;
  absl::StatusOr<query::SearchResponse> response = searcher.Search(
      {.q = query.text, .page = 1, .per_page = options.depth, .understand = options.understand});
  if (absl::IsInvalidArgument(response.status())) {
    result.error = std::string(response.status().message());
  } else if (!response.ok()) {
    return Annotate(response.status(), StrCat("searching qid ", query.id, ": "));
  } else {
    result.total = response->total;
    result.total_is_estimate = response->total_is_estimate;
    result.relaxed = response->relaxed;
    result.ids.reserve(response->hits.size());
    for (const query::SearchHit& hit : response->hits) {
      result.ids.push_back(hit.id);
      if (result.top_titles.size() < static_cast<size_t>(options.top_titles)) {
        result.top_titles.push_back(TitleOf(hit));
        const auto grade = judgments.find(hit.id);
        result.top_grades.push_back(grade == judgments.end() ? -1 : grade->second);
      }
    }
  }
  Score(judgments, options.k, options.depth, result);
  return absl::OkStatus();
}

// Searches all queries on `threads` threads (the caller's among them), each with
// its own leased Searcher, writing results in input order.
absl::Status RunAll(query::SearcherPool& pool, const std::vector<EvalQuery>& queries,
                    const Qrels& qrels, const EvalOptions& options,
                    std::vector<QueryResult>& results) {
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  absl::Status failure;
  const auto fail = [&](const absl::Status& status) {
    std::lock_guard lock(mutex);
    if (failure.ok()) failure = status;
    failed = true;
  };
  const auto worker = [&] {
    absl::StatusOr<query::SearcherPool::Lease> lease = pool.Acquire();
    if (!lease.ok()) return fail(lease.status());
    for (size_t i = next++; i < queries.size() && !failed; i = next++) {
      const absl::Status status = RunQuery(**lease, queries[i], qrels, options, results[i]);
      if (!status.ok()) return fail(status);
    }
  };
  const size_t thread_count =
      std::min<size_t>(static_cast<size_t>(options.threads), queries.size());
  std::vector<std::thread> threads;
  for (size_t t = 1; t < thread_count; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& thread : threads) thread.join();
  return failure;
}

double Mean(double sum, size_t count) { return count == 0 ? 0 : sum / static_cast<double>(count); }

EvalSummary Summarize(const std::vector<QueryResult>& results, const Qrels& qrels,
                      const EvalOptions& options) {
  EvalSummary summary{.k = options.k, .depth = options.depth, .queries = results.size()};
  double ndcg = 0, judged_ndcg = 0, recall = 0, mrr = 0;
  std::unordered_set<std::string_view> known_qids;
  for (const QueryResult& result : results) {
    known_qids.insert(result.qid);
    if (result.ids.empty()) ++summary.zero_results;
    if (result.relaxed) ++summary.relaxed;
    if (!result.error.empty()) ++summary.refused;
    if (!result.ndcg) {
      ++summary.unscored;
      continue;
    }
    ++summary.scored;
    ndcg += *result.ndcg;
    judged_ndcg += result.judged_ndcg.value_or(0);
    recall += result.recall.value_or(0);
    mrr += result.reciprocal_rank.value_or(0);
  }
  for (const auto& [qid, judgments] : qrels) {
    if (!known_qids.contains(qid)) ++summary.unknown_qids;
  }
  summary.ndcg = Mean(ndcg, summary.scored);
  summary.judged_ndcg = Mean(judged_ndcg, summary.scored);
  summary.recall = Mean(recall, summary.scored);
  summary.mrr = Mean(mrr, summary.scored);
  summary.zero_result_rate = Mean(static_cast<double>(summary.zero_results), summary.queries);
  return summary;
}

}  // namespace

absl::StatusOr<EvalReport> Evaluate(query::SearcherPool& pool,
                                    const std::vector<EvalQuery>& queries, const Qrels& qrels,
                                    const EvalOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  EvalReport report;
  report.queries.resize(queries.size());
  const auto start = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(RunAll(pool, queries, qrels, options, report.queries));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.summary = Summarize(report.queries, qrels, options);
  report.summary.search_seconds = seconds;
  report.summary.queries_per_second =
      seconds > 0 ? static_cast<double>(queries.size()) / seconds : 0;
  return report;
}

std::vector<const QueryResult*> WorstQueries(const EvalReport& report, size_t n) {
  std::vector<const QueryResult*> scored;
  for (const QueryResult& result : report.queries) {
    if (result.ndcg) scored.push_back(&result);
  }
  // Stable, so equal nDCG and hit counts keep input order.
  std::stable_sort(scored.begin(), scored.end(), [](const QueryResult* a, const QueryResult* b) {
    return std::tuple(*a->ndcg, a->total) < std::tuple(*b->ndcg, b->total);
  });
  if (scored.size() > n) scored.resize(n);
  return scored;
}

std::string RunText(const EvalReport& report, const Qrels& qrels) {
  std::string text;
  for (const QueryResult& result : report.queries) {
    const auto judgments = qrels.find(result.qid);
    for (size_t rank = 0; rank < result.ids.size(); ++rank) {
      int grade = -1;
      if (judgments != qrels.end()) {
        const auto judged = judgments->second.find(result.ids[rank]);
        if (judged != judgments->second.end()) grade = judged->second;
      }
      text.append(StrCat(result.qid, "\t", rank + 1, "\t", result.ids[rank], "\t", grade, "\n"));
    }
  }
  return text;
}

}  // namespace vitrine::eval
