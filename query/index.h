// Index: one index generation opened for serving (its paths, product store,
// analyzer, in-memory facet columns and suggester), shared by every searcher of
// it. Its live view advances when product writes are committed (Refresh).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "analyzers/analyzer.h"
#include "catalog/product_store.h"

namespace vitrine::query {

// One opened generation: paths, the shared snapshot store, counts. Immutable.
struct IndexSource {
  std::string generation;
  std::string xapian_path;
  std::string snapshot_path;
  // The generation's analyzer (PROFILE and vocabulary files, as written by the
  // reindex); empty or missing: the plain analyzer without vocabulary.
  std::string analyzers_path;
  // Open the snapshot store read-write, for live updates (one process only).
  bool writable = false;
  // Build the in-memory suggester (Index::suggester()); one-shot commands that
  // never suggest skip it and get an empty one.
  bool suggestions = true;
};

namespace internal {
struct FacetColumns;
}  // namespace internal
class Suggester;  // query/suggest/suggest.h

// A generation opened for serving. Its live view advances when updates are
// committed to it (Refresh): searchers reopen their readers at the new revision
// and count facets from the refreshed columns.
class Index {
 public:
  const std::string& generation() const { return source_.generation; }
  const std::string& xapian_path() const { return source_.xapian_path; }
  const catalog::ProductStore& store() const { return *store_; }
  const std::shared_ptr<catalog::ProductStore>& shared_store() const { return store_; }
  uint64_t documents() const { return documents_.load(std::memory_order_relaxed); }
  // The analysis the generation was built with; queries go through the same.
  const analyzers::Analyzer& analyzer() const { return *analyzer_; }
  const std::shared_ptr<const analyzers::Analyzer>& shared_analyzer() const { return analyzer_; }
  // Facet values in memory, for counting without reading documents; a search
  // holds on to the columns of its revision.
  std::shared_ptr<const internal::FacetColumns> facet_columns() const;
  // `attributes` keys the index was built to filter and count (see
  // catalog/index_schema.h), in declaration order.
  const std::vector<std::string>& filterable_attributes() const { return attributes_; }
  // Whether any product names a parent_id (so variants may collapse).
  bool has_variants() const { return has_variants_.load(std::memory_order_relaxed); }
  // Range facet boundaries of `field` when a request gives none.
  const std::vector<double>& default_buckets(std::string_view field) const {
    return field == "price" ? price_buckets_ : rating_buckets_;
  }
  // Bumped by every Refresh.
  uint64_t revision() const { return revision_.load(std::memory_order_acquire); }

  // After a commit of live updates that changed the documents `changed`:
  // brings the facet columns and counts up to date and bumps the revision.
  // One caller at a time (the generation's writer), under LockRevision.
  absl::Status Refresh(const std::vector<uint32_t>& changed) const;

  // A reader (re)opened at the latest commit reads the revision of the facet
  // columns only if no commit is waiting for its Refresh: the writer holds
  // LockRevision from before a commit until its Refresh returns, and a searcher
  // holds ShareRevision while it (re)opens its reader and takes the columns.
  // Searches never wait for a commit: while one is under way they read the
  // revision they have (TryShareRevision).
  std::unique_lock<std::shared_mutex> LockRevision() const {
    return std::unique_lock(revision_gate_);
  }
  std::shared_lock<std::shared_mutex> ShareRevision() const {
    return std::shared_lock(revision_gate_);
  }
  // Without waiting: owns no lock while a commit is under way.
  std::shared_lock<std::shared_mutex> TryShareRevision() const {
    return std::shared_lock(revision_gate_, std::try_to_lock);
  }
  // Search-as-you-type suggestions, built in memory when the generation opens.
  const Suggester& suggester() const { return *suggester_; }

 private:
  friend absl::StatusOr<std::shared_ptr<const Index>> OpenIndex(const IndexSource&);
  IndexSource source_;
  std::shared_ptr<catalog::ProductStore> store_;
  std::shared_ptr<const analyzers::Analyzer> analyzer_;
  std::vector<std::string> attributes_;
  std::vector<double> price_buckets_;
  std::vector<double> rating_buckets_ = {1, 2, 3, 4};
  // The live view: written by Refresh, read by searches.
  mutable std::mutex columns_mutex_;
  mutable std::shared_ptr<const internal::FacetColumns> facet_columns_;
  mutable std::atomic<uint64_t> documents_ = 0;
  mutable std::atomic<bool> has_variants_ = false;
  mutable std::atomic<uint64_t> revision_ = 0;
  mutable std::shared_mutex revision_gate_;
  std::shared_ptr<const Suggester> suggester_;
};

// Opens a generation for serving (read-only store, Xapian database checked).
absl::StatusOr<std::shared_ptr<const Index>> OpenIndex(const IndexSource& source);

}  // namespace vitrine::query
