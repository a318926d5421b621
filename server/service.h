// Service: the whole server assembled from its parts (data dir watcher, searcher
// pool, metrics, access log, API, HTTP transport). `vitrine serve` runs one until
// SIGINT/SIGTERM; end-to-end tests start one on an ephemeral port.
//
//   ASSIGN_OR_RETURN(auto service, Service::Start({.data_dir = dir, .http = {.port = 0}}));
//   Get(service->port(), "/v1/search?q=tee");
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "query/search.h"
#include "server/api.h"
#include "server/http_server.h"
#include "writes/jetstream_write_log.h"
#include "writes/product_writes.h"

namespace vitrine::server {

struct ServeOptions {
  std::string data_dir;                             // as given to `vitrine reindex --data-dir`
  HttpServerOptions http;                           // address, port, threads, limits
  query::SearchOptions search;                      // result limits and analyzer
  std::chrono::milliseconds reload_interval{1000};  // how often CURRENT is checked
  bool access_log = true;                           // one JSON line per request on stdout
  ApiKeys keys;                                     // admin and search API keys
  ApiLimits limits;                                 // search budget, rate limits per key
  writes::ProductWritesOptions writes;              // commit interval, idempotency TTL
  // How often the journal drops what every kept generation holds, and expired
  // idempotency records (also after each generation switch).
  std::chrono::milliseconds journal_retention_interval{std::chrono::minutes(10)};
  // The built storefront and console (server/static_files.h); empty: not served.
  std::string ui_dir;
  // A cluster's shared write log (NATS JetStream); no servers: this node's own
  // journal in the data directory.
  writes::JetStreamOptions nats;
  // On SIGTERM or SIGINT: /readyz answers 503 at once and requests are served
  // this long more (a load balancer's health checks notice meanwhile), then
  // the server stops taking connections, finishes those in flight and exits.
  std::chrono::milliseconds drain{0};
  // OpenTelemetry: spans of requests (and their stages) sent over OTLP/HTTP JSON
  // to this collector endpoint ("http://127.0.0.1:4318"); empty: none. Log lines
  // carry trace ids either way.
  std::string otlp_endpoint;
  double otlp_sample_ratio = 1.0;  // of new traces; a caller's traceparent decides for its own
};

class Service {
 public:
  // Opens the current generation (if any: without one, /readyz answers 503 until a
  // reindex lands), starts watching for new ones, and starts serving HTTP.
  static absl::StatusOr<std::unique_ptr<Service>> Start(const ServeOptions& options);
  ~Service();  // Stop()

  uint16_t port() const;

  // Applies the journal retention now instead of at the next interval (tests).
  absl::Status PruneJournalNow();

  // Checks CURRENT now instead of waiting for the next poll (tests, SIGHUP).
  absl::Status ReloadNow();

  // Graceful: stops accepting, finishes in-flight requests, stops the watcher.
  void Stop();
  // /readyz answers 503 from now on (Stop still to come).
  void StartDraining();

 private:
  struct Impl;
  explicit Service(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Runs a Service until SIGINT or SIGTERM, then shuts it down gracefully.
absl::Status Serve(const ServeOptions& options);

}  // namespace vitrine::server
