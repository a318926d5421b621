// Bytes -> HttpRequest as HttpServer reads them: Beast's request parser with the
// server's header and body limits, the parsed message as handlers see it, and the
// answer to bytes that are not a request. Private to server/: http_server.cc feeds
// the parser from sockets, the HTTP fuzz target (tests/fuzz) from memory.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "server/http.h"
#include "server/http_server.h"

namespace vitrine::server {

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;
using RequestMessage = boost::beast::http::request<boost::beast::http::string_body>;

// Sets the server's limits on a fresh parser: larger heads fail with
// http::error::header_limit, larger bodies with http::error::body_limit.
void LimitRequest(RequestParser& parser, const HttpServerOptions& options);

// The request as handlers see it (header names lower-cased); moves the body out.
HttpRequest ToHttpRequest(RequestMessage& message, std::string remote_address);

// The answer to a request that could not be read: 413 over the body limit, 431
// over the header limit, 400 for anything else malformed.
HttpResponse TransportError(const boost::beast::error_code& error,
                            const HttpServerOptions& options);

}  // namespace vitrine::server
