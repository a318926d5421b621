// A Service on an ephemeral loopback port over a real data directory: search,
// hydration, errors, metrics and live generation switches, all through HTTP.
#include "server/service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "indexer/generations.h"
#include "indexer/journal.h"
#include "indexer/reindex.h"
#include "tests/testing/http_client.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using ::testing::HasSubstr;
using vitrine::testing::HttpConnection;
using vitrine::testing::HttpGet;
using vitrine::testing::TestData;
using Json = nlohmann::json;

indexer::ReindexSummary ReindexInto(const std::string& data_dir, const std::string& feed) {
  absl::StatusOr<indexer::ReindexSummary> summary =
      indexer::Reindex({.feeds = {TestData(feed)}, .data_dir = data_dir});
  EXPECT_TRUE(summary.ok()) << summary.status();
  return summary.value_or(indexer::ReindexSummary{});
}

std::unique_ptr<Service> StartService(const std::string& data_dir,
                                      std::chrono::milliseconds reload = std::chrono::seconds(60)) {
  ServeOptions options;
  options.data_dir = data_dir;
  options.http.port = 0;
  options.http.threads = 2;
  options.reload_interval = reload;
  options.access_log = false;
  absl::StatusOr<std::unique_ptr<Service>> service = Service::Start(options);
  EXPECT_TRUE(service.ok()) << service.status();
  return service.ok() ? std::move(*service) : nullptr;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ReindexInto(data_dir_, "products.jsonl");
    service_ = StartService(data_dir_);
    ASSERT_NE(service_, nullptr);
  }

  Json GetJson(const std::string& target, int expected_status = 200) {
    const vitrine::testing::HttpResult result = HttpGet(service_->port(), target);
    EXPECT_EQ(result.status, expected_status) << target << ": " << result.body;
    EXPECT_EQ(result.Header("content-type"), "application/json") << target;
    return Json::parse(result.body);
  }

  vitrine::testing::TempDir dir_;
  const std::string data_dir_ = dir_.Sub("data");
  std::unique_ptr<Service> service_;
};

TEST_F(ServiceTest, SearchFindsAndHydratesProducts) {
  const Json body = GetJson("/v1/search?q=jeans&per_page=10");
  EXPECT_EQ(body["total"], 2);
  std::set<std::string> ids;
  for (const Json& hit : body["hits"]) {
    ids.insert(hit["id"].get<std::string>());
    // The embedded product is the stored snapshot, byte for byte the same data
    // that /v1/products/{id} serves.
    EXPECT_EQ(hit["product"], GetJson("/v1/products/" + hit["id"].get<std::string>()));
  }
  EXPECT_EQ(ids, (std::set<std::string>{"1002", "1011"}));
}

TEST_F(ServiceTest, TitleMatchesRankAboveDescriptionMatches) {
  // "navy" is in the titles of 1001 and 1005 and only in the description of 1010;
  // blue products (navy's colour family) follow.
  const Json body = GetJson("/v1/search?q=navy");
  ASSERT_EQ(body["hits"].size(), 5u);
  std::set<std::string> first_two = {body["hits"][0]["id"], body["hits"][1]["id"]};
  EXPECT_EQ(first_two, (std::set<std::string>{"1001", "1005"}));
}

TEST_F(ServiceTest, PagesDoNotOverlapAndCoverTheResults) {
  std::set<std::string> seen;
  for (int page = 1; page <= 3; ++page) {
    const Json body = GetJson("/v1/search?per_page=5&page=" + std::to_string(page));
    EXPECT_EQ(body["total"], 12);
    for (const Json& hit : body["hits"]) EXPECT_TRUE(seen.insert(hit["id"]).second);
  }
  EXPECT_EQ(seen.size(), 12u);
}

TEST_F(ServiceTest, AccentsAndCaseDoNotMatter) {
  const Json body = GetJson("/v1/search?q=CAFE+creme");
  ASSERT_EQ(body["hits"].size(), 1u);
  EXPECT_EQ(body["hits"][0]["id"], "1012");
}

