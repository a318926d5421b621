// The merchandising config routes (/v1/config/...): rules and synonym sets CRUD,
// history, rollback and previews of a draft config over a merch::ConfigStore.
// Private to server/; Api routes here after checking the admin key.
#pragma once

#include <string_view>

#include "merch/config_store.h"
#include "query/search.h"
#include "server/http.h"
#include "server/url.h"

namespace vitrine::server {

// POST /v1/config/rules, GET /v1/config/rules, GET|PUT|DELETE /v1/config/rules/{id},
// the same under /v1/config/synonyms, GET /v1/config/history?limit=&before=,
// POST /v1/config/rollback/{version}, POST /v1/config/preview, GET /v1/config,
// GET|PUT /v1/config/ranking (ranking_handlers.h).
// Writes honour `If-Match: <version>` (409 when the config moved on) and answer
// with the new version, also sent as the ETag. Pinned products must be in the
// serving index's product store (400 otherwise). `who` (the key's name) goes
// into the audit event. Sets `route` to the route's pattern for metrics.
HttpResponse HandleConfig(const HttpRequest& request, const Target& target,
                          merch::ConfigStore& config, query::SearcherPool& searchers,
                          std::string_view who, std::string_view& route);

// POST /v1/config/preview (config_preview.cc): {"search": <a POST /v1/search
// body>, "config": {"rules": [...], "synonyms": [...]}} -> {"version", "live":
// <search response>, "draft": <search response>}. A draft list given replaces
// the live one for that search only; one left out keeps the live one.
HttpResponse HandlePreview(std::string_view body, const merch::ConfigStore& config,
                           query::SearcherPool& searchers);

// OK when every product `rule` pins is in the serving index's product store
// (or no index is served yet); else InvalidParameter naming
// "<prefix>consequences.pin[i].id".
absl::Status CheckPinnedProducts(const merch::Rule& rule, query::SearcherPool& searchers,
                                 std::string_view prefix = {});

}  // namespace vitrine::server
