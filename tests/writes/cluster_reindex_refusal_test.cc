// A cluster reindex records its feeds in the shared log for every replica to
// build; supplemental feeds are not recorded there yet, so it refuses them
// before building anything (a replica would build without them).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "base/status.h"
#include "indexer/journal.h"
#include "tests/testing/temp_dir.h"
#include "writes/cluster_reindex.h"

namespace vitrine::writes {
namespace {

TEST(ReindexCluster, RefusesSupplementalFeedsBeforeBuilding) {
  testing::TempDir dir;
  std::unique_ptr<WriteLog> log = LocalWriteLog(indexer::Journal::Open(dir.Sub("journal")).value());
  GenerationEvent event;
  const absl::StatusOr<indexer::ReindexSummary> summary =
      ReindexCluster({.feeds = {testing::TestData("products.jsonl")},
                      .supplemental_feeds = {testing::TestData("products.jsonl")},
                      .data_dir = dir.Sub("staging")},
                     *log, &event);
  EXPECT_EQ(ParameterOf(summary.status()), "supplemental-feed");
  EXPECT_THAT(summary.status().message(), ::testing::HasSubstr("cannot take supplemental feeds"));
  EXPECT_EQ(event.id, 0u);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("staging")));
}

}  // namespace
}  // namespace vitrine::writes
