#include "server/metrics.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <tuple>
#include <vector>

#include "base/json_writer.h"
#include "base/strings.h"

namespace vitrine::server {
namespace {

// Upper bounds in seconds: a search answers in well under a millisecond, a slow
// one (deep page, cold cache) in tens of milliseconds; the top buckets catch stalls.
constexpr std::array<double, 15> kLatencyBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

// Methods outside this set are counted as "other", so a client inventing methods
// cannot grow the label set without bound.
std::string_view KnownMethod(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

struct Histogram {
  std::array<std::atomic<uint64_t>, kLatencyBuckets.size()> buckets{};  // not cumulative
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> sum_nanoseconds{0};

  void Observe(double seconds) {
    const size_t bucket = static_cast<size_t>(
        std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds) -
        kLatencyBuckets.begin());
    if (bucket < buckets.size()) buckets[bucket].fetch_add(1, std::memory_order_relaxed);
    count.fetch_add(1, std::memory_order_relaxed);
    sum_nanoseconds.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e9),
                              std::memory_order_relaxed);
  }
};

// A label set -> series map that only takes its exclusive lock the first time a
// label set is seen; after that, recording is a shared lock and atomic adds.
template <typename Key, typename Series>
class SeriesMap {
 public:
  Series& Get(const Key& key) {
    {
      std::shared_lock lock(mutex_);
      if (auto it = series_.find(key); it != series_.end()) return *it->second;
    }
    std::unique_lock lock(mutex_);
    auto& slot = series_[key];
    if (slot == nullptr) slot = std::make_unique<Series>();
    return *slot;
  }

  // Visits every series in key order (so the exposition is stable).
  template <typename Visit>
  void ForEach(Visit visit) const {
    std::shared_lock lock(mutex_);
    for (const auto& [key, series] : series_) visit(key, *series);
  }

 private:
  mutable std::shared_mutex mutex_;
  std::map<Key, std::unique_ptr<Series>> series_;
};

void AppendLabel(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append("=");
  AppendJsonString(out, value);  // Prometheus label escaping is a subset of JSON's
}

double ProcessStartSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Resident set size from /proc/self/statm (pages), 0 where unavailable.
uint64_t ResidentBytes() {
  std::FILE* file = std::fopen("/proc/self/statm", "r");
  if (file == nullptr) return 0;
  unsigned long long total = 0, resident = 0;
  const int read = std::fscanf(file, "%llu %llu", &total, &resident);
  std::fclose(file);
  return read == 2 ? resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE)) : 0;
}

}  // namespace

struct Metrics::Impl {
  const double start_seconds = ProcessStartSeconds();
  SeriesMap<std::tuple<std::string, std::string, int>, std::atomic<uint64_t>> requests;
  SeriesMap<std::string, Histogram> durations;
  SeriesMap<std::string, std::atomic<uint64_t>> counters;

  std::mutex index_mutex;
  std::string generation;
  uint64_t documents = 0;
  bool has_index = false;

  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
    bool counter;
  };
  std::mutex gauges_mutex;
  std::vector<Gauge> gauges;
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}
Metrics::~Metrics() = default;

void Metrics::RecordRequest(std::string_view route, std::string_view method, int status,
                            double seconds) {
  impl_->requests.Get({std::string(route), std::string(KnownMethod(method)), status})
      .fetch_add(1, std::memory_order_relaxed);
  impl_->durations.Get(std::string(route)).Observe(seconds);
}

void Metrics::SetIndex(std::string_view generation, uint64_t documents) {
  std::lock_guard lock(impl_->index_mutex);
  impl_->generation = std::string(generation);
  impl_->documents = documents;
  impl_->has_index = true;
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read,
                       bool counter) {
  std::lock_guard lock(impl_->gauges_mutex);
  impl_->gauges.push_back({std::move(name), std::move(help), std::move(read), counter});
}

void Metrics::Increment(std::string_view counter, uint64_t by) {
  impl_->counters.Get(std::string(counter)).fetch_add(by, std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  out.reserve(8192);
  out.append(
      "# HELP vitrine_http_requests_total HTTP requests by route pattern, method and status.\n"
      "# TYPE vitrine_http_requests_total counter\n");
  impl_->requests.ForEach([&](const auto& key, const std::atomic<uint64_t>& count) {
    const auto& [route, method, status] = key;
    out.append("vitrine_http_requests_total{");
    AppendLabel(out, "route", route);
    out.append(",");
    AppendLabel(out, "method", method);
    out.append(StrCat(",status=\"", status, "\"} ", count.load(std::memory_order_relaxed), "\n"));
  });

  out.append(
      "# HELP vitrine_http_request_duration_seconds Time from a complete request to its "
      "response, by route pattern.\n"
      "# TYPE vitrine_http_request_duration_seconds histogram\n");
  impl_->durations.ForEach([&](const std::string& route, const Histogram& histogram) {
    std::string labels;
    AppendLabel(labels, "route", route);
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += histogram.buckets[i].load(std::memory_order_relaxed);
      char bound[32];
      std::snprintf(bound, sizeof bound, "%g", kLatencyBuckets[i]);  // "0.0001", not "1e-04"
      out.append(StrCat("vitrine_http_request_duration_seconds_bucket{", labels, ",le=\"", bound,
                        "\"} ", cumulative, "\n"));
    }
    const uint64_t count = histogram.count.load(std::memory_order_relaxed);
    out.append(StrCat("vitrine_http_request_duration_seconds_bucket{", labels, ",le=\"+Inf\"} ",
                      count, "\n"));
    out.append(StrCat("vitrine_http_request_duration_seconds_sum{", labels, "} ",
                      histogram.sum_nanoseconds.load(std::memory_order_relaxed) / 1e9, "\n"));
    out.append(StrCat("vitrine_http_request_duration_seconds_count{", labels, "} ", count, "\n"));
  });

  impl_->counters.ForEach([&](const std::string& name, const std::atomic<uint64_t>& count) {
    out.append(StrCat("# TYPE ", name, " counter\n", name, " ",
                      count.load(std::memory_order_relaxed), "\n"));
  });

  {
    std::lock_guard lock(impl_->index_mutex);
    out.append(
        "# HELP vitrine_index_documents Documents in the index generation being served.\n"
        "# TYPE vitrine_index_documents gauge\n");
    out.append(StrCat("vitrine_index_documents ", impl_->documents, "\n"));
    out.append(
        "# HELP vitrine_index_info The index generation being served (value is always 1).\n"
        "# TYPE vitrine_index_info gauge\n");
    if (impl_->has_index) {
      out.append("vitrine_index_info{");
      AppendLabel(out, "generation", impl_->generation);
      out.append("} 1\n");
    }
  }

  {
    std::lock_guard lock(impl_->gauges_mutex);
    for (const Impl::Gauge& gauge : impl_->gauges) {
      out.append(StrCat("# HELP ", gauge.name, " ", gauge.help, "\n# TYPE ", gauge.name,
                        gauge.counter ? " counter\n" : " gauge\n", gauge.name, " ", gauge.read(),
                        "\n"));
    }
  }

  char start[64];
  std::snprintf(start, sizeof start, "%.3f", impl_->start_seconds);
  out.append(
      StrCat("# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n"
             "# TYPE process_start_time_seconds gauge\n"
             "process_start_time_seconds ",
             start,
             "\n"
             "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
             "# TYPE process_resident_memory_bytes gauge\n"
             "process_resident_memory_bytes ",
             ResidentBytes(), "\n"));
  return out;
}

}  // namespace vitrine::server
