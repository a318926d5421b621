#include "indexer/reindex.h"

#include <xapian.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/thread_priority.h"
#include "catalog/index_schema.h"
#include "catalog/product_store.h"
#include "indexer/document_builder.h"
#include "indexer/feed_reader.h"
#include "indexer/generations.h"
#include "indexer/internal/segmented_index.h"
#include "indexer/journal.h"
#include "indexer/supplemental_feed.h"

namespace vitrine::indexer {
namespace {

constexpr size_t kChunkRecords = 512;
// Shorter words are not corrected at query time, so they need no spelling data.
constexpr size_t kMinSpellingBytes = 4;
// A word in one title only is as likely a model number or a typo as a word to
// suggest, and every spelling entry costs index build time.
constexpr Xapian::termcount kMinSpellingCount = 2;

// One record after analysis, ready for the writer.
struct Prepared {
  uint64_t line = 0;
  absl::Status status;
  FeedLocation blame;         // set when a supplemental record made the product invalid
  bool supplemented = false;  // a supplemental record changed it
  std::string id;
  std::string snapshot;
  Xapian::Document document;
  std::vector<std::string> spelling;  // normalised words of title and brand
};

using Chunk = std::vector<FeedRecord>;
using PreparedChunk = std::vector<Prepared>;

// The analysis memos of the chunks being prepared, each chunk taking one for
// its time (a memo is not thread-safe), so that the values a catalog repeats
// are analysed once per memo rather than once per product.
class MemoPool {
 public:
  explicit MemoPool(const analyzers::Analyzer& analyzer) : analyzer_(analyzer) {}

  std::unique_ptr<AnalysisMemo> Take() {
    std::lock_guard lock(mutex_);
    if (free_.empty()) return std::make_unique<AnalysisMemo>(analyzer_);
    std::unique_ptr<AnalysisMemo> memo = std::move(free_.back());
    free_.pop_back();
    return memo;
  }
  void Give(std::unique_ptr<AnalysisMemo> memo) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(memo));
  }

 private:
  const analyzers::Analyzer& analyzer_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<AnalysisMemo>> free_;
};

// A thread of its own (std::launch::async), at the priority of the build's
// thread: a new thread inherits its creator's nice value.
PreparedChunk Prepare(const FeedReader& reader, MemoPool& memos,
                      const std::vector<std::string>& filterable_attributes,
                      const SupplementalFeeds& supplements, Chunk chunk) {
  std::unique_ptr<AnalysisMemo> memo = memos.Take();
  const analyzers::Analyzer& analyzer = memo->analyzer();
  PreparedChunk out(chunk.size());
  for (size_t i = 0; i < chunk.size(); ++i) {
    out[i].line = chunk[i].line;
    absl::StatusOr<catalog::Product> product = reader.Decode(chunk[i]);
    if (!product.ok()) {
      out[i].status = product.status();
      continue;
    }
    out[i].id = product->id;
    if (supplements.Has(product->id)) {
      product = supplements.Apply(*std::move(product), out[i].blame);
      if (!product.ok()) {
        out[i].status = product.status();
        continue;
      }
      out[i].supplemented = true;
    }
    out[i].snapshot = catalog::ProductToJson(*product);
    out[i].document = BuildDocument(*product, *memo, filterable_attributes);
    // The words shoppers type, unstemmed, for spelling correction at query time.
    out[i].spelling = analyzer.Words(product->title);
    for (const std::string& word : memo->Words(product->brand)) out[i].spelling.push_back(word);
  }
  memos.Give(std::move(memo));
  return out;
}

internal::SegmentedIndexOptions IndexOptions(const ReindexOptions& options, int writers) {
  // At most 4 at once: each holds a segment's documents in memory, and a
  // build inside a serving process should not take all of a large host's.
  internal::SegmentedIndexOptions out{.writers = std::min(writers, 4)};
  if (options.segment_documents > 0) out.segment_documents = options.segment_documents;
  return out;
}

