// Specification of DataDir and DataDirLock: generation ids, the manifest rule,
// the CURRENT switch and garbage collection.
#include "indexer/generations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace vitrine::indexer {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;

class DataDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<DataDir> dir = DataDir::Open(temp_.Sub("data"));
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_.emplace(std::move(*dir));
  }

  Generation Create() {
    absl::StatusOr<Generation> generation = dir_->CreateGeneration();
    EXPECT_TRUE(generation.ok()) << generation.status();
    return generation.value_or(Generation());
  }

  // A generation with a manifest, as a finished build leaves it.
  Generation CreateComplete(int documents = 1) {
    Generation generation = Create();
    const absl::Status status = WriteFileAtomically(
        generation.manifest_path(),
        "{\"documents\": " + std::to_string(documents) + ", \"created_at\": 1795737600}");
    EXPECT_TRUE(status.ok()) << status;
    return generation;
  }

  std::vector<std::string> ListedIds() {
    absl::StatusOr<std::vector<GenerationInfo>> infos = dir_->List();
    EXPECT_TRUE(infos.ok()) << infos.status();
    std::vector<std::string> ids;
    for (const GenerationInfo& info : infos.value_or(std::vector<GenerationInfo>())) {
      ids.push_back(info.generation.id);
    }
    return ids;
  }

  testing::TempDir temp_;
  std::optional<DataDir> dir_;
};

TEST_F(DataDirTest, OpenCreatesTheLayout) {
  EXPECT_TRUE(fs::is_directory(temp_.Sub("data/generations")));
  EXPECT_TRUE(fs::equivalent(dir_->path(), temp_.Sub("data")));
}

TEST_F(DataDirTest, CreateGenerationHandsOutIncreasingZeroPaddedIds) {
  const Generation first = Create();
  const Generation second = Create();
  EXPECT_EQ(first.id, "000001");
  EXPECT_EQ(second.id, "000002");
  EXPECT_TRUE(fs::is_directory(second.path));
  EXPECT_TRUE(fs::equivalent(second.path, temp_.Sub("data/generations/000002")));
}

TEST_F(DataDirTest, CreateGenerationContinuesAfterTheHighestExistingId) {
  fs::create_directory(temp_.Sub("data/generations/000041"));
  fs::create_directory(temp_.Sub("data/generations/not-a-generation"));
  EXPECT_EQ(Create().id, "000042");
}

TEST_F(DataDirTest, GenerationPathsFollowTheLayout) {
  const Generation generation = Create();
  EXPECT_EQ(generation.xapian_path(), generation.path + "/xapian");
  EXPECT_EQ(generation.snapshot_path(), generation.path + "/snapshots");
  EXPECT_EQ(generation.manifest_path(), generation.path + "/MANIFEST.json");
}

