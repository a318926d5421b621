// Reindexing a cluster (writes/cluster_reindex.h): `vitrine reindex --nats`
// builds once and records the event in the shared log; every replica builds
// the same generation in the background, checks it against the event, replays
// the writes made since and switches, so replicas end with the same products.
// A replica that starts with an empty data directory builds the cluster's
// generation and becomes ready with the others' products, trying again when
// its build failed for a passing cause (the feed's volume away). A feed that changed
// since the event, or a build that does not match it, is refused before it
// becomes current.
#include "writes/cluster_reindex.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "base/strings.h"
#include "indexer/generations.h"
#include "tests/cluster/replica_testing.h"
#include "writes/jetstream_write_log.h"

namespace vitrine::server {
namespace {

using ::testing::HasSubstr;

class ClusterReindexTest : public ReplicaFixture {
 protected:
  // The bundled test feed and `extra` more products, as a new feed file.
  std::string Feed(const std::string& name, int extra) {
    const std::string path = dir_.Sub(name);
    std::ofstream out(path);
    out << vitrine::testing::ReadFile(TestData("products.jsonl"));
    for (int i = 0; i < extra; ++i) {
      out << R"({"id":"new)" << i << R"(","title":"Reindexed linen shirt )" << i
          << R"(","brand":"Nimbus","price":)" << 100 + i << "}\n";
    }
    return path;
  }

  absl::StatusOr<writes::GenerationEvent> Reindex(const std::string& feed) {
    ASSIGN_OR_RETURN(std::unique_ptr<writes::WriteLog> log,
                     writes::OpenJetStreamWriteLog({.servers = {nats_.url()}}));
    writes::GenerationEvent event;
    RETURN_IF_ERROR(
        writes::ReindexCluster({.feeds = {feed}, .data_dir = dir_.Sub("staging")}, *log, &event)
            .status());
    return event;
  }

  // Polls `replica`'s state until `done` holds (up to 20 s); that state.
  Json StateWhen(int replica, const std::function<bool(const Json&)>& done) {
    Json state;
    for (int i = 0; i < 400; ++i) {
      const HttpResult result = Send(replica, "GET", "/v1/admin/state");
      state = result.status == 200 ? Json::parse(result.body) : Json::object();
      if (done(state)) return state;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "replica " << replica << " never got there: " << state.dump();
    return state;
  }
};

TEST_F(ClusterReindexTest, EveryReplicaBuildsTheEventAndKeepsLaterWrites) {
  // A write before the reindex: the new feed does not hold it, so it is gone after.
  ASSERT_EQ(Send(0, "PUT", "/v1/products/before", R"({"title":"Old write","price":1})").status,
            201);
  const std::string generation = Json::parse(Send(0, "GET", "/v1/admin/state").body)["generation"];
  absl::StatusOr<writes::GenerationEvent> event = Reindex(Feed("feed.jsonl", 3));
  ASSERT_TRUE(event.ok()) << event.status();
  EXPECT_EQ(event->documents, 15u);
  EXPECT_EQ(event->log_seq, 1u);
  // A write after the event is replayed onto the new generation everywhere.
  const HttpResult after =
      Send(1, "PUT", "/v1/products/after", R"({"title":"Later linen write","price":2})");
  ASSERT_EQ(after.status, 201) << after.body;
  for (int i = 0; i < 2; ++i) {
    StateWhen(i, [&](const Json& state) {
      return state.value("generation", generation) != generation &&
             state["products"]["count"] == 16 && state["writes"]["applied_seq"] == 2;
    });
  }
  const Json converged = Converged();
  EXPECT_EQ(converged["products"]["count"], 16);
  EXPECT_EQ(Send(0, "GET", "/v1/products/before").status, 404);
  const Json found = Json::parse(Send(1, "GET", "/v1/search?q=linen").body);
  EXPECT_EQ(found["total"], 4);  // new0..new2 and the later write
}

