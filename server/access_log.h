// AccessLog: one JSON line per request (time, request id, method, path, the API
// key's name, status, duration), written with a single write(2) so lines from many threads never
// interleave.
#pragma once

#include <string_view>

namespace vitrine::server {

struct AccessLogEntry {
  std::string_view request_id;
  std::string_view method;
  std::string_view target;
  std::string_view remote_address;
  std::string_view key_name;  // the API key's name (never the key); empty: none
  std::string_view trace_id;  // W3C trace id (the caller's traceparent, or a new one)
  std::string_view span_id;   // the request's server span
  int status = 0;
  double duration_ms = 0;
  size_t response_bytes = 0;
};

class AccessLog {
 public:
  // Writes to `fd` (1 for stdout); fd < 0 disables logging.
  explicit AccessLog(int fd) : fd_(fd) {}
  void Write(const AccessLogEntry& entry) const;
  bool enabled() const { return fd_ >= 0; }

 private:
  int fd_;
};

}  // namespace vitrine::server
