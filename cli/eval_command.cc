// vitrine eval: relevance of the real search path on a judged query set.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "base/strings.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "eval/evaluate.h"

namespace vitrine::cli {
namespace {

constexpr char kEvalUsage[] =
    "usage: vitrine eval --products FILE [--products FILE ...] --queries FILE --qrels FILE\n"
    "                    [--k 10] [--analyzer fashion|baseline] [--data-dir DIR] [--worst 20]\n"
    "                    [--threads N] [--run FILE]\n"
    "       vitrine eval --data-dir DIR --queries FILE --qrels FILE ...  (existing index)\n";

constexpr size_t kListedUnscored = 10;

int Usage(std::string_view message) {
  std::fprintf(stderr, "vitrine eval: %.*s\n%s", static_cast<int>(message.size()), message.data(),
               kEvalUsage);
  return 2;
}

int EvalFail(const absl::Status& status) {
  std::fprintf(stderr, "vitrine eval: %s\n", std::string(status.message()).c_str());
  return 1;
}

struct EvalFlags {
  eval::EvalIndexOptions index;
  std::string queries;
  std::string qrels;
  eval::EvalOptions eval;
  int64_t worst = 20;
  std::string run;  // where to write the ranked lists (qid, rank, id, grade); empty: nowhere
};

// Every error here is a usage error (exit 2).
absl::StatusOr<EvalFlags> ParseEvalFlags(int argc, char** argv) {
  ASSIGN_OR_RETURN(const Flags flags,
                   Flags::Parse(argc, argv,
                                {"products", "queries", "qrels", "k", "analyzer", "data-dir",
                                 "worst", "threads", "run", "understand"}));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(StrCat("unexpected argument '", flags.positional()[0], "'"));
  }
  EvalFlags out;
  out.index.products = flags.GetAll("products");
  out.index.data_dir = flags.Get("data-dir").value_or("");
  out.run = flags.Get("run").value_or("");
  ASSIGN_OR_RETURN(out.queries, flags.Required("queries"));
  ASSIGN_OR_RETURN(out.qrels, flags.Required("qrels"));
  ASSIGN_OR_RETURN(const int64_t k, flags.Int("k", 10));
  ASSIGN_OR_RETURN(out.worst, flags.Int("worst", 20));
  ASSIGN_OR_RETURN(const int64_t threads, flags.Int("threads", 0));
  if (const std::optional<std::string> understand = flags.Get("understand")) {
    if (*understand != "true" && *understand != "false") {
      return absl::InvalidArgumentError("--understand must be true or false");
    }
    out.eval.understand = *understand == "true";
  }
  if (out.index.products.empty() && out.index.data_dir.empty()) {
    return absl::InvalidArgumentError("give --products to index, or --data-dir of an index");
  }
  if (k < 1 || k > 100) return absl::InvalidArgumentError("--k must be between 1 and 100");
  if (out.worst < 0) return absl::InvalidArgumentError("--worst must not be negative");
  if (threads < 0 || threads > 256) {
    return absl::InvalidArgumentError("--threads must be between 0 and 256");
  }
  if (const std::optional<std::string> analyzer = flags.Get("analyzer")) {
    if (out.index.products.empty()) {
      return absl::InvalidArgumentError(
          "--analyzer applies when building from --products; an existing index keeps its own");
    }
    if (!analyzers::ParseProfile(*analyzer, out.index.profile)) {
      return absl::InvalidArgumentError(
          StrCat("--analyzer must be fashion or baseline, got '", *analyzer, "'"));
    }
  }
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  out.index.threads = static_cast<int>(threads);
  out.eval.k = static_cast<int>(k);
  out.eval.threads = threads == 0 ? cores : static_cast<int>(threads);
  return out;
}

// "%.*f" as a string.
std::string Fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

// One "label  value" line of the summary, values aligned in one column.
void Row(std::string_view label, std::string_view value) {
  std::printf("%-20.*s %.*s\n", static_cast<int>(label.size()), label.data(),
              static_cast<int>(value.size()), value.data());
}

void PrintIndex(const EvalFlags& flags, const eval::EvalIndex& built) {
  if (built.built()) {
    Row("index", StrCat(built.accepted(), " products (", built.rejected(), " rejected), ",
                        analyzers::ProfileName(flags.index.profile), " analyzer",
                        flags.index.data_dir.empty() ? ", temporary" : ""));
    Row("index build time", StrCat(Fixed(built.build_seconds(), 2), " s"));
  } else {
    Row("index", StrCat("generation ", built.index()->generation(), " of ", built.data_dir(), ", ",
                        built.index()->documents(), " products (existing)"));
  }
}

void PrintSummary(const eval::EvalReport& report, int threads) {
  const eval::EvalSummary& s = report.summary;
  Row("queries",
      StrCat(s.queries, " (", s.scored, " scored, ", s.unscored, " without a relevant judgment)"));
  const std::string ndcg = StrCat("nDCG@", s.k);
  Row(ndcg, Fixed(s.ndcg, 4));
  Row(ndcg + " judged-only", Fixed(s.judged_ndcg, 4));
  Row(StrCat("recall@", s.depth), Fixed(s.recall, 4));
  Row("MRR", Fixed(s.mrr, 4));
  Row("zero-result rate",
      StrCat(Fixed(s.zero_result_rate, 4), "  (", s.zero_results, " of ", s.queries, " queries)"));
  Row("relaxed", StrCat(s.relaxed, " of ", s.queries, " queries (partial matches added)"));
  if (s.refused > 0) Row("refused by search", StrCat(s.refused, " (counted as zero results)"));
  Row("queries/s",
      StrCat(Fixed(s.queries_per_second, 0), "  (", s.queries, " in ", Fixed(s.search_seconds, 2),
             " s on ", threads, threads == 1 ? " thread)" : " threads)"));
  if (s.unknown_qids > 0) {
    std::printf("note: the qrels judge %zu qids that no query has; they are ignored\n",
                s.unknown_qids);
  }
  if (s.unscored > 0) {
    std::string listed;
    size_t count = 0;
    for (const eval::QueryResult& result : report.queries) {
      if (result.ndcg || count++ >= kListedUnscored) continue;
      listed += " " + result.qid;
    }
    if (count > kListedUnscored) listed += StrCat(" (and ", count - kListedUnscored, " more)");
    std::printf("not scored (no judgment above grade 0):%s\n", listed.c_str());
  }
}

void PrintWorst(const eval::EvalReport& report, size_t n) {
  const std::vector<const eval::QueryResult*> worst = eval::WorstQueries(report, n);
  if (worst.empty()) return;
  int qid_width = 3;
  for (const eval::QueryResult* result : worst) {
    qid_width = std::max(qid_width, static_cast<int>(result->qid.size()));
  }
  const std::string ndcg = StrCat("nDCG@", report.summary.k);
  std::printf(
      "\nworst %zu of %zu scored queries by %s (hits: ~ estimated; top hits with their\n"
      "grade, -- when unjudged)\n",
      worst.size(), report.summary.scored, ndcg.c_str());
  std::printf("%-*s  %8s  %7s  %8s  %s\n", qid_width, "qid", ndcg.c_str(), "hits", "relevant",
              "query");
  const int indent = qid_width + 31;
  for (const eval::QueryResult* result : worst) {
    const std::string hits = StrCat(result->total_is_estimate ? "~" : "", result->total);
    std::printf("%-*s  %8.4f  %7s  %8zu  %s%s\n", qid_width, result->qid.c_str(), *result->ndcg,
                hits.c_str(), result->relevant, result->query.c_str(),
                result->relaxed ? "   [relaxed]" : "");
    if (!result->error.empty()) {
      std::printf("%*srefused: %s\n", indent, "", result->error.c_str());
    }
    for (size_t i = 0; i < result->top_titles.size(); ++i) {
      const int grade = result->top_grades[i];
      std::printf("%*s%zu. %s  %s\n", indent, "", i + 1,
                  grade < 0 ? "--" : StrCat("g", grade).c_str(), result->top_titles[i].c_str());
    }
  }
}

}  // namespace

