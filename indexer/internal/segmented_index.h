// Builds a generation's Xapian database from documents given in order, using
// every core: consecutive runs of documents (segments) become partial databases
// of their own, written on threads of their own, and Xapian's compactor joins
// them in order at the end. A partial database keeps its documents in the order
// they were added and the compactor numbers each one's documents after those of
// the ones before it, so document ids follow the order of Add, as a single
// writer's would. The writer threads run at the priority of the thread that
// adds (a new thread inherits its creator's nice value). Private to indexer/.
//
//   SegmentedIndex index(generation.xapian_path(), {.writers = 2});
//   for (...) RETURN_IF_ERROR(index.Add(std::move(document)));
//   index.AddSpelling(word, count);
//   index.SetMetadata(key, value);
//   RETURN_IF_ERROR(index.Finish());
#pragma once

#include <xapian.h>

#include <deque>
#include <future>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace vitrine::indexer::internal {

struct SegmentedIndexOptions {
  // Partial databases written at once (at least 1). Each holds its documents
  // in memory until written (some 30 MB for 8,192 products).
  int writers = 1;
  // Documents per partial database. Below Xapian's flush threshold (10,000),
  // each is written in one pass, never merged into postings already on disk.
  size_t segment_documents = 8192;
  // Partial databases joined at once (each holds 4 files open); more are
  // joined in groups first. 0: as many as the open-file limit leaves room for.
  size_t join_fan_in = 0;
};

class SegmentedIndex {
 public:
  // The joined database is created at `path`, which must not exist; partial
  // databases live in `path` + ".parts" until Finish.
  SegmentedIndex(std::string path, SegmentedIndexOptions options);
  // Waits for the writers; a database not finished is left for the caller to remove.
  ~SegmentedIndex();
  SegmentedIndex(const SegmentedIndex&) = delete;
  SegmentedIndex& operator=(const SegmentedIndex&) = delete;

  // Adds a document after every one added before it. An error is a partial
  // database that could not be written.
  absl::Status Add(Xapian::Document document);
  // Spelling data and user metadata of the joined database.
  void AddSpelling(std::string word, Xapian::termcount frequency);
  void SetMetadata(std::string key, std::string value);
  // Writes what is left, joins every partial database into `path` (committed,
  // not synced) and removes them.
  absl::Status Finish();

 private:
  // Hands the documents gathered so far to a writer.
  absl::Status StartSegment();
  absl::Status WaitForOldest();
  // Joins `parts` into `into`, in order.
  static absl::Status Join(const std::vector<std::string>& parts, const std::string& into);

  const std::string path_;
  const SegmentedIndexOptions options_;
  std::vector<std::string> parts_;  // the partial databases, in order
  std::vector<Xapian::Document> pending_;
  std::vector<std::pair<std::string, Xapian::termcount>> spelling_;
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::deque<std::future<absl::Status>> writing_;
};

}  // namespace vitrine::indexer::internal
