// A real NATS server with JetStream for cluster tests (Debian nats-server): a
// child process on a free loopback port, its store in a temporary directory.
// Kill() and Start() again keep the store, as a node that crashed and came back.
// NatsCluster: three of them routed into one JetStream cluster (Raft-replicated
// streams), for quorum tests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::testing {

class NatsServer {
 public:
  NatsServer();  // started; the test fails if it does not come up
  // Not started: a node on `port` with extra arguments (cluster routes).
  NatsServer(uint16_t port, std::vector<std::string> extra_args);
  ~NatsServer();

  // nats://127.0.0.1:<port>
  std::string url() const;
  bool Start();  // (again), on the same port and store; true once it accepts connections
  void Kill();   // SIGKILL

 private:
  TempDir dir_;
  uint16_t port_ = 0;
  std::vector<std::string> extra_args_;
  std::unique_ptr<ChildProcess> process_;
};

class NatsCluster {
 public:
  NatsCluster();  // three nodes, started
  std::vector<std::string> urls() const;
  NatsServer& node(int i) { return *nodes_[i]; }

 private:
  std::vector<std::unique_ptr<NatsServer>> nodes_;
};

// A loopback port nothing listens on now.
uint16_t FreePort();

}  // namespace vitrine::testing
