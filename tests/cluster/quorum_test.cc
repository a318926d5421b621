// The write log on a 3-node JetStream cluster (the stream on all three): with
// one node lost, appends go on; with two lost (no quorum), appends fail as
// Unavailable instead of hanging, and what was logged stays readable; with a
// node back, appends resume, and every acknowledged entry is in the log, in
// order, for this replica and for one that opens it afresh.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/log_testing.h"
#include "tests/testing/nats_server.h"
#include "writes/jetstream_write_log.h"

namespace vitrine::writes {
namespace {

// Whether `part` appears in `all` in the same order (other items between).
bool InOrder(const std::vector<std::string>& part, const std::vector<std::string>& all) {
  auto at = all.begin();
  for (const std::string& item : part) {
    at = std::find(at, all.end(), item);
    if (at == all.end()) return false;
    ++at;
  }
  return true;
}

class JetStreamQuorumTest : public ::testing::Test {
 protected:
  // The cluster elects its JetStream leader within seconds: opens when it can.
  std::unique_ptr<WriteLog> Open() {
    absl::Status last;
    for (int attempt = 0; attempt < 150; ++attempt) {
      absl::StatusOr<std::unique_ptr<WriteLog>> log =
          OpenJetStreamWriteLog({.servers = cluster_.urls(), .replicas = 3});
      if (log.ok()) return std::move(*log);
      last = log.status();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ADD_FAILURE() << "the write log did not open on the cluster: " << last;
    return nullptr;
  }

  absl::Status Append(WriteLog& log, const std::string& id) {
    std::vector<JournalEntry> entries = Upserts({id});
    absl::Status status = log.Append(entries, nullptr);
    if (status.ok()) acknowledged_.push_back(std::to_string(entries[0].seq) + ":" + id);
    return status;
  }

  // As a client retries while the cluster fails over (up to 20 s).
  absl::Status AppendEventually(WriteLog& log, const std::string& id) {
    absl::Status status;
    for (int attempt = 0; attempt < 200; ++attempt) {
      status = log.Sync();
      if (status.ok()) status = Append(log, id);
      if (status.ok()) return status;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return status;
  }

  testing::NatsCluster cluster_;
  std::vector<std::string> acknowledged_;
};

TEST_F(JetStreamQuorumTest, WritesGoOnWithAQuorumAndFailFastWithout) {
  std::unique_ptr<WriteLog> log = Open();
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(AppendEventually(*log, "a").ok());
  ASSERT_TRUE(AppendEventually(*log, "b").ok());

  cluster_.node(0).Kill();  // two of three remain: a quorum
  const absl::Status with_quorum = AppendEventually(*log, "c");
  EXPECT_TRUE(with_quorum.ok()) << with_quorum;

  cluster_.node(1).Kill();  // one of three: no quorum
  const auto start = std::chrono::steady_clock::now();
  absl::Status refused = log->Sync();
  if (refused.ok()) refused = Append(*log, "d");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("refused_after_ms", static_cast<int>(seconds * 1000));
  EXPECT_TRUE(absl::IsUnavailable(refused)) << refused;
  // The breaker answers at once now.
  EXPECT_TRUE(absl::IsUnavailable(Append(*log, "d")));
  // What was logged stays readable (reads are served meanwhile).
  EXPECT_EQ(EntriesAfter(*log, 0), acknowledged_);

  ASSERT_TRUE(cluster_.node(1).Start());  // a quorum again
  const absl::Status resumed = AppendEventually(*log, "e");
  EXPECT_TRUE(resumed.ok()) << resumed;
  ASSERT_TRUE(log->Sync().ok());
  // Every acknowledged entry, in order; a refused one may be there too (an
  // Unavailable append is not known to have failed), nothing else.
  const std::vector<std::string> logged = EntriesAfter(*log, 0);
  EXPECT_TRUE(InOrder(acknowledged_, logged)) << ::testing::PrintToString(logged);
  EXPECT_LE(logged.size(), acknowledged_.size() + 1);
  std::unique_ptr<WriteLog> fresh = Open();
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(EntriesAfter(*fresh, 0), logged);
}

}  // namespace
}  // namespace vitrine::writes
