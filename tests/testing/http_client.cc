#include "tests/testing/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <stdexcept>

namespace vitrine::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Boost 1.74's beast::string_view is boost::string_view, not std::string_view.
beast::string_view ToBeast(std::string_view text) { return {text.data(), text.size()}; }
std::string_view FromBeast(beast::string_view text) { return {text.data(), text.size()}; }

tcp::endpoint Loopback(uint16_t port) { return {asio::ip::make_address("127.0.0.1"), port}; }

}  // namespace

std::string HttpResult::Header(std::string_view name) const {
  const std::string lower = Lower(name);
  for (const auto& [key, value] : headers) {
    if (key == lower) return value;
  }
  return {};
}

struct HttpConnection::Impl {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
};

HttpConnection::HttpConnection(uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->stream.expires_after(std::chrono::seconds(10));
  impl_->stream.connect(Loopback(port));
}

HttpConnection::~HttpConnection() {
  beast::error_code ignored;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

HttpResult HttpConnection::Request(std::string_view method, std::string_view target,
                                   std::string_view body, const Headers& headers) {
  http::request<http::string_body> request(http::string_to_verb(ToBeast(method)), ToBeast(target),
                                           11);
  if (request.method() == http::verb::unknown) request.method_string(ToBeast(method));
  request.set(http::field::host, "127.0.0.1");
  request.keep_alive(true);
  for (const auto& [name, value] : headers) request.set(ToBeast(name), ToBeast(value));
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    request.body() = std::string(body);
    request.prepare_payload();
  }
  impl_->stream.expires_after(std::chrono::seconds(30));
  http::write(impl_->stream, request);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  parser.skip(method == "HEAD");
  http::read(impl_->stream, impl_->buffer, parser);
  http::response<http::string_body> response = parser.release();
  HttpResult result;
  result.status = static_cast<int>(response.result_int());
  for (const auto& field : response) {
    result.headers.emplace_back(Lower(FromBeast(field.name_string())), std::string(field.value()));
  }
  result.body = std::move(response.body());
  return result;
}

bool HttpConnection::ClosedByPeer() {
  impl_->stream.expires_after(std::chrono::seconds(5));
  char byte;
  beast::error_code error;
  impl_->stream.read_some(asio::buffer(&byte, 1), error);
  return error == asio::error::eof || error == asio::error::connection_reset;
}

HttpResult HttpGet(uint16_t port, std::string_view target, const Headers& headers) {
  HttpConnection connection(port);
  return connection.Get(target, headers);
}

std::string SendRaw(uint16_t port, std::string_view bytes) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(5));
  stream.connect(Loopback(port));
  asio::write(stream, asio::buffer(bytes.data(), bytes.size()));
  std::string received;
  char chunk[4096];
  while (true) {
    beast::error_code error;
    const size_t n = stream.read_some(asio::buffer(chunk), error);
    received.append(chunk, n);
    if (error) break;
  }
  return received;
}

}  // namespace vitrine::testing
