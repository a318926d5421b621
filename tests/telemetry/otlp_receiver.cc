#include "tests/telemetry/otlp_receiver.h"

#include <sys/socket.h>

#include <algorithm>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace vitrine::telemetry::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

tcp::endpoint Loopback(uint16_t port) { return {asio::ip::make_address("127.0.0.1"), port}; }

std::string FromBeast(beast::string_view text) { return {text.data(), text.size()}; }

}  // namespace

OtlpReceiver::OtlpReceiver(ReceiverMode mode) : mode_(mode) {
  acceptor_.open(tcp::v4());
  acceptor_.bind(Loopback(0));
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  accept_thread_ = std::thread([this] { Accept(); });
}

OtlpReceiver::~OtlpReceiver() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    // Wakes the connection threads out of their blocking reads. Their sockets
    // stay open (the descriptors cannot be reused) until they leave open_fds_.
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  changed_.notify_all();
  // On Linux, shutting a listening socket down wakes a blocked accept.
  ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
  accept_thread_.join();
  for (std::thread& thread : threads_) thread.join();
  beast::error_code ignored;
  acceptor_.close(ignored);
}

std::string OtlpReceiver::endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::vector<ReceivedRequest> OtlpReceiver::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

size_t OtlpReceiver::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

bool OtlpReceiver::WaitForRequests(size_t count) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::seconds(10),
                           [&] { return requests_.size() >= count; });
}

void OtlpReceiver::Release() {
  {
    std::lock_guard lock(mutex_);
    released_ = true;
  }
  changed_.notify_all();
}

void OtlpReceiver::Accept() {
  for (;;) {
    tcp::socket socket(io_);
    beast::error_code error;
    acceptor_.accept(socket, error);
    std::lock_guard lock(mutex_);
    if (stopping_ || error) return;
    ++connections_;
    open_fds_.push_back(socket.native_handle());
    threads_.emplace_back(
        [this, socket = std::move(socket)]() mutable { Serve(std::move(socket)); });
  }
}

bool OtlpReceiver::WaitToAnswer() {
  std::unique_lock lock(mutex_);
  switch (mode_) {
    case ReceiverMode::kNeverAnswer:
      changed_.wait(lock, [&] { return stopping_; });
      return false;
    case ReceiverMode::kHoldUntilReleased:
      changed_.wait(lock, [&] { return released_ || stopping_; });
      return !stopping_;
    default:
      return !stopping_;
  }
}

void OtlpReceiver::Serve(tcp::socket socket) {
  const int fd = socket.native_handle();
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    beast::error_code error;
    http::read(socket, buffer, parser, error);
    if (error) break;
    const http::request<http::string_body>& request = parser.get();
    {
      std::lock_guard lock(mutex_);
      requests_.push_back({.method = FromBeast(request.method_string()),
                           .target = FromBeast(request.target()),
                           .content_type = FromBeast(request[http::field::content_type]),
                           .body = request.body()});
    }
    changed_.notify_all();
    if (!WaitToAnswer()) break;
    const bool fail = mode_ == ReceiverMode::kAnswer500;
    http::response<http::string_body> response(
        fail ? http::status::internal_server_error : http::status::ok, request.version());
    response.set(http::field::content_type, "application/json");
    response.body() = fail ? R"({"message":"test receiver failure"})" : "{}";
    response.keep_alive(true);
    response.prepare_payload();
    http::write(socket, response, error);
    if (error || mode_ == ReceiverMode::kCloseAfterEachAnswer) break;
  }
  {
    std::lock_guard lock(mutex_);
    open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
  }
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

uint16_t ClosedPort() {
  asio::io_context io;
  tcp::acceptor acceptor(io, Loopback(0));
  return acceptor.local_endpoint().port();
}

}  // namespace vitrine::telemetry::testing