int EvalCommand(int argc, char** argv) {
  absl::StatusOr<EvalFlags> flags = ParseEvalFlags(argc, argv);
  if (!flags.ok()) return Usage(FromAbsl(flags.status().message()));

  // Read the judged set first: a typo in a path should not cost a reindex.
  absl::StatusOr<std::vector<eval::EvalQuery>> queries = eval::ReadQueries(flags->queries);
  if (!queries.ok()) return EvalFail(queries.status());
  if (queries->empty())
    return EvalFail(absl::InvalidArgumentError(flags->queries + " has no queries"));
  absl::StatusOr<eval::Qrels> qrels = eval::ReadQrels(flags->qrels);
  if (!qrels.ok()) return EvalFail(qrels.status());

  absl::StatusOr<std::unique_ptr<eval::EvalIndex>> built = eval::EvalIndex::Prepare(flags->index);
  if (!built.ok()) return EvalFail(built.status());
  // Declared after `built`, so its searchers close before the index directory goes.
  query::SearcherPool pool((*built)->index());
  absl::StatusOr<eval::EvalReport> report = eval::Evaluate(pool, *queries, *qrels, flags->eval);
  if (!report.ok()) return EvalFail(report.status());
  if (!flags->run.empty()) {
    std::ofstream run(flags->run, std::ios::binary | std::ios::trunc);
    run << eval::RunText(*report, *qrels);
    if (!run.flush()) {
      return EvalFail(absl::FailedPreconditionError(StrCat("cannot write ", flags->run)));
    }
  }

  std::printf("vitrine eval: %s against %s\n", flags->queries.c_str(), flags->qrels.c_str());
  PrintIndex(*flags, **built);
  PrintSummary(*report, flags->eval.threads);
  PrintWorst(*report, static_cast<size_t>(flags->worst));
  return 0;
}

}  // namespace vitrine::cli
