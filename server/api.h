// Api: the HTTP API as a pure function of the request. Routes, validates, calls
// query/, serialises JSON, and wraps every request with a request id, metrics and
// an access-log line. No sockets here: tests call Handle() directly.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/search.h"
#include "server/access_log.h"
#include "server/http.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "server/request_context.h"
#include "server/tracing.h"

namespace vitrine::merch {
class ConfigStore;  // merch/config_store.h
}  // namespace vitrine::merch
namespace vitrine::writes {
class ProductWrites;  // writes/product_writes.h
}  // namespace vitrine::writes

namespace vitrine::server {

class StaticFiles;
struct Target;

// An API key and the name requests made with it go by: the audit log's "who"
// of config changes and the access log's "key". The key itself is never logged.
struct NamedKey {
  std::string name;
  std::string key;
};

// API keys, sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`.
struct ApiKeys {
  // Product writes and the config API need an admin key; none at all: they are
  // refused (403). `admin` goes by the name "admin".
  std::string admin;
  std::vector<NamedKey> admin_keys;  // more admin keys, each with its own name
  // Search, suggest, product reads and analyze need a search or admin key; none
  // at all: they are open. `search` goes by the name "search".
  std::string search;
  std::vector<NamedKey> search_keys;
};

// Parses "alice:KEY1,bob:KEY2" (as in VITRINE_ADMIN_KEYS): names of 1-64
// letters, digits, '-', '_' or '.', each once; a key is what follows the first
// ':' up to the next ',' (8 to 256 printable ASCII bytes, no spaces). Errors
// name the entry, never the key.
absl::StatusOr<std::vector<NamedKey>> ParseNamedKeys(std::string_view text);

// What protects the server and its shoppers from a client (docs/operations.md).
struct ApiLimits {
  // A search's time budget; a request's timeout_ms may ask for less. Past it a
  // search answers with what it has ("timed_out": true) or 503.
  std::chrono::milliseconds search_budget{1000};
  // Token buckets per key name (server/rate_limiter.h); keys not named: unlimited.
  std::map<std::string, RateLimit> rate_limits;
};

class Api {
 public:
  // All references must outlive the Api; `writes` may be null (no write routes).
  Api(query::SearcherPool& searchers, Metrics& metrics, const AccessLog& access_log,
      ApiKeys keys = {}, writes::ProductWrites* writes = nullptr, ApiLimits limits = {});

  HttpResponse Handle(HttpRequest&& request);

  // Serves the merchandising config routes (/v1/config/...) from `config`, which
  // must outlive the Api; set before serving. Without one they answer 503.
  void SetConfig(merch::ConfigStore* config) { config_ = config; }

  // Traces requests (server/tracing.h): ids for the logs always, spans to
  // `options.exporter` when set. Set before serving.
  void SetTracing(TraceOptions options) { tracing_ = options; }

  // Serves the built storefront and console (GET of any path outside the API)
  // from `files`, which must outlive the Api; without: those paths are 404s.
  void SetStaticFiles(const StaticFiles* files) { static_files_ = files; }

  // Shutting down: /readyz answers 503 from now on, so load balancers stop
  // sending requests while the ones in flight finish.
  void StartDraining() { draining_ = true; }

  // Requests refused by a rate limit so far.
  uint64_t rate_limited() const { return rate_limiter_.refused(); }

 private:
  // What a route needs of the key: an admin key; a search key (searches: scoped
  // keys too); a search key (other reads: suggestions, products, analysis).
  enum class Access { kAdmin, kSearch, kRead };

  // `who`: the name of the request's key, once it is checked.
  HttpResponse Route(const HttpRequest& request, std::string_view& route, std::string& who,
                     RequestContext& context);
  // An error response when the request's key may not use the route, else
  // nullopt, `who` set to the key's name ("" on open routes without a key) and
  // a scoped key's scope in `context` (api_auth.cc).
  std::optional<HttpResponse> Deny(const HttpRequest& request, Access access, std::string& who,
                                   RequestContext& context) const;
  // ResourceExhausted (429) when the key named `who` (or the scoped key in
  // `context`) is over its rate limit; the limit's state goes in `context` for
  // the response's headers (AddRateLimitHeaders).
  absl::Status Limit(const std::string& who, RequestContext& context);
  // The scope of a scoped key derived from one of the search keys.
  absl::StatusOr<KeyScope> VerifyScope(std::string_view key) const;
  // The Algolia-compatible endpoint (/1/...) behind its own key check: search
  // keys only, the admin key never (algolia_auth.cc).
  HttpResponse RouteAlgolia(const HttpRequest& request, const Target& target,
                            std::string_view& route, std::string& who, RequestContext& context);
  // The name of the key in `keys` that `key` is, or nullopt.
  static std::optional<std::string> NameOf(std::string_view key, const std::vector<NamedKey>& keys);

  query::SearcherPool& searchers_;
  Metrics& metrics_;
  const AccessLog& access_log_;
  std::vector<NamedKey> admin_keys_;   // ApiKeys::admin first, as "admin"
  std::vector<NamedKey> search_keys_;  // ApiKeys::search first, as "search"
  writes::ProductWrites* writes_;
  std::atomic<bool> draining_ = false;
  const std::chrono::milliseconds search_budget_;
  RateLimiter rate_limiter_;
  merch::ConfigStore* config_ = nullptr;
  const StaticFiles* static_files_ = nullptr;
  TraceOptions tracing_;
};

// X-RateLimit-Limit, -Remaining and -Reset of the request's key, if it has a
// limit, and Retry-After when it was refused.
void AddRateLimitHeaders(const RequestContext& context, HttpResponse& response);

}  // namespace vitrine::server