TEST_F(ClusterReindexTest, AReplicaWithAnEmptyDataDirectoryBuildsTheClustersGeneration) {
  absl::StatusOr<writes::GenerationEvent> event = Reindex(Feed("feed.jsonl", 2));
  ASSERT_TRUE(event.ok()) << event.status();
  ASSERT_EQ(Send(0, "PUT", "/v1/products/w1", R"({"title":"Written","price":3})").status, 201);
  data_dirs_.push_back(dir_.Sub("new-replica"));  // empty
  replicas_.push_back(StartReplica(2));
  ASSERT_NE(replicas_[2], nullptr);
  // Ready once it serves the event's generation with the writes since.
  for (int i = 0; i < 400 && Send(2, "GET", "/readyz").status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(Send(2, "GET", "/readyz").status, 200);
  for (int i = 0; i < 3; ++i) {
    StateWhen(i, [](const Json& state) { return state["products"]["count"] == 15; });
  }
  EXPECT_EQ(Converged()["products"]["count"], 15);
  const HttpResult metrics = Send(2, "GET", "/metrics");
  EXPECT_THAT(metrics.body,
              HasSubstr("vitrine_cluster_reindex_built " + std::to_string(event->id)));
  EXPECT_THAT(metrics.body, HasSubstr("vitrine_nats_connected 1"));
}

TEST_F(ClusterReindexTest, ABuildThatFailedForAPassingCauseIsTriedAgain) {
  const std::string feed = Feed("feed.jsonl", 2);
  absl::StatusOr<writes::GenerationEvent> event = Reindex(feed);
  ASSERT_TRUE(event.ok()) << event.status();
  // The shared volume is not there when a new replica starts...
  std::filesystem::rename(feed, feed + ".away");
  data_dirs_.push_back(dir_.Sub("new-replica"));
  replicas_.push_back(StartReplica(2));
  ASSERT_NE(replicas_[2], nullptr);
  StateWhen(2, [&](const Json&) {
    return Send(2, "GET", "/metrics")
               .body.find(StrCat("vitrine_cluster_reindex_failed ", event->id)) !=
           std::string::npos;
  });
  EXPECT_EQ(Send(2, "GET", "/readyz").status, 503);
  // ...and comes back: the next try (5 s later) builds it.
  std::filesystem::rename(feed + ".away", feed);
  StateWhen(2, [](const Json& state) {
    return state.contains("products") && state["products"]["count"] == 14;
  });
  EXPECT_EQ(Send(2, "GET", "/readyz").status, 200);
}

TEST_F(ClusterReindexTest, AFeedChangedSinceTheEventOrAMismatchedBuildIsRefused) {
  replicas_.clear();  // builds by hand here
  const std::string feed = Feed("feed.jsonl", 1);
  absl::StatusOr<writes::GenerationEvent> event = Reindex(feed);
  ASSERT_TRUE(event.ok()) << event.status();
  const std::string scratch = dir_.Sub("scratch");
  absl::StatusOr<indexer::ReindexSummary> built = writes::BuildGeneration(*event, scratch);
  ASSERT_TRUE(built.ok()) << built.status();

  writes::GenerationEvent wrong_count = *event;
  wrong_count.documents += 1;
  built = writes::BuildGeneration(wrong_count, scratch);
  EXPECT_TRUE(absl::IsFailedPrecondition(built.status())) << built.status();
  EXPECT_THAT(std::string(built.status().message()), HasSubstr("the event says 14"));
  // The refused build did not become current.
  absl::StatusOr<indexer::DataDir> dir = indexer::DataDir::Open(scratch);
  ASSERT_TRUE(dir.ok());
  absl::StatusOr<std::vector<indexer::GenerationInfo>> generations = dir->List();
  ASSERT_TRUE(generations.ok());
  EXPECT_EQ(generations->size(), 1u);

  std::ofstream(feed, std::ios::app) << R"({"id":"late","title":"Appended","price":5})"
                                     << "\n";
  built = writes::BuildGeneration(*event, scratch);
  EXPECT_TRUE(absl::IsFailedPrecondition(built.status())) << built.status();
  EXPECT_THAT(std::string(built.status().message()), HasSubstr("is not the one reindexed"));
  generations = dir->List();
  ASSERT_TRUE(generations.ok());
  EXPECT_EQ(generations->size(), 1u);
}

}  // namespace
}  // namespace vitrine::server
