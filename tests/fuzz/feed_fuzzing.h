// The feed readers' fuzz step, shared by the JSON Lines, CSV and gzip targets:
// open a feed file with the limits the input chose, read and decode every
// record, and check that each product
// accepted survives its snapshot (ProductToJson, then ProductFromJson) unchanged,
// since PATCH and hydration read snapshots back.
#pragma once

#include <string>

#include "catalog/product.h"
#include "indexer/feed_reader.h"
#include "tests/fuzz/fuzz_fixture.h"

namespace vitrine::fuzz {

inline void CheckSnapshotRoundTrip(const catalog::Product& product) {
  Require(catalog::ValidateProduct(product).ok(), "an accepted product fails validation");
  const std::string snapshot = catalog::ProductToJson(product);
  absl::StatusOr<catalog::Product> again = catalog::ProductFromJson(snapshot);
  Require(again.ok(), "a product's snapshot does not parse back");
  Require(*again == product, "a product's snapshot parses back to another product");
  Require(catalog::ProductToJson(*again) == snapshot, "a snapshot is not canonical");
}

// A reader's limits from one input byte: bit 7 set, the defaults; else a read
// buffer of 1-32 bytes (bits 0-4), so refills and line growth happen within small
// inputs, and a record limit (bits 5-6) of the default, 16, 64 or 512 bytes.
inline indexer::FeedReadLimits LimitsFrom(uint8_t byte) {
  if (byte & 0x80) return {};
  static constexpr size_t kRecordLimits[] = {indexer::kMaxRecordBytes, 16, 64, 512};
  return {.max_record_bytes = kRecordLimits[(byte >> 5) & 3],
          .buffer_bytes = static_cast<size_t>(1 + (byte & 0x1F))};
}

inline void ReadWholeFeed(const std::string& path, indexer::FeedFormat format,
                          const indexer::FeedReadLimits& limits) {
  absl::StatusOr<std::unique_ptr<indexer::FeedReader>> reader =
      indexer::FeedReader::Open(path, format, limits);
  if (!reader.ok()) return;
  indexer::FeedRecord record;
  uint64_t last_line = 0;
  while ((*reader)->Next(record)) {
    Require(record.line > last_line, "record line numbers do not increase");
    last_line = record.line;
    Require(record.text.size() <= limits.max_record_bytes, "a record over the limit was kept");
    absl::StatusOr<catalog::Product> product = (*reader)->Decode(record);
    if (product.ok()) CheckSnapshotRoundTrip(*product);
  }
}

}  // namespace vitrine::fuzz
