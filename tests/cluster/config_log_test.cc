// The cluster's merchandising config (writes/jetstream_config_log.h behind
// merch::ConfigStore) against a real nats-server: a change made on one replica
// is live on another within a second, versions stay one gapless sequence when
// replicas change the config at once (If-Match still refuses a stale one),
// rollback and history mean the same everywhere, the first replica seeds an
// empty bucket with the config it had, and a replica whose config differs from
// the cluster's refuses to start.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "base/strings.h"
#include "merch/config_store.h"
#include "tests/testing/nats_server.h"
#include "tests/testing/temp_dir.h"
#include "writes/jetstream_config_log.h"

namespace vitrine::writes {
namespace {

std::string RuleJson(const std::string& id, const std::string& query) {
  return StrCat(R"({"id":")", id, R"(","conditions":{"query":{"equals":")", query,
                R"("}},"consequences":{"pin":[{"id":"p1","position":1}]}})");
}

// One replica: its own config directory, following the shared bucket.
struct Replica {
  std::unique_ptr<merch::ConfigLog> log;
  std::unique_ptr<merch::ConfigStore> store;
};

class ConfigLogTest : public ::testing::Test {
 protected:
  absl::StatusOr<Replica> Open(const std::string& name, bool cluster = true) {
    Replica replica;
    if (cluster) {
      ASSIGN_OR_RETURN(replica.log, OpenJetStreamConfigLog({.servers = {nats_.url()}}));
    }
    ASSIGN_OR_RETURN(replica.store,
                     merch::ConfigStore::Open(dir_.Sub(name), {.log = replica.log.get()}));
    return replica;
  }

  // Waits (at most 2 s) until `store` is at `version`.
  static bool Reaches(const merch::ConfigStore& store, uint64_t version) {
    for (int i = 0; i < 200 && store.version() < version; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return store.version() == version;
  }

  testing::NatsServer nats_;
  testing::TempDir dir_;
};

TEST_F(ConfigLogTest, AChangeOnOneReplicaIsLiveOnTheOtherWithinASecond) {
  absl::StatusOr<Replica> a = Open("a");
  absl::StatusOr<Replica> b = Open("b");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<uint64_t> version =
      a->store->Write(RuleJson("sale", "dress"), merch::WriteMode::kCreate, "alice", std::nullopt);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 1u);
  ASSERT_TRUE(Reaches(*b->store, 1));  // woken by the bucket, not polled
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(b->store->live()->rules().size(), 1u);
  EXPECT_EQ(b->store->digest(), a->store->digest());
  EXPECT_NE(b->store->digest(), 0u);
  // The audit trail says who made the change on which replica.
  absl::StatusOr<std::vector<merch::ConfigEvent>> history = b->store->History(10);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].who, "alice");
  EXPECT_EQ((*history)[0].action, "create");

  // A change on b builds on a's: If-Match with the version b has seen.
  version = b->store->Write(RuleJson("sale", "dresses"), merch::WriteMode::kUpsert, "bob", 1);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 2u);
  ASSERT_TRUE(Reaches(*a->store, 2));
  // a's If-Match of version 1 is stale now.
  version = a->store->Write(RuleJson("sale", "skirt"), merch::WriteMode::kUpsert, "alice", 1);
  EXPECT_TRUE(absl::IsAborted(version.status())) << version.status();
  EXPECT_EQ(a->store->digest(), b->store->digest());
}

TEST_F(ConfigLogTest, ReplicasChangingAtOnceMakeOneGaplessHistory) {
  absl::StatusOr<Replica> a = Open("a");
  absl::StatusOr<Replica> b = Open("b");
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  constexpr int kEach = 20;
  std::vector<std::thread> writers;
  for (merch::ConfigStore* store : {a->store.get(), b->store.get()}) {
    writers.emplace_back([store, name = store == a->store.get() ? "a" : "b"] {
      for (int i = 0; i < kEach; ++i) {
        const absl::StatusOr<uint64_t> version = store->Write(
            RuleJson(StrCat(name, i), "tee"), merch::WriteMode::kCreate, name, std::nullopt);
        EXPECT_TRUE(version.ok()) << version.status();
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  ASSERT_TRUE(Reaches(*a->store, 2 * kEach));
  ASSERT_TRUE(Reaches(*b->store, 2 * kEach));
  EXPECT_EQ(a->store->live()->rules().size(), 2u * kEach);
  EXPECT_EQ(a->store->digest(), b->store->digest());
  absl::StatusOr<std::vector<merch::ConfigEvent>> history = a->store->History(100);
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 2u * kEach);
  for (size_t i = 0; i < history->size(); ++i) {
    EXPECT_EQ((*history)[i].version, 2u * kEach - i);  // newest first, no gap
  }

  // A rollback on b to version 1 holds on a too.
  const absl::StatusOr<uint64_t> rolled = b->store->Rollback(1, "carol", std::nullopt);
  ASSERT_TRUE(rolled.ok()) << rolled.status();
  ASSERT_TRUE(Reaches(*a->store, *rolled));
  EXPECT_EQ(a->store->live()->rules().size(), 1u);
  EXPECT_EQ(a->store->digest(), b->store->digest());
}

TEST_F(ConfigLogTest, TheFirstReplicaSeedsTheBucketAndANewOneReplaysIt) {
  {
    // A node that had a config before it joined a cluster.
    absl::StatusOr<Replica> alone = Open("seed", /*cluster=*/false);
    ASSERT_TRUE(alone.ok()) << alone.status();
    ASSERT_TRUE(
        alone->store->Write(RuleJson("x", "tee"), merch::WriteMode::kCreate, "admin", {}).ok());
    ASSERT_TRUE(alone->store->SetRanking(R"({"signals":{"recency":0.05}})", "admin", {}).ok());
  }
  absl::StatusOr<Replica> seed = Open("seed");
  ASSERT_TRUE(seed.ok()) << seed.status();
  EXPECT_EQ(seed->store->version(), 2u);
  absl::StatusOr<Replica> fresh = Open("fresh");  // an empty config directory
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_EQ(fresh->store->version(), 2u);
  EXPECT_EQ(fresh->store->digest(), seed->store->digest());
  fresh->store.reset();
  fresh->log.reset();

  // A node whose own config differs from the cluster's at its version refuses to join.
  {
    absl::StatusOr<Replica> other = Open("other", /*cluster=*/false);
    ASSERT_TRUE(other.ok()) << other.status();
    ASSERT_TRUE(
        other->store->Write(RuleJson("y", "dress"), merch::WriteMode::kCreate, "admin", {}).ok());
  }
  absl::StatusOr<Replica> other = Open("other");
  EXPECT_TRUE(absl::IsFailedPrecondition(other.status())) << other.status();
  EXPECT_THAT(std::string(other.status().message()), ::testing::HasSubstr("differ at version 1"));
}

}  // namespace
}  // namespace vitrine::writes
