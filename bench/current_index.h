// The benches' way in: the current generation of a data directory, opened
// read-only as a server would open it.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "indexer/generations.h"
#include "query/search.h"

namespace vitrine::bench {

struct CurrentIndex {
  indexer::Generation generation;
  std::shared_ptr<const query::Index> index;
};

absl::StatusOr<CurrentIndex> OpenCurrentIndex(const std::string& data_dir);

}  // namespace vitrine::bench
