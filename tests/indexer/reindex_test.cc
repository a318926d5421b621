// Specification of Reindex end to end, into a temporary data directory: counts,
// rejected-record reports, the max_errors guard, locking and garbage collection.
#include "indexer/reindex.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/thread_priority.h"
#include "catalog/index_schema.h"
#include "catalog/product_store.h"
#include "indexer/generations.h"
#include "tests/indexer/reindex_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::indexer {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST_F(ReindexTest, IndexesEveryRecordOfACleanFeed) {
  const absl::StatusOr<ReindexSummary> summary = Reindex(Options({Feed("products.jsonl")}));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->generation, "000001");
  EXPECT_EQ(summary->accepted, 12u);
  EXPECT_EQ(summary->rejected, 0u);
  EXPECT_THAT(errors_, IsEmpty());
}

TEST_F(ReindexTest, MakesTheNewGenerationCurrent) {
  ASSERT_TRUE(Reindex(Options({Feed("products.jsonl")})).ok());
  EXPECT_EQ(CurrentId(), "000001");
  ASSERT_TRUE(Reindex(Options({Feed("products.jsonl")})).ok());
  EXPECT_EQ(CurrentId(), "000002");
}

TEST_F(ReindexTest, FillsTheIndexAndTheSnapshotStore) {
  ASSERT_TRUE(Reindex(Options({Feed("products.jsonl")})).ok());
  const Generation generation = CurrentGeneration();
  EXPECT_EQ(Xapian::Database(generation.xapian_path()).get_doccount(), 12u);
  absl::StatusOr<std::unique_ptr<catalog::ProductStore>> store =
      catalog::ProductStore::Open(generation.snapshot_path(), {});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Count().value_or(0), 12u);
  const absl::StatusOr<std::string> snapshot = (*store)->Get("1004");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  EXPECT_EQ(nlohmann::json::parse(*snapshot).at("title"), "Puma Women Pink T-Shirt");
}

TEST_F(ReindexTest, WritesAManifestLast) {
  const absl::StatusOr<ReindexSummary> summary = Reindex(Options({Feed("mixed.jsonl")}));
  ASSERT_TRUE(summary.ok()) << summary.status();
  const nlohmann::json manifest =
      nlohmann::json::parse(testing::ReadFile(CurrentGeneration().manifest_path()));
  EXPECT_EQ(manifest.at("generation"), "000001");
  EXPECT_EQ(manifest.at("documents"), 2);
  EXPECT_EQ(manifest.at("rejected"), 6);
  EXPECT_EQ(manifest.at("feeds"), nlohmann::json::array({Feed("mixed.jsonl")}));
}

TEST_F(ReindexTest, RecordsTheFilterableAttributesInTheIndexAndManifest) {
  ReindexOptions options = Options({Feed("products.jsonl")});
  options.filterable_attributes = {"usage", "fit"};
  ASSERT_TRUE(Reindex(options).ok());
  const Generation generation = CurrentGeneration();
  EXPECT_EQ(Xapian::Database(generation.xapian_path())
                .get_metadata(std::string(catalog::schema::kFilterableAttributesKey)),
            "usage,fit");
  const nlohmann::json manifest =
      nlohmann::json::parse(testing::ReadFile(generation.manifest_path()));
  EXPECT_EQ(manifest.at("filterable_attributes"), nlohmann::json::array({"usage", "fit"}));
}

TEST_F(ReindexTest, RejectsABadAttributeDeclarationBeforeBuilding) {
  ASSERT_TRUE(Reindex(Options({Feed("products.jsonl")})).ok());
  ReindexOptions options = Options({Feed("products.jsonl")});
  options.filterable_attributes = {"Brand"};
  const absl::StatusOr<ReindexSummary> summary = Reindex(options);
  EXPECT_EQ(ParameterOf(summary.status()), "filterable_attributes");
  EXPECT_EQ(CurrentId(), "000001");
}

