// FeedReadLimits: a reader with a tiny read buffer or a small record limit reads
// exactly what the defaults read, and rejects longer records by line number,
// so the fuzz targets (tests/fuzz) reach buffer refills and limits with small inputs.
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

// What a reader makes of a feed: per record, its line and its text, its cells
// joined by '|', or its read error.
std::vector<std::string> Outcomes(const std::string& path, FeedReadLimits limits) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      FeedReader::Open(path, FeedFormat::kAuto, limits);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return {};
  std::vector<std::string> outcomes;
  for (const FeedRecord& record : ReadAll(**reader)) {
    std::string outcome = StrCat(record.line, ":");
    if (!record.read_error.ok()) {
      outcome.append(FromAbsl(record.read_error.message()));
    } else if (record.cells.empty()) {
      outcome.append(record.text);
    } else {
      for (const std::string& cell : record.cells) outcome.append(cell).append("|");
    }
    outcomes.push_back(outcome);
  }
  EXPECT_TRUE((*reader)->status().ok()) << (*reader)->status();
  return outcomes;
}

TEST(FeedLimits, AnyReadBufferSizeReadsTheSameRecords) {
  testing::TempDir dir;
  const std::string csv = testing::TestData("products.csv");   // a cell spans two lines
  const std::string jsonl = testing::TestData("mixed.jsonl");  // blank lines
  const std::string crlf = dir.WriteFile("crlf.jsonl", "{\"a\": 1}\r\n\r\n{\"b\": 2}\r\nlast");
  const std::string gz = dir.Sub("products.csv.gz");
  WriteGzip(gz, testing::ReadFile(csv));
  for (const std::string& path : {csv, jsonl, crlf, gz}) {
    const std::vector<std::string> expected = Outcomes(path, {});
    ASSERT_FALSE(expected.empty()) << path;
    for (size_t buffer_bytes : {0, 1, 2, 3, 7, 64}) {
      EXPECT_EQ(Outcomes(path, {.buffer_bytes = buffer_bytes}), expected)
          << path << " with a buffer of " << buffer_bytes;
    }
  }
}

TEST(FeedLimits, RecordsOverTheLimitAreRejectedAndReadingGoesOn) {
  testing::TempDir dir;
  const std::string path =
      dir.WriteFile("feed.jsonl", "0123456789\n01234567890123456789\n\n0123\n0123456789ab");
  EXPECT_THAT(Outcomes(path, {.max_record_bytes = 10, .buffer_bytes = 4}),
              ElementsAre("1:0123456789", "2:record at line 2 is longer than 10 bytes", "4:0123",
                          "5:record at line 5 is longer than 10 bytes"));
  const std::string csv = dir.WriteFile("feed.csv", "id,title\n1,\"a\nbcdefghijkl\"\n2,b\n");
  const std::vector<std::string> outcomes =
      Outcomes(csv, {.max_record_bytes = 10, .buffer_bytes = 3});
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_THAT(outcomes[0], HasSubstr("record at line 2 is longer than 10 bytes"));
}

}  // namespace
}  // namespace vitrine::indexer
