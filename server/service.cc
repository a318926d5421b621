#include "server/service.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>

#include "base/json_writer.h"
#include "base/log.h"
#include "base/retry.h"
#include "base/status.h"
#include "base/strings.h"
#include "indexer/generations.h"
#include "indexer/live_writer.h"
#include "merch/config_store.h"
#include "server/access_log.h"
#include "server/api.h"
#include "server/metrics.h"
#include "server/static_files.h"
#include "writes/cluster_reindex.h"
#include "writes/jetstream_config_log.h"

namespace vitrine::server {
struct Service::Impl {
  Impl(const ServeOptions& options, indexer::DataDir dir, std::unique_ptr<writes::WriteLog> log)
      : options(options),
        dir(std::move(dir)),
        access_log(options.access_log ? STDOUT_FILENO : -1),
        searchers(nullptr, options.search),
        writes(std::move(log), options.writes, &searchers.cache()),
        api(searchers, metrics, access_log, options.keys, &writes, options.limits),
        http(options.http,
             [this](HttpRequest&& request) { return api.Handle(std::move(request)); }) {}

  // Serves the current generation (or, when it cannot be and nothing serves
  // yet, the newest complete one that can).
  absl::Status Reload();
  // Verifies, opens and switches to `generation`.
  absl::Status Serve(const indexer::Generation& generation);
  absl::Status PruneJournal();
  void WatchLoop();
  // The write log's and the config's gauges on /metrics.
  void AddGauges();
  // The handler threads' admission counters (server/work_queue.h).
  void AddWorkGauges();

  const ServeOptions options;
  const indexer::DataDir dir;
  Metrics metrics;
  // Before the API: the exporter outlives every request that hands it spans.
  std::unique_ptr<telemetry::SpanExporter> exporter;
  AccessLog access_log;
  query::SearcherPool searchers;
  writes::ProductWrites writes;
  Api api;
  HttpServer http;
  uint16_t port = 0;

