// Concurrency stress: a real server on a loopback port and 16 client threads for
// a bounded time, mixing every kind of request (browse, text, filters, facets,
// every sort, POST searches, suggest, analyze, product reads, PUT / PATCH /
// DELETE / batch writes, rule, synonym and ranking changes, repeated searches the
// result cache answers) while a reindex switches the generation under them.
// It passes when no request failed (no 5xx, no broken connection, no unexpected
// status), answers stayed consistent (an acknowledged write is what a later GET
// returns; when every hit fits one page, the hits number the total), and the
// process survived with no sanitizer report (the TSan and ASan builds run it;
// a report fails the binary). VITRINE_STRESS_SECONDS (default 10) and
// VITRINE_STRESS_CLIENTS (default 16) bound it.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "indexer/reindex.h"
#include "server/service.h"
#include "tests/testing/http_client.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using Json = nlohmann::json;
using vitrine::testing::Headers;
using vitrine::testing::HttpConnection;
using vitrine::testing::HttpResult;
using Clock = std::chrono::steady_clock;

constexpr char kAdminKey[] = "stress-admin-key";

int EnvInt(const char* name, int fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::atoi(value) : fallback;
}

// The first `lines` lines of a gzip file.
std::string HeadOfGzip(const std::string& path, int lines) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot open " + path);
  std::string out;
  char buffer[1 << 16];
  for (int i = 0; i < lines && gzgets(file, buffer, sizeof buffer) != nullptr; ++i) out += buffer;
  gzclose(file);
  return out;
}

// Ids of a JSON Lines feed, in order.
std::vector<std::string> IdsOf(const std::string& feed) {
  std::vector<std::string> ids;
  for (size_t start = 0; start < feed.size();) {
    const size_t end = std::min(feed.find('\n', start), feed.size());
    if (end > start) ids.push_back(Json::parse(feed.substr(start, end - start))["id"]);
    start = end + 1;
  }
  return ids;
}

// What each kind of request did; failures are counted and their first few kept.
struct Tally {
  std::mutex mutex;
  std::map<std::string, uint64_t> requests;  // by kind
  std::vector<std::string> failures;
  uint64_t failure_count = 0;

  void Count(const std::string& kind) {
    std::lock_guard lock(mutex);
    ++requests[kind];
  }
  void Fail(const std::string& what) {
    std::lock_guard lock(mutex);
    if (failures.size() < 20) failures.push_back(what);
    ++failure_count;
  }
};

// One shopper, merchandiser or catalog feed: a keep-alive connection sending a
// random mix until the deadline; the product ids it writes are its own, so it
// knows what a GET must return.
class Client {
 public:
  Client(int number, uint16_t port, const std::vector<std::string>& catalog_ids, Tally& tally,
         const std::atomic<int>& reindex_epoch)
      : number_(number),
        port_(port),
        catalog_ids_(catalog_ids),
        tally_(tally),
        random_(static_cast<uint32_t>(number) * 7919u + 1),
        connection_(std::make_unique<HttpConnection>(port)),
        reindex_epoch_(reindex_epoch) {
    for (int i = 0; i < 12; ++i)
      model_["stress-" + std::to_string(number) + "-" + std::to_string(i)];
    for (int i = 0; i < 6; ++i)
      model_["stress-" + std::to_string(number) + "-b" + std::to_string(i)];
  }

