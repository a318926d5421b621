// Supplemental feeds: partial product records keyed by `id` that add or replace
// fields of the products of the primary feeds, as Google Merchant Center's
// supplemental feeds do. A supplemental record never makes a product: one whose
// id no primary feed has is reported and skipped.
//
// Each record is a JSON Lines object with an `id` and the fields to change,
// applied as a JSON merge patch (catalog::MergePatch: fields replace the
// primary's, `attributes` merge key by key, null removes). Records for one id
// from several supplemental feeds apply in the order the feeds are given; the
// same id twice in one feed is an error. All records are held in memory (a few
// hundred bytes each: the 57k-record demo overlay takes some 20 MB).
//
//   ASSIGN_OR_RETURN(SupplementalFeeds supplements, SupplementalFeeds::Read(paths, reject));
//   FeedLocation blame;
//   absl::StatusOr<catalog::Product> merged = supplements.Apply(std::move(product), blame);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "catalog/product.h"

namespace vitrine::indexer {

// Where a record is: file and 1-based line.
struct FeedLocation {
  std::string file;
  uint64_t line = 0;
};

class SupplementalFeeds {
 public:
  // Called for each record that is reported and skipped, with where it is and
  // why; an error it returns (too many rejections) stops the caller.
  using RejectFn = std::function<absl::Status(const FeedLocation& where, const absl::Status& why)>;

  // Reads every record of `paths` (JSON Lines, plain or gzip; CSV is refused).
  // Malformed lines and records without an id are rejected through `reject`;
  // an unreadable file is an error.
  static absl::StatusOr<SupplementalFeeds> Read(const std::vector<std::string>& paths,
                                                const RejectFn& reject);

  SupplementalFeeds() = default;

  // `product` with every record for its id applied, in feed order; unchanged
  // when there is none. On an error (the merged product is invalid), `blame`
  // says which supplemental record made it so. Thread-safe.
  absl::StatusOr<catalog::Product> Apply(catalog::Product product, FeedLocation& blame) const;

  // True when a record has this id.
  bool Has(std::string_view id) const;

  // Rejects, in feed order, every record whose id `known` does not accept:
  // its product was in no primary feed.
  absl::Status RejectUnmatched(const std::function<bool(std::string_view id)>& known,
                               const RejectFn& reject) const;

  size_t size() const { return count_; }  // records held

 private:
  struct Record {
    uint32_t file = 0;  // index into files_
    uint64_t line = 0;
    std::string patch;  // the JSON object, without its id
  };

  std::vector<std::string> files_;
  absl::flat_hash_map<std::string, std::vector<Record>> records_;
  size_t count_ = 0;
};

}  // namespace vitrine::indexer
