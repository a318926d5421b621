// Feed readers: stream catalog records out of JSON Lines or CSV files (optionally
// gzip-compressed), keeping the line number of each record for error reports.
// Reading is sequential; decoding a record into a Product is const and may run on
// any thread, which is how a reindex spreads parsing over cores.
//
//   ASSIGN_OR_RETURN(auto reader, FeedReader::Open("catalog.jsonl.gz"));
//   FeedRecord record;
//   while (reader->Next(record)) {
//     absl::StatusOr<catalog::Product> product = reader->Decode(record);
//   }
//   RETURN_IF_ERROR(reader->status());
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catalog/product.h"

namespace vitrine::indexer {

enum class FeedFormat {
  kAuto,       // by file name: *.csv[.gz] is CSV, anything else JSON Lines
  kJsonLines,  // one JSON object per line
  kCsv,        // RFC 4180; the header row names product fields (see catalog::SetFieldFromText)
};

// One undecoded record.
struct FeedRecord {
  uint64_t line = 0;               // 1-based line where the record starts
  std::string text;                // JSON Lines: the line
  std::vector<std::string> cells;  // CSV: the cells, in header order
  absl::Status read_error;         // set when the record could not even be read (too long, ...)
};

// Records over this size are rejected (and skipped) rather than buffered.
inline constexpr size_t kMaxRecordBytes = 1 << 20;

// How much a reader buffers. The defaults suit real feeds; tests and fuzzers make
// them small, so that record limits and buffer refills are reached by small inputs.
struct FeedReadLimits {
  size_t max_record_bytes = kMaxRecordBytes;  // longer records are rejected and skipped
  size_t buffer_bytes = 256 << 10;            // read buffer (at least 1); grows for long lines
};

class FeedReader {
 public:
  // Opens a feed; gzip files are detected by content. For CSV, reads and checks the
  // header (unknown or repeated columns are an error naming the column).
  static absl::StatusOr<std::unique_ptr<FeedReader>> Open(const std::string& path,
                                                          FeedFormat format = FeedFormat::kAuto,
                                                          FeedReadLimits limits = {});
  virtual ~FeedReader() = default;

  // Reads the next record; false at end of file or on an I/O error (see status()).
  // Blank lines are skipped.
  virtual bool Next(FeedRecord& record) = 0;

  // Turns a record into a validated Product. Thread-safe.
  virtual absl::StatusOr<catalog::Product> Decode(const FeedRecord& record) const = 0;

  // OK, or the I/O error that ended reading.
  virtual absl::Status status() const = 0;

  const std::string& path() const { return path_; }

 protected:
  explicit FeedReader(std::string path) : path_(std::move(path)) {}

 private:
  std::string path_;
};

}  // namespace vitrine::indexer
