// Helpers for the query tests: build a generation from a fixture feed into a
// temporary data directory and open it for serving.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "indexer/generations.h"
#include "indexer/reindex.h"
#include "query/search.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::query {

// Reindexes `feed` (a tests/testdata name) into `data_dir` and opens the new
// generation. Throws on failure, so fixtures can call it from SetUpTestSuite.
// `attributes`: the keys to declare filterable.
inline std::shared_ptr<const Index> BuildIndex(const std::string& data_dir, std::string_view feed,
                                               std::vector<std::string> attributes = {}) {
  indexer::ReindexOptions options;
  options.feeds = {testing::TestData(feed)};
  options.filterable_attributes = std::move(attributes);
  options.data_dir = data_dir;
  options.threads = 1;
  absl::StatusOr<indexer::ReindexSummary> summary = indexer::Reindex(options);
  if (!summary.ok()) throw std::runtime_error(summary.status().ToString());
  absl::StatusOr<indexer::DataDir> dir = indexer::DataDir::Open(data_dir);
  if (!dir.ok()) throw std::runtime_error(dir.status().ToString());
  absl::StatusOr<indexer::Generation> generation = dir->Current();
  if (!generation.ok()) throw std::runtime_error(generation.status().ToString());
  absl::StatusOr<std::shared_ptr<const Index>> index =
      OpenIndex({.generation = generation->id,
                 .xapian_path = generation->xapian_path(),
                 .snapshot_path = generation->snapshot_path(),
                 .analyzers_path = generation->analyzers_path()});
  if (!index.ok()) throw std::runtime_error(index.status().ToString());
  return *index;
}

// A fixture with one index of tests/testdata/products.jsonl for the whole suite
// (searches never modify it) and a fresh Searcher per test.
class FixtureCatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    temp_ = std::make_unique<testing::TempDir>();
    index_ = BuildIndex(temp_->Sub("data"), "products.jsonl");
  }

  static void TearDownTestSuite() {
    index_.reset();  // closes the store before its directory goes
    temp_.reset();
  }

  void SetUp() override { searcher_ = Searcher::Create(index_, {}).value(); }

  static inline std::unique_ptr<testing::TempDir> temp_;
  static inline std::shared_ptr<const Index> index_;
  std::unique_ptr<Searcher> searcher_;
};

// (value, count) of each value of `field`'s facet, in the response's order.
using Counts = std::vector<std::pair<std::string, uint64_t>>;
inline Counts CountsOf(const SearchResponse& response, std::string_view field) {
  Counts counts;
  for (const Facet& facet : response.facets) {
    if (facet.field != field) continue;
    for (const FacetValue& value : facet.values) counts.emplace_back(value.value, value.count);
  }
  return counts;
}

// The ids of the hits, in rank order.
// Each of `jsons` parsed with `parse` (merch::ParseRule, ParseSynonymSet, ...),
// failing the test on an error.
template <typename Parse>
auto ParseEach(const std::vector<std::string_view>& jsons, Parse parse) {
  std::vector<typename decltype(parse(std::string_view()))::value_type> parsed;
  for (std::string_view json : jsons) {
    auto entry = parse(json);
    EXPECT_TRUE(entry.ok()) << entry.status();
    if (entry.ok()) parsed.push_back(*std::move(entry));
  }
  return parsed;
}

inline std::vector<std::string> Ids(const SearchResponse& response) {
  std::vector<std::string> ids;
  for (const SearchHit& hit : response.hits) ids.push_back(hit.id);
  return ids;
}

}  // namespace vitrine::query
