// The Beast transport with a stand-in handler: limits, keep-alive, errors and
// graceful shutdown, over real loopback sockets.
#include "server/http_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "tests/testing/http_client.h"

namespace vitrine::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using vitrine::testing::HttpConnection;
using vitrine::testing::SendRaw;

// Echoes what it received, so tests can see what the transport passed on.
HttpResponse Echo(HttpRequest&& request) {
  HttpResponse response;
  response.content_type = "text/plain";
  response.body = request.method + " " + request.target + " body=" + request.body +
                  " remote=" + request.remote_address +
                  " x-test=" + std::string(request.Header("x-test"));
  response.headers.emplace_back("X-Extra", "yes");
  return response;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpHandler handler, HttpServerOptions options = {}) {
    options.port = 0;
    options.threads = 2;
    server_ = std::make_unique<HttpServer>(options, std::move(handler));
    absl::StatusOr<uint16_t> port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    port_ = *port;
  }

  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
};

TEST_F(HttpServerTest, PassesRequestsToTheHandlerAndItsResponsesBack) {
  StartServer(Echo);
  HttpConnection connection(port_);
  vitrine::testing::HttpResult result =
      connection.Request("POST", "/echo?x=1", "hello", {{"X-Test", "Value"}});
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body, "POST /echo?x=1 body=hello remote=127.0.0.1 x-test=Value");
  EXPECT_EQ(result.Header("content-type"), "text/plain");
  EXPECT_EQ(result.Header("x-extra"), "yes");
}

TEST_F(HttpServerTest, KeepsConnectionsAliveAcrossRequests) {
  StartServer(Echo);
  HttpConnection connection(port_);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(connection.Get("/n" + std::to_string(i)).status, 200);
  }
}

TEST_F(HttpServerTest, ClosesWhenTheClientAsksTo) {
  StartServer(Echo);
  HttpConnection connection(port_);
  EXPECT_EQ(connection.Get("/", {{"Connection", "close"}}).status, 200);
  EXPECT_TRUE(connection.ClosedByPeer());
}

TEST_F(HttpServerTest, HeadGetsHeadersWithoutABody) {
  StartServer(Echo);
  const std::string raw =
      SendRaw(port_, "HEAD /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(raw, HasSubstr("Content-Length: "));
  EXPECT_EQ(raw.substr(raw.find("\r\n\r\n") + 4), "");
}

TEST_F(HttpServerTest, OversizeBodyIs413) {
  StartServer(Echo, {.max_body_bytes = 100});
  const std::string raw =
      SendRaw(port_, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" +
                         std::string(1000, 'a'));
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 413 "));
  EXPECT_THAT(raw, HasSubstr(R"("code":"payload_too_large")"));
  EXPECT_THAT(raw, HasSubstr("larger than 100 bytes"));
}

TEST_F(HttpServerTest, OversizeHeadersAre431) {
  StartServer(Echo, {.max_header_bytes = 1024});
  const std::string raw =
      SendRaw(port_, "GET /x HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(4000, 'b') + "\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 431 "));
  EXPECT_THAT(raw, HasSubstr(R"("code":"headers_too_large")"));
}

TEST_F(HttpServerTest, MalformedRequestIs400AndCloses) {
  StartServer(Echo);
  const std::string raw = SendRaw(port_, "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 400 "));
  EXPECT_THAT(raw, HasSubstr(R"("code":"bad_request")"));
  EXPECT_THAT(raw, HasSubstr("Connection: close"));
}

TEST_F(HttpServerTest, AHandlerThatThrowsGives500AndTheServerLivesOn) {
  StartServer([](HttpRequest&& request) -> HttpResponse {
    if (request.target == "/boom") throw std::runtime_error("boom");
    return HttpResponse{.body = "fine"};
  });
  EXPECT_EQ(vitrine::testing::HttpGet(port_, "/boom").status, 500);
  EXPECT_EQ(vitrine::testing::HttpGet(port_, "/ok").body, "fine");
}

TEST_F(HttpServerTest, StopClosesIdleKeepAliveConnectionsWithoutWaitingForTheGrace) {
  // An idle connection left open would hold Stop() for the whole grace period
  // (a minute here) before the threads are stopped by force.
  const auto grace = std::chrono::seconds(60);
  StartServer(Echo, {.idle_timeout = std::chrono::seconds(60), .shutdown_grace = grace});
  HttpConnection idle(port_);
  EXPECT_EQ(idle.Get("/").status, 200);
  const auto start = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, grace);
  EXPECT_TRUE(idle.ClosedByPeer());
}

TEST_F(HttpServerTest, StopLetsAnInFlightRequestFinish) {
  std::promise<void> entered;
  std::atomic<bool> signalled = false;
  StartServer([&](HttpRequest&&) {
    if (!signalled.exchange(true)) entered.set_value();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return HttpResponse{.body = "finished"};
  });
  std::future<vitrine::testing::HttpResult> result =
      std::async(std::launch::async, [&] { return vitrine::testing::HttpGet(port_, "/slow"); });
  entered.get_future().wait();
  server_->Stop();
  const vitrine::testing::HttpResult response = result.get();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "finished");
  EXPECT_EQ(response.Header("connection"), "close");
}

TEST_F(HttpServerTest, StopIsIdempotentAndWaitReturnsAfterIt) {
  StartServer(Echo);
  std::atomic<bool> returned = false;
  std::thread waiter([&] {
    server_->Wait();
    returned = true;
  });
  // Wait blocks while the server runs...
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(returned);
  EXPECT_EQ(vitrine::testing::HttpGet(port_, "/x").status, 200);
  server_->Stop();
  server_->Stop();  // a second Stop is harmless
  waiter.join();    // ...and returns once it stopped
  EXPECT_TRUE(returned);
  // (Whether the port still answers is not checked: once released, another test
  // running beside this one may be given it.)
}

TEST(HttpServer, ReportsAnAddressThatCannotBeBound) {
  HttpServer server({.address = "not-an-address", .port = 0, .threads = 1}, Echo);
  absl::StatusOr<uint16_t> port = server.Start();
  EXPECT_FALSE(port.ok());
  EXPECT_THAT(std::string(port.status().message()), HasSubstr("not-an-address"));
}

}  // namespace
}  // namespace vitrine::server
