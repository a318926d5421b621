// In-process search latency and throughput over the storefront workload:
//   search_latency --data-dir var/data --workload bench/workload/storefront-workload.jsonl.gz
//                  [--seconds 5] [--threads 1,2] [--emit-paths FILE]
//                  [--facets none] [--highlight off] [--cache-mb N]
//                  [--rules N [--rules-fire none]] [--ranking JSON] [--slowest N]
//                  [--collapse false] [--typos off] [--stages on]
// Prints p50/p95/p99/max latency, requests/s and peak memory per thread count,
// latency per kind of request (first thread count), and the same text requests
// with a typo each (spelling correction path).
// --facets and --highlight take parts of the work away, to see what
// each costs; --rules N adds N merchandising rules over the workload's queries;
// --ranking searches with those ranking weights (PUT /v1/config/ranking's body).
// --slowest N lists the N requests of the workload with the highest median latency.
// --collapse false searches without collapsing variants (as &collapse=false);
// --typos off skips the typo run (bench/scale.sh).
// --stages on also runs the workload once more on one thread and prints the mean
// time of each stage of a search (parse, match, facets, rank, hydrate,
// highlight) per kind of request: where the time goes.
// --emit-paths writes the workload as HTTP paths (one per line) for wrk and exits.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "bench/current_index.h"
#include "bench/workload.h"
#include "merch/ranking.h"
#include "merch/rule_set.h"
#include "query/facets/facet_columns.h"
#include "query/search.h"

namespace {

using vitrine::bench::ParseFlags;
using vitrine::bench::Percentile;

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxRequestsPerThread = 500000;  // bounds a run even on a fast machine

std::string ProcStatus(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      const size_t start = line.find_first_not_of(" \t", key.size() + 1);
      return line.substr(start);
    }
  }
  return "?";
}

struct Latency {
  size_t request;  // index into the request list
  double ms;
};

void Print(std::string_view label, std::vector<double> all, double elapsed) {
  std::sort(all.begin(), all.end());
  std::printf("%s requests=%zu", std::string(label).c_str(), all.size());
  if (elapsed > 0) std::printf(" throughput=%.0f req/s", all.size() / elapsed);
  std::printf(" latency_ms p50=%.3f p95=%.3f p99=%.3f max=%.3f\n", Percentile(all, 0.50),
              Percentile(all, 0.95), Percentile(all, 0.99), all.empty() ? 0 : all.back());
}

