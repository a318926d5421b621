// Api::RouteAlgolia: Algolia's key headers mapped onto Vitrine's keys. The
// endpoint is for browsers, so it takes search keys only: an admin key sent
// here is refused even where search is open, before it can sit in a page.
#include "absl/status/status.h"
#include "base/strings.h"
#include "server/algolia_handlers.h"
#include "server/algolia_response.h"
#include "server/api.h"
#include "server/url.h"

namespace vitrine::server {

HttpResponse Api::RouteAlgolia(const HttpRequest& request, const Target& target,
                               std::string_view& route, std::string& who, RequestContext& context) {
  HttpResponse response;
  const std::string key = AlgoliaKeyOf(request, target);
  // Searches once the key is known; a key over its rate limit is refused.
  const auto search = [&]() -> HttpResponse {
    if (absl::Status limited = Limit(who, context); !limited.ok()) {
      route = "rate_limited";
      return algolia::AlgoliaError(limited);
    }
    return HandleAlgolia(request, target, searchers_, route, context);
  };
  absl::StatusOr<KeyScope> scope = absl::UnauthenticatedError("");
  if (IsScopedKey(key)) scope = VerifyScope(key);
  if (request.method == "OPTIONS") {
    response = HandleAlgolia(request, target, searchers_, route, context);  // no key in preflights
  } else if (IsScopedKey(key)) {
    if (scope.ok()) {
      who = StrCat("scoped:", scope->parent);
      context.scope = *std::move(scope);
      response = search();
    } else {
      route = "denied";
      response = algolia::AlgoliaError(scope.status());
    }
  } else if (!key.empty() && NameOf(key, admin_keys_)) {
    route = "denied";
    response = algolia::AlgoliaError(absl::PermissionDeniedError(
        "the admin key is never accepted by the Algolia-compatible endpoint; use a search key"));
  } else if (!search_keys_.empty() && key.empty()) {
    route = "denied";
    response =
        algolia::AlgoliaError(absl::UnauthenticatedError("send a search key as X-Algolia-API-Key"));
  } else if (!search_keys_.empty() && !NameOf(key, search_keys_)) {
    route = "denied";
    response = algolia::AlgoliaError(absl::PermissionDeniedError("the API key is not valid"));
  } else {
    if (!key.empty()) who = NameOf(key, search_keys_).value_or("");
    response = search();
  }
  AddAlgoliaCors(response);
  return response;
}

}  // namespace vitrine::server