TEST_F(ServiceTest, SearchAcceptsAJsonBodyByPost) {
  HttpConnection connection(service_->port());
  const vitrine::testing::HttpResult result = connection.Request(
      "POST", "/v1/search",
      R"({"q": "shirt", "filters": {"gender": ["Men"]}, "facets": ["color"], "per_page": 5})",
      {{"Content-Type", "application/json"}});
  ASSERT_EQ(result.status, 200) << result.body;
  const Json body = Json::parse(result.body);
  ASSERT_FALSE(body["hits"].empty());
  EXPECT_EQ(body["hits"][0]["id"], "1001");
  EXPECT_TRUE(body["facets"]["color"].is_array());
  EXPECT_EQ(connection.Request("POST", "/v1/search", "{oops").status, 400);
}

TEST_F(ServiceTest, UnknownProductIs404) {
  const Json body = GetJson("/v1/products/does-not-exist", 404);
  EXPECT_EQ(body["error"]["code"], "not_found");
  EXPECT_THAT(body["error"]["message"].get<std::string>(), HasSubstr("does-not-exist"));
}

TEST_F(ServiceTest, BadParametersAre400NamingTheParameter) {
  EXPECT_EQ(GetJson("/v1/search?q=tee&page=abc", 400)["error"]["parameter"], "page");
  EXPECT_EQ(GetJson("/v1/search?q=tee&per_page=101", 400)["error"]["parameter"], "per_page");
  EXPECT_EQ(GetJson("/v1/search?q=%C3%28", 400)["error"]["parameter"], "q");
  EXPECT_EQ(GetJson("/v1/search?q=" + std::string(600, 'x'), 400)["error"]["parameter"], "q");
}

TEST_F(ServiceTest, SuggestCompletesBrandsCategoriesAndTitles) {
  const Json body = GetJson("/v1/suggest?q=Ro&limit=2");
  EXPECT_EQ(body["query"], "Ro");
  EXPECT_TRUE(body["took_ms"].is_number());
  EXPECT_EQ(body["suggestions"],
            Json::parse(R"([{"type": "brand", "text": "Roadster", "highlight": "<em>Ro</em>adster",
                             "count": 2},
                            {"type": "title", "text": "Roadster Women Black Skinny Jeans",
                             "highlight": "<em>Ro</em>adster Women Black Skinny Jeans",
                             "count": 1, "id": "1002"}])"));
  // Accents, case and a later word ("Crème" in "Café Crème").
  const Json creme = GetJson("/v1/suggest?q=CREM");
  ASSERT_EQ(creme["suggestions"].size(), 2u);
  EXPECT_EQ(creme["suggestions"][0]["highlight"], "Café <em>Crèm</em>e");
  EXPECT_EQ(creme["suggestions"][1]["id"], "1012");
  EXPECT_EQ(GetJson("/v1/suggest?q=zzz")["suggestions"], Json::array());
}

TEST_F(ServiceTest, SuggestRejectsBadParametersNamingThem) {
  EXPECT_EQ(GetJson("/v1/suggest", 400)["error"]["parameter"], "q");
  EXPECT_EQ(GetJson("/v1/suggest?q=", 400)["error"]["parameter"], "q");
  EXPECT_EQ(GetJson("/v1/suggest?q=%C3%28", 400)["error"]["parameter"], "q");
  EXPECT_EQ(GetJson("/v1/suggest?q=" + std::string(101, 'x'), 400)["error"]["parameter"], "q");
  EXPECT_EQ(GetJson("/v1/suggest?q=ni&limit=abc", 400)["error"]["parameter"], "limit");
  EXPECT_EQ(GetJson("/v1/suggest?q=ni&limit=51", 400)["error"]["parameter"], "limit");
  EXPECT_EQ(GetJson("/v1/suggest?q=ni&limit=0", 400)["error"]["parameter"], "limit");
  EXPECT_EQ(GetJson("/v1/suggest?q=ni&q=ke", 400)["error"]["parameter"], "q");
  EXPECT_EQ(GetJson("/v1/suggest?q=ni&page=2", 400)["error"]["parameter"], "page");
  HttpConnection connection(service_->port());
  EXPECT_EQ(connection.Request("POST", "/v1/suggest?q=ni").status, 405);
}

