#include "server/admin_handlers.h"

#include <cstdint>

#include "base/json_writer.h"
#include "base/status.h"
#include "base/strings.h"
#include "server/errors.h"

namespace vitrine::server {

HttpResponse HandleAdminState(query::SearcherPool& searchers, const writes::ProductWrites* writes,
                              const merch::ConfigStore* config) {
  const std::shared_ptr<const query::Index> index = searchers.current();
  if (index == nullptr) return ErrorResponse(503, "unavailable", "no index is being served yet");
  // Writes applied during the scan would make the digest a mix of two states:
  // scanned again until the applied sequence held still across one scan.
  writes::WriteState state;
  absl::StatusOr<catalog::ProductStore::Digest> digest;
  for (int attempt = 0; attempt < 5; ++attempt) {
    const writes::WriteState before = writes != nullptr ? writes->state() : writes::WriteState{};
    digest = index->store().ComputeDigest();
    state = writes != nullptr ? writes->state() : writes::WriteState{};
    if (!digest.ok() || state.applied_seq == before.applied_seq) break;
  }
  if (!digest.ok()) return ErrorResponse(digest.status());
  const std::shared_ptr<const merch::ConfigSnapshot> live =
      config != nullptr ? config->snapshot() : nullptr;
  HttpResponse response;
  std::string& body = response.body;
  body = R"({"generation":)";
  AppendJsonString(body, index->generation());
  body.append(StrCat(R"(,"documents":)", index->documents(), R"(,"writes":{"logged_seq":)",
                     state.logged_seq, R"(,"applied_seq":)", state.applied_seq,
                     R"(,"committed_seq":)", state.committed_seq, R"(,"paused":)"));
  AppendJsonString(body, state.paused);
  body.append(StrCat(R"(},"products":{"count":)", digest->count, R"(,"digest":")",
                     Hex64(digest->sum), R"("},"config":{"version":)",
                     live != nullptr ? live->version : 0, R"(,"digest":")",
                     Hex64(live != nullptr ? live->digest : 0), R"("}})"));
  return response;
}

}  // namespace vitrine::server
