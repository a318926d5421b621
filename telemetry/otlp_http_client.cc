// Blocking POSTs with a deadline. Beast's tcp_stream applies expires_at only to
// asynchronous operations (its synchronous ones behave like a plain socket and
// can wait forever), so each step starts an asynchronous operation on a private
// io_context and runs that context on the calling thread until the step is done:
// synchronous to the caller, bounded by the deadline.
#include "telemetry/otlp_http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string_view>

#include "base/strings.h"

namespace vitrine::telemetry {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// A collector answers with a small ExportTraceServiceResponse.
constexpr size_t kMaxResponseBody = 1 << 20;
// How much of an error answer the status message quotes.
constexpr size_t kQuotedBody = 200;

std::string_view FromBeast(beast::string_view text) { return {text.data(), text.size()}; }
beast::string_view ToBeast(std::string_view text) { return {text.data(), text.size()}; }

// A network failure as a Status: DeadlineExceeded for the stream's timeout.
absl::Status NetworkError(std::string_view step, std::string_view host,
                          const beast::error_code& error) {
  if (error == beast::error::timeout) {
    return absl::DeadlineExceededError(ToAbsl(StrCat(step, " ", host, ": timed out")));
  }
  return absl::UnavailableError(ToAbsl(StrCat(step, " ", host, ": ", error.message())));
}

}  // namespace

struct OtlpHttpClient::Impl {
  explicit Impl(HttpEndpoint endpoint) : endpoint(std::move(endpoint)) {}

  // Runs the operation just started on `io` (and its timer) to completion.
  void Run() {
    io.restart();
    io.run();
  }

  void Close() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.close();
    buffer.consume(buffer.size());
    connected = false;
  }

  absl::Status Connect() {
    // getaddrinfo has no deadline of its own; once per connection, and
    // immediate for an address or a name in /etc/hosts.
    tcp::resolver resolver(io);
    beast::error_code error;
    const tcp::resolver::results_type addresses =
        resolver.resolve(endpoint.host, StrCat(endpoint.port), error);
    if (error) return NetworkError("resolving", endpoint.host, error);
    stream.async_connect(
        addresses, [&error](beast::error_code result, const tcp::endpoint&) { error = result; });
    Run();
    if (error) {
      Close();
      return NetworkError("connecting to", endpoint.host_header, error);
    }
    connected = true;
    return absl::OkStatus();
  }

  // One request and its answer on the open connection (opened first if none):
  // the answer, or the network error (the connection is then closed).
  absl::StatusOr<http::response<http::string_body>> Exchange(
      const http::request<http::string_body>& request,
      std::chrono::steady_clock::time_point deadline) {
    stream.expires_at(deadline);
    if (!connected) {
      if (absl::Status status = Connect(); !status.ok()) return status;
    }
    beast::error_code error;
    http::async_write(stream, request,
                      [&error](beast::error_code result, size_t) { error = result; });
    Run();
    if (error) {
      Close();
      return NetworkError("sending to", endpoint.host_header, error);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    http::async_read(stream, buffer, parser,
                     [&error](beast::error_code result, size_t) { error = result; });
    Run();
    if (error) {
      Close();
      return NetworkError("reading the answer of", endpoint.host_header, error);
    }
    stream.expires_never();
    if (!parser.keep_alive()) Close();
    return parser.release();
  }

  HttpEndpoint endpoint;
  asio::io_context io{1};
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool connected = false;
};

OtlpHttpClient::OtlpHttpClient(HttpEndpoint endpoint)
    : impl_(std::make_unique<Impl>(std::move(endpoint))) {}

OtlpHttpClient::~OtlpHttpClient() { impl_->Close(); }

absl::Status OtlpHttpClient::Post(std::string body,
                                  std::chrono::steady_clock::time_point deadline) {
  http::request<http::string_body> request(http::verb::post, ToBeast(impl_->endpoint.target), 11);
  request.set(http::field::host, impl_->endpoint.host_header);
  request.set(http::field::content_type, "application/json");
  request.set(http::field::user_agent, "vitrine-telemetry");
  request.keep_alive(true);
  request.body() = std::move(body);
  request.prepare_payload();

  const bool reused = impl_->connected;
  absl::StatusOr<http::response<http::string_body>> response = impl_->Exchange(request, deadline);
  // A kept connection may have been closed by the collector (idle timeout) while
  // this POST was on its way: once more on a fresh one. A fresh connection that
  // fails would fail again now; that batch is lost.
  if (!response.ok() && reused && std::chrono::steady_clock::now() < deadline) {
    response = impl_->Exchange(request, deadline);
  }
  if (!response.ok()) return response.status();
  const unsigned code = response->result_int();
  if (code >= 200 && code < 300) return absl::OkStatus();
  const std::string& answer = response->body();
  return absl::UnavailableError(ToAbsl(
      StrCat(impl_->endpoint.host_header, " answered ", code, " ", FromBeast(response->reason()),
             answer.empty() ? "" : ": ", std::string_view(answer).substr(0, kQuotedBody))));
}

}  // namespace vitrine::telemetry