TEST_F(ServiceTest, EveryResponseCarriesARequestId) {
  const vitrine::testing::HttpResult mine =
      HttpGet(service_->port(), "/healthz", {{"X-Request-Id", "trace-1234"}});
  EXPECT_EQ(mine.Header("x-request-id"), "trace-1234");
  EXPECT_FALSE(HttpGet(service_->port(), "/v1/products/nope").Header("x-request-id").empty());
}

TEST_F(ServiceTest, MetricsDescribeTrafficAndTheIndex) {
  HttpConnection connection(service_->port());
  connection.Get("/v1/search?q=shirt");
  connection.Get("/v1/search?q=shirt&per_page=0");
  connection.Get("/v1/products/1001");
  const vitrine::testing::HttpResult metrics = connection.Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.Header("content-type"), HasSubstr("text/plain"));
  const std::string& text = metrics.body;
  EXPECT_THAT(
      text,
      HasSubstr(R"(vitrine_http_requests_total{route="/v1/search",method="GET",status="200"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(vitrine_http_requests_total{route="/v1/search",method="GET",status="400"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(vitrine_http_requests_total{route="/v1/products/{id}",method="GET",status="200"} 1)"));
  EXPECT_THAT(text,
              HasSubstr(R"(vitrine_http_request_duration_seconds_count{route="/v1/search"} 2)"));
  EXPECT_THAT(text, HasSubstr("vitrine_index_documents 12\n"));
  EXPECT_THAT(text, HasSubstr(R"(vitrine_index_info{generation="000001"} 1)"));
  EXPECT_THAT(text, HasSubstr("process_start_time_seconds "));
  // Two different searches: both computed.
  EXPECT_THAT(text, HasSubstr(R"(vitrine_search_cache_requests_total{result="miss"} 1)"));
}

TEST_F(ServiceTest, ServesANewGenerationAfterReindexWithoutRestart) {
  HttpConnection connection(service_->port());  // kept alive across the switch
  EXPECT_EQ(Json::parse(connection.Get("/v1/search?q=wrangler").body)["total"], 0);
  ReindexInto(data_dir_, "products.csv");
  ASSERT_TRUE(service_->ReloadNow().ok());
  const Json body = Json::parse(connection.Get("/v1/search?q=wrangler").body);
  EXPECT_EQ(body["total"], 1);
  EXPECT_EQ(Json::parse(connection.Get("/readyz").body)["generation"], "000002");
}

TEST(Service, IsNotReadyUntilTheFirstIndexThenPicksItUp) {
  vitrine::testing::TempDir dir;
  std::unique_ptr<Service> service = StartService(dir.Sub("data"), std::chrono::milliseconds(50));
  ASSERT_NE(service, nullptr);
  EXPECT_EQ(HttpGet(service->port(), "/healthz").status, 200);
  EXPECT_EQ(HttpGet(service->port(), "/readyz").status, 503);
  EXPECT_EQ(HttpGet(service->port(), "/v1/search?q=shirt").status, 503);

  ReindexInto(dir.Sub("data"), "products.jsonl");
  // The watcher polls every 50 ms; give it up to 10 s on a loaded machine.
  int status = 0;
  for (int i = 0; i < 200 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    status = HttpGet(service->port(), "/readyz").status;
  }
  EXPECT_EQ(status, 200);
  EXPECT_EQ(HttpGet(service->port(), "/v1/search?q=shirt").status, 200);
}

