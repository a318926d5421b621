// Buffered reading of lines from a plain or gzip file through zlib; private to indexer/.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace vitrine::indexer::internal {

class LineReader {
 public:
  ~LineReader();
  // `buffer_bytes` (at least 1): what one read asks zlib for; the buffer grows
  // while a line does not fit.
  static absl::Status Open(const std::string& path, size_t buffer_bytes, LineReader& reader);

  enum class Result { kLine, kTooLong, kEnd };
  // Reads one line without its "\n" (and "\r\n"). Lines over `max_bytes` are
  // skipped to their end and reported as kTooLong.
  Result Next(std::string& line, size_t max_bytes);

  uint64_t line_number() const { return line_number_; }
  absl::Status status() const { return status_; }

 private:
  bool Fill();

  gzFile file_ = nullptr;
  std::string path_;
  std::string buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0;
  absl::Status status_;
};

}  // namespace vitrine::indexer::internal
