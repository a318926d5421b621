// RateLimiter: token buckets per API key (by its name) and per scoped key (by
// its signature). A bucket holds up to `burst` tokens and refills at `rate` per
// second; a request takes one, and with none left is refused (429 with
// Retry-After). The limit is per replica: behind a load balancer spreading over
// N replicas a key gets up to N times its rate (docs/operations.md).
//
//   RateLimiter limiter({{"storefront", {.rate = 50, .burst = 100}}});
//   RateLimiter::Decision d = limiter.Take("storefront", {}, now);
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/status/statusor.h"

namespace vitrine::server {

struct RateLimit {
  double rate = 0;   // tokens per second (> 0)
  double burst = 0;  // bucket size; 0: max(1, rate)
};

// Parses "storefront=50,partner=5:20" (name=rate per second[:burst]), as in
// VITRINE_RATE_LIMITS; errors name the entry.
absl::StatusOr<std::map<std::string, RateLimit>> ParseRateLimits(std::string_view text);

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool allowed = true;
    double limit = 0;                // the bucket size
    double remaining = 0;            // tokens left after this request
    double retry_after_seconds = 0;  // refused: until one token is back
    double reset_seconds = 0;        // until the bucket is full again
  };

  explicit RateLimiter(std::map<std::string, RateLimit> limits = {});

  // A request by the key named `name`; `own`: a limit of its own (a scoped key's,
  // with `name` its signature), else the configured one for `name`. nullopt:
  // the key has no limit.
  std::optional<Decision> Take(const std::string& name, std::optional<RateLimit> own,
                               Clock::time_point now);

  uint64_t refused() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point updated;
    double rate;
    double burst;
  };
  const std::map<std::string, RateLimit> limits_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
  size_t sweep_at_;  // the bucket count that triggers forgetting the full ones
  uint64_t refused_ = 0;
};

}  // namespace vitrine::server