TEST(Service, NoRequestFailsWhileGenerationsSwitch) {
  vitrine::testing::TempDir dir;
  const std::string data_dir = dir.Sub("data");
  ReindexInto(data_dir, "products.jsonl");
  std::unique_ptr<Service> service = StartService(data_dir, std::chrono::milliseconds(20));
  ASSERT_NE(service, nullptr);

  std::atomic<bool> done = false;
  std::atomic<int> requests = 0, failures = 0;
  std::mutex mutex;
  std::string first_failure;  // under mutex
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      HttpConnection connection(service->port());
      // Bounded: stops when the reindexes are done or after 2,000 requests.
      for (int i = 0; i < 2000 && !done; ++i) {
        const vitrine::testing::HttpResult result = connection.Get("/v1/search?q=men&per_page=3");
        ++requests;
        if (result.status != 200 && failures++ == 0) {
          std::lock_guard lock(mutex);
          first_failure = std::to_string(result.status) + " " + result.body;
        }
      }
    });
  }
  for (int round = 0; round < 3; ++round) {
    ReindexInto(data_dir, round % 2 == 0 ? "products.csv" : "products.jsonl");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  done = true;
  for (std::thread& client : clients) client.join();
  EXPECT_GT(requests.load(), 0);
  EXPECT_EQ(failures.load(), 0) << first_failure;
}

// A writable service (admin key "k") over the fixture catalog in a fresh data dir.
class WritableServiceTest : public ::testing::Test {
 protected:
  void Start(
      std::chrono::milliseconds commit_interval = writes::ProductWritesOptions().commit_interval) {
    ReindexInto(data_dir_, "products.jsonl");
    ServeOptions options;
    options.data_dir = data_dir_;
    options.http.port = 0;
    options.reload_interval = std::chrono::seconds(60);
    options.access_log = false;
    options.keys.admin = "k";
    options.writes.commit_interval = commit_interval;
    service_ = Service::Start(options).value();
    connection_ = std::make_unique<HttpConnection>(service_->port());
  }

  vitrine::testing::TempDir dir_;
  const std::string data_dir_ = dir_.Sub("data");
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpConnection> connection_;  // closes before the service stops
};

TEST_F(WritableServiceTest, WritesMadeWhileAReindexBuildsAreReplayedOntoTheNewGeneration) {
  Start(std::chrono::milliseconds(20));
  const vitrine::testing::Headers admin = {{"X-API-Key", "k"}};
  // The build reports its first rejected record while it reads the feed: a
  // write made then comes after the point the new generation starts from.
  int written = 0;
  const absl::StatusOr<indexer::ReindexSummary> summary = indexer::Reindex(
      {.feeds = {TestData("mixed.jsonl")},
       .data_dir = data_dir_,
       .on_error = [&](const indexer::RecordError&) {
         if (written++ > 0) return;
         EXPECT_EQ(connection_
                       ->Request("PUT", "/v1/products/9001",
                                 R"({"title": "Hidesign Tan Leather Satchel"})", admin)
                       .status,
                   201);
       }});
  ASSERT_TRUE(summary.ok()) << summary.status();
  ASSERT_TRUE(service_->ReloadNow().ok());
  const Json found = Json::parse(connection_->Get("/v1/search?q=satchel").body);
  EXPECT_EQ(found["total"], 1);
  EXPECT_EQ(connection_->Get("/v1/products/9001").status, 200);
}

