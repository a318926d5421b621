// Helpers for the feed reader tests: read a whole feed, write gzip files.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/feed_reader.h"

namespace vitrine::indexer {

// Every record of `reader`, in order.
inline std::vector<FeedRecord> ReadAll(FeedReader& reader) {
  std::vector<FeedRecord> records;
  FeedRecord record;
  while (reader.Next(record)) records.push_back(record);
  return records;
}

// The starting line of each record.
inline std::vector<uint64_t> Lines(const std::vector<FeedRecord>& records) {
  std::vector<uint64_t> lines;
  for (const FeedRecord& record : records) lines.push_back(record.line);
  return lines;
}

// Writes `contents` gzip-compressed to `path` with zlib.
inline void WriteGzip(const std::string& path, std::string_view contents) {
  gzFile file = gzopen(path.c_str(), "wb");
  if (file == nullptr) throw std::runtime_error("gzopen failed: " + path);
  const int written = gzwrite(file, contents.data(), static_cast<unsigned>(contents.size()));
  if (gzclose(file) != Z_OK || written != static_cast<int>(contents.size())) {
    throw std::runtime_error("gzwrite failed: " + path);
  }
}

}  // namespace vitrine::indexer
