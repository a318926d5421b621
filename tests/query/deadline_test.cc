// A search's deadline (SearchRequest::deadline) on a clock the test steps: past
// it the search leaves out what it can (facets, then highlights) and says so, or
// answers DeadlineExceeded when it has nothing; a late answer is never cached.
// The stages it went through are noted for the trace.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "query/result_cache.h"
#include "query/search.h"
#include "tests/query/query_testing.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

// Every reading of the clock is 10 ms after the one before.
std::atomic<int64_t> ticks = 0;
const Clock::time_point kStart = Clock::now();
Clock::time_point Stepping() { return kStart + std::chrono::milliseconds(10 * ++ticks); }

class DeadlineTest : public FixtureCatalogTest {
 protected:
  std::unique_ptr<Searcher> SteppingSearcher(ResultCache* cache = nullptr) {
    SearchOptions options;
    options.clock = &Stepping;
    return Searcher::Create(index_, options, cache).value();
  }
  // A request whose deadline falls `readings` clock readings from now.
  static SearchRequest Due(int readings) {
    SearchRequest request{.q = "shirt", .facets = {"brand", "color"}};
    request.deadline = kStart + std::chrono::milliseconds(10 * (ticks + readings) + 5);
    return request;
  }
  static std::vector<std::string_view> Names(const std::vector<StageTiming>& stages) {
    std::vector<std::string_view> names;
    for (const StageTiming& stage : stages) {
      EXPECT_LE(stage.start, stage.end) << stage.name;
      names.push_back(stage.name);
    }
    return names;
  }
};

TEST_F(DeadlineTest, InTimeEveryStageRunsAndIsNoted) {
  std::vector<StageTiming> stages;
  SearchRequest request = Due(1000);
  request.stages = &stages;
  const SearchResponse response = SteppingSearcher()->Search(request).value();
  EXPECT_FALSE(response.timed_out);
  EXPECT_THAT(response.facets, Not(IsEmpty()));
  EXPECT_THAT(response.hits, Not(IsEmpty()));
  EXPECT_THAT(Names(stages),
              ElementsAre("parse", "match", "facets", "rank", "hydrate", "highlight"));
}

TEST_F(DeadlineTest, LateAfterTheMatchTheFacetsAreLeftOutAndThePageStillComes) {
  std::unique_ptr<Searcher> searcher = SteppingSearcher();
  std::vector<StageTiming> stages;
  // Readings: the check before parse, parse's start, the check before the
  // match, parse's end, the match's start, then the check before the facets:
  // the sixth, past a deadline five and a half readings on.
  SearchRequest request = Due(5);
  request.stages = &stages;
  const SearchResponse response = searcher->Search(request).value();
  EXPECT_TRUE(response.timed_out);
  EXPECT_THAT(response.facets, IsEmpty());
  EXPECT_THAT(response.hits, Not(IsEmpty()));
  EXPECT_GT(response.total, 0u);
  EXPECT_THAT(Names(stages), ElementsAre("parse", "match", "rank", "hydrate"));
}

TEST_F(DeadlineTest, LateBeforeTheMatchIsDeadlineExceeded) {
  const absl::StatusOr<SearchResponse> response = SteppingSearcher()->Search(Due(0));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(DeadlineTest, ALateAnswerIsNotCached) {
  ResultCache cache;
  std::unique_ptr<Searcher> searcher = SteppingSearcher(&cache);
  // Without a stage log the clock is read only at the checks: the third, before
  // the facets, is late.
  ASSERT_TRUE(searcher->Search(Due(2)).value().timed_out);
  // The same request in time is computed, not answered from the cache.
  const SearchResponse again = searcher->Search(Due(1000)).value();
  EXPECT_FALSE(again.timed_out);
  EXPECT_THAT(again.facets, Not(IsEmpty()));
  EXPECT_EQ(cache.stats().hits, 0u);
}

}  // namespace
}  // namespace vitrine::query
