// Acknowledged means indexed: product writes over a real, writable generation and
// a real journal, with faults injected into applying and committing them. A
// write whose apply or commit failed is replayed until it reaches the index, no
// later write overtakes it, and a restart finds it.
#include "writes/product_writes.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"
#include "indexer/generations.h"
#include "tests/server/server_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::writes {
namespace {

using Json = nlohmann::json;

constexpr char kTeal[] = R"({"title": "Zubaan Women Teal Anarkali Kurta", "price": 2100})";
constexpr char kMaroon[] = R"({"title": "Zubaan Women Maroon Sharara Set", "price": 3100})";

class ProductWritesTest : public ::testing::Test {
 protected:
  ProductWritesTest() : index_(server::BuildFixtureIndex(dir_.Sub("data"), /*writable=*/true)) {}

  // A writer over the fixture generation whose applies and commits fail while
  // `failing_` names their step ("apply", "commit"), and `fail_once_` times more.
  std::unique_ptr<ProductWrites> Open() {
    auto writes = std::make_unique<ProductWrites>(
        LocalWriteLog(indexer::Journal::Open(dir_.Sub("data/journal")).value()),
        ProductWritesOptions{
            .commit_interval = std::chrono::hours(1),
            .fault = [this](std::string_view step) -> absl::Status {
              if (step == failing_ || (step == "apply" && fail_once_ > 0 && fail_once_-- > 0)) {
                return absl::UnavailableError(StrCat("injected ", step, " failure: no space left"));
              }
              return absl::OkStatus();
            }});
    EXPECT_TRUE(writes->Switch(index_).ok());
    return writes;
  }

  uint64_t Found(std::string_view q) {
    query::SearcherPool pool(index_);
    absl::StatusOr<query::SearchResponse> response =
        pool.Acquire().value()->Search({.q = std::string(q)});
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->total : 0;
  }