// Applies prepared chunks strictly in feed order to the new generation's Xapian
// database (written in segments, on threads of their own) and snapshot store,
// so the same feed always yields the same document ids.
class GenerationWriter {
 public:
  GenerationWriter(const ReindexOptions& options, const std::string& xapian_path, int writers,
                   std::unique_ptr<catalog::ProductStore> store)
      : options_(options),
        index_(xapian_path, IndexOptions(options, writers)),
        store_(std::move(store)) {}

  absl::Status Apply(const std::string& file, PreparedChunk chunk) {
    if (options_.cancelled && options_.cancelled()) {
      return absl::CancelledError("the reindex was cancelled");
    }
    std::vector<catalog::Snapshot> snapshots;
    snapshots.reserve(chunk.size());
    for (Prepared& prepared : chunk) {
      // Every id a feed holds, even of a record a supplemental one made invalid,
      // so that the supplemental record is not also reported as matching nothing.
      if (!prepared.id.empty()) {
        auto [it, inserted] = first_line_.try_emplace(prepared.id, file, prepared.line);
        if (!inserted && prepared.status.ok()) {
          prepared.status =
              InvalidParameter("id", StrCat("duplicate id '", prepared.id, "' (first seen at ",
                                            it->second.first, " line ", it->second.second, ")"));
        }
      }
      if (!prepared.status.ok()) {
        RETURN_IF_ERROR(
            Reject(prepared.blame.file.empty() ? FeedLocation{file, prepared.line} : prepared.blame,
                   prepared.status));
        continue;
      }
      if (prepared.supplemented) ++supplemented_;
      RETURN_IF_ERROR(index_.Add(std::move(prepared.document)));
      for (std::string& word : prepared.spelling) {
        if (word.size() >= kMinSpellingBytes && word.size() <= 64) ++spelling_[std::move(word)];
      }
      snapshots.push_back({std::move(prepared.id), std::move(prepared.snapshot)});
      ++accepted_;
    }
    return store_->Write(snapshots, catalog::Durability::kBulk);
  }

  absl::Status Reject(const FeedLocation& where, const absl::Status& status) {
    ++rejected_;
    if (options_.on_error) {
      options_.on_error(RecordError{.file = where.file,
                                    .line = where.line,
                                    .field = ParameterOf(status).value_or(""),
                                    .reason = std::string(status.message())});
    }
    if (options_.max_errors >= 0 && rejected_ > static_cast<uint64_t>(options_.max_errors)) {
      return absl::AbortedError(StrCat("more than ", options_.max_errors,
                                       " records rejected (--max-errors); the live index "
                                       "is unchanged"));
    }
    return absl::OkStatus();
  }

  // Commits both stores and makes them durable. `journal_seq`: the update
  // journal's last entry when the build started (later ones are replayed on it).
  absl::Status Finish(uint64_t journal_seq) {
    // One add_spelling per distinct word (with its frequency), not per use.
    for (const auto& [word, count] : spelling_) {
      if (count >= kMinSpellingCount) index_.AddSpelling(word, count);
    }
    index_.SetMetadata(std::string(catalog::schema::kFilterableAttributesKey),
                       absl::StrJoin(options_.filterable_attributes, ","));
    index_.SetMetadata(std::string(catalog::schema::kJournalSeqKey), std::to_string(journal_seq));
    RETURN_IF_ERROR(index_.Finish());
    RETURN_IF_ERROR(store_->Flush());
    store_.reset();
    return absl::OkStatus();
  }

  // True when a feed held a record with this id.
  bool Seen(std::string_view id) const { return first_line_.contains(ToAbsl(id)); }
  uint64_t accepted() const { return accepted_; }
  uint64_t rejected() const { return rejected_; }
  uint64_t supplemented() const { return supplemented_; }
  const ReindexOptions& options() const { return options_; }

 private:
  const ReindexOptions& options_;
  internal::SegmentedIndex index_;
  std::unique_ptr<catalog::ProductStore> store_;
  absl::flat_hash_map<std::string, std::pair<std::string, uint64_t>> first_line_;
  absl::flat_hash_map<std::string, Xapian::termcount> spelling_;
  uint64_t accepted_ = 0;
  uint64_t rejected_ = 0;
  uint64_t supplemented_ = 0;
};

