// Live updates of one generation: applies journaled product writes to its
// Xapian database (replace or delete by id term) and its snapshot store, and
// commits them in batches so readers see them within a commit interval. The
// generation records the last journal entry it holds (catalog/index_schema.h
// kJournalSeqKey) in the same commit, so its owner replays exactly the entries
// it misses from the log: after a crash, after a reindex built it while writes
// went on, and after a failed apply or commit.
//
//   ASSIGN_OR_RETURN(auto writer, LiveWriter::Open(options));
//   RETURN_IF_ERROR(journal->ForEachAfter(writer->applied_seq(), apply_one));
//   ASSIGN_OR_RETURN(std::vector<Xapian::docid> changed, writer->Commit());
//
// Changes since the last commit are one Xapian transaction: a writer whose
// Apply or Commit failed is closed (the transaction is dropped, never committed)
// and a new one is opened at the last commit and replays from there.
// Thread-safe; one writer per generation (Xapian allows one).
#pragma once

#include <xapian.h>

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzers/analyzer.h"
#include "catalog/product_store.h"
#include "indexer/generations.h"
#include "indexer/journal.h"

namespace vitrine::indexer {

struct LiveWriterOptions {
  std::string xapian_path;
  std::shared_ptr<catalog::ProductStore> store;         // the generation's, opened read-write
  std::shared_ptr<const analyzers::Analyzer> analyzer;  // the generation's
  // Fault injection for tests, null in production: called before each entry is
  // applied (step "apply") and before each commit ("commit"); an error fails
  // that step as an I/O error would.
  std::function<absl::Status(std::string_view step)> fault;
};

class LiveWriter {
 public:
  // Opens the generation for writing at its last commit; applied_seq() is the
  // journal sequence number that commit recorded.
  static absl::StatusOr<std::unique_ptr<LiveWriter>> Open(LiveWriterOptions options);
  ~LiveWriter();

  // Applies journal entries in sequence order; readers see them after the next
  // Commit. Entries the generation holds already are skipped; any other must be
  // the next after applied_seq() (a gap is FailedPrecondition: replay the log).
  // After an error, close this writer and open a new one.
  absl::Status Apply(std::span<const JournalEntry> entries);

  // Commits what was applied since the last commit; returns the document ids
  // it changed (added, replaced or deleted), empty when there was nothing.
  // After an error, close this writer and open a new one.
  absl::StatusOr<std::vector<Xapian::docid>> Commit();

  uint64_t applied_seq() const;
  uint64_t committed_seq() const;
  const std::vector<std::string>& filterable_attributes() const { return attributes_; }

 private:
  LiveWriter(LiveWriterOptions options, Xapian::WritableDatabase database);
  absl::Status ApplyOne(const JournalEntry& entry);

  const LiveWriterOptions options_;
  mutable std::mutex mutex_;
  Xapian::WritableDatabase database_;
  std::vector<std::string> attributes_;
  bool in_transaction_ = false;
  uint64_t applied_seq_ = 0;
  uint64_t committed_seq_ = 0;
  std::vector<Xapian::docid> changed_;
};

// Journal retention: the entries every complete generation of `dir` already
// holds, i.e. the lowest sequence number they recorded (0 if one recorded none).
// Entries up to it may be pruned: whichever generation is made current again
// (rollback) still finds every later write to catch up with.
absl::StatusOr<uint64_t> JournalSeqHeldByAll(const DataDir& dir);

}  // namespace vitrine::indexer
