#include "indexer/supplemental_feed.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <tuple>

#include "base/status.h"
#include "base/strings.h"
#include "indexer/feed_reader.h"

namespace vitrine::indexer {
namespace {

// Ordered: a patch keeps size_stock in its order.
using OrderedJson = nlohmann::ordered_json;

// The id and the patch (the record without its id) of one supplemental line.
absl::Status ParseRecord(std::string_view text, std::string& id, std::string& patch) {
  OrderedJson record;
  try {
    record = OrderedJson::parse(text);
  } catch (const OrderedJson::exception& e) {
    return InvalidParameter("", StrCat("malformed JSON: ", e.what()));
  }
  if (!record.is_object()) {
    return InvalidParameter(
        "", StrCat("a supplemental record must be a JSON object, got ", record.type_name()));
  }
  const auto found = record.find("id");
  if (found == record.end() || found->is_null()) return InvalidParameter("id", "id is required");
  if (found->is_number_unsigned()) {
    id = found->dump();  // numeric ids mean their decimal string, as in primary feeds
  } else if (found->is_string() && !found->get<std::string>().empty()) {
    id = found->get<std::string>();
  } else {
    return InvalidParameter("id",
                            StrCat("id must be a non-empty string, got ", found->type_name()));
  }
  record.erase(found);
  patch = record.dump();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SupplementalFeeds> SupplementalFeeds::Read(const std::vector<std::string>& paths,
                                                          const RejectFn& reject) {
  SupplementalFeeds feeds;
  for (const std::string& path : paths) {
    if (EndsWithIgnoreCase(path, ".csv") || EndsWithIgnoreCase(path, ".csv.gz")) {
      return InvalidParameter("supplemental_feeds",
                              StrCat(path, ": supplemental feeds are JSON Lines, not CSV"));
    }
    ASSIGN_OR_RETURN(std::unique_ptr<FeedReader> reader,
                     FeedReader::Open(path, FeedFormat::kJsonLines));
    const auto file = static_cast<uint32_t>(feeds.files_.size());
    feeds.files_.push_back(path);
    FeedRecord record;
    while (reader->Next(record)) {
      std::string id;
      std::string patch;
      absl::Status status = record.read_error;
      if (status.ok()) status = ParseRecord(record.text, id, patch);
      if (status.ok()) {
        std::vector<Record>& records = feeds.records_[id];
        if (!records.empty() && records.back().file == file) {
          status = InvalidParameter("id", StrCat("duplicate id '", id, "' (first seen at ", path,
                                                 " line ", records.back().line, ")"));
        } else {
          records.push_back({.file = file, .line = record.line, .patch = std::move(patch)});
          ++feeds.count_;
        }
      }
      if (!status.ok()) RETURN_IF_ERROR(reject({path, record.line}, status));
    }
    RETURN_IF_ERROR(reader->status());
  }
  return feeds;
}

bool SupplementalFeeds::Has(std::string_view id) const { return records_.contains(ToAbsl(id)); }

absl::StatusOr<catalog::Product> SupplementalFeeds::Apply(catalog::Product product,
                                                          FeedLocation& blame) const {
  const auto found = records_.find(product.id);
  if (found == records_.end()) return product;
  for (const Record& record : found->second) {
    absl::StatusOr<catalog::Product> merged = catalog::MergePatch(product, record.patch);
    if (!merged.ok()) {
      blame = {files_[record.file], record.line};
      return merged.status();
    }
    product = *std::move(merged);
  }
  return product;
}

absl::Status SupplementalFeeds::RejectUnmatched(
    const std::function<bool(std::string_view id)>& known, const RejectFn& reject) const {
  std::vector<std::tuple<uint32_t, uint64_t, std::string_view>> unmatched;
  for (const auto& [id, records] : records_) {
    if (known(id)) continue;
    for (const Record& record : records) unmatched.emplace_back(record.file, record.line, id);
  }
  std::sort(unmatched.begin(), unmatched.end());
  for (const auto& [file, line, id] : unmatched) {
    RETURN_IF_ERROR(reject(
        {files_[file], line},
        InvalidParameter("id", StrCat("no product with id '", id, "' in the primary feeds"))));
  }
  return absl::OkStatus();
}

}  // namespace vitrine::indexer
