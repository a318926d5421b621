#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "base/strings.h"

namespace vitrine::server {
namespace {

// Past this many buckets the full ones (idle keys) are forgotten, which changes
// nothing: a forgotten bucket comes back full. If most are not full, the next
// sweep waits until there are twice as many, so a sweep costs O(1) per request.
constexpr size_t kSweepBuckets = 100'000;

double BurstOf(const RateLimit& limit) {
  return limit.burst > 0 ? limit.burst : std::max(1.0, limit.rate);
}

}  // namespace

RateLimiter::RateLimiter(std::map<std::string, RateLimit> limits)
    : limits_(std::move(limits)), sweep_at_(kSweepBuckets) {}

absl::StatusOr<std::map<std::string, RateLimit>> ParseRateLimits(std::string_view text) {
  std::map<std::string, RateLimit> limits;
  size_t entry = 0;
  for (const std::string& part : SplitTrimmed(text, ',')) {
    ++entry;
    if (part.empty()) continue;
    const size_t equals = part.find('=');
    const std::string name = part.substr(0, std::min(equals, part.size()));
    const std::string value = equals == std::string::npos ? "" : part.substr(equals + 1);
    const size_t colon = value.find(':');
    const std::optional<double> rate = ParseDouble(value.substr(0, colon));
    const std::optional<double> burst = colon == std::string::npos
                                            ? std::optional<double>(0)
                                            : ParseDouble(value.substr(colon + 1));
    if (name.empty() || !rate || !burst || !(*rate > 0) || !(*burst >= 0) ||
        !std::isfinite(*rate) || !std::isfinite(*burst)) {
      return absl::InvalidArgumentError(
          StrCat("rate limit entry ", entry,
                 " must be name=rate or name=rate:burst, with a rate per second above 0"));
    }
    if (!limits.emplace(name, RateLimit{.rate = *rate, .burst = *burst}).second) {
      return absl::InvalidArgumentError(StrCat("the rate limit of '", name, "' is given twice"));
    }
  }
  return limits;
}

std::optional<RateLimiter::Decision> RateLimiter::Take(const std::string& name,
                                                       std::optional<RateLimit> own,
                                                       Clock::time_point now) {
  if (!own) {
    const auto configured = limits_.find(name);
    if (configured == limits_.end()) return std::nullopt;
    own = configured->second;
  }
  const double rate = own->rate;
  const double burst = BurstOf(*own);
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= sweep_at_) {
    std::erase_if(buckets_, [&](const auto& entry) {
      const Bucket& b = entry.second;
      const double idle = std::chrono::duration<double>(now - b.updated).count();
      return b.tokens + idle * b.rate >= b.burst;
    });
    sweep_at_ = std::max(kSweepBuckets, 2 * buckets_.size());
  }
  auto [bucket, fresh] = buckets_.try_emplace(
      name, Bucket{.tokens = burst, .updated = now, .rate = rate, .burst = burst});
  Bucket& b = bucket->second;
  if (!fresh) {
    // Clocks read before the lock may arrive out of order: time never runs back.
    const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.updated).count());
    b.tokens = std::min(burst, b.tokens + elapsed * rate);
    b.updated = std::max(b.updated, now);
    b.rate = rate;
    b.burst = burst;
  }
  Decision decision{.limit = burst};
  if (b.tokens >= 1) {
    b.tokens -= 1;
  } else {
    decision.allowed = false;
    decision.retry_after_seconds = (1 - b.tokens) / rate;
    ++refused_;
  }
  decision.remaining = b.tokens;
  decision.reset_seconds = (burst - b.tokens) / rate;
  return decision;
}

uint64_t RateLimiter::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace vitrine::server
