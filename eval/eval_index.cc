// EvalIndex: the index an evaluation searches, built by the real reindex pipeline.
#include <stdlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "base/status.h"
#include "base/strings.h"
#include "eval/evaluate.h"
#include "indexer/generations.h"
#include "indexer/reindex.h"

namespace vitrine::eval {
namespace {

absl::StatusOr<std::string> MakeTemporaryDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/vitrine-eval-XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) {
    return absl::FailedPreconditionError(
        StrCat("cannot create a temporary directory ", pattern, ": ", std::strerror(errno)));
  }
  return pattern;
}

absl::StatusOr<std::shared_ptr<const query::Index>> OpenCurrent(const std::string& data_dir) {
  ASSIGN_OR_RETURN(const indexer::DataDir dir, indexer::DataDir::Open(data_dir));
  ASSIGN_OR_RETURN(const indexer::Generation generation, dir.Current());
  return query::OpenIndex({.generation = generation.id,
                           .xapian_path = generation.xapian_path(),
                           .snapshot_path = generation.snapshot_path(),
                           .analyzers_path = generation.analyzers_path(),
                           .suggestions = false});
}

}  // namespace

absl::StatusOr<std::unique_ptr<EvalIndex>> EvalIndex::Prepare(const EvalIndexOptions& options) {
  if (options.products.empty() && options.data_dir.empty()) {
    return InvalidParameter("products", "give product feeds to index or a data dir to search");
  }
  if (options.products.empty() && !std::filesystem::is_directory(options.data_dir)) {
    return absl::NotFoundError(StrCat("data dir ", options.data_dir, " does not exist"));
  }
  // Owned from here on, so a failed build still removes its temporary directory.
  std::unique_ptr<EvalIndex> eval_index(new EvalIndex());
  if (options.data_dir.empty()) {
    ASSIGN_OR_RETURN(eval_index->data_dir_, MakeTemporaryDir());
    eval_index->temporary_ = true;
  } else {
    eval_index->data_dir_ = options.data_dir;
  }

  if (!options.products.empty()) {
    indexer::ReindexOptions reindex{
        .feeds = options.products,
        .data_dir = eval_index->data_dir_,
        .max_errors = -1,
        .threads = options.threads,
        .keep_generations = eval_index->temporary_ ? 0 : 3,
        .analyzer = {},
        // Rejections are counted in the summary; an evaluation does not list them.
        .on_error = [](const indexer::RecordError&) {},
    };
    reindex.analyzer.profile = options.profile;
    ASSIGN_OR_RETURN(const indexer::ReindexSummary summary, indexer::Reindex(reindex));
    eval_index->built_ = true;
    eval_index->accepted_ = summary.accepted;
    eval_index->rejected_ = summary.rejected;
    eval_index->build_seconds_ = summary.seconds;
  }
  ASSIGN_OR_RETURN(eval_index->index_, OpenCurrent(eval_index->data_dir_));
  return eval_index;
}

EvalIndex::~EvalIndex() {
  index_.reset();  // closes the snapshot store before its directory goes
  if (temporary_) {
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }
}

}  // namespace vitrine::eval
