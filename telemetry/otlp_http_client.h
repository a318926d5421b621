// The exporter thread's HTTP client: POSTs one body at a time to the collector
// over a kept-alive connection. Internal to telemetry/; not thread-safe (one
// exporter thread owns it).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "telemetry/endpoint.h"

namespace vitrine::telemetry {

class OtlpHttpClient {
 public:
  explicit OtlpHttpClient(HttpEndpoint endpoint);
  ~OtlpHttpClient();

  OtlpHttpClient(const OtlpHttpClient&) = delete;
  OtlpHttpClient& operator=(const OtlpHttpClient&) = delete;

  // POSTs `body` (application/json) and reads the answer, resolving and
  // connecting first when no connection is open, all before `deadline`. OK on a
  // 2xx answer. Otherwise the connection is closed unless the answer kept it
  // alive, and the error says why: Unavailable (resolution, connection, I/O, or
  // a non-2xx answer with the start of its body), DeadlineExceeded (the deadline
  // passed). A POST that fails on a connection kept from an earlier POST (the
  // collector may have closed it meanwhile) is sent once more on a new one.
  absl::Status Post(std::string body, std::chrono::steady_clock::time_point deadline);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitrine::telemetry
