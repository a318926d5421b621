// Child processes for end-to-end tests: the real `vitrine` binary started with
// its output in files, optional resource limits, and killed the hard way when a
// test wants a crash. Loopback only; every wait is bounded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vitrine::testing {

struct ProcessOptions {
  std::string stdout_path = "/dev/null";
  std::string stderr_path = "/dev/null";
  // Extra environment ("NAME=value"), on top of this process's.
  std::vector<std::string> environment;
  // RLIMIT_FSIZE soft limit in bytes (the hard limit stays unlimited, so a test
  // can raise it again with SetFileSizeLimit); SIGXFSZ is ignored, so writes past
  // it fail with EFBIG as on a full disk instead of killing the process.
  std::optional<uint64_t> file_size_limit;
};

class ChildProcess {
 public:
  ChildProcess(const std::string& binary, const std::vector<std::string>& args,
               const ProcessOptions& options = {});
  ~ChildProcess();  // SIGKILL if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends `signal` (SIGKILL, SIGTERM, ...).
  void Kill(int signal);
  // Waits for the exit; the exit code, or 128 + the signal that ended it, or -1
  // if it did not end within `timeout` (then it is killed).
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  bool Running();
  // Changes the RLIMIT_FSIZE soft limit of the running child (prlimit).
  bool SetFileSizeLimit(std::optional<uint64_t> bytes);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_;
};

// Waits (up to `timeout`) for a `vitrine serve` started with --port 0 to log the
// port it listens on in its stderr file; 0 if it never did.
uint16_t WaitForListeningPort(const std::string& stderr_path,
                              std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace vitrine::testing
