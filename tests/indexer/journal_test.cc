// Specification of the update journal: ordered sequence numbers, durable
// entries and idempotency records that expire.
#include "indexer/journal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace vitrine::indexer {
namespace {

using ::testing::ElementsAre;

std::vector<JournalEntry> Upserts(std::vector<std::string> ids) {
  std::vector<JournalEntry> entries;
  for (std::string& id : ids) {
    entries.push_back({.op = JournalOp::kUpsert, .id = id, .snapshot = R"({"id":")" + id + "\"}"});
  }
  return entries;
}

std::vector<uint64_t> SeqsAfter(const Journal& journal, uint64_t seq) {
  std::vector<uint64_t> seqs;
  EXPECT_TRUE(journal
                  .ForEachAfter(seq,
                                [&](const JournalEntry& entry) {
                                  seqs.push_back(entry.seq);
                                  return absl::OkStatus();
                                })
                  .ok());
  return seqs;
}

TEST(Journal, NumbersEntriesInOrderFromOne) {
  testing::TempDir dir;
  auto journal = Journal::Open(dir.Sub("journal")).value();
  EXPECT_EQ(journal->last_seq(), 0u);
  std::vector<JournalEntry> first = Upserts({"a", "b"});
  ASSERT_TRUE(journal->Append(first, nullptr).ok());
  EXPECT_EQ(first[0].seq, 1u);
  EXPECT_EQ(first[1].seq, 2u);
  std::vector<JournalEntry> second = {{.op = JournalOp::kDelete, .id = "a"}};
  ASSERT_TRUE(journal->Append(second, nullptr).ok());
  EXPECT_EQ(second[0].seq, 3u);
  EXPECT_THAT(SeqsAfter(*journal, 0), ElementsAre(1, 2, 3));
  EXPECT_THAT(SeqsAfter(*journal, 2), ElementsAre(3));
}

TEST(Journal, KeepsEntriesAcrossReopening) {
  testing::TempDir dir;
  {
    auto journal = Journal::Open(dir.Sub("journal")).value();
    std::vector<JournalEntry> entries = Upserts({"x", "y"});
    ASSERT_TRUE(journal->Append(entries, nullptr).ok());
  }
  EXPECT_EQ(Journal::LastSeqAt(dir.Sub("journal")).value(), 2u);
  auto journal = Journal::Open(dir.Sub("journal")).value();
  EXPECT_EQ(journal->last_seq(), 2u);
  std::vector<JournalEntry> seen;
  ASSERT_TRUE(journal
                  ->ForEachAfter(0,
                                 [&](const JournalEntry& entry) {
                                   seen.push_back(entry);
                                   return absl::OkStatus();
                                 })
                  .ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].id, "y");
  EXPECT_EQ(seen[1].op, JournalOp::kUpsert);
  EXPECT_EQ(seen[1].snapshot, R"({"id":"y"})");
}

TEST(Journal, ALastSeqOfNoJournalIsZero) {
  testing::TempDir dir;
  EXPECT_EQ(Journal::LastSeqAt(dir.Sub("none")).value(), 0u);
}

TEST(Journal, StoresIdempotencyRecordsUntilTheyExpire) {
  testing::TempDir dir;
  auto journal = Journal::Open(dir.Sub("journal")).value();
  const IdempotencyRecord record{
      .key = "k1", .request_hash = "h", .status = 201, .body = "{}", .expires_at = 1000};
  std::vector<JournalEntry> entries = Upserts({"a"});
  ASSERT_TRUE(journal->Append(entries, &record).ok());
  const auto found = journal->FindIdempotency("k1", 999).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->request_hash, "h");
  EXPECT_EQ(found->status, 201);
  EXPECT_FALSE(journal->FindIdempotency("k1", 1000).value().has_value());  // expired
  EXPECT_FALSE(journal->FindIdempotency("other", 0).value().has_value());
}

TEST(Journal, PruningDropsEntriesThroughASeqButNeverTheLast) {
  testing::TempDir dir;
  {
    auto journal = Journal::Open(dir.Sub("journal")).value();
    std::vector<JournalEntry> entries = Upserts({"a", "b", "c", "d", "e"});
    ASSERT_TRUE(journal->Append(entries, nullptr).ok());
    EXPECT_EQ(journal->Prune(3, 0).value().entries, 3u);
    EXPECT_EQ(journal->first_seq().value(), 4u);
    EXPECT_THAT(SeqsAfter(*journal, 0), ElementsAre(4, 5));
    EXPECT_EQ(journal->Prune(3, 0).value().entries, 0u);  // nothing left to drop
    // Through everything: the last entry stays, so numbering carries on.
    EXPECT_EQ(journal->Prune(100, 0).value().entries, 1u);
    EXPECT_THAT(SeqsAfter(*journal, 0), ElementsAre(5));
  }
  auto journal = Journal::Open(dir.Sub("journal")).value();
  EXPECT_EQ(journal->last_seq(), 5u);
  std::vector<JournalEntry> next = Upserts({"f"});
  ASSERT_TRUE(journal->Append(next, nullptr).ok());
  EXPECT_EQ(next[0].seq, 6u);
  EXPECT_THAT(SeqsAfter(*journal, 4), ElementsAre(5, 6));
}

TEST(Journal, PruningDropsOnlyExpiredIdempotencyRecords) {
  testing::TempDir dir;
  auto journal = Journal::Open(dir.Sub("journal")).value();
  for (const auto& [key, expires_at] : {std::pair{"old", 1000}, std::pair{"new", 3000}}) {
    const IdempotencyRecord record{
        .key = key, .request_hash = "h", .status = 201, .body = "{}", .expires_at = expires_at};
    std::vector<JournalEntry> entries = Upserts({key});
    ASSERT_TRUE(journal->Append(entries, &record).ok());
  }
  const Journal::Pruned pruned = journal->Prune(0, 2000).value();
  EXPECT_EQ(pruned.idempotency_records, 1u);
  EXPECT_EQ(pruned.entries, 0u);
  EXPECT_FALSE(journal->FindIdempotency("old", 0).value().has_value());  // gone, not just expired
  EXPECT_TRUE(journal->FindIdempotency("new", 2000).value().has_value());
  EXPECT_THAT(SeqsAfter(*journal, 0), ElementsAre(1, 2));
}

}  // namespace
}  // namespace vitrine::indexer
