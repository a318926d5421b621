// Freshness under load, over HTTP against an in-process server on loopback:
//   freshness --data-dir DIR --workload bench/workload/storefront-workload.jsonl.gz
//             --feed FILE [--feed FILE ...] [--seconds 10] [--connections 16]
//             [--updates-per-second 200] [--server-threads 4] [--reindex off]
// (a) the search workload at `connections` concurrent keep-alive connections,
//     first alone, then while `updates-per-second` price updates flow and a
//     reindex of the feeds builds and switches generations: errors (must be 0),
//     p50/p95/p99 before and during, and the visibility lag of updates (time
//     from the write's acknowledgement until a search filtered on the new price
//     finds it), p50/p99; --reindex off leaves the reindex out (the live
//     update path alone);
// (b) the result cache on a repeated-query mix (Zipf-like popularity over the
//     workload's requests): hit ratio and latency.
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench/workload.h"
#include "indexer/feed_reader.h"
#include "indexer/reindex.h"
#include "server/service.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using tcp = boost::asio::ip::tcp;

constexpr char kAdminKey[] = "bench-admin";

// One keep-alive HTTP/1.1 connection to 127.0.0.1.
class Connection {
 public:
  explicit Connection(uint16_t port) : socket_(io_) {
    socket_.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    socket_.set_option(tcp::no_delay(true));
  }
  // The status, or 0 on a transport error; the body into `body` when given.
  int Send(http::verb method, const std::string& target, const std::string& body = {},
           std::string* response_body = nullptr) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set("X-API-Key", kAdminKey);
    if (!body.empty()) {
      request.body() = body;
      request.prepare_payload();
    }
    beast::error_code error;
    http::write(socket_, request, error);
    if (error) return 0;
    http::response<http::string_body> response;
    http::read(socket_, buffer_, response, error);
    if (error) return 0;
    if (response_body != nullptr) *response_body = std::move(response.body());
    return static_cast<int>(response.result_int());
  }

 private:
  boost::asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

// The p-quantile of unsorted `values`.
double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return vitrine::bench::Percentile(values, p);
}

void Print(const char* label, const std::vector<double>& ms, uint64_t errors, double seconds) {
  std::printf(
      "%s requests=%zu errors=%llu throughput=%.0f req/s latency_ms p50=%.3f p95=%.3f "
      "p99=%.3f\n",
      label, ms.size(), static_cast<unsigned long long>(errors), ms.size() / seconds,
      Percentile(ms, 0.5), Percentile(ms, 0.95), Percentile(ms, 0.99));
}

// Runs `paths` round-robin on `connections` connections until `stop`.
struct Load {
  std::vector<double> ms;
  std::atomic<uint64_t> errors = 0;
  std::mutex mutex;

