// Opening a generation for serving (its analyzer, facet columns, product store
// and suggestions) and bringing its live view up to date after updates; and
// the pool of searchers over the current one.
#include <xapian.h>

#include <fstream>

#include "base/status.h"
#include "base/strings.h"
#include "catalog/index_schema.h"
#include "query/facets/facet_columns.h"
#include "query/facets/signals.h"
#include "query/match/filters.h"
#include "query/result_cache.h"
#include "query/search.h"
#include "query/suggest/suggest.h"

namespace vitrine::query {
namespace {

namespace schema = catalog::schema;

constexpr int kPriceBuckets = 5;  // default price facet: quintiles

// The analyzer a generation was built with (see indexer/reindex.cc).
absl::StatusOr<std::shared_ptr<const analyzers::Analyzer>> LoadAnalyzer(const std::string& path) {
  std::ifstream in(path + "/PROFILE");
  std::string name;
  if (path.empty() || !(in >> name)) return std::make_shared<const analyzers::Analyzer>();
  analyzers::AnalyzerOptions options;
  if (!analyzers::ParseProfile(name, options.profile)) {
    return absl::DataLossError(StrCat(path, "/PROFILE names an unknown analyzer '", name, "'"));
  }
  if (options.profile != analyzers::Profile::kFashion) {
    return std::make_shared<const analyzers::Analyzer>(options);
  }
  ASSIGN_OR_RETURN(std::vector<analyzers::VocabularyFile> files,
                   analyzers::ReadVocabularyFiles(path));
  ASSIGN_OR_RETURN(std::shared_ptr<const analyzers::Vocabulary> vocabulary,
                   analyzers::Vocabulary::Parse(files));
  return std::make_shared<const analyzers::Analyzer>(options, std::move(vocabulary));
}

}  // namespace

std::shared_ptr<const internal::FacetColumns> Index::facet_columns() const {
  std::lock_guard lock(columns_mutex_);
  return facet_columns_;
}

absl::Status Index::Refresh(const std::vector<uint32_t>& changed) const {
  if (changed.empty()) return absl::OkStatus();
  try {
    const Xapian::Database database(source_.xapian_path);
    auto columns =
        std::make_shared<const internal::FacetColumns>(facet_columns()->Updated(database, changed));
    documents_.store(database.get_doccount(), std::memory_order_relaxed);
    has_variants_.store(database.get_value_freq(schema::kSlotParent) > 0,
                        std::memory_order_relaxed);
    {
      std::lock_guard lock(columns_mutex_);
      facet_columns_ = std::move(columns);
    }
  } catch (const Xapian::Error& e) {
    return absl::InternalError(StrCat("refreshing the index: ", e.get_description()));
  }
  revision_.fetch_add(1, std::memory_order_release);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Index>> OpenIndex(const IndexSource& source) {
  auto index = std::make_shared<Index>();
  index->source_ = source;
  try {
    const Xapian::Database database(source.xapian_path);
    index->documents_ = database.get_doccount();
    index->has_variants_ = database.get_value_freq(schema::kSlotParent) > 0;
    index->attributes_ =
        SplitTrimmed(database.get_metadata(std::string(schema::kFilterableAttributesKey)), ',');
    std::erase(index->attributes_, std::string());
    auto columns = std::make_shared<internal::FacetColumns>(internal::FacetColumns::Load(
        database,
        internal::WithSignalValueSlots(
            internal::WithParentSlot(internal::SingleValuedFacetSlots(index->attributes_))),
        internal::WithSizeRunSlot(internal::MultiValuedFacetSlots()),
        internal::WithSignalNumberSlots(internal::RangeSlots())));
    index->price_buckets_ =
        internal::QuantileBoundaries(columns->numbers.at(schema::kSlotPrice), kPriceBuckets);
    index->facet_columns_ = std::move(columns);
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError(
        StrCat("opening index ", source.xapian_path, ": ", e.get_description()));
  }
  ASSIGN_OR_RETURN(index->analyzer_, LoadAnalyzer(source.analyzers_path));
  ASSIGN_OR_RETURN(
      std::unique_ptr<catalog::ProductStore> store,
      catalog::ProductStore::Open(source.snapshot_path,
                                  {.mode = source.writable ? catalog::StoreMode::kReadWrite
                                                           : catalog::StoreMode::kReadOnly}));
  index->store_ = std::move(store);
  index->suggester_ = Suggester::Build({});
  if (source.suggestions) {
    ASSIGN_OR_RETURN(index->suggester_, Suggester::Load(source.xapian_path, *index->store_));
  }
  return std::shared_ptr<const Index>(std::move(index));
}
SearcherPool::SearcherPool(std::shared_ptr<const Index> index, SearchOptions options)
    : options_(std::move(options)),
      cache_(std::make_unique<ResultCache>(options_.cache)),
      current_(std::move(index)) {}

SearcherPool::~SearcherPool() = default;

absl::StatusOr<SearcherPool::Lease> SearcherPool::Acquire() {
  std::shared_ptr<const Index> index;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Searcher> searcher = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(searcher));
    }
    index = current_;
  }
  if (index == nullptr) return absl::UnavailableError("no index is being served yet");
  // Opening a reader touches the disk; do it outside the lock.
  ASSIGN_OR_RETURN(std::unique_ptr<Searcher> searcher,
                   Searcher::Create(index, options_, cache_.get()));
  return Lease(this, std::move(searcher));
}

void SearcherPool::Release(std::unique_ptr<Searcher> searcher) {
  std::lock_guard lock(mutex_);
  if (current_ != nullptr && &searcher->index() == current_.get()) {
    idle_.push_back(std::move(searcher));
  }
}

void SearcherPool::Publish(std::shared_ptr<const Index> index) {
  std::vector<std::unique_ptr<Searcher>> retired;
  {
    std::lock_guard lock(mutex_);
    current_ = std::move(index);
    retired.swap(idle_);
  }
  // `retired` closes here, outside the lock.
}

std::shared_ptr<const Index> SearcherPool::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}
}  // namespace vitrine::query
