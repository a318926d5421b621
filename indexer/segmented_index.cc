#include "indexer/internal/segmented_index.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::indexer::internal {
namespace {

// Writes one partial database. A thread of its own (std::launch::async).
absl::Status WritePart(const std::string& path, std::vector<Xapian::Document> documents,
                       std::vector<std::pair<std::string, Xapian::termcount>> spelling,
                       std::vector<std::pair<std::string, std::string>> metadata) {
  try {
    // The joined database is synced once, as a whole; its parts never are.
    Xapian::WritableDatabase database(path, Xapian::DB_CREATE | Xapian::DB_NO_SYNC);
    for (const Xapian::Document& document : documents) database.add_document(document);
    documents = {};
    for (const auto& [word, frequency] : spelling) database.add_spelling(word, frequency);
    for (const auto& [key, value] : metadata) database.set_metadata(key, value);
    database.commit();
    database.close();
  } catch (const Xapian::Error& e) {
    return absl::InternalError(StrCat("writing ", path, ": ", e.get_description()));
  } catch (const std::exception& e) {  // out of memory
    return absl::InternalError(StrCat("writing ", path, ": ", e.what()));
  }
  return absl::OkStatus();
}

// Partial databases one join may open: each holds 4 files (postings, terms,
// document data, positions), and the process needs room for the rest (the
// snapshot store's files, a server's connections).
size_t FanInFromFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1024;
  const size_t open = static_cast<size_t>(limit.rlim_cur);
  return std::clamp<size_t>(open > 256 ? (open - 256) / 6 : 0, 8, 1024);
}

std::string PartName(const std::string& dir, std::string_view kind, size_t number) {
  char name[32];
  std::snprintf(name, sizeof(name), "/%.*s%06zu", static_cast<int>(kind.size()), kind.data(),
                number);
  return dir + name;
}

}  // namespace

SegmentedIndex::SegmentedIndex(std::string path, SegmentedIndexOptions options)
    : path_(std::move(path)), options_(options) {
  pending_.reserve(options_.segment_documents);
}

SegmentedIndex::~SegmentedIndex() {
  for (std::future<absl::Status>& writing : writing_) writing.wait();
}

absl::Status SegmentedIndex::Add(Xapian::Document document) {
  pending_.push_back(std::move(document));
  if (pending_.size() < std::max<size_t>(options_.segment_documents, 1)) return absl::OkStatus();
  return StartSegment();
}

void SegmentedIndex::AddSpelling(std::string word, Xapian::termcount frequency) {
  spelling_.emplace_back(std::move(word), frequency);
}

void SegmentedIndex::SetMetadata(std::string key, std::string value) {
  metadata_.emplace_back(std::move(key), std::move(value));
}

absl::Status SegmentedIndex::StartSegment() {
  while (static_cast<int>(writing_.size()) >= std::max(options_.writers, 1)) {
    RETURN_IF_ERROR(WaitForOldest());
  }
  parts_.push_back(PartName(path_ + ".parts", "", parts_.size()));
  if (parts_.size() == 1) {
    std::error_code error;
    std::filesystem::create_directories(path_ + ".parts", error);
    if (error) return absl::InternalError(StrCat("creating ", path_, ".parts: ", error.message()));
  }
  std::vector<Xapian::Document> documents;
  documents.swap(pending_);
  pending_.reserve(options_.segment_documents);
  try {
    writing_.push_back(std::async(std::launch::async, WritePart, parts_.back(),
                                  std::move(documents), std::exchange(spelling_, {}),
                                  std::exchange(metadata_, {})));
  } catch (const std::system_error& e) {  // no thread to be had
    return absl::InternalError(StrCat("starting a writer for ", parts_.back(), ": ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status SegmentedIndex::WaitForOldest() {
  absl::Status status = writing_.front().get();
  writing_.pop_front();
  return status;
}

absl::Status SegmentedIndex::Finish() {
  // The last part holds what is left, and the spelling data and metadata: a
  // database of no documents when the documents filled whole segments.
  RETURN_IF_ERROR(StartSegment());
  while (!writing_.empty()) RETURN_IF_ERROR(WaitForOldest());
  // More parts than one join may open are joined in groups first (4M
  // products are 489 parts), each group in order, then the groups.
  const size_t fan_in =
      std::max<size_t>(options_.join_fan_in > 0 ? options_.join_fan_in : FanInFromFileLimit(), 2);
  std::vector<std::string> parts = parts_;
  for (size_t round = 0; parts.size() > fan_in; ++round) {
    std::vector<std::string> groups;
    for (size_t first = 0; first < parts.size(); first += fan_in) {
      const std::vector<std::string> group(
          parts.begin() + static_cast<std::ptrdiff_t>(first),
          parts.begin() + static_cast<std::ptrdiff_t>(std::min(parts.size(), first + fan_in)));
      groups.push_back(PartName(path_ + ".parts", StrCat("join", round, "-"), groups.size()));
      RETURN_IF_ERROR(Join(group, groups.back()));
      for (const std::string& part : group) {
        std::error_code ignored;  // removed with the rest at the end if not now
        std::filesystem::remove_all(part, ignored);
      }
    }
    parts = std::move(groups);
  }
  RETURN_IF_ERROR(Join(parts, path_));
  std::error_code error;
  std::filesystem::remove_all(path_ + ".parts", error);
  if (error) return absl::InternalError(StrCat("removing ", path_, ".parts: ", error.message()));
  return absl::OkStatus();
}

absl::Status SegmentedIndex::Join(const std::vector<std::string>& parts, const std::string& into) {
  try {
    Xapian::Database sources;
    for (const std::string& part : parts) sources.add_database(Xapian::Database(part));
    // Renumbering (the default) gives each part's documents the ids after the
    // last one of the parts before it. One pass merges all parts (3.8 s for
    // the 123 parts of 1M products; DBCOMPACT_MULTIPASS took 7.0 s).
    sources.compact(into, 0);
  } catch (const Xapian::Error& e) {
    return absl::InternalError(
        StrCat("joining the partial databases into ", into, ": ", e.get_description()));
  }
  return absl::OkStatus();
}

}  // namespace vitrine::indexer::internal
