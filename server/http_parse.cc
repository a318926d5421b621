#include "server/http_parse.h"

#include "base/strings.h"
#include "server/errors.h"

namespace vitrine::server {

namespace http = boost::beast::http;

void LimitRequest(RequestParser& parser, const HttpServerOptions& options) {
  parser.body_limit(options.max_body_bytes);
  parser.header_limit(static_cast<uint32_t>(options.max_header_bytes));
}

HttpRequest ToHttpRequest(RequestMessage& message, std::string remote_address) {
  HttpRequest request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.headers.reserve(8);
  for (const auto& field : message) {
    const boost::beast::string_view name = field.name_string();
    request.headers.emplace_back(AsciiLower(std::string_view(name.data(), name.size())),
                                 std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = std::move(remote_address);
  return request;
}

HttpResponse TransportError(const boost::beast::error_code& error,
                            const HttpServerOptions& options) {
  if (error == http::error::body_limit) {
    return ErrorResponse(413, "payload_too_large",
                         StrCat("request body is larger than ", options.max_body_bytes, " bytes"));
  }
  if (error == http::error::header_limit) {
    return ErrorResponse(
        431, "headers_too_large",
        StrCat("request headers are larger than ", options.max_header_bytes, " bytes"));
  }
  return ErrorResponse(400, "bad_request", StrCat("malformed HTTP request: ", error.message()));
}

}  // namespace vitrine::server
