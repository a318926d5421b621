// Connection abuse on a real loopback socket: clients that send half a request
// head and stall, or never read their responses, must not keep real clients
// from being served nor hold the server's threads or descriptors for ever.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "server/http_server.h"
#include "tests/testing/http_client.h"

namespace vitrine::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpResponse Hello(HttpRequest&&) { return HttpResponse{.body = R"({"hello":true})"}; }

// Connections that each send the start of a request head and then nothing.
class Stallers {
 public:
  Stallers(uint16_t port, size_t count) {
    const tcp::endpoint server(asio::ip::make_address("127.0.0.1"), port);
    for (size_t i = 0; i < count; ++i) {
      auto socket = std::make_unique<tcp::socket>(io_);
      socket->connect(server);
      asio::write(*socket, asio::buffer(std::string_view("GET /v1/search?q=slow HTTP/1.1\r\nHo")));
      sockets_.push_back(std::move(socket));
    }
  }
  // How many the server has closed (a read ends at once instead of blocking).
  size_t ClosedByServer() {
    size_t closed = 0;
    for (auto& socket : sockets_) {
      socket->non_blocking(true);
      char byte;
      boost::system::error_code error;
      socket->read_some(asio::buffer(&byte, 1), error);
      if (error && error != asio::error::would_block) ++closed;
    }
    return closed;
  }

 private:
  asio::io_context io_;
  std::vector<std::unique_ptr<tcp::socket>> sockets_;
};

// 1,000 stallers, unless the descriptor limit cannot hold them and the server's
// side of each (the server raises the soft limit to the hard one).
size_t StallerCount() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  const size_t files = limit.rlim_max == RLIM_INFINITY ? 1 << 20 : limit.rlim_max;
  return std::min<size_t>(1000, files > 600 ? (files - 300) / 2 : 100);
}

class ConnectionAbuseTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options, HttpHandler handler = Hello) {
    options.port = 0;
    options.threads = 2;
    server_ = std::make_unique<HttpServer>(options, std::move(handler));
    port_ = server_->Start().value();
  }
  // A real client's request, on a new connection: its status.
  int Shop() { return vitrine::testing::HttpGet(port_, "/v1/search?q=dress").status; }

  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
};

TEST_F(ConnectionAbuseTest, StalledRequestHeadsDoNotKeepRealClientsWaiting) {
  // No staller times out during the test: a real client served at all was
  // served beside them (the test client gives up after 30 s).
  Start({.idle_timeout = std::chrono::minutes(2), .request_timeout = std::chrono::minutes(2)});
  Stallers stallers(port_, StallerCount());
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Shop(), 200);
  EXPECT_EQ(stallers.ClosedByServer(), 0u);
}

TEST_F(ConnectionAbuseTest, AtTheConnectionLimitTheLongestWaitingConnectionMakesRoom) {
  Start({.max_connections = 50});
  Stallers stallers(port_, StallerCount());
  // Each new connection closed a staller to get in; real clients still do.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(Shop(), 200);
  // Once the server has accepted them all, at most 50 remain open.
  size_t closed = 0;
  for (int i = 0; i < 100 && closed < StallerCount() - 50; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    closed = stallers.ClosedByServer();
  }
  EXPECT_GE(closed, StallerCount() - 50);
}

TEST_F(ConnectionAbuseTest, AHalfSentRequestIsClosedAfterTheRequestTimeout) {
  Start({.request_timeout = std::chrono::milliseconds(300)});
  Stallers stallers(port_, 10);
  EXPECT_EQ(stallers.ClosedByServer(), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(stallers.ClosedByServer(), 10u);
  EXPECT_EQ(Shop(), 200);
}

TEST_F(ConnectionAbuseTest, AnIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  Start({.idle_timeout = std::chrono::milliseconds(300)});
  vitrine::testing::HttpConnection connection(port_);
  EXPECT_EQ(connection.Get("/").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_TRUE(connection.ClosedByPeer());
}

TEST_F(ConnectionAbuseTest, AClientThatNeverReadsIsClosedAfterTheWriteTimeout) {
  // Responses far larger than the socket buffers, so writing them blocks.
  const std::string big(8 << 20, 'x');
  Start({.write_timeout = std::chrono::milliseconds(500)},
        [&](HttpRequest&&) { return HttpResponse{.content_type = "text/plain", .body = big}; });
  asio::io_context io;
  tcp::socket reader(io);
  reader.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  std::string requests;
  for (int i = 0; i < 4; ++i) requests += "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(reader, asio::buffer(requests));
  // It reads nothing; meanwhile others are served.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(vitrine::testing::HttpGet(port_, "/other").status, 200);
  // The server gave up on it: what it reads now ends well short of 4 responses.
  size_t received = 0;
  boost::system::error_code error;
  char chunk[1 << 16];
  while (!error) received += reader.read_some(asio::buffer(chunk), error);
  EXPECT_LT(received, 4 * big.size());
  EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset) << error;
}

}  // namespace
}  // namespace vitrine::server
