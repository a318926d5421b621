// Retrying what fails for now: a replica that starts while NATS is down, or
// too busy to answer in time, waits for it instead of exiting.
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

#include "absl/status/status.h"

namespace vitrine {

// Runs `attempt` until it succeeds, fails other than Unavailable, or
// `patience` has passed (then its last error), pausing 0.1 s doubling to 2 s
// between tries and logging each failure as `what`.
absl::Status RetryWhileUnavailable(const std::function<absl::Status()>& attempt,
                                   std::chrono::milliseconds patience, std::string_view what);

}  // namespace vitrine
