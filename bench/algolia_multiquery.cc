// What InstantSearch's multi-query costs on the Algolia-compatible endpoint,
// compared with one search, in process (Api::Handle, JSON in and out, no socket):
//   algolia_multiquery --data-dir var/data --workload bench/workload/storefront-workload.jsonl.gz
//                      [--seconds 5] [--cache-mb 0]
// For each workload request with filters it builds what InstantSearch sends when
// those filters are refined disjunctive facets: the main query plus one query per
// refined field (that field's refinement dropped, only its counts, hitsPerPage 0).
// It times, over the same requests:
//   single  the main query alone (POST /1/indexes/products/query)
//   multi   the whole multi-query (POST /1/indexes/*/queries), as Vitrine plans it
//   naive   every query of it as a search of its own (one POST each): N+1 full searches
// and prints p50/p95/p99/max latency and requests/s for each. The result cache is
// off unless --cache-mb says otherwise, so every search computes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/current_index.h"
#include "bench/workload.h"
#include "server/api.h"

namespace {

using vitrine::bench::Percentile;
using vitrine::bench::WorkloadRequest;
using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxRounds = 200000;  // bounds a run on a fast machine

std::string FacetName(const std::string& field) {
  return field == "category_leaf" ? "category" : field;
}

// The InstantSearch-shaped queries for `request`: main first.
std::vector<Json> InstantSearchQueries(const WorkloadRequest& request) {
  std::vector<std::string> facets;
  for (const std::string& facet : request.facets) facets.push_back(FacetName(facet));
  for (const auto& [field, values] : request.filters) {
    if (std::find(facets.begin(), facets.end(), field) == facets.end()) facets.push_back(field);
  }
  auto filters_without = [&request](const std::string& dropped) {
    Json groups = Json::array();
    for (const auto& [field, values] : request.filters) {
      if (field == dropped) continue;
      Json group = Json::array();
      for (const std::string& value : values) group.push_back(field + ":" + value);
      groups.push_back(group);
    }
    return groups;
  };
  Json numeric = Json::array();
  for (const auto& [field, range] : request.ranges) {
    if (range.first == range.first) numeric.push_back(field + ">=" + std::to_string(range.first));
    if (range.second == range.second)
      numeric.push_back(field + "<=" + std::to_string(range.second));
  }
  Json main = {{"indexName", request.sort == "relevance" ? "products" : "products_" + request.sort},
               {"query", request.q},
               {"page", request.page - 1},
               {"hitsPerPage", request.per_page},
               {"maxValuesPerFacet", request.facet_size},
               {"facets", facets},
               {"facetFilters", filters_without("")},
               {"numericFilters", numeric},
               {"highlightPreTag", "__ais-highlight__"},
               {"highlightPostTag", "__/ais-highlight__"}};
  std::vector<Json> queries = {main};
  for (const auto& [field, values] : request.filters) {
    Json derived = main;
    derived["facets"] = field;
    derived["facetFilters"] = filters_without(field);
    derived["hitsPerPage"] = 0;
    derived["page"] = 0;
    derived["analytics"] = false;
    derived["clickAnalytics"] = false;
    queries.push_back(derived);
  }
  return queries;
}

struct Mode {
  std::string name;
  // Requests of one round, each (target, body).
  std::vector<std::vector<std::pair<std::string, std::string>>> rounds;
};

void Run(vitrine::server::Api& api, const Mode& mode, double seconds) {
  std::vector<double> latencies;
  size_t errors = 0;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  for (size_t i = 0; Clock::now() < deadline && i < kMaxRounds; ++i) {
    const auto begin = Clock::now();
    for (const auto& [target, body] : mode.rounds[i % mode.rounds.size()]) {
      const vitrine::server::HttpResponse response =
          api.Handle({.method = "POST", .target = target, .body = body});
      if (response.status != 200) ++errors;
    }
    latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  std::printf(
      "%-7s rounds=%zu errors=%zu throughput=%.0f rounds/s latency_ms p50=%.3f p95=%.3f "
      "p99=%.3f max=%.3f\n",
      mode.name.c_str(), latencies.size(), errors, latencies.size() / elapsed,
      Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99),
      latencies.empty() ? 0 : latencies.back());
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = vitrine::bench::ParseFlags(argc, argv);
  if (!flags.contains("data-dir") || !flags.contains("workload")) {
    std::fprintf(stderr,
                 "usage: algolia_multiquery --data-dir DIR --workload FILE [--seconds 5] "
                 "[--cache-mb 0]\n");
    return 2;
  }
  const double seconds = flags.contains("seconds") ? std::stod(flags["seconds"]) : 5;
  auto current = vitrine::bench::OpenCurrentIndex(flags["data-dir"]);
  if (!current.ok()) {
    std::fprintf(stderr, "%s\n", std::string(current.status().message()).c_str());
    return 1;
  }
  vitrine::query::SearchOptions options;
  options.cache.max_bytes = flags.contains("cache-mb") ? std::stoul(flags["cache-mb"]) << 20 : 0;
  vitrine::query::SearcherPool pool(current->index, options);
  vitrine::server::Metrics metrics;
  vitrine::server::AccessLog log(-1);
  vitrine::server::Api api(pool, metrics, log);

  Mode single{"single"}, multi{"multi"}, naive{"naive"};
  size_t queries = 0;
  for (const WorkloadRequest& request : vitrine::bench::ReadWorkload(flags["workload"])) {
    if (request.filters.empty()) continue;
    const std::vector<Json> all = InstantSearchQueries(request);
    queries += all.size();
    Json main = all.front();
    main.erase("indexName");
    single.rounds.push_back(
        {{"/1/indexes/" + all.front()["indexName"].get<std::string>() + "/query", main.dump()}});
    multi.rounds.push_back({{"/1/indexes/*/queries", Json{{"requests", all}}.dump()}});
    std::vector<std::pair<std::string, std::string>> each;
    for (Json query : all) {
      const std::string index = query["indexName"];
      query.erase("indexName");
      each.emplace_back("/1/indexes/" + index + "/query", query.dump());
    }
    naive.rounds.push_back(std::move(each));
  }
  if (single.rounds.empty()) {
    std::fprintf(stderr, "the workload has no filtered requests\n");
    return 1;
  }
  std::printf(
      "%zu filtered storefront requests, %.2f queries per InstantSearch multi-query, "
      "result cache %s\n",
      single.rounds.size(), static_cast<double>(queries) / single.rounds.size(),
      options.cache.max_bytes == 0 ? "off" : "on");
  for (const Mode* mode : {&single, &multi, &naive}) Run(api, *mode, 1);  // warm up
  for (const Mode* mode : {&single, &multi, &naive}) Run(api, *mode, seconds);
  return 0;
}
