// POST /v1/search bodies: the input is the JSON body. What parses into a
// SearchRequest is searched on the fixture index and serialised as the server
// answers it.
#include "server/handlers.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine;
  absl::StatusOr<query::SearchRequest> request =
      server::SearchRequestFromJson(fuzz::AsText(data, size));
  if (request.ok()) fuzz::SearchAndCheck(*request);
  return 0;
}
