// A real NATS server with JetStream for cluster tests (Debian nats-server): a
// child process on a free loopback port, its store in a temporary directory.
// Kill() and Start() again keep the store, as a node that crashed and came back.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::testing {

class NatsServer {
 public:
  NatsServer();  // started; the test fails if it does not come up
  ~NatsServer();

  // nats://127.0.0.1:<port>
  std::string url() const;
  bool Start();  // (again), on the same port and store; true once it accepts connections
  void Kill();   // SIGKILL

 private:
  TempDir dir_;
  uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

// A loopback port nothing listens on now.
uint16_t FreePort();

}  // namespace vitrine::testing