// Runs `requests` round-robin on `threads` threads for `seconds`; with `kinds`,
// also prints the latency of each kind of request.
// With `slowest` > 0, also lists that many requests with the highest median.
void Run(vitrine::query::SearcherPool& pool,
         const std::vector<vitrine::query::SearchRequest>& requests, int threads, double seconds,
         const std::vector<std::string>* kinds = nullptr, size_t slowest = 0) {
  std::vector<std::vector<Latency>> latencies(threads);
  std::atomic<uint64_t> errors = 0;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto searcher = pool.Acquire();
      if (!searcher.ok()) return;
      size_t i = static_cast<size_t>(t) * 7919;
      while (Clock::now() < deadline && latencies[t].size() < kMaxRequestsPerThread) {
        const auto begin = Clock::now();
        const size_t request = i++ % requests.size();
        if (!(*searcher)->Search(requests[request]).ok()) ++errors;
        latencies[t].push_back(
            {request, std::chrono::duration<double, std::milli>(Clock::now() - begin).count()});
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  std::map<std::string, std::vector<double>> by_kind;
  for (const auto& part : latencies) {
    for (const Latency& latency : part) {
      all.push_back(latency.ms);
      if (kinds != nullptr) by_kind[(*kinds)[latency.request]].push_back(latency.ms);
    }
  }
  Print("threads=" + std::to_string(threads) + " errors=" + std::to_string(errors.load()), all,
        elapsed);
  for (auto& [kind, part] : by_kind) Print("  kind=" + kind, std::move(part), 0);
  if (slowest == 0) return;
  std::vector<std::vector<double>> by_request(requests.size());
  for (const auto& part : latencies) {
    for (const Latency& latency : part) by_request[latency.request].push_back(latency.ms);
  }
  std::vector<std::pair<double, size_t>> medians;
  for (size_t i = 0; i < by_request.size(); ++i) {
    if (by_request[i].empty()) continue;
    std::sort(by_request[i].begin(), by_request[i].end());
    medians.emplace_back(Percentile(by_request[i], 0.5), i);
  }
  std::sort(medians.rbegin(), medians.rend());
  for (size_t i = 0; i < medians.size() && i < slowest; ++i) {
    const vitrine::query::SearchRequest& request = requests[medians[i].second];
    std::string filters;
    for (const auto& [field, values] : request.filters) {
      for (const std::string& value : values) filters += " " + field + "=" + value;
    }
    std::printf("  slow %.3f ms: q=\"%s\" sort=%s page=%d%s\n", medians[i].first, request.q.c_str(),
                std::string(vitrine::query::SortOrderName(request.sort)).c_str(), request.page,
                filters.c_str());
  }
}

// Each request of `requests` once on one thread, with the search's stages
// recorded: the mean milliseconds of each stage, per kind and over all.
void PrintStages(vitrine::query::SearcherPool& pool,
                 const std::vector<vitrine::query::SearchRequest>& requests,
                 const std::vector<std::string>& kinds) {
  auto searcher = pool.Acquire();
  if (!searcher.ok()) return;
  // kind -> stage -> total ms; and requests per kind.
  std::map<std::string, std::map<std::string, double>> totals;
  std::map<std::string, size_t> counts;
  std::vector<std::string> order;  // stages in the order first seen
  for (size_t i = 0; i < requests.size(); ++i) {
    std::vector<vitrine::query::StageTiming> stages;
    vitrine::query::SearchRequest request = requests[i];
    request.stages = &stages;
    if (!(*searcher)->Search(request).ok()) continue;
    for (const std::string& kind : {kinds[i], std::string("all")}) {
      ++counts[kind];
      for (const vitrine::query::StageTiming& stage : stages) {
        const std::string name(stage.name);
        if (std::find(order.begin(), order.end(), name) == order.end()) order.push_back(name);
        totals[kind][name] +=
            std::chrono::duration<double, std::milli>(stage.end - stage.start).count();
      }
    }
  }
  std::printf("stages: mean ms per request\n");
  for (const auto& [kind, stage_totals] : totals) {
    std::printf("  kind=%s", kind.c_str());
    for (const std::string& name : order) {
      const auto found = stage_totals.find(name);
      std::printf(" %s=%.3f", name.c_str(),
                  found == stage_totals.end() ? 0.0 : found->second / counts[kind]);
    }
    std::printf("\n");
  }
}

// `count` merchandising rules over the workload's own queries, so many requests
// fire some: by turns a boost (exact query), a bury (a query word) and, every
// tenth, a pin and a hide. Not `firing`: the same rules for queries nobody
// sends (what the rule lookup alone costs).
std::shared_ptr<const vitrine::merch::RuleSet> MakeRules(
    const std::vector<vitrine::bench::WorkloadRequest>& workload, int count, bool firing) {
  std::vector<std::string> queries;
  for (const auto& request : workload) {
    if (!request.q.empty() &&
        std::find(queries.begin(), queries.end(), request.q) == queries.end()) {
      queries.push_back(request.q);
    }
  }
  std::vector<vitrine::merch::Rule> rules;
  for (int i = 0; i < count && !queries.empty(); ++i) {
    const std::string& q = queries[static_cast<size_t>(i) % queries.size()];
    const std::string word = q.substr(0, q.find(' '));
    nlohmann::json rule = {{"id", "r" + std::to_string(i)}, {"priority", i % 10}};
    if (i % 2 == 0 || !firing) {
      rule["conditions"] = {{"query",
                             {{"equals", q + (!firing || i >= static_cast<int>(queries.size())
                                                  ? " " + std::to_string(i)
                                                  : "")}}}};
      rule["consequences"] = {
          {"boost", {{{"filter", {{"brand", {"Roadster"}}}}, {"factor", 2.0}}}}};
    } else {
      rule["conditions"] = {{"query", {{"contains", {word}}}}};
      rule["consequences"] = {{"bury", {{{"filter", {{"in_stock", {false}}}}, {"factor", 0.5}}}}};
    }
    if (i % 10 == 0) {
      rule["consequences"]["pin"] = {{{"id", "15970"}, {"position", 1}}};
      rule["consequences"]["hide"] = {"39386"};
    }
    absl::StatusOr<vitrine::merch::Rule> parsed = vitrine::merch::ParseRule(rule.dump());
    if (!parsed.ok()) {
      std::fprintf(stderr, "bad rule: %s\n", std::string(parsed.status().message()).c_str());
      std::exit(1);
    }
    rules.push_back(*std::move(parsed));
  }
  return vitrine::merch::RuleSet::Build(std::move(rules));
}

vitrine::query::SearchRequest ToSearchRequest(const vitrine::bench::WorkloadRequest& request) {
  vitrine::query::SearchRequest search{
      .q = request.q, .page = request.page, .per_page = request.per_page};
  search.filters = request.filters;
  search.facets = request.facets;
  search.facet_size = request.facet_size;
  search.sort =
      vitrine::query::ParseSortOrder(request.sort).value_or(vitrine::query::SortOrder::kRelevance);
  for (const auto& [field, range] : request.ranges) {
    auto bound = [](double value) {
      return std::isnan(value) ? std::nullopt : std::optional<double>(value);
    };
    search.ranges[field] = {bound(range.first), bound(range.second)};
  }
  return search;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = ParseFlags(argc, argv);
  const std::vector<vitrine::bench::WorkloadRequest> workload =
      vitrine::bench::ReadWorkload(flags["workload"]);
  if (flags.count("emit-paths")) {
    std::ofstream out(flags["emit-paths"]);
    for (const auto& request : workload) out << vitrine::bench::SearchPath(request) << "\n";
    std::printf("wrote %zu paths to %s\n", workload.size(), flags["emit-paths"].c_str());
    return 0;
  }
  const absl::StatusOr<vitrine::bench::CurrentIndex> current =
      vitrine::bench::OpenCurrentIndex(flags["data-dir"]);
  if (!current.ok()) {
    std::fprintf(stderr, "%s\n", std::string(current.status().message()).c_str());
    return 1;
  }
  vitrine::query::SearchOptions options;
  // The engine by default; --cache-mb N puts the result cache in front.
  options.cache.max_bytes =
      static_cast<size_t>(std::stoul(flags.count("cache-mb") ? flags["cache-mb"] : "0")) << 20;
  vitrine::query::SearcherPool pool(current->index, options);
  std::vector<vitrine::query::SearchRequest> requests;
  std::vector<std::string> kinds;
  for (const auto& request : workload) {
    requests.push_back(ToSearchRequest(request));
    if (flags["facets"] == "none") requests.back().facets.clear();
    if (flags["highlight"] == "off") requests.back().highlight = false;
    if (flags["collapse"] == "false") requests.back().collapse = false;
    kinds.push_back(request.kind);
  }
  if (flags.count("rules")) {
    const std::shared_ptr<const vitrine::merch::RuleSet> rules =
        MakeRules(workload, std::stoi(flags["rules"]), flags["rules-fire"] != "none");
    size_t firing = 0;
    for (auto& request : requests) {
      request.rules = rules;
      const vitrine::merch::RequestContext context{.query = request.q, .filters = &request.filters};
      firing += rules->Fire(context).empty() ? 0 : 1;
    }
    std::printf("rules: %zu active; %zu of %zu requests fire at least one\n", rules->rules().size(),
                firing, requests.size());
  }
  if (flags.count("ranking")) {
    absl::StatusOr<vitrine::merch::Ranking> ranking =
        vitrine::merch::ParseRanking(flags["ranking"]);
    if (!ranking.ok()) {
      std::fprintf(stderr, "--ranking: %s\n", std::string(ranking.status().message()).c_str());
      return 1;
    }
    auto shared = std::make_shared<const vitrine::merch::Ranking>(*std::move(ranking));
    for (auto& request : requests) request.ranking = shared;
    std::printf("ranking: %s\n", shared->json.c_str());
  }
  const double seconds = flags.count("seconds") ? std::stod(flags["seconds"]) : 5.0;
  std::printf("workload: %zu requests, index: %llu documents (generation %s)\n", requests.size(),
              static_cast<unsigned long long>(current->index->documents()),
              current->generation.id.c_str());
  Run(pool, requests, 1, std::min(seconds, 1.0));  // warm-up: page cache, block cache
  std::string thread_list = flags.count("threads") ? flags["threads"] : "1,2";
  for (size_t start = 0; start < thread_list.size();) {
    const size_t comma = std::min(thread_list.find(',', start), thread_list.size());
    const int threads = std::stoi(thread_list.substr(start, comma - start));
    Run(pool, requests, threads, seconds, start == 0 ? &kinds : nullptr,
        start == 0 && flags.count("slowest") ? std::stoul(flags["slowest"]) : 0);
    start = comma + 1;
  }
  if (flags.count("stages")) PrintStages(pool, requests, kinds);
  // Typo tolerance: the text requests with a typo, one thread.
  if (flags["typos"] != "off") {
    std::vector<vitrine::query::SearchRequest> typos;
    for (const auto& request : vitrine::bench::WithTypos(workload)) {
      typos.push_back(ToSearchRequest(request));
      if (flags["collapse"] == "false") typos.back().collapse = false;
    }
    std::printf("typos: %zu text requests with two letters of their longest word swapped\n",
                typos.size());
    Run(pool, typos, 1, seconds);
  }
  std::printf("memory: peak_rss=%s rss=%s\n", ProcStatus("VmHWM").c_str(),
              ProcStatus("VmRSS").c_str());
  const vitrine::query::internal::PostingStore& store = *current->index->facet_columns()->postings;
  std::printf("posting store: %zu lists, %.0f MB (bound %.0f MB)\n", store.terms(),
              store.bytes() / 1e6, vitrine::query::internal::PostingStore::kDefaultMaxBytes / 1e6);
  return 0;
}
