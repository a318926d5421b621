// Full reindex: reads feeds into a new generation, verifies it and switches the
// data directory's CURRENT to it. A reindex that fails for any reason (I/O,
// too many rejected records, verification) removes its partial generation and
// leaves CURRENT untouched.
//
//   ReindexOptions options{.feeds = {"data/catalog/styles.jsonl.gz"}, .data_dir = "var"};
//   ASSIGN_OR_RETURN(ReindexSummary summary, Reindex(options));
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "analyzers/analyzer.h"
#include "indexer/generations.h"

namespace vitrine::indexer {

// A record the reindex rejected, reported and skipped.
struct RecordError {
  std::string file;
  uint64_t line = 0;
  std::string field;  // empty when the record as a whole is at fault
  std::string reason;
};

struct ReindexOptions {
  std::vector<std::string> feeds;  // JSON Lines or CSV, plain or gzip; read in order
  // Partial records (JSON Lines, plain or gzip) merged by id into the feeds'
  // products, in this order; held in memory (indexer/supplemental_feed.h). A
  // record whose id no feed has is rejected, never a new product.
  std::vector<std::string> supplemental_feeds;
  std::string data_dir;
  int64_t max_errors = -1;  // abort when more records than this are rejected; -1: no limit
  // Threads that analyse records, and partial databases written at once (at
  // most 4; indexer/internal/segmented_index.h); 0: one per core.
  int threads = 0;
  // Documents per partial database; 0: the default (8,192). Any value gives
  // the same database.
  size_t segment_documents = 0;
  // The CPU priority (Linux nice value) of the build's threads, above the
  // caller's: a reindex inside a serving process gives way to its searches
  // and writes, and a machine's idle cores still run it at full speed. 0: as
  // the caller.
  int nice = 0;
  int keep_generations = 3;  // complete generations kept besides the current one
  analyzers::AnalyzerOptions analyzer;
  // Vocabulary for Profile::kFashion (data/analyzers/*.json); empty: the default
  // (analyzers::DefaultVocabularyDir()). Copied into the generation.
  std::string vocabulary_dir;
  // `attributes` keys to make filterable and countable as facets ("usage",
  // "fit"); recorded in the index (see catalog/index_schema.h).
  std::vector<std::string> filterable_attributes;
  // Called once per rejected record, in feed order, from the calling thread.
  std::function<void(const RecordError&)> on_error;
  // The last entry of the write log when the build starts (the generation
  // replays the later ones); null: the data directory's journal. A cluster's
  // log is shared (writes/jetstream_write_log.h).
  std::function<absl::StatusOr<uint64_t>()> log_last_seq;
  // Called with the built and verified generation before it becomes current;
  // an error abandons it (a cluster checks a replica's build against the
  // reindex event's, writes/cluster_reindex.h). Its `seq` is what
  // log_last_seq returned.
  std::function<absl::Status(const Generation& generation, uint64_t seq)> before_activate;
  // Polled between chunks of records: true abandons the build (Cancelled).
  std::function<bool()> cancelled;
};

struct ReindexSummary {
  std::string generation;  // id of the new current generation
  uint64_t accepted = 0;
  uint64_t rejected = 0;      // records of the feeds and of the supplemental feeds
  uint64_t supplemented = 0;  // accepted products a supplemental record changed
  double seconds = 0;
  double docs_per_second = 0;
};

absl::StatusOr<ReindexSummary> Reindex(const ReindexOptions& options);

}  // namespace vitrine::indexer
