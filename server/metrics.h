// Metrics: Prometheus counters, gauges and latency histograms for the service,
// rendered in the text exposition format (version 0.0.4) at GET /metrics.
// Thread-safe; recording a request is a few atomic adds on the hot path.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace vitrine::server {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One finished HTTP request. `route` is the route pattern ("/v1/search",
  // "/v1/products/{id}", "unmatched"), never the raw path, so cardinality stays bounded.
  void RecordRequest(std::string_view route, std::string_view method, int status, double seconds);

  // The serving index: document count and generation id (a label on vitrine_index_info).
  void SetIndex(std::string_view generation, uint64_t documents);

  // Adds to a named counter (e.g. "vitrine_search_zero_results_total"); names are
  // fixed strings chosen by the caller.
  void Increment(std::string_view counter, uint64_t by = 1);

  // One gauge (or counter), read when the metrics are rendered (the write
  // log's position, the config version): `name` a fixed string, `help` its description.
  void AddGauge(std::string name, std::string help, std::function<double()> read,
                bool counter = false);

  // Everything in Prometheus text format, including
  // vitrine_http_requests_total{route,method,status}, vitrine_http_request_duration_seconds
  // (histogram by route), vitrine_index_documents, vitrine_index_info{generation},
  // process_start_time_seconds.
  std::string Render() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitrine::server
