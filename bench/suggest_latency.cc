// In-process suggestion latency over what shoppers type: every prefix (1, 2, ...
// characters) of the storefront workload's queries, sent in typing order.
//   suggest_latency --data-dir var/data --workload bench/workload/storefront-workload.jsonl.gz
//                   [--seconds 5] [--threads 1,2] [--limit 10] [--emit-paths FILE]
// Prints the suggester's build time and size, then p50/p95/p99/max latency and
// requests/s per thread count. --emit-paths writes the prefixes as
// /v1/suggest paths (one per line) for wrk and exits.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench/current_index.h"
#include "bench/workload.h"
#include "query/search.h"
#include "query/suggest/suggest.h"

namespace {

using vitrine::bench::ParseFlags;
using vitrine::bench::Percentile;

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxRequestsPerThread = 2000000;  // bounds a run even on a fast machine

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void Run(const vitrine::query::Suggester& suggester,
         const std::vector<vitrine::query::SuggestRequest>& requests, int threads, double seconds) {
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<uint64_t> errors = 0, suggestions = 0;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      size_t i = static_cast<size_t>(t) * 7919;
      uint64_t found = 0;
      latencies[t].reserve(kMaxRequestsPerThread);
      while (Clock::now() < deadline && latencies[t].size() < kMaxRequestsPerThread) {
        const auto begin = Clock::now();
        auto result = suggester.Suggest(requests[i++ % requests.size()]);
        latencies[t].push_back(MillisecondsSince(begin));
        if (!result.ok()) {
          ++errors;
        } else {
          found += result->size();
        }
      }
      suggestions += found;
    });
  }
  for (std::thread& worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& part : latencies) all.insert(all.end(), part.begin(), part.end());
  std::sort(all.begin(), all.end());
  std::printf(
      "threads=%d requests=%zu errors=%llu suggestions/request=%.1f throughput=%.0f req/s "
      "latency_ms p50=%.4f p95=%.4f p99=%.4f max=%.3f\n",
      threads, all.size(), static_cast<unsigned long long>(errors.load()),
      all.empty() ? 0.0 : static_cast<double>(suggestions.load()) / all.size(),
      all.size() / elapsed, Percentile(all, 0.50), Percentile(all, 0.95), Percentile(all, 0.99),
      all.empty() ? 0 : all.back());
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = ParseFlags(argc, argv);
  const vitrine::query::SuggestLimits limits;
  const std::vector<std::string> prefixes = vitrine::bench::TypedPrefixes(
      vitrine::bench::ReadWorkload(flags["workload"]), limits.max_query_bytes);
  if (flags.count("emit-paths")) {
    std::ofstream out(flags["emit-paths"]);
    for (const std::string& prefix : prefixes) out << vitrine::bench::SuggestPath(prefix) << "\n";
    std::printf("wrote %zu paths to %s\n", prefixes.size(), flags["emit-paths"].c_str());
    return 0;
  }
  auto start = Clock::now();
  const absl::StatusOr<vitrine::bench::CurrentIndex> current =
      vitrine::bench::OpenCurrentIndex(flags["data-dir"]);
  if (!current.ok()) {
    std::fprintf(stderr, "%s\n", std::string(current.status().message()).c_str());
    return 1;
  }
  const vitrine::query::Index& index = *current->index;
  const vitrine::indexer::Generation& generation = current->generation;
  const double open_ms = MillisecondsSince(start);
  // The suggester alone, built again from the open generation (best of 3: the
  // first open also warmed the page cache).
  double build_ms = 1e9;
  for (int i = 0; i < 3; ++i) {
    start = Clock::now();
    auto rebuilt = vitrine::query::Suggester::Load(generation.xapian_path(), index.store());
    if (!rebuilt.ok()) return 1;
    build_ms = std::min(build_ms, MillisecondsSince(start));
  }
  const vitrine::query::Suggester& suggester = index.suggester();
  using vitrine::query::SuggestionType;
  std::printf(
      "index: %llu documents (generation %s); open %.1f ms, of which suggester build %.1f ms; "
      "suggester: %zu brands, %zu categories, %zu titles, %.1f MiB\n",
      static_cast<unsigned long long>(index.documents()), generation.id.c_str(), open_ms, build_ms,
      suggester.size(SuggestionType::kBrand), suggester.size(SuggestionType::kCategory),
      suggester.size(SuggestionType::kTitle), suggester.memory_bytes() / 1048576.0);

  const int limit = flags.count("limit") ? std::stoi(flags["limit"]) : 10;
  std::vector<vitrine::query::SuggestRequest> requests;
  for (const std::string& prefix : prefixes) requests.push_back({.q = prefix, .limit = limit});
  const double seconds = flags.count("seconds") ? std::stod(flags["seconds"]) : 5.0;
  std::printf("workload: %zu typed prefixes (limit=%d)\n", requests.size(), limit);
  Run(suggester, requests, 1, std::min(seconds, 1.0));  // warm-up
  std::string thread_list = flags.count("threads") ? flags["threads"] : "1,2";
  for (size_t begin = 0; begin < thread_list.size();) {
    const size_t comma = std::min(thread_list.find(',', begin), thread_list.size());
    Run(suggester, requests, std::stoi(thread_list.substr(begin, comma - begin)), seconds);
    begin = comma + 1;
  }
  return 0;
}
