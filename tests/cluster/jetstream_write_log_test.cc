// The cluster's write log (writes/jetstream_write_log.h) against a real
// nats-server with JetStream: entries read back in order with one numbering
// whoever appended them, appends ordered between replicas (the stale one is
// refused and retries on top), idempotency records shared, a reopened log that
// reads the stream again, and fast failures while NATS is away.
#include "writes/jetstream_write_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/log_testing.h"
#include "tests/testing/nats_server.h"

namespace vitrine::writes {
namespace {

using ::testing::ElementsAre;

class JetStreamWriteLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<WriteLog> Open() {
    absl::StatusOr<std::unique_ptr<WriteLog>> log =
        OpenJetStreamWriteLog({.servers = {nats_.url()}});
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? std::move(*log) : nullptr;
  }

  testing::NatsServer nats_;
};

TEST_F(JetStreamWriteLogTest, EntriesReadBackInOrderWithOneNumbering) {
  std::unique_ptr<WriteLog> log = Open();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->last_seq(), 0u);
  std::vector<JournalEntry> first = Upserts({"a"});
  ASSERT_TRUE(log->Append(first, nullptr).ok());
  EXPECT_EQ(first[0].seq, 1u);
  std::vector<JournalEntry> batch = Upserts({"b", "c", "d"});  // one atomic append
  ASSERT_TRUE(log->Append(batch, nullptr).ok());
  EXPECT_EQ(batch[2].seq, 4u);
  std::vector<JournalEntry> removal = {{.op = JournalOp::kDelete, .id = "a"}};
  ASSERT_TRUE(log->Append(removal, nullptr).ok());
  EXPECT_EQ(log->last_seq(), 5u);
  EXPECT_THAT(EntriesAfter(*log, 0), ElementsAre("1:a", "2:b", "3:c", "4:d", "5:a-"));
  EXPECT_THAT(EntriesAfter(*log, 2), ElementsAre("3:c", "4:d", "5:a-"));
  EXPECT_THAT(EntriesAfter(*log, 5), ElementsAre());
}

TEST_F(JetStreamWriteLogTest, ReplicasAppendInOneOrderAndShareIdempotencyRecords) {
  std::unique_ptr<WriteLog> one = Open();
  std::unique_ptr<WriteLog> two = Open();
  ASSERT_NE(one, nullptr);
  ASSERT_NE(two, nullptr);
  const IdempotencyRecord record{.key = "key-1",
                                 .request_hash = "PUT a",
                                 .status = 0,
                                 .body = R"({"id":"a","seq":1})",
                                 .expires_at = 4'000'000'000};
  std::vector<JournalEntry> first = Upserts({"a"});
  ASSERT_TRUE(one->Append(first, &record).ok());
  // The second replica has not read that append: its own is refused, not
  // numbered 1 a second time.
  std::vector<JournalEntry> stale = Upserts({"b"});
  EXPECT_TRUE(absl::IsAborted(two->Append(stale, nullptr)));
  ASSERT_TRUE(two->Sync().ok());
  EXPECT_EQ(two->last_seq(), 1u);
  absl::StatusOr<std::optional<IdempotencyRecord>> found = two->FindIdempotency("key-1", 1);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->body, record.body);
  EXPECT_FALSE(two->FindIdempotency("key-1", 4'000'000'001)->has_value());  // expired
  std::vector<JournalEntry> retried = Upserts({"b"});
  ASSERT_TRUE(two->Append(retried, nullptr).ok());
  EXPECT_EQ(retried[0].seq, 2u);
  ASSERT_TRUE(one->Sync().ok());
  EXPECT_THAT(EntriesAfter(*one, 0), ElementsAre("1:a", "2:b"));
  EXPECT_THAT(EntriesAfter(*two, 0), ElementsAre("1:a", "2:b"));
  // A publish retried with a key the stream saw (a replica that crashed after
  // its append) is dropped by JetStream, and reads as logged already.
  std::vector<JournalEntry> again = Upserts({"a"});
  EXPECT_TRUE(absl::IsAborted(one->Append(again, &record)));
  ASSERT_TRUE(one->Sync().ok());
  EXPECT_EQ(one->last_seq(), 2u);
}

TEST_F(JetStreamWriteLogTest, AReopenedLogReadsTheStream) {
  {
    std::unique_ptr<WriteLog> log = Open();
    ASSERT_NE(log, nullptr);
    for (const char* id : {"a", "b", "c"}) {
      std::vector<JournalEntry> entries = Upserts({id});
      const IdempotencyRecord record{.key = std::string("k-") + id, .expires_at = 4'000'000'000};
      ASSERT_TRUE(log->Append(entries, &record).ok());
    }
  }
  std::unique_ptr<WriteLog> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->last_seq(), 3u);
  EXPECT_THAT(EntriesAfter(*reopened, 1), ElementsAre("2:b", "3:c"));
  EXPECT_TRUE(reopened->FindIdempotency("k-b", 1)->has_value());
}

TEST_F(JetStreamWriteLogTest, ALongLogIsStreamedInOrderWithItsReindexEvent) {
  constexpr int kAppends = 500;  // far more than a Sync asks for one by one
  {
    std::unique_ptr<WriteLog> log = Open();
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < kAppends; ++i) {
      std::vector<JournalEntry> entries = Upserts({"p" + std::to_string(i)});
      ASSERT_TRUE(log->Append(entries, nullptr).ok());
      if (i == 100) {
        ASSERT_TRUE(log->AppendGeneration({.feeds = {"/shared/feed.jsonl"},
                                           .feed_sha256 = {"ab"},
                                           .analyzer = "fashion",
                                           .log_seq = 101,
                                           .documents = 7,
                                           .digest = "00ff"})
                        .ok());
      }
    }
  }
  std::unique_ptr<WriteLog> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->last_seq(), static_cast<uint64_t>(kAppends));
  const std::vector<std::string> entries = EntriesAfter(*reopened, 0);
  ASSERT_EQ(entries.size(), static_cast<size_t>(kAppends));
  EXPECT_EQ(entries[0], "1:p0");
  EXPECT_EQ(entries[kAppends - 1], "500:p499");
  const std::optional<GenerationEvent> event = reopened->generation();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->id, 103u);  // genesis, 101 appends, then the event
  EXPECT_EQ(event->log_seq, 101u);
  EXPECT_EQ(event->feeds, std::vector<std::string>{"/shared/feed.jsonl"});
  EXPECT_EQ(event->digest, "00ff");
}

