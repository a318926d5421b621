// Specification of FeedReader for CSV: RFC 4180 cells (quoted, escaped quotes,
// multi-line), the header check naming the column at fault, exact line numbers.
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
using ::testing::Pair;

constexpr char kHeader[] = "id,title,price\n";

class CsvFeedTest : public ::testing::Test {
 protected:
  // Opens `contents` written to a temporary feed.csv.
  absl::StatusOr<std::unique_ptr<FeedReader>> OpenText(const std::string& contents) {
    return FeedReader::Open(dir_.WriteFile("feed.csv", contents));
  }

  std::unique_ptr<FeedReader> OpenOk(const std::string& path,
                                     FeedFormat format = FeedFormat::kAuto) {
    absl::StatusOr<std::unique_ptr<FeedReader>> reader = FeedReader::Open(path, format);
    EXPECT_TRUE(reader.ok()) << reader.status();
    return reader.ok() ? std::move(*reader) : nullptr;
  }

  testing::TempDir dir_;
};

TEST_F(CsvFeedTest, ReadsRecordsWithTheLineTheyStartOn) {
  std::unique_ptr<FeedReader> reader = OpenOk(testing::TestData("products.csv"));
  ASSERT_NE(reader, nullptr);
  // Line 1 is the header; the third record spans lines 4 and 5.
  EXPECT_THAT(Lines(ReadAll(*reader)), ElementsAre(2, 3, 4));
  EXPECT_TRUE(reader->status().ok());
}

TEST_F(CsvFeedTest, UnescapesDoubledQuotesInQuotedCells) {
  std::unique_ptr<FeedReader> reader = OpenOk(testing::TestData("products.csv"));
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].cells.at(1), "Vero Moda Women \"Classic\" White Shirt");
}

TEST_F(CsvFeedTest, KeepsTheNewlineOfAMultiLineCell) {
  std::unique_ptr<FeedReader> reader = OpenOk(testing::TestData("products.csv"));
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].cells.at(1), "Bata Men Brown Formal Shoes\nwith leather sole");
  EXPECT_EQ(records[2].cells.size(), 10u);
}

TEST_F(CsvFeedTest, DecodesCellsByTheirColumn) {
  std::unique_ptr<FeedReader> reader = OpenOk(testing::TestData("products.csv"));
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 3u);
  absl::StatusOr<catalog::Product> product = reader->Decode(records[2]);
  ASSERT_TRUE(product.ok()) << product.status();
  EXPECT_EQ(product->id, "2003");
  EXPECT_EQ(product->title, "Bata Men Brown Formal Shoes\nwith leather sole");
  EXPECT_EQ(product->brand, "Bata");
  EXPECT_THAT(product->category, ElementsAre("Footwear", "Shoes", "Formal Shoes"));
  EXPECT_EQ(product->gender, "Men");
  EXPECT_EQ(product->color, "Brown");
  EXPECT_THAT(product->sizes, ElementsAre("8", "9"));
  EXPECT_EQ(product->price, 2499.0);
  EXPECT_EQ(product->in_stock, true);
  EXPECT_THAT(product->attributes, ElementsAre(Pair("usage", "Formal")));
}

TEST_F(CsvFeedTest, ReadsGzipInput) {
  const std::string path = dir_.Sub("products.csv.gz");
  WriteGzip(path, testing::ReadFile(testing::TestData("products.csv")));
  std::unique_ptr<FeedReader> reader = OpenOk(path);
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  EXPECT_THAT(Lines(records), ElementsAre(2, 3, 4));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(reader->Decode(records[1]).value_or(catalog::Product()).id, "2002");
}

TEST_F(CsvFeedTest, RecognisesCsvByNameInAnyCase) {
  const std::string path = dir_.WriteFile("FEED.CSV", "id,title\n1,Tee\n");
  std::unique_ptr<FeedReader> reader = OpenOk(path);
  ASSERT_NE(reader, nullptr);
  const std::vector<FeedRecord> records = ReadAll(*reader);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].cells, ElementsAre("1", "Tee"));
}

TEST_F(CsvFeedTest, ExplicitFormatOverridesTheFileName) {
  const std::string path = dir_.WriteFile("feed.txt", "id,title\n1,Tee\n");
  std::unique_ptr<FeedReader> reader = OpenOk(path, FeedFormat::kCsv);
  ASSERT_NE(reader, nullptr);
  EXPECT_THAT(Lines(ReadAll(*reader)), ElementsAre(2));
}

TEST_F(CsvFeedTest, RejectsAnUnknownColumnNamingIt) {
  const absl::Status status = OpenText("id,title,colour\n1,Tee,Red\n").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParameterOf(status), "colour");
  EXPECT_THAT(status.message(), HasSubstr("line 1: unknown column 'colour'"));
}