// Reads one feed in chunks, analyses up to `threads` chunks concurrently and hands
// them to the writer in order.
absl::Status IndexFeed(const std::string& file, const analyzers::Analyzer& analyzer,
                       const SupplementalFeeds& supplements, int threads,
                       GenerationWriter& writer) {
  ASSIGN_OR_RETURN(std::unique_ptr<FeedReader> reader, FeedReader::Open(file));
  MemoPool memos(analyzer);
  std::deque<std::future<PreparedChunk>> in_flight;
  auto drain_one = [&]() -> absl::Status {
    PreparedChunk chunk = in_flight.front().get();
    in_flight.pop_front();
    return writer.Apply(file, std::move(chunk));
  };
  Chunk chunk;
  FeedRecord record;
  while (true) {
    const bool more = reader->Next(record);
    if (more) chunk.push_back(std::move(record));
    if (chunk.size() == kChunkRecords || (!more && !chunk.empty())) {
      in_flight.push_back(std::async(std::launch::async, Prepare, std::cref(*reader),
                                     std::ref(memos),
                                     std::cref(writer.options().filterable_attributes),
                                     std::cref(supplements), std::move(chunk)));
      chunk = Chunk();
      if (static_cast<int>(in_flight.size()) > threads) RETURN_IF_ERROR(drain_one());
    }
    if (!more) break;
  }
  while (!in_flight.empty()) RETURN_IF_ERROR(drain_one());
  return reader->status();
}

absl::Status Verify(const Generation& generation, uint64_t accepted) {
  const Xapian::Database database(generation.xapian_path());
  if (database.get_doccount() != accepted) {
    return absl::DataLossError(StrCat("verification failed: the index holds ",
                                      database.get_doccount(), " documents, expected ", accepted));
  }
  ASSIGN_OR_RETURN(auto store, catalog::ProductStore::Open(generation.snapshot_path(), {}));
  ASSIGN_OR_RETURN(uint64_t snapshots, store->Count());
  if (snapshots != accepted) {
    return absl::DataLossError(StrCat("verification failed: the store holds ", snapshots,
                                      " products, expected ", accepted));
  }
  return absl::OkStatus();
}

absl::Status WriteManifest(const Generation& generation, const ReindexOptions& options,
                           const ReindexSummary& summary) {
  nlohmann::json manifest = {
      {"generation", generation.id},
      {"created_at", std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()},
      {"feeds", options.feeds},
      {"supplemental_feeds", options.supplemental_feeds},
      {"documents", summary.accepted},
      {"rejected", summary.rejected},
      {"build_seconds", summary.seconds},
      {"analyzer", std::string(analyzers::ProfileName(options.analyzer.profile))},
      {"filterable_attributes", options.filterable_attributes},
  };
  return WriteFileAtomically(generation.manifest_path(), manifest.dump(2) + "\n");
}

// Loads the analyzer the options ask for and records it in the generation, so
// that the generation is searched with exactly the analysis it was built with.
absl::StatusOr<analyzers::Analyzer> PrepareAnalyzer(const Generation& generation,
                                                    const ReindexOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(generation.analyzers_path(), error);
  if (error) {
    return absl::InternalError(
        StrCat("creating ", generation.analyzers_path(), ": ", error.message()));
  }
  RETURN_IF_ERROR(
      WriteFileAtomically(generation.analyzers_path() + "/PROFILE",
                          StrCat(analyzers::ProfileName(options.analyzer.profile), "\n")));
  if (options.analyzer.profile != analyzers::Profile::kFashion) {
    return analyzers::Analyzer(options.analyzer);
  }
  const std::string dir =
      options.vocabulary_dir.empty() ? analyzers::DefaultVocabularyDir() : options.vocabulary_dir;
  ASSIGN_OR_RETURN(std::vector<analyzers::VocabularyFile> files,
                   analyzers::ReadVocabularyFiles(dir));
  ASSIGN_OR_RETURN(std::shared_ptr<const analyzers::Vocabulary> vocabulary,
                   analyzers::Vocabulary::Parse(files));
  for (const auto& [name, contents] : files) {
    RETURN_IF_ERROR(WriteFileAtomically(generation.analyzers_path() + "/" + name, contents));
  }
  return analyzers::Analyzer(options.analyzer, std::move(vocabulary));
}