TEST_F(JetStreamWriteLogTest, WithoutNatsAppendsFailAsUnavailableAndResumeAfter) {
  std::unique_ptr<WriteLog> log = Open();
  ASSERT_NE(log, nullptr);
  std::vector<JournalEntry> first = Upserts({"a"});
  ASSERT_TRUE(log->Append(first, nullptr).ok());
  nats_.Kill();
  std::vector<JournalEntry> refused_entries = Upserts({"refused"});
  const absl::Status refused = log->Append(refused_entries, nullptr);
  EXPECT_TRUE(absl::IsUnavailable(refused)) << refused;
  EXPECT_TRUE(absl::IsUnavailable(log->Sync()));
  // What was read stays readable meanwhile.
  EXPECT_THAT(EntriesAfter(*log, 0), ElementsAre("1:a"));
  ASSERT_TRUE(nats_.Start());
  // Retried as a client retries: with an idempotency key, so an append whose
  // acknowledgement was lost (it may have reached the stream) is found by the
  // next read instead of being appended twice.
  const IdempotencyRecord record{.key = "retry-b", .expires_at = 4'000'000'000};
  absl::Status resumed = absl::UnavailableError("not tried");
  for (int i = 0; i < 100 && !resumed.ok(); ++i) {  // reconnects within seconds
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    resumed = log->Sync();
    if (!resumed.ok()) continue;
    if (log->FindIdempotency("retry-b", 1)->has_value()) break;
    std::vector<JournalEntry> entries = Upserts({"b"});
    resumed = log->Append(entries, &record);
  }
  ASSERT_TRUE(resumed.ok()) << resumed;
  // "b" once, after "a". (An Unavailable append is not known to have failed:
  // the refused one may have reached the stream before NATS went away.)
  std::vector<std::string> entries = EntriesAfter(*log, 0);
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.front(), "1:a");
  EXPECT_EQ(std::count_if(entries.begin(), entries.end(),
                          [](const std::string& entry) { return entry.ends_with(":b"); }),
            1);
  EXPECT_EQ(std::count_if(entries.begin(), entries.end(),
                          [](const std::string& entry) { return entry.ends_with(":refused"); }) +
                2,
            static_cast<long>(entries.size()));
}

TEST(JetStreamWriteLogOptionsTest, ServersAreAListAndOneIsNeeded) {
  EXPECT_THAT(SplitServers("nats://a:4222, nats://b:4222,"),
              ElementsAre("nats://a:4222", "nats://b:4222"));
  EXPECT_TRUE(absl::IsInvalidArgument(OpenJetStreamWriteLog({}).status()));
}

}  // namespace
}  // namespace vitrine::writes
