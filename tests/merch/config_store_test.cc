// The config store: versions, audit events, rollback, If-Match, persistence.
#include "merch/config_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/strings.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::merch {
namespace {

std::string RuleJson(std::string_view id, int priority = 0) {
  return StrCat(R"({"id": ")", id, R"(", "priority": )", priority,
                R"(, "consequences": {"hide": ["1001"]}})");
}

class ConfigStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<ConfigStore> Open() {
    return ConfigStore::Open(dir_.Sub("config"), {.clock = [this] { return now_; }}).value();
  }
  vitrine::testing::TempDir dir_;
  absl::Time now_ = absl::FromUnixSeconds(1795737600);
};

TEST_F(ConfigStoreTest, EveryChangeMakesAVersionAndSwapsTheLiveRules) {
  auto store = Open();
  EXPECT_EQ(store->version(), 0u);
  std::shared_ptr<const RuleSet> before = store->live();
  EXPECT_EQ(store->Write(RuleJson("a"), WriteMode::kCreate, "admin", std::nullopt).value(), 1u);
  EXPECT_EQ(store->Write(RuleJson("b"), WriteMode::kCreate, "admin", std::nullopt).value(), 2u);
  EXPECT_EQ(store->Write(RuleJson("a", 5), WriteMode::kUpsert, "admin", std::nullopt).value(), 3u);
  EXPECT_TRUE(before->rules().empty());  // a search holding the old snapshot keeps it
  ASSERT_EQ(store->live()->rules().size(), 2u);
  EXPECT_EQ(store->live()->Find("a")->priority, 5);
  EXPECT_EQ(store->Delete("b", "admin", std::nullopt).value(), 4u);
  EXPECT_EQ(store->live()->rules().size(), 1u);
  EXPECT_EQ(store->version(), 4u);
}

TEST_F(ConfigStoreTest, CreateRefusesATakenIdAndDeleteAnUnknownOne) {
  auto store = Open();
  ASSERT_TRUE(store->Write(RuleJson("a"), WriteMode::kCreate, "admin", std::nullopt).ok());
  EXPECT_EQ(store->Write(RuleJson("a"), WriteMode::kCreate, "admin", std::nullopt).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store->Delete("nope", "admin", std::nullopt).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(
      store->Write(R"({"id": "bad"})", WriteMode::kCreate, "admin", std::nullopt).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->version(), 1u);  // failed writes make no version
}

TEST_F(ConfigStoreTest, IfMatchRefusesAStaleVersion) {
  auto store = Open();
  ASSERT_TRUE(store->Write(RuleJson("a"), WriteMode::kCreate, "admin", 0).ok());
  absl::StatusOr<uint64_t> stale = store->Write(RuleJson("b"), WriteMode::kCreate, "admin", 0);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(stale.status().message(), ::testing::HasSubstr("version 1"));
  EXPECT_EQ(store->Delete("a", "admin", 7).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store->Write(RuleJson("b"), WriteMode::kCreate, "admin", 1).value(), 2u);
}

TEST_F(ConfigStoreTest, HistoryRecordsWhoWhenAndTheRuleBeforeAndAfter) {
  auto store = Open();
  ASSERT_TRUE(store->Write(RuleJson("a"), WriteMode::kCreate, "admin", std::nullopt).ok());
  now_ += absl::Minutes(5);
  ASSERT_TRUE(store->Write(RuleJson("a", 3), WriteMode::kUpsert, "ops", std::nullopt).ok());
  ASSERT_TRUE(store->Delete("a", "admin", std::nullopt).ok());
  const std::vector<ConfigEvent> events = store->History(10).value();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].version, 3u);
  EXPECT_EQ(events[0].action, "delete");
  EXPECT_EQ(events[1].action, "update");
  EXPECT_EQ(events[1].who, "ops");
  EXPECT_EQ(events[1].when, absl::FromUnixSeconds(1795737600 + 300));
  ASSERT_EQ(events[1].changes.size(), 1u);
  EXPECT_THAT(events[1].changes[0].before, ::testing::HasSubstr(R"("priority":0)"));
  EXPECT_THAT(events[1].changes[0].after, ::testing::HasSubstr(R"("priority":3)"));
  EXPECT_EQ(events[2].action, "create");
  EXPECT_EQ(events[2].changes[0].before, "");
  EXPECT_EQ(store->History(1).value().size(), 1u);
  const std::vector<ConfigEvent> older = store->History(10, 2).value();
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0].version, 1u);
}

TEST_F(ConfigStoreTest, RollbackRestoresTheRulesOfAVersionAsANewVersion) {
  auto store = Open();
  ASSERT_TRUE(store->Write(RuleJson("a"), WriteMode::kCreate, "admin", std::nullopt).ok());  // 1
  ASSERT_TRUE(store->Write(RuleJson("b"), WriteMode::kCreate, "admin", std::nullopt).ok());  // 2
  ASSERT_TRUE(store->Write(RuleJson("a", 9), WriteMode::kUpsert, "admin", std::nullopt).ok());
  ASSERT_TRUE(store->Delete("b", "admin", std::nullopt).ok());
  ASSERT_TRUE(store->Write(RuleJson("c"), WriteMode::kCreate, "admin", std::nullopt).ok());  // 5
  EXPECT_EQ(store->Rollback(2, "admin", std::nullopt).value(), 6u);
  std::shared_ptr<const RuleSet> live = store->live();
  ASSERT_EQ(live->rules().size(), 2u);
  EXPECT_EQ(live->Find("a")->priority, 0);
  EXPECT_NE(live->Find("b"), nullptr);
  EXPECT_EQ(live->Find("c"), nullptr);
  const ConfigEvent event = store->History(1).value().at(0);
  EXPECT_EQ(event.action, "rollback");
  EXPECT_EQ(event.rolled_back_to, 2u);
  EXPECT_EQ(event.changes.size(), 3u);  // a changed, b back, c gone
  EXPECT_EQ(store->Rollback(0, "admin", std::nullopt).value(), 7u);
  EXPECT_TRUE(store->live()->rules().empty());
  EXPECT_EQ(store->Rollback(99, "admin", std::nullopt).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store->Rollback(1, "admin", 3).status().code(), absl::StatusCode::kAborted);
}

TEST_F(ConfigStoreTest, RulesAndVersionSurviveAReopen) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Write(RuleJson("a"), WriteMode::kCreate, "admin", std::nullopt).ok());
    ASSERT_TRUE(store->Write(RuleJson("b"), WriteMode::kCreate, "admin", std::nullopt).ok());
  }
  auto store = Open();
  EXPECT_EQ(store->version(), 2u);
  EXPECT_EQ(store->live()->rules().size(), 2u);
  EXPECT_EQ(store->History(10).value().size(), 2u);
  EXPECT_EQ(store->Write(RuleJson("c"), WriteMode::kCreate, "admin", 2).value(), 3u);
}

}  // namespace
}  // namespace vitrine::merch
