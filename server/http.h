// Plain HTTP request/response values exchanged between the Beast transport
// (http_server.cc) and the pure handlers (api.cc), so handlers are testable
// without a socket and Beast stays out of every other file.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vitrine::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query string, as received: "/v1/search?q=tee"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  // When the transport had read all of it: a search's deadline counts from here,
  // so time spent waiting for a handler thread is part of its budget.
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();

  // First value of a header (name in lower case), or empty.
  std::string_view Header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return value;
    }
    return {};
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

}  // namespace vitrine::server
