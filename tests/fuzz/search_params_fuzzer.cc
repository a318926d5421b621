// GET /v1/search parameters: the input is the query string after "?". What
// parses into a SearchRequest is searched on the fixture index and serialised
// as the server answers it.
#include "server/handlers.h"
#include "server/url.h"
#include "tests/fuzz/fuzz_fixture.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine;
  std::string target = "/v1/search?";
  target.append(fuzz::AsText(data, size));
  absl::StatusOr<server::Target> parsed = server::ParseTarget(target);
  if (!parsed.ok()) return 0;
  absl::StatusOr<query::SearchRequest> request = server::SearchRequestFromParams(*parsed);
  if (request.ok()) fuzz::SearchAndCheck(*request);
  return 0;
}
