// Ranking weights (PUT /v1/config/ranking): the input is the JSON body. Accepted
// weights' canonical JSON must parse back to itself, and a text search and a
// browse are ranked with them, with and without the result cache (which keys a
// ranking without a config version by its JSON).
#include "merch/ranking.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine;
  absl::StatusOr<merch::Ranking> ranking = merch::ParseRanking(fuzz::AsText(data, size));
  if (!ranking.ok()) return 0;
  absl::StatusOr<merch::Ranking> again = merch::ParseRanking(ranking->json);
  fuzz::Require(again.ok(), "a ranking's canonical JSON does not parse back");
  fuzz::Require(again->json == ranking->json, "a ranking's canonical JSON is not canonical");

  auto shared = std::make_shared<const merch::Ranking>(*std::move(ranking));
  fuzz::SearchAndCheck({.q = "navy shirt", .ranking = shared});
  fuzz::SearchAndCheck({.q = "", .ranking = shared});
  return 0;
}