TEST_F(ReindexTest, ANicedBuildRunsBelowTheCallersPriorityAndLeavesTheCallerAsItWas) {
  const int caller = ThreadNice();
  ReindexOptions options = Options({Feed("mixed.jsonl")});
  options.nice = 5;
  // Rejections are reported from the writer's thread.
  std::vector<int> writer_nice;
  options.on_error = [&](const RecordError&) { writer_nice.push_back(ThreadNice()); };
  const absl::StatusOr<ReindexSummary> summary = Reindex(options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->accepted, 2u);
  ASSERT_FALSE(writer_nice.empty());
  for (const int nice : writer_nice) EXPECT_EQ(nice, std::min(19, caller + 5));
  EXPECT_EQ(ThreadNice(), caller);
}

TEST_F(ReindexTest, CountsAcceptedAndRejectedRecords) {
  const absl::StatusOr<ReindexSummary> summary = Reindex(Options({Feed("mixed.jsonl")}));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->accepted, 2u);
  EXPECT_EQ(summary->rejected, 6u);
  EXPECT_EQ(Xapian::Database(CurrentGeneration().xapian_path()).get_doccount(), 2u);
}

TEST_F(ReindexTest, ReportsEachRejectedRecordWithFileLineAndField) {
  ASSERT_TRUE(Reindex(Options({Feed("mixed.jsonl")})).ok());
  // Line 4 is blank; lines 1 and 8 are good.
  EXPECT_THAT(
      ErrorLocations(),
      ElementsAre(Location{Feed("mixed.jsonl"), 2, "price"}, Location{Feed("mixed.jsonl"), 3, "id"},
                  Location{Feed("mixed.jsonl"), 5, "id"},
                  Location{Feed("mixed.jsonl"), 6, "colour"}, Location{Feed("mixed.jsonl"), 7, ""},
                  Location{Feed("mixed.jsonl"), 9, "title"}));
}

TEST_F(ReindexTest, ExplainsEachRejection) {
  ASSERT_TRUE(Reindex(Options({Feed("mixed.jsonl")})).ok());
  ASSERT_EQ(errors_.size(), 6u);
  EXPECT_EQ(errors_[0].reason, "price must be a number, got string");
  EXPECT_EQ(errors_[2].reason, "id is required");
  EXPECT_THAT(errors_[3].reason, HasSubstr("unknown field 'colour'"));
  EXPECT_THAT(errors_[4].reason, HasSubstr("malformed JSON"));
  EXPECT_EQ(errors_[5].reason, "title has invalid UTF-8 at byte 29");
}

TEST_F(ReindexTest, RejectsARecordWithANumberTooLargeForADouble) {
  // Found by fuzzing: such a line used to throw out of the decoding thread and
  // end the whole reindex.
  const std::string feed =
      temp_.WriteFile("overflow.jsonl", R"({"id": "1", "title": "Navy Shirt", "price": 999}
{"id": "2", "title": "Red Dress", "price": 2e999}
{"id": "3", "title": "Black Jeans", "price": 1599}
)");
  const absl::StatusOr<ReindexSummary> summary = Reindex(Options({feed}));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->accepted, 2u);
  EXPECT_EQ(summary->rejected, 1u);
  ASSERT_EQ(errors_.size(), 1u);
  EXPECT_EQ(errors_[0].line, 2u);
  EXPECT_THAT(errors_[0].reason, HasSubstr("number overflow"));
}

TEST_F(ReindexTest, RejectsARepeatedIdPointingAtItsFirstOccurrence) {
  ASSERT_TRUE(Reindex(Options({Feed("mixed.jsonl")})).ok());
  ASSERT_EQ(errors_.size(), 6u);
  EXPECT_EQ(errors_[1].reason,
            "duplicate id '3001' (first seen at " + Feed("mixed.jsonl") + " line 1)");
  absl::StatusOr<std::unique_ptr<catalog::ProductStore>> store =
      catalog::ProductStore::Open(CurrentGeneration().snapshot_path(), {});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_THAT((*store)->Get("3001").value_or(""), HasSubstr("Good Grey Hoodie"));
}

TEST_F(ReindexTest, ReadsSeveralFeedsOfEitherFormat) {
  const absl::StatusOr<ReindexSummary> summary =
      Reindex(Options({Feed("products.jsonl"), Feed("products.csv")}));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->accepted, 15u);
  EXPECT_EQ(summary->rejected, 0u);
}

