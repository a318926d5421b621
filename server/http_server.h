// HttpServer: the Boost.Beast HTTP/1.1 transport. Accepts connections on N threads,
// reads requests with limits and timeouts, calls the handler, writes responses,
// keeps connections alive. Knows nothing about search.
//
//   HttpServer server({.port = 0, .threads = 2}, [&](HttpRequest&& r) { return api.Handle(r); });
//   ASSIGN_OR_RETURN(uint16_t port, server.Start());
//   ...
//   server.Stop();  // graceful: stops accepting, finishes in-flight requests
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/http.h"
#include "server/work_queue.h"

namespace vitrine::server {

struct HttpServerOptions {
  std::string address = "127.0.0.1";   // listen address; "0.0.0.0" for all interfaces
  uint16_t port = 8080;                // 0 picks an ephemeral port (tests)
  int threads = 0;                     // I/O threads; 0 means one per core
  size_t max_body_bytes = 1 << 20;     // larger bodies get 413
  size_t max_header_bytes = 16 << 10;  // larger request heads get 431
  // A kept-alive connection may wait this long for its next request to begin.
  std::chrono::milliseconds idle_timeout{60000};
  // Once a request has begun, all of it must arrive within this (a client that
  // sends half a header and stalls is closed).
  std::chrono::milliseconds request_timeout{10000};
  // A response must be taken within this (a client that never reads is closed).
  std::chrono::milliseconds write_timeout{10000};
  // Open connections at most; past it a new connection closes the one that has
  // waited longest without a request under way, or is refused when none has.
  // Also capped below the process's file descriptor limit.
  size_t max_connections = 10000;
  std::chrono::milliseconds shutdown_grace{5000};  // in-flight requests get this long on Stop()
  // The handler threads and their admission control (server/work_queue.h): a
  // request refused there is answered 503 with Retry-After at once. workers < 0:
  // handlers run on the I/O threads, with no admission control.
  WorkQueueOptions work;
  // Paths answered on the I/O thread and never refused: a load balancer's health
  // checks and Prometheus's scrapes must be answered under overload too.
  std::vector<std::string> inline_paths = {"/healthz", "/readyz", "/metrics"};
};

// Called on an I/O thread for each complete request. Must not throw.
using HttpHandler = std::function<HttpResponse(HttpRequest&&)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();  // calls Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. Returns the bound port.
  absl::StatusOr<uint16_t> Start();

  // Stops accepting, lets in-flight requests finish (up to shutdown_grace),
  // closes idle connections and joins the threads. Idempotent.
  void Stop();

  // The handler threads' admission counters; nullopt without handler threads.
  std::optional<WorkQueue::Stats> work_stats() const;

  // Blocks until Stop() has completed (from another thread or a signal handler thread).
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitrine::server