  vitrine::testing::TempDir dir_;
  std::shared_ptr<const query::Index> index_;
  std::string failing_;             // the step that fails while set
  std::atomic<int> fail_once_ = 0;  // further "apply" calls that fail
};

TEST_F(ProductWritesTest, AWriteWhoseApplyFailedIsRetriedBeforeAnyLaterWrite) {
  std::unique_ptr<ProductWrites> writes = Open();
  fail_once_ = 1;  // the first apply fails, the replay that follows succeeds
  absl::StatusOr<WriteReceipt> teal = writes->Write(WriteMethod::kPut, "2001", kTeal, "");
  ASSERT_TRUE(teal.ok()) << teal.status();
  EXPECT_EQ(teal->outcome, WriteOutcome::kCreated);
  ASSERT_TRUE(writes->Write(WriteMethod::kPut, "2002", kMaroon, "").ok());
  ASSERT_TRUE(writes->CommitNow().ok());
  EXPECT_EQ(Found("anarkali"), 1u);
  EXPECT_EQ(Found("sharara"), 1u);
  EXPECT_EQ(writes->state().committed_seq, writes->state().logged_seq);
}

TEST_F(ProductWritesTest, WritesPauseWhileTheLogCannotBeAppliedAndResumeWithIt) {
  std::unique_ptr<ProductWrites> writes = Open();
  failing_ = "apply";
  // Logged, so acknowledged: it reaches the index once applying works again.
  ASSERT_TRUE(writes->Write(WriteMethod::kPut, "2001", kTeal, "").ok());
  const WriteState paused = writes->state();
  EXPECT_EQ(paused.logged_seq, paused.applied_seq + 1);
  EXPECT_NE(paused.paused.find("injected apply failure"), std::string::npos) << paused.paused;
  // A later write would overtake it (or merge into a stale product): refused.
  const absl::StatusOr<WriteReceipt> refused =
      writes->Write(WriteMethod::kPatch, "2001", R"({"price": 1})", "");
  EXPECT_TRUE(absl::IsUnavailable(refused.status())) << refused.status();
  EXPECT_FALSE(writes->CommitNow().ok());
  EXPECT_EQ(Found("anarkali"), 0u);

  failing_.clear();  // the disk has room again
  ASSERT_TRUE(writes->CommitNow().ok());
  EXPECT_EQ(Found("anarkali"), 1u);
  EXPECT_TRUE(writes->state().paused.empty());
  ASSERT_TRUE(writes->Write(WriteMethod::kPatch, "2001", R"({"price": 1})", "").ok());
}

TEST_F(ProductWritesTest, AFailedCommitIsReplayedNotLost) {
  std::unique_ptr<ProductWrites> writes = Open();
  ASSERT_TRUE(writes->Write(WriteMethod::kPut, "2001", kTeal, "").ok());
  failing_ = "commit";
  EXPECT_FALSE(writes->CommitNow().ok());
  EXPECT_EQ(Found("anarkali"), 0u);
  failing_.clear();
  ASSERT_TRUE(writes->CommitNow().ok());
  EXPECT_EQ(Found("anarkali"), 1u);
}

TEST_F(ProductWritesTest, ARestartReplaysWhatTheLogHoldsAndTheIndexLacks) {
  {
    std::unique_ptr<ProductWrites> writes = Open();
    failing_ = "apply";
    ASSERT_TRUE(writes->Write(WriteMethod::kPut, "2001", kTeal, "").ok());
  }  // shut down (the last commit fails too) with the write only in the log
  failing_.clear();
  EXPECT_EQ(Found("anarkali"), 0u);
  std::unique_ptr<ProductWrites> writes = Open();  // replays at the switch
  EXPECT_EQ(Found("anarkali"), 1u);
  EXPECT_EQ(Json::parse(index_->store().Get("2001").value())["price"], 2100);
}

TEST_F(ProductWritesTest, ARetryWithTheSameKeyIsAnsweredFromTheFirstReceipt) {
  std::unique_ptr<ProductWrites> writes = Open();
  const absl::StatusOr<WriteReceipt> first =
      writes->Write(WriteMethod::kPut, "2001", kTeal, "key-1");
  ASSERT_TRUE(first.ok());
  const absl::StatusOr<WriteReceipt> retry =
      writes->Write(WriteMethod::kPut, "2001", kTeal, "key-1");
  ASSERT_TRUE(retry.ok());
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->json, first->json);
  EXPECT_EQ(retry->outcome, WriteOutcome::kCreated);
  const absl::StatusOr<WriteReceipt> reused =
      writes->Write(WriteMethod::kPut, "2001", kMaroon, "key-1");
  EXPECT_EQ(ErrorCodeOf(reused.status()), "idempotency_key_reused");
  EXPECT_EQ(writes->state().logged_seq, 1u);
}

// A searcher's reader and facet columns are of one revision: while a commit is
// under way (the writer holds LockRevision until its Refresh) a search reads the
// revision it has instead of reopening at a commit its columns do not know, and
// it never waits for the commit. (The stress test once caught a collapsed total
// one above its page when a searcher reopened inside that window.)
TEST_F(ProductWritesTest, SearchesDuringACommitReadTheRevisionTheyHaveWithoutWaiting) {
  std::unique_ptr<ProductWrites> writes = Open();
  query::SearcherPool pool(index_);
  absl::StatusOr<query::SearcherPool::Lease> searcher = pool.Acquire();
  ASSERT_TRUE(searcher.ok());
  auto found = [&] {  // (the pool's result cache is not this writer's to invalidate)
    absl::StatusOr<query::SearchResponse> response =
        (*searcher)->Search({.q = "anarkali", .cacheable = false});
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->total : 99;
  };
  EXPECT_EQ(found(), 0u);
  ASSERT_TRUE(writes->Write(WriteMethod::kPut, "2001", kTeal, "").ok());
  ASSERT_TRUE(writes->CommitNow().ok());             // refreshed: the next search reopens...
  std::unique_lock commit = index_->LockRevision();  // ...unless a commit is under way
  std::future<uint64_t> during = std::async(std::launch::async, found);
  const bool waited = during.wait_for(std::chrono::seconds(30)) != std::future_status::ready;
  commit.unlock();
  ASSERT_FALSE(waited) << "a search waited for a commit";
  EXPECT_EQ(during.get(), 0u);  // the revision it had, with that revision's columns
  EXPECT_EQ(found(), 1u);       // and the new one once the commit is through
}

}  // namespace
}  // namespace vitrine::writes
