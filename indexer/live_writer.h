// Live updates of one generation: applies journaled product writes to its
// Xapian database (replace or delete by id term) and its snapshot store, and
// commits them in batches so readers see them within a commit interval. The
// generation records the last journal entry it holds (catalog/index_schema.h
// kJournalSeqKey) in the same commit, so opening a writer replays exactly the
// entries it misses: after a crash, and after a reindex built it while writes
// went on.
//
//   ASSIGN_OR_RETURN(auto writer, LiveWriter::Open(options, *journal));  // catches up
//   RETURN_IF_ERROR(journal->Append(entries, nullptr));
//   RETURN_IF_ERROR(writer->Apply(entries));
//   ASSIGN_OR_RETURN(std::vector<Xapian::docid> changed, writer->Commit());
//
// Thread-safe; one writer per generation (Xapian allows one).
#pragma once

#include <xapian.h>

#include <memory>
#include <mutex>
#include <span>
#include <string>
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
};

class LiveWriter {
 public:
  // Opens the generation for writing and applies the journal's entries after
  // the generation's recorded sequence number; Commit() makes them visible.
  static absl::StatusOr<std::unique_ptr<LiveWriter>> Open(LiveWriterOptions options,
                                                          const Journal& journal);

  // Applies journaled entries (in sequence order, after applied_seq()); readers
  // see them after the next Commit.
  absl::Status Apply(std::span<const JournalEntry> entries);

  // Commits what was applied since the last commit; returns the document ids
  // it changed (added, replaced or deleted), empty when there was nothing.
  absl::StatusOr<std::vector<Xapian::docid>> Commit();

  uint64_t applied_seq() const;
  const std::vector<std::string>& filterable_attributes() const { return attributes_; }

 private:
  LiveWriter(LiveWriterOptions options, Xapian::WritableDatabase database);
  absl::Status ApplyOne(const JournalEntry& entry);

  const LiveWriterOptions options_;
  mutable std::mutex mutex_;
  Xapian::WritableDatabase database_;
  std::vector<std::string> attributes_;
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
