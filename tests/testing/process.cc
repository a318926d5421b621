#include "tests/testing/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace vitrine::testing {

ChildProcess::ChildProcess(const std::string& binary, const std::vector<std::string>& args,
                           const ProcessOptions& options) {
  std::vector<std::string> argv_storage = {binary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** entry = environ; *entry != nullptr; ++entry) env_storage.emplace_back(*entry);
  for (const std::string& entry : options.environment) env_storage.push_back(entry);
  std::vector<char*> envp;
  for (std::string& entry : env_storage) envp.push_back(entry.data());
  envp.push_back(nullptr);
  // Opened before fork: the child only calls async-signal-safe functions.
  const int out = ::open(options.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = ::open(options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0 || err < 0) throw std::runtime_error("cannot open the child's output files");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(out, STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    if (options.file_size_limit) {
      ::signal(SIGXFSZ, SIG_IGN);  // kept across exec
      rlimit limit{.rlim_cur = *options.file_size_limit, .rlim_max = RLIM_INFINITY};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(err);
  if (pid_ < 0) throw std::runtime_error("fork failed");
}

ChildProcess::~ChildProcess() {
  if (Running()) {
    Kill(SIGKILL);
    Wait();
  }
}

void ChildProcess::Kill(int signal) {
  if (pid_ > 0 && !exit_) ::kill(pid_, signal);
}

bool ChildProcess::Running() {
  if (pid_ <= 0 || exit_) return false;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int ChildProcess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      Kill(SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
      exit_ = -1;
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_.value_or(-1);
}

bool ChildProcess::SetFileSizeLimit(std::optional<uint64_t> bytes) {
  const rlimit limit{.rlim_cur = bytes ? *bytes : RLIM_INFINITY, .rlim_max = RLIM_INFINITY};
  return ::prlimit(pid_, RLIMIT_FSIZE, &limit, nullptr) == 0;
}

uint16_t WaitForListeningPort(const std::string& stderr_path, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string marker = R"("msg":"listening")";
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(stderr_path);
    for (std::string line; std::getline(in, line);) {
      if (line.find(marker) == std::string::npos) continue;
      const size_t at = line.find(R"("port":)");
      if (at != std::string::npos) return static_cast<uint16_t>(std::stoi(line.substr(at + 7)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

}  // namespace vitrine::testing