  void Run(Clock::time_point deadline) {
    while (Clock::now() < deadline) {
      const int dice = Pick(100);
      if (number_ == 0 && dice < 30) {
        ChangeConfig();
      } else if (dice < 14) {
        Browse();
      } else if (dice < 34) {
        TextSearch();
      } else if (dice < 46) {
        FilteredSearch();
      } else if (dice < 52) {
        PostSearch();
      } else if (dice < 62) {
        Suggest();
      } else if (dice < 72) {
        GetProduct(catalog_ids_[Pick(catalog_ids_.size())]);
      } else if (dice < 88) {
        Write();
      } else if (dice < 91) {
        Batch();
      } else if (dice < 94) {
        Send("analyze", "GET", "/v1/analyze?text=" + Word(), "", 200);
      } else if (dice < 96) {
        Send("metrics", "GET", Pick(2) ? "/metrics" : "/readyz", "", 200);
      } else {
        // A new connection now and then, as browsers open them.
        connection_ = std::make_unique<HttpConnection>(port_);
        Browse();
      }
    }
  }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }
  std::string Word() {
    static const char* kWords[] = {"shirt", "dress",   "black+dress", "men+navy+tee", "sneekers",
                                   "kurta", "watch",   "red+dre",     "jeans",        "women+blue",
                                   "bag",   "running", "tshirt",      "sandals",      "x"};
    return kWords[Pick(std::size(kWords))];
  }
  std::string Sort() {
    static const char* kSorts[] = {"relevance", "price_asc", "price_desc",
                                   "newest",    "rating",    "popularity"};
    return kSorts[Pick(std::size(kSorts))];
  }

  // Sends one request; a status not in `expected` is a failure. Returns the
  // parsed body (null on failure or a non-JSON body).
  Json Send(const std::string& kind, const std::string& method, const std::string& target,
            const std::string& body, const std::vector<int>& expected,
            const Headers& headers = {}) {
    tally_.Count(kind);
    HttpResult result;
    try {
      result = connection_->Request(method, target, body, headers);
    } catch (const std::exception& e) {
      tally_.Fail(kind + " " + method + " " + target + ": transport error: " + e.what());
      connection_ = std::make_unique<HttpConnection>(port_);
      return nullptr;
    }
    if (std::find(expected.begin(), expected.end(), result.status) == expected.end()) {
      tally_.Fail(kind + " " + method + " " + target + ": status " + std::to_string(result.status) +
                  " (expected " + std::to_string(expected[0]) + "): " + result.body.substr(0, 300));
      return nullptr;
    }
    if (result.Header("content-type") != "application/json") return nullptr;
    return Json::parse(result.body, nullptr, /*allow_exceptions=*/false);
  }

  Json Send(const std::string& kind, const std::string& method, const std::string& target,
            const std::string& body, int expected, const Headers& headers = {}) {
    return Send(kind, method, target, body, std::vector<int>{expected}, headers);
  }

  // Every hit fits one page: then the hits are the total.
  void CheckPage(const std::string& target, const Json& body) {
    if (body.is_null() || !body.contains("total")) return;
    const uint64_t total = body["total"];
    const size_t per_page = body["per_page"];
    if (body["page"] == 1 && total <= per_page && body["hits"].size() != total) {
      tally_.Fail(target + ": total " + std::to_string(total) + " but " +
                  std::to_string(body["hits"].size()) + " hits on the only page");
    }
  }

  void Search(const std::string& kind, const std::string& target) {
    CheckPage(target, Send(kind, "GET", target, "", 200));
  }

  void Browse() {
    Search("browse", "/v1/search?q=&per_page=" + std::to_string(1 + Pick(100)) + "&sort=" + Sort() +
                         "&page=" + std::to_string(1 + Pick(3)));
  }
  void TextSearch() {
    Search("text", "/v1/search?q=" + Word() + "&per_page=100&sort=" + Sort() +
                       (Pick(2) ? "&collapse=false" : "") + (Pick(2) ? "&highlight=false" : ""));
  }
  void FilteredSearch() {
    static const char* kFilters[] = {"&filter.gender=Men",       "&filter.gender=Women",
                                     "&filter.color=Blue",       "&filter.color=Black",
                                     "&range.price=..1500",      "&range.price=500..",
                                     "&filter.category=Topwear", "&filter.usage=Casual",
                                     "&in_stock=true",           "&filter.size=M"};
    std::string target = "/v1/search?q=" + (Pick(3) ? Word() : std::string()) +
                         "&per_page=100&facets=brand,color,gender,category,size,price,usage"
                         "&facet_size=20&sort=" +
                         Sort();
    std::set<std::string> parameters;  // each at most once
    for (int i = 0, n = 1 + static_cast<int>(Pick(3)); i < n; ++i) {
      const std::string filter = kFilters[Pick(std::size(kFilters))];
      if (parameters.insert(filter.substr(0, filter.find('='))).second) target += filter;
    }
    Search("filtered", target);
  }
  void PostSearch() {
    const Json request = {{"q", Pick(2) ? "navy shirt" : ""},
                          {"filters", {{"gender", {"Men", "Unisex"}}}},
                          {"ranges", {{"price", {{"lte", 3000}}}}},
                          {"facets", {"brand", "color", "price"}},
                          {"sort", Sort()},
                          {"per_page", 100}};
    CheckPage("POST /v1/search", Send("post", "POST", "/v1/search", request.dump(), 200));
  }
  void Suggest() {
    static const char* kPrefixes[] = {"d", "dre", "nike+ru", "men+sh", "roa", "levis", "bl"};
    Send("suggest", "GET", std::string("/v1/suggest?q=") + kPrefixes[Pick(std::size(kPrefixes))],
         "", 200);
  }
  void GetProduct(const std::string& id) { Send("product", "GET", "/v1/products/" + id, "", 200); }

  // Writes one of this client's own products and checks that a GET right after
  // the acknowledgement returns it.
  void Write() {
    const std::string id = "stress-" + std::to_string(number_) + "-" + std::to_string(Pick(12));
    const int epoch = BeginWrite();
    const auto known = model_.find(id);
    // Expected statuses when the product is known to exist, known not to, or unknown.
    auto expect = [&](int present, int absent) {
      if (known == model_.end()) return std::vector<int>{present, absent};
      return std::vector<int>{known->second ? present : absent};
    };
    const Headers admin = {{"X-API-Key", kAdminKey}};
    const int action = static_cast<int>(Pick(4));
    if (action == 0) {  // DELETE
      Send("write", "DELETE", "/v1/products/" + id, "", expect(200, 404), admin);
      model_[id] = std::nullopt;
    } else if (action == 1) {  // PATCH
      const Json patch = {{"price", static_cast<double>(100 + Pick(5000))},
                          {"in_stock", Pick(2) == 1}};
      const Json body =
          Send("write", "PATCH", "/v1/products/" + id, patch.dump(), expect(200, 404), admin);
      if (known != model_.end() && known->second && !body.is_null()) {
        known->second->merge_patch(patch);
      } else if (known == model_.end() && !body.is_null()) {
        model_.erase(id);  // present, but with fields this client does not know
      }
    } else {  // PUT
      const Json product = NewProduct(id);
      Send("write", "PUT", "/v1/products/" + id, product.dump(), expect(200, 201), admin);
      model_[id] = product;
    }
    CheckStored(id, epoch);
  }

  void Batch() {
    const int epoch = BeginWrite();
    std::string lines;
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
      const std::string id = "stress-" + std::to_string(number_) + "-b" + std::to_string(Pick(6));
      const Json product = NewProduct(id);
      lines += product.dump() + "\n";
      model_[id] = product;
      ids.push_back(id);
    }
    const std::string deleted =
        "stress-" + std::to_string(number_) + "-b" + std::to_string(Pick(6));
    lines += Json{{"delete", deleted}}.dump() + "\n";
    model_[deleted] = std::nullopt;
    ids.push_back(deleted);
    Send("batch", "POST", "/v1/products:batch", lines, 200, {{"X-API-Key", kAdminKey}});
    for (const std::string& id : ids) CheckStored(id, epoch);
  }

  // A reindex builds from the feed, which holds none of this client's products:
  // a switch to its generation drops the writes made before it began (the feed
  // is taken to hold them). Past a switch, what this client wrote is unknown
  // until it writes again. Returns the reindex epoch the write starts in.
  int BeginWrite() {
    const int epoch = reindex_epoch_.load();
    if (epoch != model_epoch_) {
      model_.clear();
      model_epoch_ = epoch;
    }
    return epoch;
  }

  // The product as this client last wrote it, or a 404 for one it deleted,
  // unless a reindex ran meanwhile (an odd epoch: one is building).
  void CheckStored(const std::string& id, int epoch) {
    const auto known = model_.find(id);
    if (known == model_.end()) return;
    const Json stored = Send("read-own-write", "GET", "/v1/products/" + id, "",
                             {known->second ? 200 : 404, 200, 404});
    if (epoch % 2 == 1 || reindex_epoch_.load() != epoch) {
      model_.clear();
      return;
    }
    if (!known->second && !stored.is_null() && stored.contains("id")) {
      tally_.Fail("GET /v1/products/" + id + " after an acknowledged delete still finds it");
      return;
    }
    if (!known->second) return;
    if (stored.is_null() || !stored.contains("id")) {
      tally_.Fail("GET /v1/products/" + id + " after an acknowledged write does not find it");
      return;
    }
    for (const char* field : {"title", "price", "in_stock"}) {
      if (stored.value(field, Json()) != known->second->value(field, Json())) {
        tally_.Fail("GET /v1/products/" + id + " after an acknowledged write: " + field + " is " +
                    stored.value(field, Json()).dump() + ", wrote " +
                    known->second->value(field, Json()).dump());
      }
    }
  }

  Json NewProduct(const std::string& id) {
    static const char* kTitles[] = {"Roadster Men Navy Blue Slim Fit Shirt",
                                    "Nike Women Black Running Shoes", "Biba Women Red Kurta",
                                    "Levis Men Blue Jeans", "Fossil Men Silver Watch"};
    return {{"id", id},
            {"title", kTitles[Pick(std::size(kTitles))]},
            {"brand", Pick(2) ? "Roadster" : "Nike"},
            {"category", {"Apparel", "Topwear", "Shirts"}},
            {"gender", Pick(2) ? "Men" : "Women"},
            {"color", Pick(2) ? "Navy Blue" : "Black"},
            {"sizes", {"S", "M", "L"}},
            {"price", static_cast<double>(100 + Pick(5000))},
            {"rating", 1 + static_cast<double>(Pick(40)) / 10},
            {"popularity", static_cast<double>(Pick(1000))},
            {"in_stock", Pick(2) == 1},
            {"stock", Pick(50)},
            {"created_at", "2026-11-0" + std::to_string(1 + Pick(9)) + "T10:00:00Z"},
            {"parent_id", "stress-style-" + std::to_string(number_)}};
  }

  // A merchandiser: rules, synonym sets and ranking weights change under the load.
  void ChangeConfig() {
    const Headers admin = {{"X-API-Key", kAdminKey}};
    switch (Pick(5)) {
      case 0: {
        const Json rule = {
            {"conditions", {{"query", {{"contains", {"shirt"}}}}}},
            {"consequences",
             {{"pin", {{{"id", catalog_ids_[Pick(catalog_ids_.size())]}, {"position", 1}}}},
              {"boost", {{{"filter", {{"brand", {"Roadster"}}}}, {"factor", 2}}}}}}};
        Send("config", "PUT", "/v1/config/rules/stress-pin", rule.dump(), {200, 201}, admin);
        break;
      }
      case 1: {
        const Json rule = {{"consequences",
                            {{"hide", {catalog_ids_[Pick(catalog_ids_.size())]}},
                             {"bury", {{{"filter", {{"in_stock", {false}}}}, {"factor", 0.5}}}}}}};
        Send("config", "PUT", "/v1/config/rules/stress-everywhere", rule.dump(), {200, 201}, admin);
        break;
      }
      case 2:
        Send("config", "DELETE",
             Pick(2) ? "/v1/config/rules/stress-pin" : "/v1/config/rules/stress-everywhere", "",
             {200, 404}, admin);  // 404: already gone
        break;
      case 3: {
        const Json set = {{"synonyms", {"sneakers", "kicks", Pick(2) ? "trainers" : "runners"}}};
        Send("config", "PUT", "/v1/config/synonyms/stress-kicks", set.dump(), {200, 201}, admin);
        break;
      }
      default: {
        const Json ranking = {{"fields", {{"title", 1 + static_cast<double>(Pick(4))}}},
                              {"signals", {{"popularity", static_cast<double>(Pick(3)) / 10}}}};
        Send("config", "PUT", "/v1/config/ranking", ranking.dump(), 200, admin);
      }
    }
  }

  const int number_;
  const uint16_t port_;
  const std::vector<std::string>& catalog_ids_;
  Tally& tally_;
  std::mt19937 random_;
  std::unique_ptr<HttpConnection> connection_;
  const std::atomic<int>& reindex_epoch_;
  // id -> what this client last wrote (nullopt: deleted); ids not in it are unknown.
  std::map<std::string, std::optional<Json>> model_;
  int model_epoch_ = 0;
};