TEST_F(WritableServiceTest, AnUpdateIsSearchableWithinACommitInterval) {
  Start();
  ASSERT_EQ(
      connection_
          ->Request("PATCH", "/v1/products/1002", R"({"in_stock": false})", {{"X-API-Key", "k"}})
          .status,
      200);
  // Visible after the next commit (100 ms by default); bounded wait, no timing asserted.
  int total = -1;
  for (int i = 0; i < 100 && total != 0; ++i) {
    total = Json::parse(connection_->Get("/v1/search?q=skinny&in_stock=true").body)["total"];
    if (total != 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(total, 0);
}

TEST_F(WritableServiceTest, AProductAddedLiveIsCountedRankedAndSorted) {
  Start(std::chrono::milliseconds(20));
  // Searchers have read (and kept) the words' posting lists before the write.
  const Json before = Json::parse(connection_->Get("/v1/search?q=shoes&facets=brand").body);
  const uint64_t total = before["total"];
  ASSERT_GT(total, 0u);
  ASSERT_EQ(connection_
                ->Request("PUT", "/v1/products/9100",
                          R"({"title": "Nike Men Black Ultralight Running Shoes", "brand": "Nike",
                              "gender": "Men", "price": 1})",
                          {{"X-API-Key", "k"}})
                .status,
            201);
  Json after;
  for (int i = 0; i < 100; ++i) {  // bounded wait for the next commit, no timing asserted
    after = Json::parse(connection_->Get("/v1/search?q=shoes&facets=brand").body);
    if (after["total"] == total + 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(after["total"], total + 1);
  auto nike = [](const Json& body) {
    for (const Json& value : body["facets"]["brand"]) {
      if (value["value"] == "Nike") return value["count"].get<int>();
    }
    return 0;
  };
  EXPECT_EQ(nike(after), nike(before) + 1);
  // Sorted from the columns, ranked in memory: the new product is known to both.
  const Json cheapest = Json::parse(connection_->Get("/v1/search?q=shoes&sort=price_asc").body);
  EXPECT_EQ(cheapest["hits"][0]["id"], "9100");
  const Json ranked = Json::parse(connection_->Get("/v1/search?q=ultralight+shoes").body);
  ASSERT_FALSE(ranked["hits"].empty());
  EXPECT_EQ(ranked["hits"][0]["id"], "9100");  // the only one with both words
  EXPECT_GT(ranked["hits"][0]["score"].get<double>(), 0);
}

TEST_F(WritableServiceTest, TheJournalKeepsWhatAnyKeptGenerationStillNeeds) {
  Start();
  const vitrine::testing::Headers admin = {{"X-API-Key", "k"}};
  auto put = [&](const std::string& id) {
    EXPECT_EQ(
        connection_
            ->Request("PUT", "/v1/products/" + id, R"({"title": "Hidesign Tan Satchel"})", admin)
            .status,
        201);
  };
  put("9001");  // entries 1-3 go to generation 000001
  put("9002");
  put("9003");
  // 000002 starts from entry 3; 4 and 5 are written to it once it serves.
  ReindexInto(data_dir_, "products.jsonl");
  ASSERT_TRUE(service_->ReloadNow().ok());
  put("9004");
  put("9005");
  // Held by both generations: entries 1-3. 000001 (a rollback away) lacks 4 and 5.
  ASSERT_TRUE(service_->PruneJournalNow().ok());
  service_.reset();
  auto journal = indexer::Journal::Open(indexer::DataDir::Open(data_dir_)->journal_path()).value();
  EXPECT_EQ(journal->first_seq().value(), 4u);
  EXPECT_EQ(journal->last_seq(), 5u);
}

TEST_F(WritableServiceTest, MetricsCountDocumentsWrittenSinceTheGenerationWasBuilt) {
  Start(std::chrono::milliseconds(20));
  EXPECT_THAT(connection_->Get("/metrics").body, HasSubstr("vitrine_index_documents 12\n"));
  ASSERT_EQ(connection_
                ->Request("PUT", "/v1/products/9001", R"({"title": "Hidesign Tan Satchel"})",
                          {{"X-API-Key", "k"}})
                .status,
            201);
  // Counted after the next commit; bounded wait, no timing asserted.
  std::string metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = connection_->Get("/metrics").body;
    if (metrics.find("vitrine_index_documents 13\n") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_THAT(metrics, HasSubstr("vitrine_index_documents 13\n"));
}

}  // namespace
}  // namespace vitrine::server
