#include "tests/fuzz/fuzz_fixture.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "indexer/generations.h"
#include "indexer/reindex.h"
#include "server/handlers.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::fuzz {
namespace {

// Function-local statics: built on first use, destroyed at exit in reverse order,
// so the scratch directory goes after everything that has files in it.
vitrine::testing::TempDir& Scratch() {
  static vitrine::testing::TempDir dir;
  return dir;
}

}  // namespace

const std::string& ScratchDir() { return Scratch().path(); }

std::shared_ptr<const query::Index> BuildFixtureIndex(const std::string& data_dir, bool writable) {
  absl::StatusOr<indexer::ReindexSummary> summary =
      indexer::Reindex({.feeds = {vitrine::testing::TestData("products.jsonl")},
                        .data_dir = data_dir,
                        .threads = 1});
  RequireOk(summary.status(), "reindexing the fixture feed");
  absl::StatusOr<indexer::DataDir> dir = indexer::DataDir::Open(data_dir);
  RequireOk(dir.status(), "opening the fixture data dir");
  absl::StatusOr<indexer::Generation> generation = dir->Current();
  RequireOk(generation.status(), "reading the fixture's CURRENT");
  absl::StatusOr<std::shared_ptr<const query::Index>> index =
      query::OpenIndex({.generation = generation->id,
                        .xapian_path = generation->xapian_path(),
                        .snapshot_path = generation->snapshot_path(),
                        .analyzers_path = generation->analyzers_path(),
                        .writable = writable});
  RequireOk(index.status(), "opening the fixture generation");
  return *std::move(index);
}

query::SearcherPool& FixturePool() {
  static query::SearcherPool pool(BuildFixtureIndex(ScratchDir() + "/data", false));
  return pool;
}

namespace {

// A search's answer without its timing, the one part that differs between runs.
std::string WithoutTiming(std::string body) {
  const size_t at = body.find(R"("took_ms":)");
  if (at != std::string::npos) body.erase(at, body.find(',', at) - at);
  return body;
}

absl::StatusOr<std::string> Search(const query::SearchRequest& request) {
  absl::StatusOr<std::string> body = server::SearchBody(request, FixturePool());
  // VITRINE_FUZZ_TRACE=1: what each search answered (to read what an input did).
  static const bool trace = std::getenv("VITRINE_FUZZ_TRACE") != nullptr;
  if (trace) {
    std::fprintf(stderr, "search -> %s\n",
                 body.ok() ? body->substr(0, 300).c_str() : body.status().ToString().c_str());
  }
  if (body.ok()) Require(nlohmann::json::accept(*body), "a search answered invalid JSON");
  return body;
}

}  // namespace

void SearchAndCheck(const query::SearchRequest& request) {
  if (!request.cacheable) {
    Search(request).IgnoreError();
    return;
  }
  // Computed afresh, then through the result cache, which an earlier input may
  // have filled under the same key: both must answer the same.
  query::SearchRequest uncached = request;
  uncached.cacheable = false;
  const absl::StatusOr<std::string> fresh = Search(uncached);
  const absl::StatusOr<std::string> cached = Search(request);
  Require(fresh.status() == cached.status(), "the result cache changed a search's outcome");
  if (fresh.ok()) {
    Require(WithoutTiming(*fresh) == WithoutTiming(*cached),
            "the result cache answered differently from a fresh search");
  }
}

std::shared_ptr<const analyzers::Vocabulary> BundledVocabulary() {
  static const std::shared_ptr<const analyzers::Vocabulary> vocabulary = [] {
    absl::StatusOr<std::vector<analyzers::VocabularyFile>> files =
        analyzers::ReadVocabularyFiles(analyzers::DefaultVocabularyDir());
    RequireOk(files.status(), "reading data/analyzers");
    absl::StatusOr<std::shared_ptr<const analyzers::Vocabulary>> parsed =
        analyzers::Vocabulary::Parse(*files);
    RequireOk(parsed.status(), "parsing data/analyzers");
    return *std::move(parsed);
  }();
  return vocabulary;
}

void Require(bool condition, std::string_view what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

void RequireOk(const absl::Status& status, std::string_view what) {
  if (status.ok()) return;
  std::fprintf(stderr, "fuzz setup failed: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               status.ToString().c_str());
  std::abort();
}

void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  Require(static_cast<bool>(out), "writing the input file");
}

std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace vitrine::fuzz
