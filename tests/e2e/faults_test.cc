// Faults, with the real `vitrine` binary: a disk that fills while writes come in,
// a reindex that dies (killed, or out of disk), a damaged generation at start-up,
// and a server killed in the middle of a large batch. Nothing acknowledged is
// lost, nothing half-applied shows, and reads go on.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/strings.h"
#include "indexer/generations.h"
#include "indexer/reindex.h"
#include "tests/testing/http_client.h"
#include "tests/testing/process.h"
#include "tests/testing/temp_dir.h"

namespace vitrine {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Json = nlohmann::json;
using vitrine::testing::ChildProcess;
using vitrine::testing::HttpResult;
using vitrine::testing::ReadFile;
using vitrine::testing::TempDir;
using vitrine::testing::TestData;

constexpr char kAdminKey[] = "faults-admin-key";

class FaultsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (HasFailure() && !log_.empty()) std::printf("server log:\n%s\n", ReadFile(log_).c_str());
  }

  std::string Data() const { return dir_.Sub("data"); }

  void Reindex(const std::string& feed) {
    absl::StatusOr<indexer::ReindexSummary> summary =
        indexer::Reindex({.feeds = {feed}, .data_dir = Data()});
    ASSERT_TRUE(summary.ok()) << summary.status();
  }

  // `vitrine serve` on an ephemeral port; its stderr goes to serve-N.log.
  void Serve(std::optional<uint64_t> file_size_limit = std::nullopt) {
    log_ = dir_.Sub(StrCat("serve-", ++starts_, ".log"));
    server_ = std::make_unique<ChildProcess>(
        VITRINE_BINARY,
        std::vector<std::string>{"serve", "--data-dir", Data(), "--port", "0", "--threads", "2",
                                 "--no-access-log"},
        vitrine::testing::ProcessOptions{.stderr_path = log_,
                                         .environment = {StrCat("VITRINE_ADMIN_KEY=", kAdminKey)},
                                         .file_size_limit = file_size_limit});
    port_ = vitrine::testing::WaitForListeningPort(log_);
    ASSERT_NE(port_, 0) << ReadFile(log_);
  }

  HttpResult Send(const std::string& method, const std::string& target,
                  const std::string& body = {}) {
    vitrine::testing::HttpConnection connection(port_);
    return connection.Request(method, target, body, {{"X-API-Key", kAdminKey}});
  }
  uint64_t Total(const std::string& query) {
    const HttpResult result = Send("GET", "/v1/search?per_page=1&" + query);
    EXPECT_EQ(result.status, 200) << result.body;
    return result.status == 200 ? Json::parse(result.body)["total"].get<uint64_t>() : 0;
  }
  std::string Current() const { return ReadFile(Data() + "/CURRENT"); }

  TempDir dir_;
  std::unique_ptr<ChildProcess> server_;
  std::string log_;
  uint16_t port_ = 0;
  int starts_ = 0;
};

// A product whose snapshot takes about `bytes`.
std::string BigProduct(int n, size_t bytes) {
  return Json{{"title", StrCat("Hidesign Tan Leather Satchel ", n)},
              {"brand", "Hidesign"},
              {"description", std::string(bytes, 'x')}}
      .dump();
}

