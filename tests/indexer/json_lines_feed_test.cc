// Specification of FeedReader for JSON Lines: records with exact line numbers,
// per-record decoding errors, gzip input and the record size limit.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "indexer/feed_reader.h"
#include "tests/indexer/feed_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::indexer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<FeedReader> OpenFeed(const std::string& path,
                                     FeedFormat format = FeedFormat::kAuto) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader = FeedReader::Open(path, format);
  EXPECT_TRUE(reader.ok()) << reader.status();
  return reader.ok() ? std::move(*reader) : nullptr;
}

std::vector<std::string> DecodedIds(const FeedReader& reader,
                                    const std::vector<FeedRecord>& records) {
  std::vector<std::string> ids;
  for (const FeedRecord& record : records) {
    absl::StatusOr<catalog::Product> product = reader.Decode(record);
    ids.push_back(product.ok() ? product->id : "<error>");
  }
  return ids;
}

TEST(JsonLinesFeed, ReadsEveryRecordWithItsLineNumber) {
  std::unique_ptr<FeedReader> reader = OpenFeed(testing::TestData("products.jsonl"));
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  EXPECT_THAT(Lines(records), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
  EXPECT_THAT(DecodedIds(*reader, records),
              ElementsAre("1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009",
                          "1010", "1011", "1012"));
  EXPECT_TRUE(reader->status().ok());
}

TEST(JsonLinesFeed, SkipsBlankLinesButCountsThem) {
  std::unique_ptr<FeedReader> reader = OpenFeed(testing::TestData("mixed.jsonl"));
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(Lines(ReadAll(*reader)), ElementsAre(1, 2, 3, 5, 6, 7, 8, 9));
}

TEST(JsonLinesFeed, DecodeReportsEachBadRecordNamingTheField) {
  std::unique_ptr<FeedReader> reader = OpenFeed(testing::TestData("mixed.jsonl"));
  ASSERT_NE(reader, nullptr);
  std::vector<std::string> outcomes;  // "<line>:ok" or "<line>:<field>"
  for (const FeedRecord& record : ReadAll(*reader)) {
    absl::StatusOr<catalog::Product> product = reader->Decode(record);
    outcomes.push_back(std::to_string(record.line) + ":" +
                       (product.ok() ? "ok" : ParameterOf(product.status()).value_or("?")));
  }
  // Line 3 repeats id 3001; duplicates are the reindex's to reject, not the decoder's.
  EXPECT_THAT(outcomes,
              ElementsAre("1:ok", "2:price", "3:ok", "5:id", "6:colour", "7:", "8:ok", "9:title"));
}

TEST(JsonLinesFeed, AcceptsCrLfLineEndingsAndAMissingFinalNewline) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile(
      "feed.jsonl", "{\"id\": \"1\", \"title\": \"A\"}\r\n\r\n{\"id\": \"2\", \"title\": \"B\"}");
  std::unique_ptr<FeedReader> reader = OpenFeed(path);
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  EXPECT_THAT(Lines(records), ElementsAre(1, 3));
  EXPECT_THAT(DecodedIds(*reader, records), ElementsAre("1", "2"));
}

TEST(JsonLinesFeed, ReadsGzipInput) {
  testing::TempDir dir;
  const std::string path = dir.Sub("products.jsonl.gz");
  WriteGzip(path, testing::ReadFile(testing::TestData("products.jsonl")));
  std::unique_ptr<FeedReader> reader = OpenFeed(path);
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  EXPECT_THAT(Lines(records), ElementsAre(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
  EXPECT_EQ(DecodedIds(*reader, records).back(), "1012");
  EXPECT_TRUE(reader->status().ok());
}

TEST(JsonLinesFeed, DetectsGzipByContentNotName) {
  testing::TempDir dir;
  const std::string path = dir.Sub("feed.jsonl");
  WriteGzip(path, "{\"id\": \"7\", \"title\": \"Gzipped\"}\n");
  std::unique_ptr<FeedReader> reader = OpenFeed(path);
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(DecodedIds(*reader, ReadAll(*reader)), ElementsAre("7"));
}

TEST(JsonLinesFeed, OpenOfAMissingFileIsNotFound) {
  testing::TempDir dir;
  EXPECT_EQ(FeedReader::Open(dir.Sub("missing.jsonl")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(JsonLinesFeed, AcceptsARecordOfExactlyTheMaximumSize) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile(
      "feed.jsonl", std::string(kMaxRecordBytes, 'x') + "\n{\"id\":\"2\",\"title\":\"B\"}\n");
  std::unique_ptr<FeedReader> reader = OpenFeed(path);
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[0].read_error.ok()) << records[0].read_error;
  EXPECT_EQ(records[0].text.size(), kMaxRecordBytes);
}

TEST(JsonLinesFeed, RejectsARecordOneByteOverTheMaximumAndReadsOn) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile("feed.jsonl", "{\"id\":\"1\",\"title\":\"A\"}\n" +
                                                           std::string(kMaxRecordBytes + 1, 'x') +
                                                           "\n{\"id\":\"3\",\"title\":\"C\"}\n");
  std::unique_ptr<FeedReader> reader = OpenFeed(path);
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  EXPECT_THAT(Lines(records), ElementsAre(1, 2, 3));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].read_error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(reader->Decode(records[1]).status().message()),
              HasSubstr("record at line 2 is longer than"));
  EXPECT_THAT(DecodedIds(*reader, records), ElementsAre("1", "<error>", "3"));
}

TEST(JsonLinesFeed, RejectsAFarTooLongRecordAndReadsOn) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile(
      "feed.jsonl", std::string(3 * kMaxRecordBytes, 'x') + "\n{\"id\":\"2\",\"title\":\"B\"}");
  std::unique_ptr<FeedReader> reader = OpenFeed(path);
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_FALSE(records[0].read_error.ok());
  EXPECT_TRUE(records[0].text.empty());
  EXPECT_EQ(records[1].line, 2u);
  EXPECT_THAT(DecodedIds(*reader, records), ElementsAre("<error>", "2"));
}

TEST(JsonLinesFeed, RejectsAnOverLongLastLineWithoutNewline) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile("feed.jsonl", std::string(kMaxRecordBytes + 1, 'x'));
  std::unique_ptr<FeedReader> reader = OpenFeed(path);
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_FALSE(records[0].read_error.ok());
}

TEST(JsonLinesFeed, ExplicitFormatOverridesTheFileName) {
  testing::TempDir dir;
  const std::string path = dir.WriteFile("feed.csv", "{\"id\": \"1\", \"title\": \"A\"}\n");
  std::unique_ptr<FeedReader> reader = OpenFeed(path, FeedFormat::kJsonLines);
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(DecodedIds(*reader, ReadAll(*reader)), ElementsAre("1"));
}

}  // namespace
}  // namespace vitrine::indexer
