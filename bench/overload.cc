// overload: an open-loop HTTP load generator for bench/overload.sh. Requests of
// the storefront workload are sent at a fixed rate whatever the server's answers
// take (a closed loop such as wrk's slows down with the server and never
// overloads it), each on an idle keep-alive connection or a new one, and
// latency is measured from when the request was due, so a late send counts
// against the server (no coordinated omission). Prints, per status, the count
// and the latency percentiles, as one JSON line.
//
//   overload --port 8080 --workload bench/workload/storefront-workload.jsonl.gz
//            --rate 20000 --seconds 10 [--connections 512] [--key KEY]
#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/workload.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Totals {
  std::map<int, std::vector<double>> latency_ms;  // by status; 0: connection error
  uint64_t not_sent = 0;                          // due while every allowed connection was busy
};

class Generator;

// One keep-alive connection, one request at a time.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(asio::io_context& io, Generator& generator) : stream_(io), generator_(generator) {}
  void Send(const std::string& target, Clock::time_point due);

 private:
  void Done(int status);

  beast::tcp_stream stream_;
  Generator& generator_;
  bool connected_ = false;
  http::request<http::empty_body> request_;
  http::response<http::string_body> response_;
  beast::flat_buffer buffer_;
  Clock::time_point due_;
};

class Generator {
 public:
  Generator(asio::io_context& io, tcp::endpoint endpoint, std::vector<std::string> targets,
            std::string key, double rate, size_t max_connections)
      : io_(io),
        endpoint_(endpoint),
        targets_(std::move(targets)),
        key_(std::move(key)),
        interval_(
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate))),
        max_connections_(max_connections),
        timer_(io) {}

  void Run(std::chrono::seconds length) {
    start_ = Clock::now();
    end_ = start_ + length;
    next_ = start_;
    Tick();
    io_.run();
  }

  const Totals& totals() const { return totals_; }
  const tcp::endpoint& endpoint() const { return endpoint_; }
  const std::string& key() const { return key_; }

  void Finished(std::shared_ptr<Connection> connection, int status, Clock::time_point due,
                bool reusable) {
    totals_.latency_ms[status].push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - due).count());
    --busy_;
    if (reusable) idle_.push_back(std::move(connection));
  }

 private:
  // Sends every request due by now, then sleeps until the next one is.
  void Tick() {
    const Clock::time_point now = Clock::now();
    while (next_ <= now && next_ < end_) {
      std::shared_ptr<Connection> connection;
      if (!idle_.empty()) {
        connection = std::move(idle_.back());
        idle_.pop_back();
      } else if (busy_ < max_connections_) {
        connection = std::make_shared<Connection>(io_, *this);
      }
      if (connection == nullptr) {
        ++totals_.not_sent;
      } else {
        ++busy_;
        connection->Send(targets_[sent_++ % targets_.size()], next_);
      }
      next_ += interval_;
    }
    if (next_ >= end_) {
      // Idle connections close; busy ones finish their request.
      idle_.clear();
      return;
    }
    timer_.expires_at(next_);
    timer_.async_wait([this](beast::error_code) { Tick(); });
  }

  asio::io_context& io_;
  const tcp::endpoint endpoint_;
  const std::vector<std::string> targets_;
  const std::string key_;
  const Clock::duration interval_;
  const size_t max_connections_;
  asio::steady_timer timer_;
  Clock::time_point start_, end_, next_;
  std::vector<std::shared_ptr<Connection>> idle_;
  size_t busy_ = 0;
  size_t sent_ = 0;
  Totals totals_;
};

void Connection::Send(const std::string& target, Clock::time_point due) {
  due_ = due;
  request_ = {http::verb::get, target, 11};
  request_.set(http::field::host, "127.0.0.1");
  if (!generator_.key().empty()) request_.set("X-API-Key", generator_.key());
  request_.keep_alive(true);
  response_ = {};
  stream_.expires_after(std::chrono::seconds(10));
  const auto write = [self = shared_from_this()] {
    http::async_write(self->stream_, self->request_, [self](beast::error_code error, size_t) {
      if (error) return self->Done(0);
      http::async_read(self->stream_, self->buffer_, self->response_,
                       [self](beast::error_code error, size_t) {
                         self->Done(error ? 0 : static_cast<int>(self->response_.result_int()));
                       });
    });
  };
  if (connected_) return write();
  stream_.async_connect(generator_.endpoint(),
                        [self = shared_from_this(), write](beast::error_code error) {
                          if (error) return self->Done(0);
                          self->connected_ = true;
                          beast::error_code ignored;
                          self->stream_.socket().set_option(tcp::no_delay(true), ignored);
                          write();
                        });
}

void Connection::Done(int status) {
  const bool reusable = status != 0 && response_.keep_alive();
  generator_.Finished(shared_from_this(), status, due_, reusable);
}

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const size_t at = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = vitrine::bench::ParseFlags(argc, argv);
  const auto flag = [&](const std::string& name, const std::string& fallback) {
    return flags.count(name) ? flags[name] : fallback;
  };
  const double rate = std::stod(flag("rate", "1000"));
  const int seconds = std::stoi(flag("seconds", "10"));
  std::vector<std::string> targets;
  for (const vitrine::bench::WorkloadRequest& request : vitrine::bench::ReadWorkload(
           flag("workload", "bench/workload/storefront-workload.jsonl.gz"))) {
    targets.push_back(vitrine::bench::SearchPath(request));
  }
  asio::io_context io(1);
  Generator generator(io,
                      tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                    static_cast<uint16_t>(std::stoi(flag("port", "8080")))),
                      std::move(targets), flag("key", ""), rate,
                      static_cast<size_t>(std::stoi(flag("connections", "512"))));
  generator.Run(std::chrono::seconds(seconds));
  Totals totals = generator.totals();
  std::printf(R"({"rate":%.0f,"seconds":%d,"not_sent":%llu,"by_status":{)", rate, seconds,
              static_cast<unsigned long long>(totals.not_sent));
  bool first = true;
  for (auto& [status, latencies] : totals.latency_ms) {
    std::printf(
        R"(%s"%d":{"count":%zu,"per_second":%.0f,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f})",
        first ? "" : ",", status, latencies.size(), static_cast<double>(latencies.size()) / seconds,
        Percentile(latencies, 0.50), Percentile(latencies, 0.95), Percentile(latencies, 0.99));
    first = false;
  }
  std::printf("}}\n");
  return 0;
}
