#include "bench/current_index.h"

#include "base/status.h"

namespace vitrine::bench {

absl::StatusOr<CurrentIndex> OpenCurrentIndex(const std::string& data_dir) {
  ASSIGN_OR_RETURN(indexer::DataDir dir, indexer::DataDir::Open(data_dir));
  ASSIGN_OR_RETURN(indexer::Generation generation, dir.Current());
  ASSIGN_OR_RETURN(std::shared_ptr<const query::Index> index,
                   query::OpenIndex({.generation = generation.id,
                                     .xapian_path = generation.xapian_path(),
                                     .snapshot_path = generation.snapshot_path(),
                                     .analyzers_path = generation.analyzers_path()}));
  return CurrentIndex{.generation = std::move(generation), .index = std::move(index)};
}

}  // namespace vitrine::bench