TEST_F(CsvFeedTest, RejectsABareAttributesColumn) {
  EXPECT_EQ(ParameterOf(OpenText("id,title,attributes\n").status()), "attributes");
}

TEST_F(CsvFeedTest, RejectsARepeatedColumnNamingIt) {
  const absl::Status status = OpenText("id,title,price,title\n").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParameterOf(status), "title");
  EXPECT_THAT(status.message(), HasSubstr("column 'title' appears twice"));
}

TEST_F(CsvFeedTest, RequiresAnIdColumn) {
  EXPECT_EQ(ParameterOf(OpenText("title,price\nTee,10\n").status()), "id");
}

TEST_F(CsvFeedTest, RejectsAnEmptyFile) {
  EXPECT_EQ(OpenText("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenText("\n\n").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CsvFeedTest, TrimsHeaderCellsAndAByteOrderMark) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader = OpenText("\xEF\xBB\xBFid , title\n1,Tee\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::vector<FeedRecord> records = ReadAll(**reader);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ((*reader)->Decode(records[0]).value_or(catalog::Product()).title, "Tee");
}

TEST_F(CsvFeedTest, SkipsBlankLinesButCountsThem) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      OpenText(std::string(kHeader) + "\n1,A,1\r\n\r\n  \n2,B,2\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_THAT(Lines(ReadAll(**reader)), ElementsAre(3, 6));
}

TEST_F(CsvFeedTest, NumbersLinesAfterAMultiLineRecord) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      OpenText(std::string(kHeader) + "1,\"A\nB\nC\",1\n2,D,2\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::vector<FeedRecord> records = ReadAll(**reader);
  EXPECT_THAT(Lines(records), ElementsAre(2, 5));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].cells, ElementsAre("1", "A\nB\nC", "1"));
}

TEST_F(CsvFeedTest, KeepsEmptyCells) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      OpenText(std::string(kHeader) + "1,,\n2,\"\",\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::vector<FeedRecord> records = ReadAll(**reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].cells, ElementsAre("1", "", ""));
  EXPECT_THAT(records[1].cells, ElementsAre("2", "", ""));
}

TEST_F(CsvFeedTest, DecodeRejectsTheWrongNumberOfCells) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      OpenText(std::string(kHeader) + "1,Tee\n2,Tee,10,extra\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  for (const FeedRecord& record : ReadAll(**reader)) {
    const absl::Status status = (*reader)->Decode(record).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << record.line;
    EXPECT_THAT(status.message(), HasSubstr("expected 3 cells")) << record.line;
  }
}

TEST_F(CsvFeedTest, DecodeNamesTheFieldOfABadCell) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      OpenText(std::string(kHeader) + "1,Tee,cheap\n2,,10\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<std::string> fields;
  for (const FeedRecord& record : ReadAll(**reader)) {
    fields.push_back(ParameterOf((*reader)->Decode(record).status()).value_or("<ok>"));
  }
  EXPECT_THAT(fields, ElementsAre("price", "title"));
}

TEST_F(CsvFeedTest, RejectsTextAfterAClosingQuote) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      OpenText(std::string(kHeader) + "1,\"Tee\"shirt,10\n2,Cap,5\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::vector<FeedRecord> records = ReadAll(**reader);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].read_error.message(), HasSubstr("after a closing quote"));
  EXPECT_TRUE(records[1].read_error.ok());
}

TEST_F(CsvFeedTest, RejectsAQuotedCellLeftOpenAtEndOfFile) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      OpenText(std::string(kHeader) + "1,\"Tee,10\n2,Cap,5\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::vector<FeedRecord> records = ReadAll(**reader);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].line, 2u);
  EXPECT_THAT(records[0].read_error.message(), HasSubstr("unterminated quoted cell"));
}

TEST_F(CsvFeedTest, RejectsAnOverLongRecordAndReadsOn) {
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      OpenText(std::string(kHeader) + "1," + std::string(kMaxRecordBytes, 'x') + ",10\n2,Cap,5\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::vector<FeedRecord> records = ReadAll(**reader);
  EXPECT_THAT(Lines(records), ElementsAre(2, 3));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].read_error.message(), HasSubstr("record at line 2 is longer than"));
  EXPECT_TRUE(records[1].read_error.ok());
}

TEST_F(CsvFeedTest, RejectsAnOverLongMultiLineRecord) {
  const std::string half(kMaxRecordBytes / 2 + 1, 'x');
  absl::StatusOr<std::unique_ptr<FeedReader>> reader =
      OpenText(std::string(kHeader) + "1,\"" + half + "\n" + half + "\",10\n");
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::vector<FeedRecord> records = ReadAll(**reader);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0].line, 2u);
  EXPECT_THAT(records[0].read_error.message(), HasSubstr("record at line 2 is longer than"));
}

}  // namespace
}  // namespace vitrine::indexer
