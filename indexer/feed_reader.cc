#include "indexer/feed_reader.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "base/status.h"
#include "base/strings.h"
#include "indexer/internal/csv.h"
#include "indexer/internal/line_reader.h"

namespace vitrine::indexer {
namespace {

using internal::LineReader;

bool IsBlank(std::string_view line) { return Trim(line).empty(); }

absl::Status TooLong(uint64_t line, size_t max_bytes) {
  return InvalidParameter("",
                          StrCat("record at line ", line, " is longer than ", max_bytes, " bytes"));
}

class JsonLinesReader final : public FeedReader {
 public:
  JsonLinesReader(std::string path, size_t max_record_bytes)
      : FeedReader(std::move(path)), max_record_bytes_(max_record_bytes) {}
  LineReader& lines() { return lines_; }

  bool Next(FeedRecord& record) override {
    while (true) {
      record.read_error = absl::OkStatus();
      switch (lines_.Next(record.text, max_record_bytes_)) {
        case LineReader::Result::kEnd:
          return false;
        case LineReader::Result::kTooLong:
          record.line = lines_.line_number();
          record.text.clear();
          record.read_error = TooLong(record.line, max_record_bytes_);
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
  const size_t max_record_bytes_;
  LineReader lines_;
};

class CsvReader final : public FeedReader {
 public:
  CsvReader(std::string path, size_t max_record_bytes)
      : FeedReader(std::move(path)), max_record_bytes_(max_record_bytes) {}
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
      LineReader::Result result = lines_.Next(line, max_record_bytes_);
      if (result == LineReader::Result::kEnd) return false;
      record.line = lines_.line_number();
      if (result == LineReader::Result::kTooLong) {
        record.read_error = TooLong(record.line, max_record_bytes_);
        return true;
      }
      if (IsBlank(line)) continue;
      internal::CsvParser parser;
      size_t bytes = line.size();
      while (parser.Feed(line, record.cells) == internal::CsvParser::State::kInQuotes) {
        // A quoted cell spans lines: keep reading until its closing quote.
        result = lines_.Next(line, max_record_bytes_);
        bytes += line.size();
        if (result != LineReader::Result::kLine || bytes > max_record_bytes_) {
          record.read_error = result == LineReader::Result::kEnd
                                  ? InvalidParameter("", "unterminated quoted cell at end of file")
                                  : TooLong(record.line, max_record_bytes_);
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
    RETURN_IF_ERROR(catalog::CompleteProduct(product));
    return product;
  }

  absl::Status status() const override { return lines_.status(); }

 private:
  const size_t max_record_bytes_;
  LineReader lines_;
  std::vector<std::string> columns_;
};

bool LooksLikeCsv(const std::string& path) {
  return EndsWithIgnoreCase(path, ".csv") || EndsWithIgnoreCase(path, ".csv.gz");
}

}  // namespace

absl::StatusOr<std::unique_ptr<FeedReader>> FeedReader::Open(const std::string& path,
                                                             FeedFormat format,
                                                             FeedReadLimits limits) {
  limits.buffer_bytes = std::max<size_t>(limits.buffer_bytes, 1);
  if (format == FeedFormat::kAuto) {
    format = LooksLikeCsv(path) ? FeedFormat::kCsv : FeedFormat::kJsonLines;
  }
  if (format == FeedFormat::kCsv) {
    auto reader = std::make_unique<CsvReader>(path, limits.max_record_bytes);
    RETURN_IF_ERROR(LineReader::Open(path, limits.buffer_bytes, reader->lines()));
    RETURN_IF_ERROR(reader->ReadHeader());
    return reader;
  }
  auto reader = std::make_unique<JsonLinesReader>(path, limits.max_record_bytes);
  RETURN_IF_ERROR(LineReader::Open(path, limits.buffer_bytes, reader->lines()));
  return reader;
}

}  // namespace vitrine::indexer
