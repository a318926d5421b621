// The Beast transport. Each connection is a Session on its own strand: read one
// request (with size limits and a timeout), call the handler synchronously on the
// I/O thread (searches are short and CPU-bound, so a hand-off to another pool would
// only add latency), write the response, and read the next one while keep-alive
// holds. Stop() closes the acceptor, closes idle connections, lets in-flight
// requests finish, and joins the I/O threads.
#include "server/http_server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/strings.h"
#include "server/errors.h"
#include "server/http_parse.h"

namespace vitrine::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Session;

// What sessions share with the server: the handler, the options and the
// registry that lets Stop() reach idle connections.
struct Shared {
  HttpServerOptions options;
  HttpHandler handler;
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::condition_variable all_closed;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)), shared_(std::move(shared)) {
    beast::error_code ignored;
    const tcp::endpoint remote = stream_.socket().remote_endpoint(ignored);
    remote_address_ = ignored ? std::string() : remote.address().to_string();
  }

  ~Session() {
    std::lock_guard lock(shared_->mutex);
    shared_->sessions.erase(this);
    if (shared_->sessions.empty()) shared_->all_closed.notify_all();
  }

  void Start() {
    {
      std::lock_guard lock(shared_->mutex);
      shared_->sessions.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

  // Called by Stop() for every live session: closes the connection if it is idle
  // between requests; a session busy with a request closes after its response.
  void CloseIfIdle() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->reading_ && self->buffer_.size() == 0) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        self->stream_.socket().close(ignored);
      }
    });
  }

 private:
  void Read() {
    if (shared_->stopping) return Close();
    parser_.emplace();
    LimitRequest(*parser_, shared_->options);
    stream_.expires_after(shared_->options.read_timeout);
    reading_ = true;
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code error, size_t /*bytes*/) {
    reading_ = false;
    if (error == http::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::operation_aborted || error == asio::error::connection_reset ||
        error == asio::error::bad_descriptor || error == asio::error::eof) {
      return Close();
    }
    if (error) {
      // The request could not be parsed (or was too large): answer and close, since
      // the rest of the byte stream can no longer be trusted.
      return Write(TransportError(error, shared_->options), /*keep_alive=*/false,
                   /*head=*/false, /*version=*/11);
    }
    RequestMessage message = parser_->release();
    HttpRequest request = ToHttpRequest(message, remote_address_);
    const bool head = message.method() == http::verb::head;
    HttpResponse response;
    try {
      response = shared_->handler(std::move(request));
    } catch (const std::exception&) {
      // Handlers report errors as responses; this is the last line of defence
      // (bad_alloc and the like), so one broken request never takes the server down.
      response = ErrorResponse(500, "internal", "internal error");
    }
    // Decided after the handler: a response finished during Stop() says "close".
    const bool keep_alive = message.keep_alive() && !shared_->stopping;
    Write(std::move(response), keep_alive, head, message.version());
  }

  void Write(HttpResponse response, bool keep_alive, bool head, unsigned version) {
    auto message = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), version);
    message->set(http::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) message->set(name, value);
    message->keep_alive(keep_alive);
    const size_t length = response.body.size();
    if (!head) message->body() = std::move(response.body);
    message->content_length(length);
    stream_.expires_after(shared_->options.read_timeout);
    http::async_write(
        stream_, *message,
        [self = shared_from_this(), message, keep_alive](beast::error_code error, size_t) {
          if (error || !keep_alive) return self->Close();
          self->Read();
        });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  std::shared_ptr<Shared> shared_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string remote_address_;
  bool reading_ = false;  // touched only on the session's strand
};

}  // namespace

struct HttpServer::Impl {
  explicit Impl(HttpServerOptions options, HttpHandler handler)
      : threads(options.threads > 0
                    ? options.threads
                    : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
        io(threads),
        acceptor(asio::make_strand(io)),
        shared(std::make_shared<Shared>()) {
    shared->options = std::move(options);
    shared->handler = std::move(handler);
  }

  void Accept() {
    acceptor.async_accept(
        asio::make_strand(io), [this](beast::error_code error, tcp::socket socket) {
          if (error == asio::error::operation_aborted || !acceptor.is_open()) return;
          if (!error) {
            socket.set_option(tcp::no_delay(true), error);  // small responses, no Nagle delay
            std::make_shared<Session>(std::move(socket), shared)->Start();
          }
          // Errors such as EMFILE affect one accept, not the server: keep accepting.
          Accept();
        });
  }

  const int threads;
  asio::io_context io;
  tcp::acceptor acceptor;
  std::shared_ptr<Shared> shared;
  std::vector<std::thread> workers;

  std::mutex state_mutex;
  std::condition_variable state_changed;
  bool stopped = false;  // Stop() has begun
  bool joined = false;   // Stop() has finished
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

absl::StatusOr<uint16_t> HttpServer::Start() {
  const HttpServerOptions& options = impl_->shared->options;
  beast::error_code error;
  const asio::ip::address address = asio::ip::make_address(options.address, error);
  if (error) {
    return absl::InvalidArgumentError(StrCat("bad listen address '", options.address, "'"));
  }
  const tcp::endpoint endpoint(address, options.port);
  tcp::acceptor& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    return absl::UnavailableError(
        StrCat("cannot listen on ", options.address, ":", options.port, ": ", error.message()));
  }
  const uint16_t port = acceptor.local_endpoint().port();
  impl_->Accept();
  impl_->workers.reserve(static_cast<size_t>(impl_->threads));
  for (int i = 0; i < impl_->threads; ++i) {
    impl_->workers.emplace_back([this] { impl_->io.run(); });
  }
  return port;
}

void HttpServer::Stop() {
  {
    std::lock_guard lock(impl_->state_mutex);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  Shared& shared = *impl_->shared;
  shared.stopping = true;
  asio::post(impl_->acceptor.get_executor(), [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  // Idle keep-alive connections close now; busy ones after their response.
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(shared.mutex);
    for (const auto& [raw, weak] : shared.sessions) {
      if (std::shared_ptr<Session> session = weak.lock()) live.push_back(std::move(session));
    }
  }
  for (const std::shared_ptr<Session>& session : live) session->CloseIfIdle();
  live.clear();
  {
    std::unique_lock lock(shared.mutex);
    shared.all_closed.wait_for(lock, shared.options.shutdown_grace,
                               [&] { return shared.sessions.empty(); });
  }
  impl_->io.stop();
  for (std::thread& worker : impl_->workers) {
    if (worker.joinable()) worker.join();
  }
  std::lock_guard lock(impl_->state_mutex);
  impl_->joined = true;
  impl_->state_changed.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->state_mutex);
  impl_->state_changed.wait(lock, [&] { return impl_->joined; });
}

}  // namespace vitrine::server
