#include "indexer/feed_reader.h"

#include "absl/container/flat_hash_set.h"
#include "base/status.h"
#include "base/strings.h"
#include "indexer/internal/csv.h"
#include "indexer/internal/line_reader.h"

namespace vitrine::indexer {
namespace {

using internal::LineReader;

bool IsBlank(std::string_view line) { return Trim(line).empty(); }

absl::Status TooLong(uint64_t line) {
  return InvalidParameter(
      "", StrCat("record at line ", line, " is longer than ", kMaxRecordBytes, " bytes"));
}

class JsonLinesReader final : public FeedReader {
 public:
  explicit JsonLinesReader(std::string path) : FeedReader(std::move(path)) {}
  LineReader& lines() { return lines_; }

  bool Next(FeedRecord& record) override {
    while (true) {
      record.read_error = absl::OkStatus();
      switch (lines_.Next(record.text, kMaxRecordBytes)) {
        case LineReader::Result::kEnd:
          return false;
        case LineReader::Result::kTooLong:
          record.line = lines_.line_number();
          record.text.clear();
          record.read_error = TooLong(record.line);
          return true;
        case LineReader::Result::kLine:
          if (IsBlank(record.text)) continue;
          record.line = lines_.line_number();
          return true;
      }
    }
  }

  absl::StatusOr<catalog::Product> Decode(const FeedRecord& record) const override {
    if (!record.read_error.ok()) return record.read_error;
    return catalog::ProductFromJson(record.text);
  }

  absl::Status status() const override { return lines_.status(); }

 private:
  LineReader lines_;
};

class CsvReader final : public FeedReader {
 public:
  explicit CsvReader(std::string path) : FeedReader(std::move(path)) {}
  LineReader& lines() { return lines_; }

  absl::Status ReadHeader() {
    FeedRecord header;
    if (!Next(header)) {
      RETURN_IF_ERROR(lines_.status());
      return InvalidParameter("", StrCat(path(), ": empty CSV feed, expected a header row"));
    }
    RETURN_IF_ERROR(header.read_error);
    absl::flat_hash_set<std::string> seen;
    for (std::string& column : header.cells) {
      column = std::string(Trim(column));
      // A UTF-8 byte order mark is common in spreadsheet exports.
      if (columns_.empty() && column.starts_with("\xEF\xBB\xBF")) column.erase(0, 3);
      if (!catalog::IsKnownField(column) || column == "attributes") {
        return InvalidParameter(
            column, StrCat(path(), " line ", header.line, ": unknown column '", column, "'"));
      }
      if (!seen.insert(column).second) {
        return InvalidParameter(
            column, StrCat(path(), " line ", header.line, ": column '", column, "' appears twice"));
      }
      columns_.push_back(column);
    }
    if (!seen.contains("id")) return InvalidParameter("id", "CSV header has no 'id' column");
    return absl::OkStatus();
  }

  bool Next(FeedRecord& record) override {
    std::string line;
    while (true) {
      record.read_error = absl::OkStatus();
      record.cells.clear();
      LineReader::Result result = lines_.Next(line, kMaxRecordBytes);
      if (result == LineReader::Result::kEnd) return false;
      record.line = lines_.line_number();
      if (result == LineReader::Result::kTooLong) {
        record.read_error = TooLong(record.line);
        return true;
      }
      if (IsBlank(line)) continue;
      internal::CsvParser parser;
      size_t bytes = line.size();
      while (parser.Feed(line, record.cells) == internal::CsvParser::State::kInQuotes) {
        // A quoted cell spans lines: keep reading until its closing quote.
        result = lines_.Next(line, kMaxRecordBytes);
        bytes += line.size();
        if (result != LineReader::Result::kLine || bytes > kMaxRecordBytes) {
          record.read_error = result == LineReader::Result::kEnd
                                  ? InvalidParameter("", "unterminated quoted cell at end of file")
                                  : TooLong(record.line);
          return true;
        }
        parser.AppendNewline();
      }
      record.read_error = parser.error();
      return true;
    }
  }

  absl::StatusOr<catalog::Product> Decode(const FeedRecord& record) const override {
    if (!record.read_error.ok()) return record.read_error;
    if (record.cells.size() != columns_.size()) {
      return InvalidParameter(
          "", StrCat("expected ", columns_.size(), " cells, got ", record.cells.size()));
    }
    catalog::Product product;
    for (size_t i = 0; i < columns_.size(); ++i) {
      RETURN_IF_ERROR(catalog::SetFieldFromText(product, columns_[i], record.cells[i]));
    }
    RETURN_IF_ERROR(catalog::ValidateProduct(product));
    return product;
  }

  absl::Status status() const override { return lines_.status(); }

 private:
  LineReader lines_;
  std::vector<std::string> columns_;
};

bool LooksLikeCsv(const std::string& path) {
  return EndsWithIgnoreCase(path, ".csv") || EndsWithIgnoreCase(path, ".csv.gz");
}

}  // namespace

absl::StatusOr<std::unique_ptr<FeedReader>> FeedReader::Open(const std::string& path,
                                                             FeedFormat format) {
  if (format == FeedFormat::kAuto) {
    format = LooksLikeCsv(path) ? FeedFormat::kCsv : FeedFormat::kJsonLines;
  }
  if (format == FeedFormat::kCsv) {
    auto reader = std::make_unique<CsvReader>(path);
    RETURN_IF_ERROR(LineReader::Open(path, reader->lines()));
    RETURN_IF_ERROR(reader->ReadHeader());
    return reader;
  }
  auto reader = std::make_unique<JsonLinesReader>(path);
  RETURN_IF_ERROR(LineReader::Open(path, reader->lines()));
  return reader;
}

}  // namespace vitrine::indexer
