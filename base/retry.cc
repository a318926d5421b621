#include "base/retry.h"

#include <algorithm>
#include <thread>

#include "base/log.h"
#include "base/strings.h"

namespace vitrine {

absl::Status RetryWhileUnavailable(const std::function<absl::Status()>& attempt,
                                   std::chrono::milliseconds patience, std::string_view what) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  auto pause = std::chrono::milliseconds(100);
  while (true) {
    absl::Status status = attempt();
    if (!absl::IsUnavailable(status) || std::chrono::steady_clock::now() + pause > deadline) {
      return status;
    }
    LogError(StrCat(what, " failed; trying again"), status);
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(2000));
  }
}

}  // namespace vitrine
