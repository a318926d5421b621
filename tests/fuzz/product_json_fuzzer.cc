// Product JSON (feed lines and PUT/PATCH bodies): the input is the JSON text.
// An accepted product must survive its snapshot unchanged.
#include "tests/fuzz/feed_fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine;
  absl::StatusOr<catalog::Product> product = catalog::ProductFromJson(fuzz::AsText(data, size));
  if (product.ok()) fuzz::CheckSnapshotRoundTrip(*product);
  return 0;
}
