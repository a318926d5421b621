// Api's key checks: admin and search keys, scoped search keys
// (server/scoped_keys.h) and rate limits per key (server/rate_limiter.h).
#include <algorithm>
#include <cmath>

#include "absl/time/clock.h"
#include "base/status.h"
#include "base/strings.h"
#include "server/api.h"
#include "server/errors.h"

namespace vitrine::server {
namespace {

// The key a request carries: X-API-Key, else an Authorization bearer token.
std::string_view KeyOf(const HttpRequest& request) {
  if (std::string_view key = request.Header("x-api-key"); !key.empty()) return key;
  std::string_view authorization = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() &&
      AsciiLower(authorization.substr(0, kBearer.size())) == "bearer ") {
    return authorization.substr(kBearer.size());
  }
  return {};
}

std::string WholeSeconds(double seconds) {
  return StrCat(static_cast<int64_t>(std::max(1.0, std::ceil(seconds))));
}

}  // namespace

std::optional<std::string> Api::NameOf(std::string_view key, const std::vector<NamedKey>& keys) {
  // Every key is compared, whichever matches, so timing says nothing of which.
  std::optional<std::string> name;
  for (const NamedKey& named : keys) {
    if (ConstantTimeEquals(key, named.key) && !name) name = named.name;
  }
  return name;
}

absl::StatusOr<KeyScope> Api::VerifyScope(std::string_view key) const {
  return VerifyScopedKey(
      key,
      [&](std::string_view parent) -> std::optional<std::string> {
        for (const NamedKey& named : search_keys_) {
          if (named.name == parent) return named.key;
        }
        return std::nullopt;
      },
      absl::ToUnixSeconds(absl::Now()));
}

std::optional<HttpResponse> Api::Deny(const HttpRequest& request, Access access, std::string& who,
                                      RequestContext& context) const {
  const bool admin = access == Access::kAdmin;
  if (admin && admin_keys_.empty()) {
    // Names the route: a config read is refused as much as a write.
    const std::string_view target = request.target;
    return ErrorResponse(403, "forbidden",
                         StrCat(request.method, " ", target.substr(0, target.find('?')),
                                " needs the admin key, and the server has none configured "
                                "(set VITRINE_ADMIN_KEY or VITRINE_ADMIN_KEYS)"));
  }
  const std::string_view key = KeyOf(request);
  if (IsScopedKey(key)) {
    if (access != Access::kSearch) {
      return ErrorResponse(403, "forbidden",
                           admin ? "this route needs the admin key; a scoped key only searches"
                                 : "a scoped key may only search");
    }
    absl::StatusOr<KeyScope> scope = VerifyScope(key);
    if (!scope.ok()) return ErrorResponse(scope.status());
    who = StrCat("scoped:", scope->parent);
    context.scope = *std::move(scope);
    return std::nullopt;
  }
  if (!admin && search_keys_.empty()) {
    // Open; a known key still names the caller in the access log.
    if (!key.empty()) who = NameOf(key, admin_keys_).value_or("");
    return std::nullopt;
  }
  if (key.empty()) {
    HttpResponse response = ErrorResponse(401, "unauthenticated",
                                          "send the API key as X-API-Key or Authorization: Bearer");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  std::optional<std::string> name = NameOf(key, admin_keys_);
  if (!name && !admin) name = NameOf(key, search_keys_);
  if (name) {
    who = *std::move(name);
    return std::nullopt;
  }
  return ErrorResponse(403, "forbidden",
                       admin ? "this route needs the admin key" : "the API key is not valid");
}

absl::Status Api::Limit(const std::string& who, RequestContext& context) {
  const RateLimiter::Clock::time_point now = RateLimiter::Clock::now();
  // Takes a token from `bucket`; the headers show the tighter of the buckets.
  const auto charge = [&](const std::string& bucket, std::optional<RateLimit> own) {
    const std::optional<RateLimiter::Decision> decision = rate_limiter_.Take(bucket, own, now);
    if (!decision) return absl::OkStatus();
    if (!context.rate || decision->remaining < context.rate->remaining || !decision->allowed) {
      context.rate = decision;
    }
    if (decision->allowed) return absl::OkStatus();
    return absl::ResourceExhaustedError(
        StrCat("the key '", who, "' is over its rate limit (a burst of ",
               static_cast<int64_t>(decision->limit), " requests); retry after ",
               WholeSeconds(decision->retry_after_seconds), " s"));
  };
  // A scoped key's own limit, in a bucket of its own (named by its signature),
  // and its parent's, shared with every key derived from it.
  if (context.scope && context.scope->rate > 0) {
    RETURN_IF_ERROR(charge(StrCat("scoped:", context.scope->signature),
                           RateLimit{.rate = context.scope->rate, .burst = context.scope->burst}));
  }
  const std::string& name = context.scope ? context.scope->parent : who;
  if (name.empty()) return absl::OkStatus();  // an open route without a key
  return charge(name, std::nullopt);
}

void AddRateLimitHeaders(const RequestContext& context, HttpResponse& response) {
  if (!context.rate) return;
  const RateLimiter::Decision& rate = *context.rate;
  response.headers.emplace_back("X-RateLimit-Limit", StrCat(static_cast<int64_t>(rate.limit)));
  response.headers.emplace_back("X-RateLimit-Remaining",
                                StrCat(static_cast<int64_t>(std::floor(rate.remaining))));
  response.headers.emplace_back("X-RateLimit-Reset",
                                StrCat(static_cast<int64_t>(std::ceil(rate.reset_seconds))));
  if (!rate.allowed)
    response.headers.emplace_back("Retry-After", WholeSeconds(rate.retry_after_seconds));
}

}  // namespace vitrine::server
