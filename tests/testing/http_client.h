// A small blocking HTTP/1.1 client for end-to-end tests, on 127.0.0.1 only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vitrine::testing {

struct HttpResult {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // First value of a header (any case), or empty.
  std::string Header(std::string_view name) const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One keep-alive connection to 127.0.0.1:port; requests go over the same socket.
class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port);
  ~HttpConnection();

  HttpResult Request(std::string_view method, std::string_view target, std::string_view body = {},
                     const Headers& headers = {});
  HttpResult Get(std::string_view target, const Headers& headers = {}) {
    return Request("GET", target, {}, headers);
  }

  // True when the server has closed this connection (reads end of stream).
  bool ClosedByPeer();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
HttpResult HttpGet(uint16_t port, std::string_view target, const Headers& headers = {});

// Writes raw bytes and returns everything the server sends until it closes the
// connection (or 5 s pass). For malformed requests a real client would not send.
std::string SendRaw(uint16_t port, std::string_view bytes);

}  // namespace vitrine::testing