absl::StatusOr<ReindexSummary> Build(const DataDir& dir, const Generation& generation,
                                     const ReindexOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const int threads = options.threads > 0
                          ? options.threads
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // The generation is synced once, as a whole, before it can become current.
  ASSIGN_OR_RETURN(auto store,
                   catalog::ProductStore::Open(generation.snapshot_path(),
                                               {.mode = catalog::StoreMode::kReadWrite}));
  GenerationWriter writer(options, generation.xapian_path(), threads, std::move(store));
  ASSIGN_OR_RETURN(const analyzers::Analyzer analyzer, PrepareAnalyzer(generation, options));
  // Writes made through the API from here on are replayed onto the new
  // generation when a server opens it; the feeds are taken to hold the ones before.
  ASSIGN_OR_RETURN(const uint64_t journal_seq, options.log_last_seq
                                                   ? options.log_last_seq()
                                                   : Journal::LastSeqAt(dir.journal_path()));
  // Supplemental records are read first (malformed ones are the first reported)
  // and checked last: those whose id no feed held.
  const SupplementalFeeds::RejectFn reject = [&writer](const FeedLocation& where,
                                                       const absl::Status& why) {
    return writer.Reject(where, why);
  };
  ASSIGN_OR_RETURN(const SupplementalFeeds supplements,
                   SupplementalFeeds::Read(options.supplemental_feeds, reject));
  for (const std::string& feed : options.feeds) {
    RETURN_IF_ERROR(IndexFeed(feed, analyzer, supplements, threads, writer));
  }
  RETURN_IF_ERROR(supplements.RejectUnmatched(
      [&writer](std::string_view id) { return writer.Seen(id); }, reject));
  RETURN_IF_ERROR(writer.Finish(journal_seq));
  RETURN_IF_ERROR(SyncTree(generation.path));
  RETURN_IF_ERROR(Verify(generation, writer.accepted()));

  ReindexSummary summary;
  summary.generation = generation.id;
  summary.accepted = writer.accepted();
  summary.rejected = writer.rejected();
  summary.supplemented = writer.supplemented();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.docs_per_second = summary.seconds > 0 ? summary.accepted / summary.seconds : 0;
  RETURN_IF_ERROR(WriteManifest(generation, options, summary));
  if (options.before_activate) RETURN_IF_ERROR(options.before_activate(generation, journal_seq));
  RETURN_IF_ERROR(dir.Activate(generation));
  return summary;
}

}  // namespace

absl::StatusOr<ReindexSummary> Reindex(const ReindexOptions& options) {
  if (options.feeds.empty()) return InvalidParameter("feed", "at least one --feed is required");
  RETURN_IF_ERROR(ValidateFilterableAttributes(options.filterable_attributes));
  ASSIGN_OR_RETURN(DataDir dir, DataDir::Open(options.data_dir));
  ASSIGN_OR_RETURN(DataDirLock lock, DataDirLock::Acquire(dir));
  ASSIGN_OR_RETURN(Generation generation, dir.CreateGeneration());
  absl::StatusOr<ReindexSummary> summary;
  const auto build = [&] {
    try {
      summary = Build(dir, generation, options);
    } catch (const Xapian::Error& e) {
      summary = absl::InternalError(StrCat("building the index: ", e.get_description()));
    } catch (const std::exception& e) {  // out of memory, no thread to be had
      summary = absl::InternalError(StrCat("building the index: ", e.what()));
    }
  };
  if (options.nice > 0) {
    // The writer on a thread of its own, whose priority can be lowered for good.
    std::thread writer([&] {
      LowerThreadPriority(options.nice);
      build();
    });
    writer.join();
  } else {
    build();
  }
  if (!summary.ok()) {
    (void)dir.Remove(generation);  // best effort: the failure is what the caller needs
    return summary.status();
  }
  RETURN_IF_ERROR(dir.CollectGarbage(options.keep_generations));
  return summary;
}

}  // namespace vitrine::indexer
