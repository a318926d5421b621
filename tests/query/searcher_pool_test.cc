// Specification of SearcherPool: leases, reuse, and switching generations with
// Publish while searches are in flight.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/search.h"
#include "tests/query/query_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class SearcherPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    first_ = BuildIndex(temp_.Sub("data"), "products.jsonl");  // 000001
    second_ = BuildIndex(temp_.Sub("data"), "products.csv");   // 000002
  }

  static std::vector<std::string> SearchIds(Searcher& searcher, std::string q) {
    SearchRequest request;
    request.q = std::move(q);
    absl::StatusOr<SearchResponse> response = searcher.Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return Ids(response.value_or(SearchResponse()));
  }

  testing::TempDir temp_;
  std::shared_ptr<const Index> first_;
  std::shared_ptr<const Index> second_;
};

TEST_F(SearcherPoolTest, AcquireIsUnavailableBeforeAnIndexIsPublished) {
  SearcherPool pool(nullptr);
  EXPECT_EQ(pool.Acquire().status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(SearcherPoolTest, AcquireGivesASearcherOnTheCurrentIndex) {
  SearcherPool pool(first_);
  absl::StatusOr<SearcherPool::Lease> lease = pool.Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_EQ((*lease)->index().generation(), "000001");
  EXPECT_THAT(SearchIds(**lease, "jeans"), UnorderedElementsAre("1002", "1011"));
}

TEST_F(SearcherPoolTest, ReusesAReturnedSearcher) {
  SearcherPool pool(first_);
  const Searcher* returned = nullptr;
  {
    absl::StatusOr<SearcherPool::Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok());
    returned = &**lease;
  }
  absl::StatusOr<SearcherPool::Lease> again = pool.Acquire();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(&**again, returned);
}

TEST_F(SearcherPoolTest, GivesConcurrentLeasesTheirOwnSearchers) {
  SearcherPool pool(first_);
  absl::StatusOr<SearcherPool::Lease> a = pool.Acquire();
  absl::StatusOr<SearcherPool::Lease> b = pool.Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(&**a, &**b);
}

TEST_F(SearcherPoolTest, PublishMakesTheNextAcquireSearchTheNewGeneration) {
  SearcherPool pool(first_);
  { ASSERT_TRUE(pool.Acquire().ok()); }  // leaves an idle searcher on 000001
  pool.Publish(second_);
  EXPECT_EQ(pool.current(), second_);
  absl::StatusOr<SearcherPool::Lease> lease = pool.Acquire();
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_EQ((*lease)->index().generation(), "000002");
  EXPECT_THAT(SearchIds(**lease, "jeans"), ElementsAre("2001"));
}

TEST_F(SearcherPoolTest, ALeaseHeldAcrossPublishKeepsSearchingItsGeneration) {
  SearcherPool pool(first_);
  absl::StatusOr<SearcherPool::Lease> old_lease = pool.Acquire();
  ASSERT_TRUE(old_lease.ok());
  pool.Publish(second_);
  first_.reset();  // the lease alone keeps generation 000001 open
  EXPECT_EQ((*old_lease)->index().generation(), "000001");
  EXPECT_THAT(SearchIds(**old_lease, "jeans"), UnorderedElementsAre("1002", "1011"));
}

TEST_F(SearcherPoolTest, RetiresSearchersOfTheOldGenerationWhenTheyComeBack) {
  SearcherPool pool(first_);
  std::optional<absl::StatusOr<SearcherPool::Lease>> old_lease = pool.Acquire();
  ASSERT_TRUE(old_lease->ok());
  pool.Publish(second_);
  old_lease.reset();  // returned after the switch: dropped, not pooled
  absl::StatusOr<SearcherPool::Lease> lease = pool.Acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ((*lease)->index().generation(), "000002");
}

}  // namespace
}  // namespace vitrine::query
