// Inputs the fuzz targets (tests/fuzz) found to break the HTTP API, each kept as
// a test of the answer it must get: a clear 4xx error as valid JSON, and nothing
// stored damaged. The inputs also stay in tests/fuzz/corpus/http_request.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "merch/config_store.h"
#include "server/api.h"
#include "tests/server/server_testing.h"
#include "tests/testing/temp_dir.h"
#include "writes/product_writes.h"

namespace vitrine::server {
namespace {

using Json = nlohmann::json;

constexpr char kAdminKey[] = "fuzz-admin-key";

// The API as the server assembles it: a writable generation, the journal, the
// config store and an admin key, so every route is reachable.
class FuzzRegressionTest : public ::testing::Test {
 protected:
  FuzzRegressionTest()
      : index_(BuildFixtureIndex(dir_.Sub("data"), /*writable=*/true)),
        pool_(index_),
        writes_(writes::LocalWriteLog(indexer::Journal::Open(dir_.Sub("data/journal")).value()),
                {.commit_interval = std::chrono::hours(1)}, &pool_.cache()),
        config_(merch::ConfigStore::Open(dir_.Sub("data/config")).value()),
        api_(pool_, metrics_, log_, {.admin = kAdminKey}, &writes_) {
    EXPECT_TRUE(writes_.Switch(index_).ok());
    pool_.SetConfig([this] { return config_->snapshot(); });
    api_.SetConfig(config_.get());
  }

  HttpResponse Send(std::string method, std::string target, std::string body = {}) {
    return api_.Handle({.method = std::move(method),
                        .target = std::move(target),
                        .headers = {{"x-api-key", kAdminKey}},
                        .body = std::move(body)});
  }

  // The answer is a 4xx whose body is valid JSON naming `parameter`.
  static void ExpectClearError(const HttpResponse& response, int status,
                               std::string_view parameter) {
    EXPECT_EQ(response.status, status) << response.body;
    ASSERT_TRUE(Json::accept(response.body)) << response.body;
    EXPECT_EQ(Json::parse(response.body)["error"]["parameter"], parameter) << response.body;
  }

  vitrine::testing::TempDir dir_;
  std::shared_ptr<const query::Index> index_;
  query::SearcherPool pool_;
  writes::ProductWrites writes_;
  std::unique_ptr<merch::ConfigStore> config_;
  Metrics metrics_;
  AccessLog log_{-1};
  Api api_;
};

TEST_F(FuzzRegressionTest, InvalidUtf8EchoedInAnErrorStillMakesValidJson) {
  // A facet name with bytes that are not UTF-8: its error message quotes it.
  ExpectClearError(Send("GET", "/v1/search?q=dress&facets=category.lvl2%BC%BC,size"), 400,
                   "facets");
  // An unknown parameter whose name is not UTF-8.
  const HttpResponse unknown = Send("GET", "/v1/search?%FF%FE=1");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_TRUE(Json::accept(unknown.body)) << unknown.body;
}

TEST_F(FuzzRegressionTest, ANumberTooLargeForADoubleIsABadRequestNotACrash) {
  const HttpResponse put =
      Send("PUT", "/v1/products/2001", R"({"id": "2001", "title": "Red Dress", "price": 2e999})");
  EXPECT_EQ(put.status, 400) << put.body;
  EXPECT_TRUE(Json::accept(put.body)) << put.body;
  EXPECT_EQ(Send("GET", "/v1/products/2001").status, 404);  // nothing was stored
  const HttpResponse batch = Send("POST", "/v1/products:batch",
                                  "{\"id\": \"2002\", \"title\": \"Tee\", \"rating\": -1e400}\n");
  EXPECT_LT(batch.status, 500) << batch.body;
  EXPECT_EQ(Send("GET", "/v1/products/2002").status, 404);
}

}  // namespace
}  // namespace vitrine::server
