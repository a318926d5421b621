// Api: the HTTP API as a pure function of the request. Routes, validates, calls
// query/, serialises JSON, and wraps every request with a request id, metrics and
// an access-log line. No sockets here: tests call Handle() directly.
#pragma once

#include "query/search.h"
#include "server/access_log.h"
#include "server/http.h"
#include "server/metrics.h"

namespace vitrine::server {

class Api {
 public:
  // All references must outlive the Api.
  Api(query::SearcherPool& searchers, Metrics& metrics, const AccessLog& access_log)
      : searchers_(searchers), metrics_(metrics), access_log_(access_log) {}

  HttpResponse Handle(HttpRequest&& request);

 private:
  HttpResponse Route(const HttpRequest& request, std::string_view& route);

  query::SearcherPool& searchers_;
  Metrics& metrics_;
  const AccessLog& access_log_;
};

}  // namespace vitrine::server
