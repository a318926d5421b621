#include "server/scoped_keys.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "base/strings.h"

namespace vitrine::server {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxScopedKeyBytes = 4096;

std::string Signature(std::string_view signed_part, std::string_view parent_key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), parent_key.data(), static_cast<int>(parent_key.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), digest,
       &size);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(digest), static_cast<size_t>(size)));
}

absl::Status Malformed(std::string_view what) {
  return absl::UnauthenticatedError(StrCat("the scoped key is malformed: ", what));
}

absl::StatusOr<KeyScope> ParseScope(const Json& json) {
  if (!json.is_object()) return Malformed("its payload is not a JSON object");
  KeyScope scope;
  for (const auto& [name, value] : json.items()) {
    if (name == "parent" && value.is_string()) {
      scope.parent = value.get<std::string>();
    } else if (name == "expires" && value.is_number_integer()) {
      scope.expires = value.get<int64_t>();
    } else if (name == "in_stock" && value.is_boolean()) {
      scope.in_stock = value.get<bool>();
    } else if ((name == "rate" || name == "burst") && value.is_number() &&
               value.get<double>() >= 0 && std::isfinite(value.get<double>())) {
      (name == "rate" ? scope.rate : scope.burst) = value.get<double>();
    } else if (name == "filters" && value.is_object()) {
      for (const auto& [field, values] : value.items()) {
        if (!values.is_array() || values.empty()) return Malformed("a filter is not a value list");
        for (const Json& v : values) {
          if (!v.is_string()) return Malformed("a filter value is not a string");
          scope.filters[field].push_back(v.get<std::string>());
        }
      }
    } else {
      return Malformed(StrCat("unknown or mistyped field '", name, "'"));
    }
  }
  if (scope.parent.empty()) return Malformed("it names no parent key");
  if (scope.expires <= 0) return Malformed("it has no expiry");
  return scope;
}

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

std::string ScopeJson(const KeyScope& scope) {
  Json json = {{"parent", scope.parent}, {"expires", scope.expires}};
  if (!scope.filters.empty()) json["filters"] = scope.filters;
  if (scope.in_stock) json["in_stock"] = *scope.in_stock;
  if (scope.rate > 0) json["rate"] = scope.rate;
  if (scope.burst > 0) json["burst"] = scope.burst;
  return json.dump();
}

std::string MintScopedKey(const KeyScope& scope, std::string_view parent_key) {
  const std::string json = ScopeJson(scope);
  const std::string signed_part = StrCat(
      kScopedKeyPrefix, absl::WebSafeBase64Escape(absl::string_view(json.data(), json.size())));
  return StrCat(signed_part, ".", Signature(signed_part, parent_key));
}

absl::StatusOr<KeyScope> VerifyScopedKey(
    std::string_view key,
    const std::function<std::optional<std::string>(std::string_view)>& parent_key_of, int64_t now) {
  if (!IsScopedKey(key) || key.size() > kMaxScopedKeyBytes) return Malformed("wrong shape");
  const size_t dot = key.rfind('.');
  if (dot < kScopedKeyPrefix.size()) return Malformed("no signature");
  const std::string_view signed_part = key.substr(0, dot);
  std::string payload;
  const std::string_view encoded = signed_part.substr(kScopedKeyPrefix.size());
  if (!absl::WebSafeBase64Unescape(absl::string_view(encoded.data(), encoded.size()), &payload)) {
    return Malformed("its payload is not base64url");
  }
  const Json json = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Malformed("its payload is not JSON");
  absl::StatusOr<KeyScope> scope = ParseScope(json);
  if (!scope.ok()) return scope.status();
  const std::optional<std::string> parent_key = parent_key_of(scope->parent);
  // Base64url with or without padding (some encoders pad by default).
  std::string_view signature = key.substr(dot + 1);
  while (signature.ends_with('=')) signature.remove_suffix(1);
  // One answer for an unknown parent and a wrong signature: a guess learns nothing.
  if (!parent_key || !ConstantTimeEquals(signature, Signature(signed_part, *parent_key))) {
    return absl::UnauthenticatedError("the scoped key's signature is not valid");
  }
  if (scope->expires <= now) {
    return absl::PermissionDeniedError(
        StrCat("the scoped key expired at ", scope->expires, " (Unix seconds); get a new one"));
  }
  scope->signature = std::string(signature);
  return scope;
}

}  // namespace vitrine::server
