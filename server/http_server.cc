// The Beast transport. Each connection is a Session on its own strand: wait for a
// request to begin (idle timeout), read all of it (size limits and a request
// timeout), hand it to a handler thread (server/work_queue.h: admission control,
// so an overloaded server refuses at once instead of queueing), write the
// response (write timeout), and read the next one while keep-alive holds. No
// client can hold a thread: all I/O is asynchronous and every wait has a
// deadline. At the connection limit a new connection closes the one that has
// waited longest without a request under way. Stop() closes the acceptor, closes
// idle connections, lets in-flight requests finish, and joins the I/O threads.
#include "server/http_server.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
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

#include "base/log.h"
#include "base/strings.h"
#include "server/errors.h"
#include "server/http_parse.h"

namespace vitrine::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using Clock = std::chrono::steady_clock;

class Session;

// Where a session is: only those waiting for a request, or still reading one,
// may be closed to make room.
enum class Phase : int { kIdle, kReadingRequest, kHandling, kWriting, kEvicted };

// What sessions share with the server: the handler, the options and the
// registry that lets Stop() and the connection limit reach every connection.
struct Shared {
  HttpServerOptions options;
  HttpHandler handler;
  std::unique_ptr<WorkQueue> work;  // null: handlers run on the I/O threads
  std::atomic<bool> stopping{false};
  size_t max_connections = 0;  // options.max_connections, capped by the fd limit

  std::mutex mutex;
  std::condition_variable all_closed;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions;
  Clock::time_point last_limit_log;  // under `mutex`
  uint64_t evicted = 0;              // since the last log line, under `mutex`
  uint64_t refused = 0;
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
      if (self->phase() != Phase::kIdle) return;
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      self->stream_.socket().close(ignored);
    });
  }

  // Called at the connection limit: closes the connection if it is waiting for
  // a request or reading one; false when it has moved on to handling one.
  bool TryEvict() {
    Phase phase = phase_.load();
    do {
      if (phase != Phase::kIdle && phase != Phase::kReadingRequest) return false;
    } while (!phase_.compare_exchange_weak(phase, Phase::kEvicted));
    // Closed on its strand unless a request arrived meanwhile (the phase moved on).
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->phase() != Phase::kEvicted) return;
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      self->stream_.socket().close(ignored);
    });
    return true;
  }

  Phase phase() const { return phase_.load(std::memory_order_relaxed); }
  // When the session entered its phase.
  Clock::time_point since() const {
    return Clock::time_point(Clock::duration(since_.load(std::memory_order_relaxed)));
  }

 private:
  void EnterPhase(Phase phase) {
    since_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
    phase_.store(phase, std::memory_order_relaxed);
  }

  // Waits for the next request to begin, then reads it.
  void Read() {
    if (shared_->stopping) return Close();
    parser_.emplace();
    LimitRequest(*parser_, shared_->options);
    if (buffer_.size() > 0) return ReadRequest();  // pipelined: it has begun
    EnterPhase(Phase::kIdle);
    stream_.expires_after(shared_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = shared_from_this()](beast::error_code error, size_t bytes) {
                              self->buffer_.commit(bytes);
                              if (error) return self->Close();
                              self->ReadRequest();
                            });
  }

  void ReadRequest() {
    EnterPhase(Phase::kReadingRequest);
    stream_.expires_after(shared_->options.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code error, size_t /*bytes*/) {
    EnterPhase(Phase::kHandling);
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
    const Reply reply = {.keep_alive = message.keep_alive(),
                         .head = message.method() == http::verb::head,
                         .version = message.version()};
    WorkQueue* work = shared_->work.get();
    if (work == nullptr || RunsInline(request.target)) {
      return Finish(Handle(std::move(request)), reply);
    }
    const bool browser_api = request.target.starts_with("/1/");  // Algolia's clients: CORS
    const bool admitted =
        work->TrySubmit([self = shared_from_this(), request = std::move(request), reply,
                         browser_api](WorkQueue::Admission admission) mutable {
          HttpResponse response =
              admission.shed ? Overloaded(browser_api) : self->Handle(std::move(request));
          asio::post(self->stream_.get_executor(),
                     [self, reply, response = std::move(response)]() mutable {
                       self->Finish(std::move(response), reply);
                     });
        });
    if (!admitted) Finish(Overloaded(browser_api), reply);
  }

  // What a response needs of its request once the request itself is gone.
  struct Reply {
    bool keep_alive;
    bool head;
    unsigned version;
  };

  HttpResponse Handle(HttpRequest&& request) {
    try {
      return shared_->handler(std::move(request));
    } catch (const std::exception&) {
      // Handlers report errors as responses; this is the last line of defence
      // (bad_alloc and the like), so one broken request never takes the server down.
      return ErrorResponse(500, "internal", "internal error");
    }
  }

  // Health checks and metrics answer on the I/O thread, never shed: a load
  // balancer must not take an overloaded replica for a dead one.
  bool RunsInline(std::string_view target) const {
    const std::string_view path = target.substr(0, target.find('?'));
    const std::vector<std::string>& paths = shared_->options.inline_paths;
    return std::find(paths.begin(), paths.end(), path) != paths.end();
  }

  // `browser_api`: readable by a browser on another origin (the Algolia endpoint).
  static HttpResponse Overloaded(bool browser_api) {
    HttpResponse response =
        ErrorResponse(503, "unavailable", "the server is overloaded; retry after a second");
    response.headers.emplace_back("Retry-After", "1");
    if (browser_api) response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    return response;
  }

  // Decided after the handler: a response finished during Stop() says "close".
  void Finish(HttpResponse response, const Reply& reply) {
    Write(std::move(response), reply.keep_alive && !shared_->stopping, reply.head, reply.version);
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
    EnterPhase(Phase::kWriting);
    stream_.expires_after(shared_->options.write_timeout);
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
  static constexpr size_t kReadChunk = 4096;

  std::string remote_address_;
  // Written on the session's strand, read by the acceptor at the limit.
  std::atomic<Phase> phase_{Phase::kIdle};
  std::atomic<Clock::rep> since_{Clock::now().time_since_epoch().count()};
};

// The file descriptors a process may open, raised to the hard limit (servers
// start with a soft limit of 1024 in many environments).
size_t RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? SIZE_MAX : static_cast<size_t>(limit.rlim_cur);
}