  void Run(uint16_t port, const std::vector<std::string>& paths, int connections,
           const std::atomic<bool>& stop) {
    std::vector<std::thread> threads;
    for (int c = 0; c < connections; ++c) {
      threads.emplace_back([&, c] {
        Connection connection(port);
        std::vector<double> mine;
        for (size_t i = static_cast<size_t>(c) * 131; !stop && mine.size() < 1000000; ++i) {
          const auto begin = Clock::now();
          if (connection.Send(http::verb::get, paths[i % paths.size()]) != 200) ++errors;
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
        }
        std::lock_guard lock(mutex);
        ms.insert(ms.end(), mine.begin(), mine.end());
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
};

uint64_t MetricValue(const std::string& metrics, const std::string& name) {
  const size_t at = metrics.find(name + " ");
  return at == std::string::npos ? 0 : std::stoull(metrics.substr(at + name.size() + 1));
}

}  // namespace

// Up to `most` product ids of the first feed: the products the updates change
// (any catalog, the bundled one or a generated one).
std::vector<std::string> SampleIds(const std::vector<std::string>& feeds, size_t most) {
  std::vector<std::string> ids;
  if (feeds.empty()) return ids;
  absl::StatusOr<std::unique_ptr<vitrine::indexer::FeedReader>> reader =
      vitrine::indexer::FeedReader::Open(feeds.front());
  if (!reader.ok()) return ids;
  vitrine::indexer::FeedRecord record;
  while (ids.size() < most && (*reader)->Next(record)) {
    absl::StatusOr<vitrine::catalog::Product> product = (*reader)->Decode(record);
    if (product.ok()) ids.push_back(product->id);
  }
  return ids;
}

int main(int argc, char** argv) {
  std::map<std::string, std::vector<std::string>> flags;
  for (int i = 1; i + 1 < argc; i += 2)
    flags[std::string(argv[i]).substr(2)].push_back(argv[i + 1]);
  auto flag = [&](const std::string& name, const std::string& fallback) {
    return flags.count(name) ? flags[name].back() : fallback;
  };
  const double seconds = std::stod(flag("seconds", "10"));
  const int connections = std::stoi(flag("connections", "16"));
  const int updates_per_second = std::stoi(flag("updates-per-second", "200"));
  const std::string data_dir = flag("data-dir", "");
  const bool reindex_on = flag("reindex", "on") != "off";
  const std::vector<vitrine::bench::WorkloadRequest> workload =
      vitrine::bench::ReadWorkload(flag("workload", ""));
  std::vector<std::string> paths;
  for (const auto& request : workload) paths.push_back(vitrine::bench::SearchPath(request));
  const std::vector<std::string> ids = SampleIds(flags["feed"], 50000);
  if (ids.empty()) {
    std::fprintf(stderr, "freshness: no product ids in the first --feed\n");
    return 2;
  }

  vitrine::server::ServeOptions options;
  options.data_dir = data_dir;
  options.http.port = 0;
  options.access_log = false;
  options.keys.admin = kAdminKey;
  options.reload_interval = std::chrono::milliseconds(200);
  options.search.cache.max_bytes = 0;  // (a) measures the engine; (b) has its own server
  // More I/O threads than cores, so a write is not queued behind a core's worth
  // of searches (the work is CPU-bound either way).
  options.http.threads = std::stoi(flag("server-threads", "4"));
  // Freshness and latency under a closed loop, not load shedding: the handler
  // queue may hold up to the search budget (a 20 ms target sheds 16 connections
  // of 1M-product searches as 503s, which counted as errors).
  options.http.work.target = std::chrono::seconds(1);
  auto service = vitrine::server::Service::Start(options);
  if (!service.ok()) {
    std::fprintf(stderr, "%s\n", std::string(service.status().message()).c_str());
    return 1;
  }
  const uint16_t port = (*service)->port();

  std::printf(
      "== (a) search workload, %d connections, %.0fs alone then %.0fs with %d price "
      "updates/s and a reindex\n",
      connections, seconds, seconds, updates_per_second);
  {
    std::atomic<bool> stop = false;
    Load before;
    std::thread load([&] { before.Run(port, paths, connections, stop); });
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    load.join();
    Print("before", before.ms, before.errors, seconds);
  }
  {
    std::atomic<bool> stop = false;
    const auto during_start = Clock::now();
    Load during;
    std::thread load([&] { during.Run(port, paths, connections, stop); });
    // Updates: a unique price per write, from kWriters connections at
    // updates-per-second in all; one in ten is watched (on its own connection)
    // until a search filtered on that price finds it.
    constexpr int kWriters = 8;
    std::vector<double> lags;
    std::atomic<uint64_t> update_errors = 0, updates = 0, next_price = 500000;
    std::mutex watch_mutex;
    std::vector<std::pair<int, Clock::time_point>> to_watch;  // price, acknowledged
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        Connection writer(port);
        std::mt19937 random(7 + w);
        const auto start = Clock::now();
        const double per_writer = static_cast<double>(updates_per_second) / kWriters;
        for (uint64_t n = 0; !stop; ++n) {
          std::this_thread::sleep_until(
              start + std::chrono::microseconds(static_cast<int64_t>(n * 1e6 / per_writer)));
          const int price = static_cast<int>(next_price++);
          const std::string& product = ids[random() % ids.size()];
          const int status = writer.Send(http::verb::patch, "/v1/products/" + product,
                                         "{\"price\": " + std::to_string(price) + "}");
          if (status == 404) continue;  // deleted since the feed was read
          ++updates;
          if (status != 200) {
            ++update_errors;
          } else if (price % 10 == 0) {
            std::lock_guard lock(watch_mutex);
            to_watch.emplace_back(price, Clock::now());
          }
        }
      });
    }
    std::thread watcher([&] {
      Connection connection(port);
      while (!stop) {
        std::pair<int, Clock::time_point> watched{0, {}};
        {
          std::lock_guard lock(watch_mutex);
          if (!to_watch.empty()) {
            watched = to_watch.front();
            to_watch.erase(to_watch.begin());
          }
        }
        if (watched.first == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
          continue;
        }
        const std::string probe = "/v1/search?range.price=" + std::to_string(watched.first) + ".." +
                                  std::to_string(watched.first) + "&per_page=1&highlight=false";
        for (int tries = 0; tries < 2000 && !stop; ++tries) {
          std::string result;
          connection.Send(http::verb::get, probe, {}, &result);
          if (result.find("\"total\":1") != std::string::npos) {
            lags.push_back(
                std::chrono::duration<double, std::milli>(Clock::now() - watched.second).count());
            break;
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
      }
    });
    // A full reindex of the feeds, switched to while all this goes on (unless
    // --reindex off: the live updates alone).
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds / 5));
    vitrine::indexer::ReindexOptions reindex;
    reindex.feeds = flags["feed"];
    reindex.data_dir = data_dir;
    reindex.threads = 1;
    reindex.nice = 10;  // as a cluster's reindex in the serving process
    const auto reindex_start = Clock::now();
    absl::StatusOr<vitrine::indexer::ReindexSummary> summary =
        absl::UnavailableError("not run (--reindex off)");
    if (reindex_on) summary = vitrine::indexer::Reindex(reindex);
    const double reindex_seconds =
        std::chrono::duration<double>(Clock::now() - reindex_start).count();
    const Clock::time_point deadline = reindex_start + std::chrono::duration_cast<Clock::duration>(
                                                           std::chrono::duration<double>(seconds));
    std::this_thread::sleep_until(std::max(deadline, Clock::now() + std::chrono::seconds(1)));
    stop = true;
    const double during_seconds =
        std::chrono::duration<double>(Clock::now() - during_start).count();
    load.join();
    for (std::thread& writer : writers) writer.join();
    watcher.join();
    Print("during", during.ms, during.errors, during_seconds);
    std::printf("reindex: %s in %.1f s (generation %s); updates=%llu (%.0f/s) errors=%llu\n",
                summary.ok() ? "ok" : std::string(summary.status().message()).c_str(),
                reindex_seconds, summary.ok() ? summary->generation.c_str() : "-",
                static_cast<unsigned long long>(updates.load()), updates.load() / during_seconds,
                static_cast<unsigned long long>(update_errors.load()));
    std::printf(
        "visibility lag (ack -> found by a filtered search): samples=%zu p50=%.1f ms "
        "p99=%.1f ms max=%.1f ms\n",
        lags.size(), Percentile(lags, 0.5), Percentile(lags, 0.99),
        lags.empty() ? 0 : *std::max_element(lags.begin(), lags.end()));
  }
  (*service)->Stop();
  service->reset();

