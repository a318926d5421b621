#include "tests/testing/nats_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace vitrine::testing {

uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(address.sin_port);
}

namespace {

bool Accepts(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

}  // namespace

NatsServer::NatsServer() : port_(FreePort()) {
  EXPECT_TRUE(Start()) << "nats-server did not start";
}

NatsServer::NatsServer(uint16_t port, std::vector<std::string> extra_args)
    : port_(port), extra_args_(std::move(extra_args)) {}

NatsServer::~NatsServer() { Kill(); }

std::string NatsServer::url() const { return "nats://127.0.0.1:" + std::to_string(port_); }

bool NatsServer::Start() {
  std::vector<std::string> args = {"-a",  "127.0.0.1",          "-p", std::to_string(port_), "-js",
                                   "-sd", dir_.Sub("jetstream")};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<ChildProcess>(
      "/usr/sbin/nats-server", args,
      ProcessOptions{.stdout_path = dir_.Sub("nats.out"), .stderr_path = dir_.Sub("nats.err")});
  for (int i = 0; i < 200; ++i) {  // up to 10 s
    if (Accepts(port_)) return true;
    if (!process_->Running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void NatsServer::Kill() {
  if (process_ == nullptr) return;
  process_->Kill(SIGKILL);
  process_->Wait(std::chrono::seconds(10));
  process_.reset();
}

NatsCluster::NatsCluster() {
  constexpr int kNodes = 3;
  std::vector<uint16_t> client_ports;
  std::vector<uint16_t> route_ports;
  for (int i = 0; i < kNodes; ++i) {
    client_ports.push_back(FreePort());
    route_ports.push_back(FreePort());
  }
  for (int i = 0; i < kNodes; ++i) {
    std::string routes;
    for (int j = 0; j < kNodes; ++j) {
      if (j == i) continue;
      if (!routes.empty()) routes += ",";
      routes += "nats://127.0.0.1:" + std::to_string(route_ports[j]);
    }
    nodes_.push_back(std::make_unique<NatsServer>(
        client_ports[i],
        std::vector<std::string>{"-n", "node" + std::to_string(i), "--cluster_name", "vitrine",
                                 "--cluster", "nats://127.0.0.1:" + std::to_string(route_ports[i]),
                                 "--routes", routes}));
  }
  for (auto& node : nodes_) EXPECT_TRUE(node->Start()) << "a nats-server node did not start";
}

std::vector<std::string> NatsCluster::urls() const {
  std::vector<std::string> urls;
  for (const auto& node : nodes_) urls.push_back(node->url());
  return urls;
}

}  // namespace vitrine::testing
