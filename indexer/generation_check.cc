// VerifyGeneration: whether a generation on disk is whole before it serves.
#include <xapian.h>

#include "base/strings.h"
#include "catalog/product_store.h"
#include "indexer/generations.h"

namespace vitrine::indexer {

absl::Status VerifyGeneration(const Generation& generation) {
  try {
    // Walks every table's B-tree and checks the document lengths and terms
    // agree; throws on a block it cannot read (a truncated file).
    const size_t errors = Xapian::Database::check(generation.xapian_path(), 0, nullptr);
    if (errors > 0) {
      return absl::DataLossError(StrCat("index ", generation.xapian_path(), ": ", errors,
                                        " inconsistencies found by Xapian's check"));
    }
  } catch (const Xapian::Error& e) {
    return absl::DataLossError(
        StrCat("index ", generation.xapian_path(), ": ", e.get_description()));
  }
  absl::StatusOr<std::unique_ptr<catalog::ProductStore>> store =
      catalog::ProductStore::Open(generation.snapshot_path(), {.snapshot_cache_bytes = 0});
  if (!store.ok()) {
    return absl::DataLossError(
        StrCat("product store ", generation.snapshot_path(), ": ", store.status().message()));
  }
  return (*store)->Verify();
}

}  // namespace vitrine::indexer
