// vitrine serve / vitrine search.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "base/strings.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "indexer/generations.h"
#include "query/search.h"
#include "server/service.h"
#include "writes/jetstream_write_log.h"

namespace vitrine::cli {
int ServeCommand(int argc, char** argv) {
  absl::StatusOr<Flags> flags = Flags::Parse(
      argc, argv,
      {"data-dir", "port", "address", "threads", "cache-mb", "ui-dir", "nats", "nats-replicas",
       "drain-ms", "idempotency-hours", "workers", "max-in-flight", "queue-target-ms",
       "search-timeout-ms", "rate-limits", "otlp-endpoint", "otlp-sample-ratio"},
      {"no-access-log", "no-ui"});
  if (!flags.ok()) return Fail(flags.status());
  absl::StatusOr<std::string> data_dir = flags->Required("data-dir");
  absl::StatusOr<int64_t> port = flags->Int("port", 8080);
  absl::StatusOr<int64_t> threads = flags->Int("threads", 0);
  absl::StatusOr<int64_t> cache_mb = flags->Int("cache-mb", 64);
  absl::StatusOr<int64_t> nats_replicas = flags->Int("nats-replicas", 1);
  absl::StatusOr<int64_t> drain_ms = flags->Int("drain-ms", 0);
  absl::StatusOr<int64_t> idempotency_hours = flags->Int("idempotency-hours", 24);
  absl::StatusOr<int64_t> workers = flags->Int("workers", 0);
  absl::StatusOr<int64_t> max_in_flight = flags->Int("max-in-flight", 512);
  absl::StatusOr<int64_t> queue_target_ms = flags->Int("queue-target-ms", 20);
  absl::StatusOr<int64_t> search_timeout_ms = flags->Int("search-timeout-ms", 1000);
  for (const absl::Status& status :
       {data_dir.status(), port.status(), threads.status(), cache_mb.status(),
        nats_replicas.status(), drain_ms.status(), idempotency_hours.status(), workers.status(),
        max_in_flight.status(), queue_target_ms.status(), search_timeout_ms.status()}) {
    if (!status.ok()) return Fail(status);
  }
  if (*port < 0 || *port > 65535) return Fail(absl::InvalidArgumentError("--port out of range"));
  server::ServeOptions options;
  options.data_dir = *data_dir;
  options.http.address = flags->Get("address").value_or("127.0.0.1");
  options.http.port = static_cast<uint16_t>(*port);
  options.http.threads = static_cast<int>(*threads);
  options.access_log = !flags->Has("no-access-log");
  // The storefront and console: --ui-dir, else the build's own ui output when
  // it was built (-DVITRINE_BUILD_UI=ON); --no-ui serves the API alone.
  options.ui_dir = flags->Get("ui-dir").value_or("");
  if (!flags->Has("ui-dir") && !std::string_view(VITRINE_DEFAULT_UI_DIR).empty()) {
    options.ui_dir = VITRINE_DEFAULT_UI_DIR;
    if (!std::filesystem::exists(options.ui_dir + "/index.html")) {
      std::fprintf(stderr, "vitrine: no built UI in %s; serving the API only\n",
                   options.ui_dir.c_str());
      options.ui_dir.clear();
    }
  }
  if (flags->Has("no-ui")) options.ui_dir.clear();
  if (*cache_mb < 0) return Fail(absl::InvalidArgumentError("--cache-mb must be 0 or more"));
  if (*drain_ms < 0 || *drain_ms > 600'000) {
    return Fail(InvalidParameter("drain-ms", "--drain-ms must be 0 to 600000"));
  }
  options.drain = std::chrono::milliseconds(*drain_ms);
  // Protection (docs/operations.md): handler threads behind an admission bound,
  // a time budget per search, rate limits per key.
  if (*workers < -1 || *workers > 256) {
    return Fail(InvalidParameter("workers",
                                 "--workers must be -1 (no handler threads: no admission control), "
                                 "0 (one per core) or up to 256"));
  }
  if (*max_in_flight < 1 || *max_in_flight > 100'000) {
    return Fail(InvalidParameter("max-in-flight", "--max-in-flight must be 1 to 100000"));
  }
  if (*queue_target_ms < 1 || *queue_target_ms > 10'000) {
    return Fail(InvalidParameter("queue-target-ms", "--queue-target-ms must be 1 to 10000"));
  }
  if (*search_timeout_ms < 1 || *search_timeout_ms > query::kMaxTimeoutMs) {
    return Fail(InvalidParameter(
        "search-timeout-ms", StrCat("--search-timeout-ms must be 1 to ", query::kMaxTimeoutMs)));
  }
  options.http.work.workers = static_cast<int>(*workers);
  options.http.work.max_in_flight = static_cast<size_t>(*max_in_flight);
  options.http.work.target = std::chrono::milliseconds(*queue_target_ms);
  options.limits.search_budget = std::chrono::milliseconds(*search_timeout_ms);
  // A request that waited the whole budget in line cannot be answered in time.
  options.http.work.max_wait = options.limits.search_budget;
  // OpenTelemetry traces: --otlp-endpoint, else VITRINE_OTLP_ENDPOINT (or the
  // standard OTEL_EXPORTER_OTLP_ENDPOINT).
  if (flags->Has("otlp-endpoint")) {
    options.otlp_endpoint = flags->Get("otlp-endpoint").value_or("");
  } else {
    for (const char* variable : {"VITRINE_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"}) {
      if (const char* value = std::getenv(variable); value != nullptr && *value != 0) {
        options.otlp_endpoint = value;
        break;
      }
    }
  }
  if (const std::optional<std::string> ratio = flags->Get("otlp-sample-ratio")) {
    const std::optional<double> parsed = ParseDouble(*ratio);
    if (!parsed || *parsed < 0 || *parsed > 1) {
      return Fail(InvalidParameter("otlp-sample-ratio", "--otlp-sample-ratio must be 0 to 1"));
    }
    options.otlp_sample_ratio = *parsed;
  }
  // "storefront=50,partner=5:20": per key name, requests per second[:burst].
  const std::optional<std::string> rate_limits = flags->Has("rate-limits")
                                                     ? flags->Get("rate-limits")
                                                     : std::optional<std::string>(std::nullopt);
  const char* rate_limits_env = std::getenv("VITRINE_RATE_LIMITS");
  if (rate_limits || rate_limits_env != nullptr) {
    absl::StatusOr<std::map<std::string, server::RateLimit>> parsed =
        server::ParseRateLimits(rate_limits ? *rate_limits : rate_limits_env);
    if (!parsed.ok()) return Fail(Annotate(parsed.status(), "rate-limits"));
    options.limits.rate_limits = *std::move(parsed);
  }
  // How long an Idempotency-Key answers a retry with its first receipt; in a
  // cluster also JetStream's duplicate window (set when the stream is created).
  if (*idempotency_hours < 1 || *idempotency_hours > 24 * 30) {
    return Fail(InvalidParameter("idempotency-hours", "--idempotency-hours must be 1 to 720"));
  }
  options.writes.idempotency_ttl = std::chrono::hours(*idempotency_hours);
  options.nats.duplicate_window = std::chrono::hours(*idempotency_hours);
  options.search.cache.max_bytes = static_cast<size_t>(*cache_mb) << 20;
  // A cluster: writes go through the shared JetStream log (the stream is created
  // with --nats-replicas copies when missing: 3 in production).
  if (flags->Has("nats")) {
    options.nats.servers = writes::SplitServers(flags->Get("nats").value_or(""));
    if (*nats_replicas < 1 || *nats_replicas > 5) {
      return Fail(InvalidParameter("nats-replicas", "--nats-replicas must be 1 to 5"));
    }
    options.nats.replicas = static_cast<int>(*nats_replicas);
  }
  // Keys from the environment, so they stay out of process listings.
  for (auto [variable, key] : {std::pair{"VITRINE_ADMIN_KEY", &options.keys.admin},
                               std::pair{"VITRINE_SEARCH_KEY", &options.keys.search}}) {
    if (const char* value = std::getenv(variable)) *key = value;
  }
  // Named keys ("alice:KEY1,bob:KEY2"): config changes are audited under the name.
  for (auto [variable, keys] : {std::pair{"VITRINE_ADMIN_KEYS", &options.keys.admin_keys},
                                std::pair{"VITRINE_SEARCH_KEYS", &options.keys.search_keys}}) {
    const char* value = std::getenv(variable);
    if (value == nullptr) continue;
    absl::StatusOr<std::vector<server::NamedKey>> parsed = server::ParseNamedKeys(value);
    if (!parsed.ok()) return Fail(Annotate(parsed.status(), variable));
    *keys = *std::move(parsed);
  }
  absl::Status status = server::Serve(options);
  return status.ok() ? 0 : Fail(status);
}

int SearchCommand(int argc, char** argv) {
  absl::StatusOr<Flags> flags = Flags::Parse(argc, argv, {"data-dir", "page", "per-page"});
  if (!flags.ok()) return Fail(flags.status());
  absl::StatusOr<std::string> path = flags->Required("data-dir");
  absl::StatusOr<int64_t> page = flags->Int("page", 1);
  absl::StatusOr<int64_t> per_page = flags->Int("per-page", 10);
  for (const absl::Status& status : {path.status(), page.status(), per_page.status()}) {
    if (!status.ok()) return Fail(status);
  }
  std::string q;
  for (const std::string& word : flags->positional()) q += (q.empty() ? "" : " ") + word;

  absl::StatusOr<indexer::DataDir> dir = indexer::DataDir::Open(*path);
  if (!dir.ok()) return Fail(dir.status());
  absl::StatusOr<indexer::Generation> generation = dir->Current();
  if (!generation.ok()) return Fail(generation.status());
  absl::StatusOr<std::shared_ptr<const query::Index>> index =
      query::OpenIndex({.generation = generation->id,
                        .xapian_path = generation->xapian_path(),
                        .snapshot_path = generation->snapshot_path(),
                        .analyzers_path = generation->analyzers_path(),
                        .suggestions = false});
  if (!index.ok()) return Fail(index.status());
  absl::StatusOr<std::unique_ptr<query::Searcher>> searcher = query::Searcher::Create(*index, {});
  if (!searcher.ok()) return Fail(searcher.status());
  absl::StatusOr<query::SearchResponse> result = (*searcher)->Search(
      {.q = q, .page = static_cast<int>(*page), .per_page = static_cast<int>(*per_page)});
  if (!result.ok()) return Fail(result.status());
  if (!result->corrected_query.empty()) {
    std::printf("searched for: %s\n", result->corrected_query.c_str());
  }
  std::printf("%llu results%s%s\n", static_cast<unsigned long long>(result->total),
              result->total_is_estimate ? " (estimate)" : "",
              result->relaxed ? ", relaxed: products with some of the words follow" : "");
  for (const query::SearchHit& hit : result->hits) {
    std::printf("%8.3f  %s\n", hit.score, hit.product_json.c_str());
  }
  return 0;
}

}  // namespace vitrine::cli
