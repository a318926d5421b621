// Scoped search keys: what a storefront hands to the browser. A back end derives
// one from a search key without asking the server (like Algolia's secured API
// keys): the key embeds filters every search made with it is held to, an expiry
// and a rate limit, and is signed with the parent key (HMAC-SHA256), so the
// browser can read it but not change it.
//
//   vs1.<base64url(JSON)>.<base64url(HMAC-SHA256(parent key, "vs1." + base64url(JSON)))>
//
// The JSON names the parent key by its name (not the key) and holds:
//   {"parent": "search", "filters": {"market": ["in"]}, "in_stock": true,
//    "expires": 1767225600, "rate": 5, "burst": 20}
// `filters` and `in_stock` replace whatever a request says on those fields, so
// a scoped key can narrow its searches but never widen them; `expires` is Unix
// seconds (required); `rate` (requests per second) and `burst` are optional.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrine::server {

struct KeyScope {
  std::string parent;  // the name of the search key it was derived from
  std::map<std::string, std::vector<std::string>> filters;
  std::optional<bool> in_stock;
  int64_t expires = 0;    // Unix seconds
  double rate = 0;        // requests per second; 0: only the parent's limit
  double burst = 0;       // 0: the rate's, at least 1
  std::string signature;  // as the key carries it (set by VerifyScopedKey; not signed)
};

inline constexpr std::string_view kScopedKeyPrefix = "vs1.";

// Whether `key` has the shape of a scoped key (it may still be forged).
inline bool IsScopedKey(std::string_view key) { return key.starts_with(kScopedKeyPrefix); }

// Signs `scope` with `parent_key` (the secret of the key named scope.parent).
std::string MintScopedKey(const KeyScope& scope, std::string_view parent_key);

// The scope `key` carries when its signature is the one `parent_key_of` gives for
// the parent it names (nullopt: no such search key) and it has not expired at
// `now` (Unix seconds). Errors are Unauthenticated (malformed, forged, unknown
// parent) or PermissionDenied (expired) and never echo the key.
absl::StatusOr<KeyScope> VerifyScopedKey(
    std::string_view key,
    const std::function<std::optional<std::string>(std::string_view)>& parent_key_of, int64_t now);

// The scope's JSON, as signed (tests, `vitrine scoped-key --print`).
std::string ScopeJson(const KeyScope& scope);

// Equal bytes, compared in time independent of where they differ (API keys,
// signatures); a length mismatch returns at once.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace vitrine::server