TEST_F(ReindexTest, RejectsIdsRepeatedAcrossFeeds) {
  const absl::StatusOr<ReindexSummary> summary =
      Reindex(Options({Feed("products.jsonl"), Feed("products.jsonl")}));
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->accepted, 12u);
  EXPECT_EQ(summary->rejected, 12u);
  ASSERT_EQ(errors_.size(), 12u);
  EXPECT_EQ(errors_.front().line, 1u);
  EXPECT_EQ(errors_.back().line, 12u);
  EXPECT_EQ(errors_.back().field, "id");
}

TEST_F(ReindexTest, RequiresAFeed) {
  const absl::StatusOr<ReindexSummary> summary = Reindex(Options({}));
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParameterOf(summary.status()), "feed");
}

TEST_F(ReindexTest, FailsOnAMissingFeedAndLeavesNoGenerationBehind) {
  const absl::StatusOr<ReindexSummary> summary = Reindex(Options({temp_.Sub("missing.jsonl")}));
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(GenerationIds(), IsEmpty());
  EXPECT_EQ(CurrentStatus().code(), absl::StatusCode::kNotFound);
}

TEST_F(ReindexTest, MaxErrorsAbortsAndLeavesCurrentUntouched) {
  ASSERT_TRUE(Reindex(Options({Feed("products.jsonl")})).ok());
  ReindexOptions options = Options({Feed("mixed.jsonl")});
  options.max_errors = 0;
  const absl::StatusOr<ReindexSummary> summary = Reindex(options);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(CurrentId(), "000001");
  EXPECT_THAT(GenerationIds(), ElementsAre("000001"));  // the partial 000002 is gone
  EXPECT_FALSE(fs::exists(temp_.Sub("data/generations/000002")));
}

TEST_F(ReindexTest, MaxErrorsToleratesExactlyThatManyRejections) {
  ReindexOptions options = Options({Feed("mixed.jsonl")});
  options.max_errors = 6;
  EXPECT_TRUE(Reindex(options).ok());
  options.max_errors = 5;
  EXPECT_EQ(Reindex(options).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(CurrentId(), "000001");
}

TEST_F(ReindexTest, StopsReportingAtTheRejectionThatAborts) {
  ReindexOptions options = Options({Feed("mixed.jsonl")});
  options.max_errors = 1;
  ASSERT_FALSE(Reindex(options).ok());
  EXPECT_THAT(ErrorLocations(), ElementsAre(Location{Feed("mixed.jsonl"), 2, "price"},
                                            Location{Feed("mixed.jsonl"), 3, "id"}));
}

TEST_F(ReindexTest, MaxErrorsAbortsALargeFeedWithChunksInFlight) {
  ReindexOptions options = Options({temp_.WriteFile("large.jsonl", LargeFeed(3000, {3}))});
  options.threads = 4;
  options.max_errors = 0;
  EXPECT_EQ(Reindex(options).status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(GenerationIds(), IsEmpty());
  EXPECT_EQ(errors_.size(), 1u);
}

TEST_F(ReindexTest, RefusesToRunWhileAnotherReindexHoldsTheLock) {
  absl::StatusOr<DataDir> dir = DataDir::Open(data_dir());
  ASSERT_TRUE(dir.ok());
  absl::StatusOr<DataDirLock> lock = DataDirLock::Acquire(*dir);
  ASSERT_TRUE(lock.ok());
  EXPECT_EQ(Reindex(Options({Feed("products.jsonl")})).status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(GenerationIds(), IsEmpty());
}

TEST_F(ReindexTest, KeepsTheRequestedNumberOfOldGenerations) {
  ReindexOptions options = Options({Feed("products.jsonl")});
  options.keep_generations = 1;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Reindex(options).ok());
  EXPECT_THAT(GenerationIds(), ElementsAre("000003", "000004"));
  EXPECT_EQ(CurrentId(), "000004");
}

TEST_F(ReindexTest, KeepGenerationsZeroLeavesOnlyTheCurrent) {
  ReindexOptions options = Options({Feed("products.jsonl")});
  options.keep_generations = 0;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Reindex(options).ok());
  EXPECT_THAT(GenerationIds(), ElementsAre("000003"));
}

}  // namespace
}  // namespace vitrine::indexer
