// A stand-in OTLP/HTTP collector for the exporter's tests: listens on an
// ephemeral port of 127.0.0.1, reads HTTP requests (one thread per connection,
// keep-alive), records them, and answers as its mode says.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vitrine::telemetry::testing {

enum class ReceiverMode {
  kAnswer200,             // 200 {} and keep the connection
  kAnswer500,             // 500 and keep the connection
  kNeverAnswer,           // read requests, never answer (until destroyed)
  kHoldUntilReleased,     // answer 200 only once Release() was called
  kCloseAfterEachAnswer,  // 200 without "Connection: close", then close anyway
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::string content_type;
  std::string body;
};

class OtlpReceiver {
 public:
  explicit OtlpReceiver(ReceiverMode mode);
  // Closes the listening socket and every connection, and joins the threads.
  ~OtlpReceiver();

  uint16_t port() const { return port_; }
  std::string endpoint() const;  // "http://127.0.0.1:<port>"

  std::vector<ReceivedRequest> requests() const;
  size_t connections() const;
  // Waits (at most 10 s) until `count` requests have been read; false if not.
  bool WaitForRequests(size_t count) const;
  // kHoldUntilReleased: answers the requests held and every later one.
  void Release();

 private:
  void Accept();
  void Serve(boost::asio::ip::tcp::socket socket);
  // Whether to answer the request just read (false: the receiver is stopping).
  bool WaitToAnswer();

  const ReceiverMode mode_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  uint16_t port_ = 0;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<ReceivedRequest> requests_;
  std::vector<int> open_fds_;  // connections still open, shut down on stop
  size_t connections_ = 0;
  bool released_ = false;
  bool stopping_ = false;
  std::vector<std::thread> threads_;  // one per connection
  std::thread accept_thread_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
uint16_t ClosedPort();

}  // namespace vitrine::telemetry::testing