TEST_F(FaultsTest, AFullDiskRefusesWritesWithA507AndLosesNothingAcknowledged) {
  Reindex(TestData("products.jsonl"));
  // Files may not grow past 1 MiB: the journal's log fills up after a few writes.
  Serve(1 << 20);
  const uint64_t shirts = Total("q=shirt");
  const uint64_t satchels = Total("q=satchel");
  std::vector<int> acknowledged;
  int refused = 0;
  for (int n = 0; n < 60 && refused == 0; ++n) {
    const HttpResult put = Send("PUT", StrCat("/v1/products/big-", n), BigProduct(n, 60000));
    if (put.status == 201) {
      acknowledged.push_back(n);
      continue;
    }
    ++refused;
    EXPECT_THAT(put.status, ::testing::AnyOf(507, 503)) << put.body;
    const Json error = Json::parse(put.body)["error"];
    EXPECT_THAT(error["message"].get<std::string>(), HasSubstr("File too large")) << put.body;
    EXPECT_FALSE(put.Header("retry-after").empty());
  }
  ASSERT_EQ(refused, 1) << "the disk never filled";
  ASSERT_FALSE(acknowledged.empty());
  // Reads go on.
  EXPECT_EQ(Total("q=shirt"), shirts);
  EXPECT_EQ(Send("GET", "/v1/products/big-0").status, 200);

  // Room again: writes work again (the first may still find the journal stopped).
  ASSERT_TRUE(server_->SetFileSizeLimit(std::nullopt));
  HttpResult again;
  for (int attempt = 0; attempt < 50 && again.status != 201; ++attempt) {
    again = Send("PUT", "/v1/products/after-full", BigProduct(99, 100));
    if (again.status != 201) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(again.status, 201) << again.body;

  // A crash now loses nothing that was acknowledged.
  server_->Kill(SIGKILL);
  server_->Wait();
  Serve();
  for (const int n : acknowledged) {
    const HttpResult get = Send("GET", StrCat("/v1/products/big-", n));
    EXPECT_EQ(get.status, 200) << n;
  }
  EXPECT_EQ(Send("GET", "/v1/products/after-full").status, 200);
  EXPECT_EQ(Total("q=satchel"), satchels + acknowledged.size() + 1);
}

// A feed of real products large enough that building it takes a while.
std::string BundledFeed(const TempDir& dir, int lines) {
  const std::string path = dir.Sub("bundled.jsonl");
  const std::string command =
      StrCat("zcat ", VITRINE_DATA_DIR, "/catalog/myntra-products.jsonl.gz | head -n ", lines,
             " > ", path);
  EXPECT_EQ(std::system(command.c_str()), 0);
  return path;
}

TEST_F(FaultsTest, AReindexKilledMidwayLeavesCurrentAloneAndIsCleanedUpAtTheNextStart) {
  Reindex(TestData("products.jsonl"));
  const std::string before = Current();
  ChildProcess reindex(VITRINE_BINARY, {"reindex", "--data-dir", Data(), "--feed",
                                        BundledFeed(dir_, 20000), "--quiet"});
  // Killed once it has started writing its generation.
  const std::string partial = Data() + "/generations/000002";
  for (int i = 0; i < 500 && !fs::exists(partial + "/snapshots"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  reindex.Kill(SIGKILL);
  EXPECT_EQ(reindex.Wait(), 128 + SIGKILL);
  EXPECT_EQ(Current(), before);
  ASSERT_TRUE(fs::exists(partial));
  EXPECT_FALSE(fs::exists(partial + "/MANIFEST.json"));

  Serve();
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_THAT(ReadFile(log_), HasSubstr("removed an abandoned partial generation"));
  EXPECT_EQ(Total(""), 12u);  // the fixture's products, from the generation that was current
}

TEST_F(FaultsTest, AReindexThatRunsOutOfDiskFailsAndTheServerKeepsServing) {
  Reindex(TestData("products.jsonl"));
  Serve();
  const std::string before = Current();
  ChildProcess reindex(VITRINE_BINARY,
                       {"reindex", "--data-dir", Data(), "--feed", BundledFeed(dir_, 5000)},
                       {.stderr_path = dir_.Sub("reindex.err"), .file_size_limit = 1 << 20});
  EXPECT_NE(reindex.Wait(), 0);
  EXPECT_THAT(ReadFile(dir_.Sub("reindex.err")), HasSubstr("File too large"));
  EXPECT_EQ(Current(), before);
  EXPECT_FALSE(fs::exists(Data() + "/generations/000002"));  // removed by the failed build
  EXPECT_EQ(Total(""), 12u);
}

TEST_F(FaultsTest, ADamagedGenerationIsRefusedAndTheNewestWholeOneServes) {
  Reindex(TestData("products.jsonl"));  // 000001: 12 products
  Reindex(TestData("variants.jsonl"));  // 000002, current
  const std::string damaged = Data() + "/generations/000002";
  for (const std::string part : {"xapian", "snapshots"}) {
    SCOPED_TRACE(part);
    // Damage one data file of the part: truncate the largest table to a third.
    const std::string table = part == std::string("xapian") ? ".glass" : ".sst";
    fs::path largest;
    for (const fs::directory_entry& entry : fs::directory_iterator(damaged + "/" + part)) {
      if (entry.path().extension() != table) continue;
      if (largest.empty() || entry.file_size() > fs::file_size(largest)) largest = entry.path();
    }
    ASSERT_FALSE(largest.empty());
    const std::string saved = dir_.Sub("saved");
    std::printf("damaging %s (%ju bytes)\n", largest.c_str(),
                static_cast<uintmax_t>(fs::file_size(largest)));
    fs::copy_file(largest, saved, fs::copy_options::overwrite_existing);
    fs::resize_file(largest, fs::file_size(largest) / 3);

    Serve();
    EXPECT_EQ(Total(""), 12u);  // 000001's products, not garbage
    const std::string log = ReadFile(log_);
    EXPECT_THAT(log, HasSubstr("cannot serve the current generation"));
    EXPECT_THAT(log, HasSubstr("000002"));
    EXPECT_THAT(log, HasSubstr(part == std::string("xapian") ? "index " : "product store "));
    server_->Kill(SIGTERM);
    server_->Wait();

    const std::string listing = dir_.Sub("list.out");
    ChildProcess list(VITRINE_BINARY, {"generations", "list", "--data-dir", Data()},
                      {.stdout_path = listing});
    EXPECT_EQ(list.Wait(), 0);
    EXPECT_THAT(ReadFile(listing), ::testing::ContainsRegex("000002 +current .*damaged: "));
    EXPECT_THAT(ReadFile(listing), ::testing::ContainsRegex("000001 +kept .* ok"));
    fs::copy_file(saved, largest, fs::copy_options::overwrite_existing);  // repaired
  }
}

TEST_F(FaultsTest, AServerKilledDuringABigBatchKeepsAllOfItOrNoneOfIt) {
  Reindex(TestData("products.jsonl"));
  // Killed before the answer (at several points of applying it) and after it.
  for (const int kill_after_ms : {50, 400, -1}) {
    SCOPED_TRACE(kill_after_ms);
    Serve();
    const std::string brand = StrCat("Batch", kill_after_ms < 0 ? 0 : kill_after_ms);
    std::string batch;
    for (int n = 0; n < 10000; ++n) {
      batch +=
          Json{{"id", StrCat(brand, "-", n)}, {"title", "Cotton Tee"}, {"brand", brand}}.dump();
      batch += "\n";
    }
    std::future<int> answer = std::async(std::launch::async, [&] {
      try {
        return Send("POST", "/v1/products:batch", batch).status;
      } catch (const std::exception&) {
        return 0;  // the connection died with the server
      }
    });
    if (kill_after_ms >= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
    } else {
      answer.wait();
    }
    server_->Kill(SIGKILL);
    server_->Wait();
    const int status = answer.get();
    Serve();
    const uint64_t present = Total("filter.brand=" + brand);
    std::printf("killed %s: answer %d, %ju of 10000 lines present after the restart\n",
                kill_after_ms < 0 ? "after the answer" : StrCat(kill_after_ms, " ms in").c_str(),
                status, static_cast<uintmax_t>(present));
    if (status == 200) {
      EXPECT_EQ(present, 10000u);  // acknowledged: all of it
    } else {
      EXPECT_TRUE(present == 0 || present == 10000) << present << " of 10000 lines present";
    }
    server_->Kill(SIGTERM);
    server_->Wait();
  }
}

}  // namespace
}  // namespace vitrine
