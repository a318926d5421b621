// The merchandising config routes (/v1/config/...): rules CRUD, history and
// rollback over a merch::ConfigStore. Private to server/; Api routes here after
// checking the admin key.
#pragma once

#include <string_view>

#include "merch/config_store.h"
#include "server/http.h"
#include "server/url.h"

namespace vitrine::server {

// POST /v1/config/rules, GET /v1/config/rules, GET|PUT|DELETE /v1/config/rules/{id},
// GET /v1/config/history?limit=&before=, POST /v1/config/rollback/{version},
// GET /v1/config, GET|PUT /v1/config/ranking (ranking_handlers.h). Writes honour `If-Match:
// <version>` (409 when the config moved on) and answer with the new version, also sent as the ETag.
// `who` goes into the audit event. Sets `route` to the route's pattern for metrics.
HttpResponse HandleConfig(const HttpRequest& request, const Target& target,
                          merch::ConfigStore& config, std::string_view who,
                          std::string_view& route);

}  // namespace vitrine::server
