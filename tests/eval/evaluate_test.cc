// A whole evaluation over tests/testdata/products.jsonl through the real reindex
// and search path, with a tiny judged set whose figures are worked out by hand.
#include "eval/evaluate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>

#include "tests/testing/temp_dir.h"

namespace vitrine::eval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using vitrine::testing::TempDir;
using vitrine::testing::TestData;

constexpr double kTolerance = 1e-9;
const double kLog2Of3 = std::log2(3.0);

// e1 "handbag": only 1006 matches and it is the one relevant product.
// e2 "kurta xyzzy": no product has both words, so the search relaxes to any word
//    and finds 1008 (grade 1) but not 1012 (grade 2): 1 / (3 + 1/log2(3)).
// e3 "navy": 1001 and 1005 (title, colour) outrank 1010 (only "navy dial" in its
//    description), the one relevant product: nDCG 3/log2(4) / 3 = 0.5. Judged-only
//    keeps 1001 (judged 0) and 1010: 3/log2(3) / 3. Reciprocal rank 1/3.
// e4 "xyzzy": no results; 1001 was relevant.
// e5 "clogs": no judgments, so not scored (but it counts for the zero-result rate).
constexpr char kQueries[] = "e1\thandbag\ne2\tkurta xyzzy\ne3\tnavy\ne4\txyzzy\ne5\tclogs\n";
constexpr char kQrels[] =
    "e1\t1006\t2\n"
    "e2\t1008\t1\ne2\t1012\t2\n"
    "e3\t1010\t2\ne3\t1001\t0\n"
    "e4\t1001\t2\n"
    "zz\t1001\t2\n";

class EvaluateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<EvalIndex>> built =
        EvalIndex::Prepare({.products = {TestData("products.jsonl")},
                            .profile = analyzers::Profile::kBaseline,
                            .threads = 1});
    ASSERT_TRUE(built.ok()) << built.status();
    built_ = std::move(*built);
    queries_ = *ParseQueries(kQueries, "queries");
    qrels_ = *ParseQrels(kQrels, "qrels");
  }

  static void TearDownTestSuite() { built_.reset(); }

  void SetUp() override { ASSERT_NE(built_, nullptr); }

  static EvalReport Run(int threads) {
    query::SearcherPool pool(built_->index());
    absl::StatusOr<EvalReport> report =
        Evaluate(pool, queries_, qrels_, {.k = 10, .threads = threads});
    EXPECT_TRUE(report.ok()) << report.status();
    return report.value_or(EvalReport());
  }

  static inline std::unique_ptr<EvalIndex> built_;
  static inline std::vector<EvalQuery> queries_;
  static inline Qrels qrels_;
};

TEST_F(EvaluateTest, BuildsATemporaryIndexOfTheProducts) {
  EXPECT_TRUE(built_->built());
  EXPECT_EQ(built_->accepted(), 12u);
  EXPECT_EQ(built_->rejected(), 0u);
  EXPECT_EQ(built_->index()->documents(), 12u);
  // The profile given at build time is the one the search side analyses with.
  EXPECT_EQ(built_->index()->analyzer().options().profile, analyzers::Profile::kBaseline);
  EXPECT_TRUE(std::filesystem::exists(built_->data_dir()));
}

TEST_F(EvaluateTest, SummaryFiguresMatchTheHandComputedOnes) {
  const EvalSummary s = Run(1).summary;
  const double e2 = 1 / (3 + 1 / kLog2Of3);
  EXPECT_EQ(s.k, 10);
  EXPECT_EQ(s.depth, 100);
  EXPECT_EQ(s.queries, 5u);
  EXPECT_EQ(s.scored, 4u);
  EXPECT_EQ(s.unscored, 1u);
  EXPECT_EQ(s.zero_results, 1u);
  EXPECT_EQ(s.relaxed, 1u);
  EXPECT_EQ(s.refused, 0u);
  EXPECT_EQ(s.unknown_qids, 1u);
  EXPECT_NEAR(s.ndcg, (1 + e2 + 0.5 + 0) / 4, kTolerance);
  EXPECT_NEAR(s.ndcg, 0.443852888, 1e-9);
  EXPECT_NEAR(s.judged_ndcg, (1 + e2 + 1 / kLog2Of3 + 0) / 4, kTolerance);
  EXPECT_NEAR(s.recall, (1 + 0.5 + 1 + 0) / 4, kTolerance);
  EXPECT_NEAR(s.mrr, (1 + 1 + 1.0 / 3 + 0) / 4, kTolerance);
  EXPECT_NEAR(s.zero_result_rate, 0.2, kTolerance);
  EXPECT_GT(s.queries_per_second, 0);
}