  std::printf(
      "== (b) result cache, 64 MiB: %.0fs of a Zipf-like mix (s=1.1) over the %zu "
      "workload requests, %d connections\n",
      seconds, paths.size(), connections);
  options.search.cache.max_bytes = 64 << 20;
  auto cached = vitrine::server::Service::Start(options);
  if (!cached.ok()) return 1;
  // Request i is asked with probability ~ 1 / (i + 1)^1.1.
  std::vector<double> weights;
  for (size_t i = 0; i < paths.size(); ++i) weights.push_back(1 / std::pow(i + 1.0, 1.1));
  std::discrete_distribution<size_t> zipf(weights.begin(), weights.end());
  std::mt19937 random(11);
  std::vector<std::string> mix;
  for (int i = 0; i < 200000; ++i) mix.push_back(paths[zipf(random)]);
  std::atomic<bool> stop = false;
  Load load;
  std::thread runner([&] { load.Run((*cached)->port(), mix, connections, stop); });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  runner.join();
  Print("zipf", load.ms, load.errors, seconds);
  std::string metrics;
  Connection((*cached)->port()).Send(http::verb::get, "/metrics", {}, &metrics);
  const uint64_t hits =
      MetricValue(metrics, R"(vitrine_search_cache_requests_total{result="hit"})");
  const uint64_t misses =
      MetricValue(metrics, R"(vitrine_search_cache_requests_total{result="miss"})");
  std::printf("cache: hits=%llu misses=%llu hit_ratio=%.3f\n",
              static_cast<unsigned long long>(hits), static_cast<unsigned long long>(misses),
              hits + misses ? static_cast<double>(hits) / (hits + misses) : 0.0);
  (*cached)->Stop();
  return 0;
}
