// The ranking weights in the config store: versioned, audited, If-Match,
// rolled back with the rules, persisted.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "merch/config_store.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::merch {
namespace {

constexpr std::string_view kPopular = R"({"signals": {"popularity": 0.2}})";
constexpr std::string_view kRule = R"({"id": "a", "consequences": {"hide": ["1001"]}})";

class ConfigStoreRankingTest : public ::testing::Test {
 protected:
  std::unique_ptr<ConfigStore> Open() { return ConfigStore::Open(dir_.Sub("config")).value(); }
  vitrine::testing::TempDir dir_;
};

TEST_F(ConfigStoreRankingTest, SettingTheRankingMakesAVersionAndSwapsTheSnapshot) {
  auto store = Open();
  const std::shared_ptr<const Ranking> before = store->ranking();
  EXPECT_EQ(before->json, DefaultRanking().json);
  EXPECT_EQ(store->SetRanking(kPopular, "admin", std::nullopt).value(), 1u);
  EXPECT_EQ(before->signals.popularity, 0);  // a search holding the old snapshot keeps it
  EXPECT_EQ(store->ranking()->signals.popularity, 0.2);
  EXPECT_EQ(store->ranking()->version, 1u);
  EXPECT_EQ(store->version(), 1u);
  EXPECT_EQ(store->live()->version(), 1u);
  // A rule change keeps the weights, in the snapshot of its own version.
  ASSERT_TRUE(store->Write(kRule, WriteMode::kCreate, "admin", std::nullopt).ok());
  EXPECT_EQ(store->ranking()->version, 2u);
  EXPECT_EQ(store->ranking()->signals.popularity, 0.2);
  EXPECT_EQ(store->snapshot()->ranking, store->ranking());
}

TEST_F(ConfigStoreRankingTest, BadRankingsAndStaleVersionsChangeNothing) {
  auto store = Open();
  const absl::StatusOr<uint64_t> bad =
      store->SetRanking(R"({"fields": {"title": -2}})", "admin", std::nullopt);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(store->SetRanking(kPopular, "admin", 0).ok());
  EXPECT_EQ(store->SetRanking("{}", "admin", 0).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store->version(), 1u);
  EXPECT_EQ(store->ranking()->signals.popularity, 0.2);
}

TEST_F(ConfigStoreRankingTest, HistoryRecordsTheRankingBeforeAndAfter) {
  auto store = Open();
  ASSERT_TRUE(store->SetRanking(kPopular, "ops", std::nullopt).ok());
  const std::vector<ConfigEvent> events = store->History(10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].action, "ranking");
  EXPECT_EQ(events[0].who, "ops");
  ASSERT_EQ(events[0].changes.size(), 1u);
  EXPECT_EQ(events[0].changes[0].kind, ConfigKind::kRanking);
  EXPECT_EQ(events[0].changes[0].before, "");  // the defaults
  EXPECT_THAT(events[0].changes[0].after, ::testing::HasSubstr(R"("popularity":0.2)"));
  EXPECT_THAT(EventToJson(events[0]), ::testing::HasSubstr(R"("kind":"ranking")"));
}

TEST_F(ConfigStoreRankingTest, RollbackRestoresTheRankingWithTheRules) {
  auto store = Open();
  ASSERT_TRUE(store->Write(kRule, WriteMode::kCreate, "admin", std::nullopt).ok());  // 1
  ASSERT_TRUE(store->SetRanking(kPopular, "admin", std::nullopt).ok());              // 2
  ASSERT_TRUE(store->SetRanking(R"({"fields": {"title": 5}})", "admin", std::nullopt).ok());
  EXPECT_EQ(store->Rollback(2, "admin", std::nullopt).value(), 4u);
  EXPECT_EQ(store->ranking()->signals.popularity, 0.2);
  EXPECT_TRUE(store->ranking()->default_fields());
  EXPECT_EQ(store->live()->rules().size(), 1u);
  EXPECT_EQ(store->Rollback(1, "admin", std::nullopt).value(), 5u);
  EXPECT_EQ(store->ranking()->json, DefaultRanking().json);
  EXPECT_EQ(store->live()->rules().size(), 1u);
  const ConfigEvent event = store->History(1).value().at(0);
  EXPECT_EQ(event.action, "rollback");
  ASSERT_EQ(event.changes.size(), 1u);
  EXPECT_EQ(event.changes[0].kind, ConfigKind::kRanking);
  EXPECT_EQ(event.changes[0].after, "");
}

TEST_F(ConfigStoreRankingTest, TheRankingSurvivesAReopen) {
  {
    auto store = Open();
    ASSERT_TRUE(store->SetRanking(kPopular, "admin", std::nullopt).ok());
    ASSERT_TRUE(store->Write(kRule, WriteMode::kCreate, "admin", std::nullopt).ok());
  }
  auto store = Open();
  EXPECT_EQ(store->version(), 2u);
  EXPECT_EQ(store->ranking()->signals.popularity, 0.2);
  EXPECT_EQ(store->History(10).value().at(1).changes.at(0).kind, ConfigKind::kRanking);
}

}  // namespace
}  // namespace vitrine::merch
