// The relevance metrics on hand-computed cases. Gains are 2^grade - 1 (grade 2
// -> 3, grade 1 -> 1) and the discount of rank r is log2(r + 1), so the figures
// below can be checked with a pocket calculator.
#include "eval/relevance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

namespace vitrine::eval {
namespace {

using Ranked = std::vector<std::string>;

constexpr double kMetricTolerance = 1e-12;
const double kRank2Discount = std::log2(3.0);  // discount of rank 2

const Judgments kGraded = {{"a", 2}, {"b", 1}, {"c", 0}};

TEST(Ndcg, PerfectRankingIsOne) {
  EXPECT_NEAR(*NdcgAtK({"a", "b", "c"}, kGraded, 10), 1.0, kMetricTolerance);
  EXPECT_NEAR(*NdcgAtK({"a", "b"}, kGraded, 10), 1.0, kMetricTolerance);  // grade 0 adds nothing
}

TEST(Ndcg, ReversedRanking) {
  // DCG = 0 + 1/log2(3) + 3/log2(4); ideal = 3 + 1/log2(3).
  const double expected = (1 / kRank2Discount + 3.0 / 2) / (3 + 1 / kRank2Discount);
  EXPECT_NEAR(*NdcgAtK({"c", "b", "a"}, kGraded, 10), expected, kMetricTolerance);
  EXPECT_NEAR(expected, 0.586882671, 1e-9);
}

TEST(Ndcg, NoRelevantProductRetrievedIsZero) {
  EXPECT_EQ(*NdcgAtK({"x", "c", "y"}, kGraded, 10), 0.0);
  EXPECT_EQ(*NdcgAtK({}, kGraded, 10), 0.0);
}

TEST(Ndcg, GradedGainsWeighGradeTwoThreeTimesGradeOne) {
  // Only the grade-1 product, at rank 1: 1 / (3 + 1/log2(3)).
  EXPECT_NEAR(*NdcgAtK({"b"}, kGraded, 10), 0.275411552376, 1e-12);
  // Only the grade-2 product, at rank 1: 3 / (3 + 1/log2(3)).
  EXPECT_NEAR(*NdcgAtK({"a"}, kGraded, 10), 3 / (3 + 1 / kRank2Discount), kMetricTolerance);
}

TEST(Ndcg, CutsTheRankingAtK) {
  EXPECT_EQ(*NdcgAtK({"x", "y", "a"}, kGraded, 2), 0.0);
  // The ideal list is cut at k too: one grade-2 product at rank 1 of k=1 is perfect.
  EXPECT_NEAR(*NdcgAtK({"a", "x"}, kGraded, 1), 1.0, kMetricTolerance);
}

TEST(Ndcg, IdealUsesEveryJudgedGradeNotOnlyRetrievedOnes) {
  Judgments many;
  for (int i = 0; i < 12; ++i) many["p" + std::to_string(i)] = 2;
  Ranked top10;
  for (int i = 0; i < 10; ++i) top10.push_back("p" + std::to_string(i));
  EXPECT_NEAR(*NdcgAtK(top10, many, 10), 1.0, kMetricTolerance);
  EXPECT_LT(*NdcgAtK({"p0", "p1"}, many, 10), 0.5);
}

TEST(Ndcg, RepeatedIdsCountOnce) {
  const Judgments judgments = {{"a", 2}, {"b", 2}};
  // "a" at rank 1 only: 3 / (3 + 3/log2(3)).
  EXPECT_NEAR(*NdcgAtK({"a", "a", "a"}, judgments, 10), 0.613147192765, 1e-12);
  EXPECT_NEAR(*NdcgAtK({"a", "a", "b"}, judgments, 10), 1.0, kMetricTolerance);
}

TEST(Ndcg, QueryWithoutRelevantJudgmentIsNotScored) {
  EXPECT_FALSE(NdcgAtK({"a"}, {}, 10).has_value());
  EXPECT_FALSE(NdcgAtK({"a"}, {{"a", 0}, {"b", 0}}, 10).has_value());
  EXPECT_FALSE(JudgedOnlyNdcgAtK({"a"}, {{"a", 0}}, 10).has_value());
  EXPECT_FALSE(RecallAtK({"a"}, {{"a", 0}}, 100).has_value());
  EXPECT_FALSE(ReciprocalRank({"a"}, {{"a", 0}}, 100).has_value());
  EXPECT_FALSE(HasRelevant({{"a", 0}}));
  EXPECT_TRUE(HasRelevant({{"a", 0}, {"b", 1}}));
}

TEST(JudgedOnlyNdcg, DropsUnjudgedProductsBeforeRanking) {
  const Ranked ranked = {"u1", "a", "u2", "b"};
  // With unjudged = 0: (3/log2(3) + 1/log2(5)) / (3 + 1/log2(3)).
  EXPECT_NEAR(*NdcgAtK(ranked, kGraded, 10), 0.639909328045, 1e-12);
  // Judged-only, the list is {a, b}: perfect.
  EXPECT_NEAR(*JudgedOnlyNdcgAtK(ranked, kGraded, 10), 1.0, kMetricTolerance);
}

TEST(JudgedOnlyNdcg, KeepsJudgedGradeZeroProducts) {
  // {u, c, a} -> {c, a}: a at rank 2, 3/log2(3) / 3.
  EXPECT_NEAR(*JudgedOnlyNdcgAtK({"u", "c", "a"}, {{"a", 2}, {"c", 0}}, 10), 1 / kRank2Discount,
              kMetricTolerance);
}

TEST(Recall, SharesOfRelevantProductsWithinK) {
  const Judgments judgments = {{"a", 2}, {"b", 1}, {"c", 1}, {"d", 0}};
  EXPECT_NEAR(*RecallAtK({"a", "x", "c", "d"}, judgments, 100), 2.0 / 3, kMetricTolerance);
  EXPECT_NEAR(*RecallAtK({"a", "x", "c", "d"}, judgments, 1), 1.0 / 3, kMetricTolerance);
  EXPECT_EQ(*RecallAtK({"d", "x"}, judgments, 100), 0.0);
  EXPECT_EQ(*RecallAtK({"c", "b", "a", "c"}, judgments, 100), 1.0);
}

TEST(ReciprocalRank, RankOfTheFirstRelevantProduct) {
  const Judgments judgments = {{"a", 2}, {"b", 1}, {"d", 0}};
  EXPECT_EQ(*ReciprocalRank({"a", "b"}, judgments, 100), 1.0);
  EXPECT_NEAR(*ReciprocalRank({"x", "d", "b", "a"}, judgments, 100), 1.0 / 3, kMetricTolerance);
  EXPECT_EQ(*ReciprocalRank({"x", "d"}, judgments, 100), 0.0);
  EXPECT_EQ(*ReciprocalRank({"x", "d", "b"}, judgments, 2), 0.0);                        // beyond k
  EXPECT_NEAR(*ReciprocalRank({"x", "x", "b"}, judgments, 100), 0.5, kMetricTolerance);  // repeat
}

}  // namespace
}  // namespace vitrine::eval