TEST(ConcurrencyStress, MixedLoadWithLiveWritesConfigChangesAndAReindex) {
  const int seconds = EnvInt("VITRINE_STRESS_SECONDS", 10);
  const int clients = EnvInt("VITRINE_STRESS_CLIENTS", 16);
  vitrine::testing::TempDir dir;
  // Real products: the first of each bundled feed, and styles with variants.
  const std::string feed = dir.WriteFile(
      "feed.jsonl",
      HeadOfGzip(std::string(VITRINE_DATA_DIR) + "/catalog/fashion-styles.jsonl.gz", 1200) +
          HeadOfGzip(std::string(VITRINE_DATA_DIR) + "/catalog/myntra-products.jsonl.gz", 800) +
          vitrine::testing::ReadFile(vitrine::testing::TestData("variants.jsonl")));
  const std::vector<std::string> catalog_ids = IdsOf(vitrine::testing::ReadFile(feed));
  const indexer::ReindexOptions reindex{
      .feeds = {feed}, .data_dir = dir.Sub("data"), .filterable_attributes = {"usage"}};
  ASSERT_TRUE(indexer::Reindex(reindex).ok());

  ServeOptions options;
  options.data_dir = dir.Sub("data");
  options.http.port = 0;
  options.http.threads = 4;
  // Every request admitted: this suite checks consistency under concurrency, and
  // sanitizer builds run searches 10-50x slower than a production queue target
  // allows (admission control has its own tests: tests/server/work_queue_test.cc).
  options.http.work.target = std::chrono::seconds(10);
  // (Nor answered 503 for waiting: under TSan, beside the rest of the suite,
  // a request waited past the default second during a reindex.)
  options.http.work.max_wait = std::chrono::seconds(30);
  options.reload_interval = std::chrono::milliseconds(100);
  options.access_log = false;
  options.keys.admin = kAdminKey;
  options.writes.commit_interval = std::chrono::milliseconds(50);
  absl::StatusOr<std::unique_ptr<Service>> service = Service::Start(options);
  ASSERT_TRUE(service.ok()) << service.status();

  Tally tally;
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::seconds(seconds);
  // A reindex that switches the generation a third of the way in, and another
  // at two thirds, while requests run. The epoch is odd while one builds.
  std::atomic<int> reindexes = 0;
  std::atomic<int> reindex_epoch = 0;
  std::thread reindexer([&] {
    for (int i = 1; i <= 2; ++i) {
      std::this_thread::sleep_until(start + std::chrono::seconds(seconds) * i / 3);
      ++reindex_epoch;
      absl::StatusOr<indexer::ReindexSummary> summary = indexer::Reindex(reindex);
      absl::Status switched = summary.ok() ? (*service)->ReloadNow() : summary.status();
      ++reindex_epoch;
      if (switched.ok()) {
        ++reindexes;
      } else {
        tally.Fail("reindex: " + std::string(switched.message()));
      }
    }
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back(
        [&, i] { Client(i, (*service)->port(), catalog_ids, tally, reindex_epoch).Run(deadline); });
  }
  for (std::thread& thread : threads) thread.join();
  reindexer.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  (*service)->Stop();

  uint64_t total = 0;
  for (const auto& [kind, count] : tally.requests) {
    total += count;
    std::printf("  %-16s %8llu\n", kind.c_str(), static_cast<unsigned long long>(count));
  }
  std::printf(
      "stress: %llu requests from %d clients in %.1f s (%.0f req/s), %d reindexes, "
      "%llu failures\n",
      static_cast<unsigned long long>(total), clients, elapsed, total / elapsed, reindexes.load(),
      static_cast<unsigned long long>(tally.failure_count));
  for (const std::string& failure : tally.failures) ADD_FAILURE() << failure;
  EXPECT_EQ(tally.failure_count, 0u);
  EXPECT_EQ(reindexes, 2);
  // Every kind of request ran.
  for (const char* kind : {"browse", "text", "filtered", "post", "suggest", "product", "write",
                           "batch", "read-own-write", "config", "analyze", "metrics"}) {
    EXPECT_GT(tally.requests[kind], 0u) << kind;
  }
}

}  // namespace
}  // namespace vitrine::server