TEST_F(DataDirTest, CurrentIsNotFoundBeforeTheFirstActivation) {
  Create();
  EXPECT_EQ(dir_->Current().status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DataDirTest, ActivateRefusesAGenerationWithoutManifest) {
  const Generation partial = Create();
  EXPECT_EQ(dir_->Activate(partial).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(dir_->Current().status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(temp_.Sub("data/CURRENT")));
}

TEST_F(DataDirTest, ActivateMakesAGenerationCurrent) {
  const Generation generation = CreateComplete();
  ASSERT_TRUE(dir_->Activate(generation).ok());
  absl::StatusOr<Generation> current = dir_->Current();
  ASSERT_TRUE(current.ok()) << current.status();
  EXPECT_EQ(current->id, "000001");
  EXPECT_EQ(current->path, generation.path);
  EXPECT_EQ(testing::ReadFile(temp_.Sub("data/CURRENT")), "000001\n");
  EXPECT_FALSE(fs::exists(temp_.Sub("data/CURRENT.tmp")));
}

TEST_F(DataDirTest, ActivateSwitchesFromTheOldGeneration) {
  const Generation first = CreateComplete();
  const Generation second = CreateComplete();
  ASSERT_TRUE(dir_->Activate(first).ok());
  ASSERT_TRUE(dir_->Activate(second).ok());
  EXPECT_EQ(dir_->Current().value_or(Generation()).id, "000002");
  ASSERT_TRUE(dir_->Activate(first).ok());  // a rollback is just another switch
  EXPECT_EQ(dir_->Current().value_or(Generation()).id, "000001");
}

TEST_F(DataDirTest, CurrentRejectsAGarbledCurrentFile) {
  ASSERT_TRUE(WriteFileAtomically(temp_.Sub("data/CURRENT"), "latest\n").ok());
  EXPECT_EQ(dir_->Current().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(DataDirTest, RemoveRefusesTheCurrentGeneration) {
  const Generation generation = CreateComplete();
  ASSERT_TRUE(dir_->Activate(generation).ok());
  EXPECT_EQ(dir_->Remove(generation).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(fs::exists(generation.manifest_path()));
}

TEST_F(DataDirTest, RemoveDeletesAnotherGeneration) {
  const Generation old = CreateComplete();
  ASSERT_TRUE(dir_->Activate(CreateComplete()).ok());
  ASSERT_TRUE(dir_->Remove(old).ok());
  EXPECT_FALSE(fs::exists(old.path));
}

TEST_F(DataDirTest, ListsGenerationsOldestFirstWithTheirState) {
  CreateComplete(12);
  ASSERT_TRUE(dir_->Activate(CreateComplete(15)).ok());
  Create();  // a build in progress
  absl::StatusOr<std::vector<GenerationInfo>> infos = dir_->List();
  ASSERT_TRUE(infos.ok()) << infos.status();
  ASSERT_EQ(infos->size(), 3u);
  const std::vector<GenerationInfo>& list = *infos;
  EXPECT_EQ(list[0].generation.id, "000001");
  EXPECT_TRUE(list[0].complete);
  EXPECT_FALSE(list[0].current);
  EXPECT_EQ(list[0].documents, 12u);
  EXPECT_EQ(list[0].created_at, 1795737600);
  EXPECT_TRUE(list[1].current);
  EXPECT_EQ(list[1].documents, 15u);
  EXPECT_FALSE(list[2].complete);
  EXPECT_FALSE(list[2].current);
}

TEST_F(DataDirTest, CollectGarbageKeepsTheCurrentAndTheNewestCompleteOnes) {
  for (int i = 0; i < 4; ++i) CreateComplete();
  ASSERT_TRUE(dir_->Activate(CreateComplete()).ok());  // 000005
  ASSERT_TRUE(dir_->CollectGarbage(2).ok());
  EXPECT_THAT(ListedIds(), ElementsAre("000003", "000004", "000005"));
}

TEST_F(DataDirTest, CollectGarbageWithKeepZeroLeavesOnlyTheCurrent) {
  CreateComplete();
  ASSERT_TRUE(dir_->Activate(CreateComplete()).ok());
  ASSERT_TRUE(dir_->CollectGarbage(0).ok());
  EXPECT_THAT(ListedIds(), ElementsAre("000002"));
}

TEST_F(DataDirTest, CollectGarbageRemovesAbandonedBuildsOlderThanTheCurrent) {
  CreateComplete();                                    // 000001, kept
  Create();                                            // 000002, abandoned
  ASSERT_TRUE(dir_->Activate(CreateComplete()).ok());  // 000003
  ASSERT_TRUE(dir_->CollectGarbage(5).ok());
  EXPECT_THAT(ListedIds(), ElementsAre("000001", "000003"));
}

TEST_F(DataDirTest, CollectGarbageLeavesBuildsNewerThanTheCurrentAlone) {
  ASSERT_TRUE(dir_->Activate(CreateComplete()).ok());  // 000001
  Create();                                            // 000002, in progress
  ASSERT_TRUE(dir_->CollectGarbage(0).ok());
  EXPECT_THAT(ListedIds(), ElementsAre("000001", "000002"));
}

TEST_F(DataDirTest, CollectGarbageDoesNothingWithoutACurrentGeneration) {
  CreateComplete();
  Create();
  ASSERT_TRUE(dir_->CollectGarbage(0).ok());
  EXPECT_THAT(ListedIds(), ElementsAre("000001", "000002"));
}

TEST_F(DataDirTest, RollbackMakesAnOlderCompleteGenerationCurrent) {
  const Generation first = CreateComplete();
  const Generation second = CreateComplete();
  Create();  // a build that never finished
  const Generation third = CreateComplete();
  ASSERT_TRUE(dir_->Activate(third).ok());
  // Without an id: the newest complete generation before the current one.
  EXPECT_EQ(dir_->Rollback("").value().id, second.id);
  EXPECT_EQ(dir_->Current()->id, second.id);
  EXPECT_EQ(dir_->Rollback(first.id).value().id, first.id);
  EXPECT_EQ(dir_->Current()->id, first.id);
  EXPECT_TRUE(absl::IsNotFound(dir_->Rollback("").status()));        // nothing older
  EXPECT_TRUE(absl::IsNotFound(dir_->Rollback("000003").status()));  // incomplete
  EXPECT_EQ(dir_->Rollback(third.id).value().id, third.id);          // forward again
}

TEST_F(DataDirTest, LockExcludesASecondLocker) {
  absl::StatusOr<DataDirLock> first = DataDirLock::Acquire(*dir_);
  ASSERT_TRUE(first.ok()) << first.status();
  const absl::StatusOr<DataDirLock> second = DataDirLock::Acquire(*dir_);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kAborted);
}

TEST_F(DataDirTest, LockIsReleasedOnDestruction) {
  {
    absl::StatusOr<DataDirLock> lock = DataDirLock::Acquire(*dir_);
    ASSERT_TRUE(lock.ok()) << lock.status();
  }
  EXPECT_TRUE(DataDirLock::Acquire(*dir_).ok());
}

TEST_F(DataDirTest, LockMovesWithItsOwner) {
  absl::StatusOr<DataDirLock> first = DataDirLock::Acquire(*dir_);
  ASSERT_TRUE(first.ok());
  DataDirLock moved = std::move(*first);
  EXPECT_EQ(DataDirLock::Acquire(*dir_).status().code(), absl::StatusCode::kAborted);
}

TEST(WriteFileAtomically, ReplacesTheFileAndLeavesNoTemporary) {
  testing::TempDir temp;
  const std::string path = temp.Sub("CURRENT");
  ASSERT_TRUE(WriteFileAtomically(path, "000001\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "000002\n").ok());
  EXPECT_EQ(testing::ReadFile(path), "000002\n");
  EXPECT_FALSE(fs::exists(path + ".tmp"));
}

}  // namespace
}  // namespace vitrine::indexer
