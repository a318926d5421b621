// Api: the HTTP API as a pure function of the request. Routes, validates, calls
// query/, serialises JSON, and wraps every request with a request id, metrics and
// an access-log line. No sockets here: tests call Handle() directly.
#pragma once

#include <optional>
#include <string>

#include "query/search.h"
#include "server/access_log.h"
#include "server/http.h"
#include "server/metrics.h"

namespace vitrine::merch {
class ConfigStore;  // merch/config_store.h
}  // namespace vitrine::merch

namespace vitrine::server {

class ProductWrites;

// API keys, sent as `X-API-Key: <key>` or `Authorization: Bearer <key>`.
struct ApiKeys {
  // Product writes (and later config) need it; empty: they are refused (403).
  std::string admin;
  // Search, suggest, product reads and analyze need it or the admin key; empty:
  // they are open.
  std::string search;
};

class Api {
 public:
  // All references must outlive the Api; `writes` may be null (no write routes).
  Api(query::SearcherPool& searchers, Metrics& metrics, const AccessLog& access_log,
      ApiKeys keys = {}, ProductWrites* writes = nullptr)
      : searchers_(searchers),
        metrics_(metrics),
        access_log_(access_log),
        keys_(std::move(keys)),
        writes_(writes) {}

  HttpResponse Handle(HttpRequest&& request);

  // Serves the merchandising config routes (/v1/config/...) from `config`, which
  // must outlive the Api; set before serving. Without one they answer 503.
  void SetConfig(merch::ConfigStore* config) { config_ = config; }

 private:
  HttpResponse Route(const HttpRequest& request, std::string_view& route);
  // An error response when the request's key may not use the route, else nullopt.
  std::optional<HttpResponse> Deny(const HttpRequest& request, bool admin) const;

  query::SearcherPool& searchers_;
  Metrics& metrics_;
  const AccessLog& access_log_;
  const ApiKeys keys_;
  ProductWrites* writes_;
  merch::ConfigStore* config_ = nullptr;
};

}  // namespace vitrine::server