TEST_F(EvaluateTest, PerQueryResultsKeepInputOrderHitsAndTitles) {
  const EvalReport report = Run(1);
  ASSERT_EQ(report.queries.size(), 5u);
  const QueryResult& handbag = report.queries[0];
  EXPECT_EQ(handbag.qid, "e1");
  EXPECT_EQ(handbag.query, "handbag");
  EXPECT_THAT(handbag.ids, ElementsAre("1006"));
  EXPECT_THAT(handbag.top_titles, ElementsAre("Fossil Women Brown Leather Handbag"));
  EXPECT_EQ(handbag.total, 1u);
  EXPECT_EQ(*handbag.ndcg, 1.0);

  const QueryResult& navy = report.queries[2];
  ASSERT_EQ(navy.ids.size(), 3u);
  EXPECT_EQ(navy.ids[2], "1010");
  EXPECT_EQ(navy.top_titles.size(), 3u);
  EXPECT_EQ(navy.judged, 2u);
  EXPECT_EQ(navy.relevant, 1u);
  EXPECT_NEAR(*navy.reciprocal_rank, 1.0 / 3, kTolerance);

  EXPECT_TRUE(report.queries[1].relaxed);
  EXPECT_THAT(report.queries[3].ids, IsEmpty());
  EXPECT_EQ(*report.queries[3].ndcg, 0.0);
  EXPECT_FALSE(report.queries[4].ndcg.has_value());
  EXPECT_THAT(report.queries[4].ids, ElementsAre("1009"));
}

TEST_F(EvaluateTest, WorstQueriesAreScoredOnesByAscendingNdcg) {
  const EvalReport report = Run(1);
  std::vector<std::string> qids;
  for (const QueryResult* result : WorstQueries(report, 3)) qids.push_back(result->qid);
  EXPECT_THAT(qids, ElementsAre("e4", "e2", "e3"));
  EXPECT_EQ(WorstQueries(report, 20).size(), 4u);
}

TEST_F(EvaluateTest, ThreadsDoNotChangeTheResults) {
  const EvalReport one = Run(1);
  const EvalReport three = Run(3);
  ASSERT_EQ(three.queries.size(), one.queries.size());
  for (size_t i = 0; i < one.queries.size(); ++i) {
    EXPECT_EQ(three.queries[i].qid, one.queries[i].qid);
    EXPECT_EQ(three.queries[i].ids, one.queries[i].ids);
  }
  EXPECT_EQ(three.summary.ndcg, one.summary.ndcg);
}

TEST_F(EvaluateTest, AQueryTheSearchRefusesCountsAsZeroResults) {
  std::string long_query;
  for (int i = 0; i < 40; ++i) long_query += "word" + std::to_string(i) + " ";
  query::SearcherPool pool(built_->index());
  absl::StatusOr<EvalReport> report =
      Evaluate(pool, {{"long", long_query}}, {{"long", {{"1001", 1}}}});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->summary.refused, 1u);
  EXPECT_EQ(report->summary.zero_results, 1u);
  EXPECT_THAT(report->queries[0].error, HasSubstr("words"));
  EXPECT_EQ(*report->queries[0].ndcg, 0.0);
}

TEST_F(EvaluateTest, RejectsBadOptions) {
  query::SearcherPool pool(built_->index());
  EXPECT_TRUE(absl::IsInvalidArgument(Evaluate(pool, queries_, qrels_, {.k = 0}).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(Evaluate(pool, queries_, qrels_, {.threads = 0}).status()));
}

TEST(RunText, ListsEveryHitWithItsRankAndGrade) {
  EvalReport report;
  report.queries = {
      {.qid = "q1", .ids = {"7", "3", "9"}}, {.qid = "q2", .ids = {}}, {.qid = "q3", .ids = {"3"}}};
  const Qrels qrels = {{"q1", {{"3", 2}, {"9", 0}}}, {"q2", {{"3", 1}}}};
  EXPECT_EQ(RunText(report, qrels),
            "q1\t1\t7\t-1\n"
            "q1\t2\t3\t2\n"
            "q1\t3\t9\t0\n"
            "q3\t1\t3\t-1\n");
}

TEST(EvalIndex, OpensTheCurrentGenerationOfAnExistingDataDir) {
  TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<EvalIndex>> built = EvalIndex::Prepare(
        {.products = {TestData("mixed.jsonl")}, .data_dir = dir.Sub("data"), .threads = 1});
    ASSERT_TRUE(built.ok()) << built.status();
    EXPECT_EQ((*built)->accepted(), 2u);
    EXPECT_EQ((*built)->rejected(), 6u);
  }
  absl::StatusOr<std::unique_ptr<EvalIndex>> opened =
      EvalIndex::Prepare({.data_dir = dir.Sub("data")});
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_FALSE((*opened)->built());
  EXPECT_EQ((*opened)->index()->generation(), "000001");
  EXPECT_EQ((*opened)->index()->documents(), 2u);
}

TEST(EvalIndex, RemovesItsTemporaryDataDir) {
  std::string data_dir;
  {
    absl::StatusOr<std::unique_ptr<EvalIndex>> built =
        EvalIndex::Prepare({.products = {TestData("products.jsonl")}, .threads = 1});
    ASSERT_TRUE(built.ok()) << built.status();
    data_dir = (*built)->data_dir();
    EXPECT_TRUE(std::filesystem::exists(data_dir));
  }
  EXPECT_FALSE(std::filesystem::exists(data_dir));
}

TEST(EvalIndex, NeedsProductsOrADataDir) {
  EXPECT_TRUE(absl::IsInvalidArgument(EvalIndex::Prepare({}).status()));
  TempDir dir;
  EXPECT_TRUE(absl::IsNotFound(EvalIndex::Prepare({.data_dir = dir.Sub("empty")}).status()))
      << "no current generation";
}

}  // namespace
}  // namespace vitrine::eval
