#include "indexer/internal/line_reader.h"

#include <cerrno>
#include <cstring>

#include "base/strings.h"

namespace vitrine::indexer::internal {
LineReader::~LineReader() {
  if (file_ != nullptr) gzclose(file_);
}

absl::Status LineReader::Open(const std::string& path, size_t buffer_bytes, LineReader& reader) {
  // gzopen reads uncompressed files transparently.
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::NotFoundError(StrCat("cannot open feed ", path, ": ", std::strerror(errno)));
  }
  gzbuffer(file, static_cast<unsigned>(buffer_bytes));
  reader.file_ = file;
  reader.path_ = path;
  reader.buffer_.resize(buffer_bytes);
  return absl::OkStatus();
}

bool LineReader::Fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  const int n = gzread(file_, buffer_.data() + end_, static_cast<unsigned>(buffer_.size() - end_));
  if (n < 0) {
    int code;
    status_ = absl::DataLossError(StrCat("reading ", path_, ": ", gzerror(file_, &code)));
    eof_ = true;
    return false;
  }
  if (n == 0) {
    eof_ = true;
    return false;
  }
  end_ += static_cast<size_t>(n);
  return true;
}

LineReader::Result LineReader::Next(std::string& line, size_t max_bytes) {
  size_t scanned = begin_;
  bool too_long = false;
  while (true) {
    const char* found =
        static_cast<const char*>(std::memchr(buffer_.data() + scanned, '\n', end_ - scanned));
    if (found != nullptr) {
      const size_t stop = static_cast<size_t>(found - buffer_.data());
      ++line_number_;
      if (!too_long) {
        size_t length = stop - begin_;
        if (length > 0 && buffer_[begin_ + length - 1] == '\r') --length;
        // The whole line may have arrived in one read, before the check below saw it.
        too_long = length > max_bytes;
        if (!too_long) line.assign(buffer_.data() + begin_, length);
      }
      begin_ = stop + 1;
      return too_long ? Result::kTooLong : Result::kLine;
    }
    if (end_ - begin_ > max_bytes) {
      // Drop what we have of an over-long line and keep scanning for its end.
      too_long = true;
      begin_ = end_;
    }
    scanned = end_;
    const size_t consumed_before_fill = begin_;
    if (!Fill()) break;
    scanned -= consumed_before_fill;
  }
  if (begin_ == end_ && !too_long) return Result::kEnd;
  ++line_number_;
  if (!too_long) line.assign(buffer_.data() + begin_, end_ - begin_);
  begin_ = end_;
  return too_long ? Result::kTooLong : Result::kLine;
}

}  // namespace vitrine::indexer::internal