// At the connection limit: closes the session that has waited longest without
// a request under way, to make room for a new one; false when every one is busy.
// `sessions` is a copy of the registry taken under its lock (a session may be
// destroyed while this looks, and its destructor takes that lock).
bool EvictLongestWaiting(const std::vector<std::weak_ptr<Session>>& sessions) {
  std::vector<std::shared_ptr<Session>> waiting;
  for (const std::weak_ptr<Session>& weak : sessions) {
    std::shared_ptr<Session> session = weak.lock();
    if (session == nullptr) continue;
    const Phase phase = session->phase();
    if (phase == Phase::kIdle || phase == Phase::kReadingRequest) waiting.push_back(session);
  }
  std::sort(waiting.begin(), waiting.end(),
            [](const auto& a, const auto& b) { return a->since() < b->since(); });
  for (const std::shared_ptr<Session>& session : waiting) {
    if (session->TryEvict()) return true;  // else a request just arrived on it
  }
  return false;
}

// Counts what the limit did and logs it at most every 10 s.
void NoteLimit(Shared& shared, bool evicted) {
  std::lock_guard lock(shared.mutex);
  ++(evicted ? shared.evicted : shared.refused);
  if (Clock::now() - shared.last_limit_log < std::chrono::seconds(10)) return;
  shared.last_limit_log = Clock::now();
  LogEvent("warn", "connection limit reached",
           StrCat(R"("max_connections":)", shared.max_connections, R"(,"closed_waiting":)",
                  shared.evicted, R"(,"refused":)", shared.refused));
  shared.evicted = shared.refused = 0;
}

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
    if (shared->options.work.workers >= 0) {
      shared->work = std::make_unique<WorkQueue>(shared->options.work);
    }
    // Room for the index, the stores and the listener besides the connections.
    const size_t files = RaiseFileLimit();
    shared->max_connections =
        std::min(shared->options.max_connections, files > 256 ? files - 256 : files / 2);
  }

  void Accept() {
    acceptor.async_accept(asio::make_strand(io),
                          [this](beast::error_code error, tcp::socket socket) {
                            if (error == asio::error::operation_aborted || !acceptor.is_open())
                              return;
                            if (!error) Admit(std::move(socket));
                            // Errors such as EMFILE affect one accept, not the server: keep
                            // accepting.
                            Accept();
                          });
  }

  void Admit(tcp::socket socket) {
    std::vector<std::weak_ptr<Session>> sessions;
    {
      std::lock_guard lock(shared->mutex);
      if (shared->sessions.size() >= shared->max_connections) {
        sessions.reserve(shared->sessions.size());
        for (const auto& [raw, weak] : shared->sessions) sessions.push_back(weak);
      }
    }
    if (!sessions.empty()) {
      const bool evicted = EvictLongestWaiting(sessions);
      NoteLimit(*shared, evicted);
      if (!evicted) {
        beast::error_code ignored;
        socket.close(ignored);  // every connection is busy with a request
        return;
      }
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small responses, no Nagle delay
    std::make_shared<Session>(std::move(socket), shared)->Start();
  }

  const int threads;
  asio::io_context io;
  // Keeps the I/O threads running while no socket operation is pending: a
  // request on a handler thread (its response still to be posted back), or
  // after Stop() has closed the acceptor. Released only when Stop() stops io.
  asio::executor_work_guard<asio::io_context::executor_type> keep_running =
      asio::make_work_guard(io);
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
  impl_->keep_running.reset();
  impl_->io.stop();
  for (std::thread& worker : impl_->workers) {
    if (worker.joinable()) worker.join();
  }
  // After the I/O threads: a request still queued (past the grace) runs, and its
  // response is dropped with the stopped io_context.
  if (shared.work != nullptr) shared.work->Stop();
  std::lock_guard lock(impl_->state_mutex);
  impl_->joined = true;
  impl_->state_changed.notify_all();
}

std::optional<WorkQueue::Stats> HttpServer::work_stats() const {
  if (impl_->shared->work == nullptr) return std::nullopt;
  return impl_->shared->work->stats();
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->state_mutex);
  impl_->state_changed.wait(lock, [&] { return impl_->joined; });
}

}  // namespace vitrine::server
