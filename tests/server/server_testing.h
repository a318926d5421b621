// Helpers for the server tests: a generation of the fixture feed, opened for
// serving as the server opens it.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "indexer/generations.h"
#include "indexer/reindex.h"
#include "query/search.h"
#include "server/http.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {

// The admin key the server tests configure.
inline constexpr char kAdminKey[] = "admin-secret";

// The value of an extra response header (as the handler set its name), or empty.
inline std::string HeaderOf(const HttpResponse& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return {};
}

// Reindexes tests/testdata/products.jsonl into `data_dir` and opens it;
// `writable`: with a read-write snapshot store, for product writes.
inline std::shared_ptr<const query::Index> BuildFixtureIndex(const std::string& data_dir,
                                                             bool writable = false) {
  absl::StatusOr<indexer::ReindexSummary> summary = indexer::Reindex(
      {.feeds = {vitrine::testing::TestData("products.jsonl")}, .data_dir = data_dir});
  EXPECT_TRUE(summary.ok()) << summary.status();
  indexer::Generation generation = indexer::DataDir::Open(data_dir)->Current().value();
  return query::OpenIndex({.generation = generation.id,
                           .xapian_path = generation.xapian_path(),
                           .snapshot_path = generation.snapshot_path(),
                           .analyzers_path = generation.analyzers_path(),
                           .writable = writable})
      .value();
}

}  // namespace vitrine::server
