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

std::string SynonymsJson(std::string_view id, std::string_view words) {
  return StrCat(R"({"id": ")", id, R"(", "synonyms": [)", words, "]}");
}

TEST_F(ConfigStoreTest, SynonymSetsAreVersionedAndAuditedLikeRules) {
  auto store = Open();
  ASSERT_EQ(store->Write(RuleJson("a"), WriteMode::kCreate, "admin", std::nullopt).value(), 1u);
  std::shared_ptr<const ConfigSnapshot> before = store->snapshot();
  EXPECT_EQ(store
                ->WriteSynonyms(SynonymsJson("denim", R"("jeans", "denims")"), WriteMode::kCreate,
                                "alice", std::nullopt)
                .value(),
            2u);
  // Rules and synonyms have their own ids: a rule "denim" would not clash.
  EXPECT_EQ(store
                ->WriteSynonyms(SynonymsJson("denim", R"("jeans", "denims")"), WriteMode::kCreate,
                                "alice", std::nullopt)
                .status()
                .code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store
                ->WriteSynonyms(SynonymsJson("denim", R"("jeans", "jeggings")"), WriteMode::kUpsert,
                                "bob", 1)
                .status()
                .code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(store
                ->WriteSynonyms(SynonymsJson("denim", R"("jeans", "jeggings")"), WriteMode::kUpsert,
                                "bob", 2)
                .value(),
            3u);
  EXPECT_TRUE(before->synonyms->sets().empty());  // an older snapshot keeps what it had
  const std::shared_ptr<const ConfigSnapshot> live = store->snapshot();
  EXPECT_EQ(live->version, 3u);
  EXPECT_EQ(live->rules->version(), 3u);
  EXPECT_EQ(live->synonyms->version(), 3u);
  ASSERT_EQ(live->synonyms->sets().size(), 1u);
  EXPECT_THAT(live->synonyms->sets()[0].synonyms, ::testing::ElementsAre("jeans", "jeggings"));
  EXPECT_EQ(live->rules->rules().size(), 1u);
  EXPECT_EQ(store->DeleteSynonyms("nope", "bob", std::nullopt).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store->DeleteSynonyms("denim", "bob", std::nullopt).value(), 4u);
  const std::vector<ConfigEvent> events = store->History(10).value();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].action, "delete");
  EXPECT_EQ(events[1].action, "update");
  EXPECT_EQ(events[1].who, "bob");
  ASSERT_EQ(events[1].changes.size(), 1u);
  EXPECT_EQ(events[1].changes[0].kind, ConfigKind::kSynonyms);
  EXPECT_EQ(events[1].changes[0].id, "denim");
  EXPECT_THAT(events[1].changes[0].before, ::testing::HasSubstr("denims"));
  EXPECT_THAT(events[1].changes[0].after, ::testing::HasSubstr("jeggings"));
  EXPECT_EQ(events[2].who, "alice");
  EXPECT_EQ(events[3].changes[0].kind, ConfigKind::kRule);
  EXPECT_THAT(EventToJson(events[1]), ::testing::HasSubstr(R"("kind":"synonyms")"));
}

TEST_F(ConfigStoreTest, RollbackRestoresSynonymsAndRulesTogether) {
  auto store = Open();
  ASSERT_TRUE(
      store->WriteSynonyms(SynonymsJson("s1", R"("a", "b")"), WriteMode::kCreate, "x",
                           std::nullopt)
          .ok());                                                                        // 1
  ASSERT_TRUE(store->Write(RuleJson("r"), WriteMode::kCreate, "x", std::nullopt).ok());  // 2
  ASSERT_TRUE(
      store->WriteSynonyms(SynonymsJson("s1", R"("a", "c")"), WriteMode::kUpsert, "x",
                           std::nullopt)
          .ok());  // 3
  ASSERT_TRUE(
      store->WriteSynonyms(SynonymsJson("s2", R"("d", "e")"), WriteMode::kCreate, "x",
                           std::nullopt)
          .ok());                                           // 4
  ASSERT_TRUE(store->Delete("r", "x", std::nullopt).ok());  // 5
  EXPECT_EQ(store->Rollback(2, "carol", std::nullopt).value(), 6u);
  std::shared_ptr<const ConfigSnapshot> live = store->snapshot();
  ASSERT_EQ(live->synonyms->sets().size(), 1u);
  EXPECT_THAT(live->synonyms->Find("s1")->synonyms, ::testing::ElementsAre("a", "b"));
  EXPECT_NE(live->rules->Find("r"), nullptr);
  const ConfigEvent event = store->History(1).value().at(0);
  EXPECT_EQ(event.who, "carol");
  EXPECT_EQ(event.changes.size(), 3u);  // r back, s1 changed, s2 gone
  EXPECT_EQ(store->Rollback(0, "carol", std::nullopt).value(), 7u);
  EXPECT_TRUE(store->snapshot()->synonyms->sets().empty());
  EXPECT_TRUE(store->snapshot()->rules->rules().empty());
}

TEST_F(ConfigStoreTest, SynonymsSurviveAReopen) {
  {
    auto store = Open();
    ASSERT_TRUE(
        store
            ->WriteSynonyms(SynonymsJson("s", R"("a", "b")"), WriteMode::kCreate, "x", std::nullopt)
            .ok());
  }
  auto store = Open();
  EXPECT_EQ(store->version(), 1u);
  ASSERT_NE(store->snapshot()->synonyms->Find("s"), nullptr);
  EXPECT_EQ(store->snapshot()->synonyms->version(), 1u);
}

TEST_F(ConfigStoreTest, DraftsReplaceWhatTheyGiveAndKeepTheRest) {
  auto store = Open();
  ASSERT_TRUE(store->Write(RuleJson("live"), WriteMode::kCreate, "x", std::nullopt).ok());
  ASSERT_TRUE(
      store->WriteSynonyms(SynonymsJson("s", R"("a", "b")"), WriteMode::kCreate, "x", std::nullopt)
          .ok());
  std::vector<Rule> rules = {ParseRule(RuleJson("draft")).value()};
  std::shared_ptr<const ConfigSnapshot> draft = store->Draft(std::move(rules), std::nullopt);
  EXPECT_EQ(draft->version, 0u);
  EXPECT_NE(draft->rules->Find("draft"), nullptr);
  EXPECT_EQ(draft->rules->Find("live"), nullptr);
  EXPECT_EQ(draft->synonyms, store->snapshot()->synonyms);
  std::shared_ptr<const ConfigSnapshot> no_synonyms =
      store->Draft(std::nullopt, std::vector<SynonymSet>{});
  EXPECT_TRUE(no_synonyms->synonyms->sets().empty());
  EXPECT_EQ(no_synonyms->rules, store->live());
  EXPECT_EQ(store->version(), 2u);  // nothing stored
}

}  // namespace
}  // namespace vitrine::merch