  std::mutex reload_mutex;         // one reload at a time (watcher thread or ReloadNow)
  std::string refused_generation;  // the current one, when it could not be served
  std::mutex watch_mutex;
  std::condition_variable watch_wakeup;
  bool stopping = false;
  std::thread watcher;
  // A cluster's config bucket (before `config`, which follows it, so it outlives it).
  std::unique_ptr<merch::ConfigLog> config_log;
  std::unique_ptr<merch::ConfigStore> config;  // <data-dir>/config: merchandising rules
  // In a cluster: builds the generations of `vitrine reindex --nats`.
  std::unique_ptr<writes::GenerationFollower> follower;
  std::optional<StaticFiles> ui;  // options.ui_dir, when given
};

absl::Status Service::Impl::Serve(const indexer::Generation& generation) {
  // A damaged generation is refused here, not found out by a search.
  RETURN_IF_ERROR(indexer::VerifyGeneration(generation));
  ASSIGN_OR_RETURN(std::shared_ptr<const query::Index> index,
                   query::OpenIndex({.generation = generation.id,
                                     .xapian_path = generation.xapian_path(),
                                     .snapshot_path = generation.snapshot_path(),
                                     .analyzers_path = generation.analyzers_path(),
                                     .writable = true}));
  // Writes made since the generation was built are applied before it serves,
  // and it serves before the next write is taken.
  RETURN_IF_ERROR(writes.Switch(index, [&] { searchers.Publish(index); }));
  metrics.SetIndex(index->generation(), index->documents());
  std::string fields = R"("generation":)";
  AppendJsonString(fields, index->generation());
  fields.append(StrCat(R"(,"documents":)", index->documents()));
  LogEvent("info", "serving index generation", fields);
  return absl::OkStatus();
}

absl::Status Service::Impl::Reload() {
  std::lock_guard lock(reload_mutex);
  absl::StatusOr<indexer::Generation> current = dir.Current();
  if (!current.ok()) return current.status();
  std::shared_ptr<const query::Index> serving = searchers.current();
  if (serving != nullptr && serving->generation() == current->id) return absl::OkStatus();
  if (current->id == refused_generation) return absl::OkStatus();  // reported already
  const absl::Status served = Serve(*current);
  if (served.ok()) return served;
  refused_generation = current->id;
  std::string fields = R"("generation":)";
  AppendJsonString(fields, current->id);
  fields.append(R"(,"error":)");
  AppendJsonString(fields, FromAbsl(served.message()));
  LogEvent("error", "cannot serve the current generation", fields);
  if (serving != nullptr) return absl::OkStatus();  // the one serving stays
  // Nothing serves yet: the newest complete generation that is whole instead.
  ASSIGN_OR_RETURN(const std::vector<indexer::GenerationInfo> generations, dir.List());
  for (auto it = generations.rbegin(); it != generations.rend(); ++it) {
    if (!it->complete || it->current) continue;
    if (absl::Status older = Serve(it->generation); !older.ok()) {
      LogError(StrCat("cannot serve generation ", it->generation.id), older);
      continue;
    }
    LogEvent("warn", StrCat("serving generation ", it->generation.id, " instead of the current ",
                            current->id, ", which cannot be served"));
    return absl::OkStatus();
  }
  return served;
}

absl::Status Service::Impl::PruneJournal() {
  ASSIGN_OR_RETURN(const uint64_t held, indexer::JournalSeqHeldByAll(dir));
  ASSIGN_OR_RETURN(const indexer::Journal::Pruned pruned, writes.PruneLog(held));
  if (pruned.entries > 0 || pruned.idempotency_records > 0) {
    LogEvent("info", "pruned the journal",
             StrCat(R"("entries":)", pruned.entries, R"(,"idempotency_records":)",
                    pruned.idempotency_records));
  }
  return absl::OkStatus();
}

void Service::Impl::AddGauges() {
  metrics.AddGauge("vitrine_writes_logged_seq",
                   "The last write in the write log, as this replica has read it.",
                   [this] { return static_cast<double>(writes.state().logged_seq); });
  metrics.AddGauge("vitrine_writes_applied_seq",
                   "The last write applied to the serving generation.",
                   [this] { return static_cast<double>(writes.state().applied_seq); });
  metrics.AddGauge("vitrine_writes_committed_seq", "The last write searches can see.",
                   [this] { return static_cast<double>(writes.state().committed_seq); });
  metrics.AddGauge("vitrine_writes_lag", "Writes in the log this replica has not applied yet.",
                   [this] {
                     const writes::WriteState state = writes.state();
                     return static_cast<double>(state.logged_seq - state.applied_seq);
                   });
  metrics.AddGauge(
      "vitrine_searches_total", "Searches answered (not counting the sub-queries of one request).",
      [this] { return static_cast<double>(searchers.searches()); }, /*counter=*/true);
  metrics.AddGauge(
      "vitrine_search_zero_results_total", "Searches that matched no product.",
      [this] { return static_cast<double>(searchers.zero_results()); }, /*counter=*/true);
  metrics.AddGauge(
      "vitrine_search_cache_hits_total", "Searches answered from the result cache.",
      [this] { return static_cast<double>(searchers.cache().stats().hits); }, /*counter=*/true);
  metrics.AddGauge(
      "vitrine_search_cache_misses_total", "Searches the result cache did not hold.",
      [this] { return static_cast<double>(searchers.cache().stats().misses); }, /*counter=*/true);
  metrics.AddGauge("vitrine_config_version", "The merchandising config version being served.",
                   [this] { return static_cast<double>(config->version()); });
  metrics.AddGauge(
      "vitrine_rate_limited_total", "Requests refused (429) because their key was over its limit.",
      [this] { return static_cast<double>(api.rate_limited()); }, /*counter=*/true);
  AddWorkGauges();
  // Always on /metrics (0 without --otlp-endpoint), so dashboards and alerts
  // find the series whether or not this replica exports.
  const auto spans = [this](uint64_t telemetry::ExporterStats::*field) {
    return [this, field] {
      return exporter != nullptr ? static_cast<double>(exporter->stats().*field) : 0.0;
    };
  };
  metrics.AddGauge("vitrine_trace_spans_exported_total", "Spans the OTLP collector accepted.",
                   spans(&telemetry::ExporterStats::exported_spans), /*counter=*/true);
  metrics.AddGauge("vitrine_trace_spans_dropped_total",
                   "Spans dropped because the export queue was full (requests are never slowed).",
                   spans(&telemetry::ExporterStats::dropped_spans), /*counter=*/true);
  metrics.AddGauge("vitrine_trace_spans_failed_total",
                   "Spans in batches the collector did not accept.",
                   spans(&telemetry::ExporterStats::failed_spans), /*counter=*/true);
  if (options.nats.servers.empty()) return;
  metrics.AddGauge("vitrine_nats_connected", "1 while this replica is connected to NATS.",
                   [this] { return writes.log().connected() ? 1.0 : 0.0; });
  metrics.AddGauge(
      "vitrine_write_log_conflicts_total",
      "Appends refused because another replica appended first (prepared again).",
      [this] { return static_cast<double>(writes.log().stats().conflicts); }, /*counter=*/true);
  metrics.AddGauge(
      "vitrine_write_log_unavailable_total",
      "Write log requests that failed as unavailable (no quorum, timed out).",
      [this] { return static_cast<double>(writes.log().stats().unavailable); }, /*counter=*/true);
  metrics.AddGauge(
      "vitrine_cluster_reindex_built",
      "The last cluster reindex event this replica built (0: none).",
      [this] { return follower != nullptr ? static_cast<double>(follower->status().built) : 0.0; });
  metrics.AddGauge("vitrine_cluster_reindex_failed",
                   "The last cluster reindex event whose build failed here (0: none).", [this] {
                     return follower != nullptr ? static_cast<double>(follower->status().failed)
                                                : 0.0;
                   });
}

void Service::Impl::AddWorkGauges() {
  if (!http.work_stats()) return;
  using Stats = WorkQueue::Stats;
  const auto gauge = [this](std::string name, std::string help, auto read, bool counter) {
    metrics.AddGauge(
        std::move(name), std::move(help),
        [this, read] { return static_cast<double>(read(*http.work_stats())); }, counter);
  };
  gauge(
      "vitrine_http_in_flight", "Requests queued for or running on a handler thread.",
      [](const Stats& s) { return s.in_flight; }, false);
  gauge(
      "vitrine_http_queued", "Requests waiting for a handler thread.",
      [](const Stats& s) { return s.queued; }, false);
  gauge(
      "vitrine_http_shed_in_flight_total",
      "Requests refused (503) at once: as many as --max-in-flight were under way.",
      [](const Stats& s) { return s.shed_in_flight; }, true);
  gauge(
      "vitrine_http_shed_queue_full_total",
      "Requests refused (503) at once: the queue held what the workers start within the target.",
      [](const Stats& s) { return s.shed_queue_full; }, true);
  gauge(
      "vitrine_http_shed_waited_total",
      "Requests answered 503 without work: they had waited a whole search budget in line, or, "
      "the queue being overloaded, too long to be answered in time.",
      [](const Stats& s) { return s.shed_waited; }, true);
  gauge(
      "vitrine_http_newest_first_total",
      "Requests a handler took newest first, the queue being overloaded (adaptive LIFO).",
      [](const Stats& s) { return s.newest_first; }, true);
  gauge(
      "vitrine_http_queue_overloaded",
      "1 while the queue is overloaded: it serves the newest first and sheds what waited "
      "too long to be answered in time.",
      [](const Stats& s) { return s.overloaded ? 1 : 0; }, false);
}

void Service::Impl::WatchLoop() {
  using Clock = std::chrono::steady_clock;
  Clock::time_point next_prune = Clock::now();  // also once at start
  std::unique_lock lock(watch_mutex);
  while (!watch_wakeup.wait_for(lock, options.reload_interval, [&] { return stopping; })) {
    lock.unlock();
    const std::shared_ptr<const query::Index> serving = searchers.current();
    // Another replica's config changes wake the store; this catches one whose
    // wake-up was lost (NATS delivers those at most once).
    if (config_log != nullptr) {
      if (absl::Status caught_up = config->CatchUp(); !caught_up.ok()) {
        LogError("reading the cluster's config failed", caught_up);
      }
    }
    absl::Status status = Reload();
    if (!status.ok() && !absl::IsNotFound(status)) {
      // Keep serving the generation we have; a broken new one is not switched to.
      LogError("index reload failed", status);
    }
    // Retention after a switch (the reindex may have collected old generations)
    // and every journal_retention_interval.
    if (searchers.current() != serving || Clock::now() >= next_prune) {
      next_prune = Clock::now() + options.journal_retention_interval;
      if (absl::Status pruned = PruneJournal(); !pruned.ok()) {
        LogError("journal retention failed", pruned);
      }
    }
    lock.lock();
  }
}

Service::Service(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Service::~Service() { Stop(); }

absl::StatusOr<std::unique_ptr<Service>> Service::Start(const ServeOptions& options) {
  ASSIGN_OR_RETURN(indexer::DataDir dir, indexer::DataDir::Open(options.data_dir));
  std::unique_ptr<writes::WriteLog> log;
  if (options.nats.servers.empty()) {
    ASSIGN_OR_RETURN(std::unique_ptr<indexer::Journal> journal,
                     indexer::Journal::Open(dir.journal_path()));
    log = writes::LocalWriteLog(std::move(journal));
  } else {
    ASSIGN_OR_RETURN(log, writes::OpenJetStreamWriteLog(options.nats));
  }
  // Builds that died (killed, out of disk) leave partial generations: removed
  // unless a reindex is running now (it holds the lock).
  if (absl::StatusOr<indexer::DataDirLock> lock = indexer::DataDirLock::Acquire(dir); lock.ok()) {
    ASSIGN_OR_RETURN(const std::vector<std::string> removed, dir.RemoveAbandonedBuilds(*lock));
    for (const std::string& id : removed) {
      LogEvent("warn", "removed an abandoned partial generation",
               StrCat(R"("generation":")", id, "\""));
    }
  }
  auto impl = std::make_unique<Impl>(options, std::move(dir), std::move(log));
  // Merchandising rules: searches read the live snapshot, /v1/config/ writes it.
  // In a cluster the rules follow the shared bucket (writes/jetstream_config_log.h).
  if (!options.nats.servers.empty()) {
    ASSIGN_OR_RETURN(impl->config_log, writes::OpenJetStreamConfigLog(options.nats));
  }
  RETURN_IF_ERROR(RetryWhileUnavailable(
      [&]() -> absl::Status {
        ASSIGN_OR_RETURN(impl->config, merch::ConfigStore::Open(impl->dir.path() + "/config",
                                                                {.log = impl->config_log.get()}));
        return absl::OkStatus();
      },
      options.nats.start_patience, "joining the cluster's config"));
  impl->searchers.SetConfig([config = impl->config.get()] { return config->snapshot(); });
  impl->api.SetConfig(impl->config.get());
  if (!options.otlp_endpoint.empty()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    ASSIGN_OR_RETURN(
        impl->exporter,
        telemetry::SpanExporter::Start({.endpoint = options.otlp_endpoint,
                                        .resource = {{"service.instance.id", std::string(host)}}}));
  }
  impl->api.SetTracing(
      {.exporter = impl->exporter.get(), .sample_ratio = options.otlp_sample_ratio});
  if (!options.ui_dir.empty()) {
    ASSIGN_OR_RETURN(impl->ui, StaticFiles::Open(options.ui_dir));
    impl->api.SetStaticFiles(&*impl->ui);
  }
  impl->AddGauges();
  absl::Status loaded = impl->Reload();
  if (!loaded.ok() && !absl::IsNotFound(loaded)) return loaded;
  if (!options.nats.servers.empty()) {
    // A new replica (an empty data directory) builds the cluster's generation
    // here and becomes ready once it serves it.
    impl->follower = std::make_unique<writes::GenerationFollower>(
        impl->writes.log(), options.data_dir, [raw = impl.get()] {
          if (absl::Status status = raw->Reload(); !status.ok()) {
            LogError("cannot serve the cluster's new generation", status);
          }
        });
  }
  if (absl::IsNotFound(loaded)) LogEvent("warn", FromAbsl(loaded.message()));
  ASSIGN_OR_RETURN(impl->port, impl->http.Start());
  impl->watcher = std::thread([raw = impl.get()] { raw->WatchLoop(); });
  return std::unique_ptr<Service>(new Service(std::move(impl)));
}

uint16_t Service::port() const { return impl_->port; }

void Service::StartDraining() { impl_->api.StartDraining(); }

absl::Status Service::ReloadNow() { return impl_->Reload(); }

absl::Status Service::PruneJournalNow() { return impl_->PruneJournal(); }

void Service::Stop() {
  {
    std::lock_guard lock(impl_->watch_mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->watch_wakeup.notify_all();
  impl_->http.Stop();
  if (impl_->watcher.joinable()) impl_->watcher.join();
  impl_->follower.reset();  // cancels a build in progress
}

absl::Status Serve(const ServeOptions& options) {
  // Block the shutdown signals before any thread starts, so every thread inherits
  // the mask and only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ASSIGN_OR_RETURN(std::unique_ptr<Service> service, Service::Start(options));
  LogEvent("info", "listening",
           StrCat(R"("address":")", options.http.address, R"(","port":)", service->port()));
  int received = 0;
  sigwait(&signals, &received);
  LogEvent("info", "shutting down",
           StrCat(R"("signal":)", received, R"(,"drain_ms":)", options.drain.count()));
  service->StartDraining();
  std::this_thread::sleep_for(options.drain);
  service->Stop();
  return absl::OkStatus();
}

}  // namespace vitrine::server
