// The ranking weights route (/v1/config/ranking): text field weights and
// business signals, read and replaced through the merch::ConfigStore like the
// rules. Private to server/; HandleConfig routes here.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "merch/config_store.h"
#include "server/http.h"

namespace vitrine::server {

// GET: {"version", "fields": {...}, "signals": {...}}, every field and signal
// with its current weight (defaults included). PUT: replaces them (left-out
// fields and signals take their defaults) and answers the same with the new
// version; 400 naming the field for bad weights, 409 when `if_match` is stale.
// The version is also the ETag.
HttpResponse HandleRankingConfig(const HttpRequest& request, merch::ConfigStore& config,
                                 std::string_view who, std::optional<uint64_t> if_match);

}  // namespace vitrine::server
