// The fixture of the Reindex tests: a temporary data directory, options that
// collect rejected records, and views of the directory's generations.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "indexer/generations.h"
#include "indexer/reindex.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::indexer {

// Where a rejected record was, and the field blamed.
struct Location {
  std::string file;
  uint64_t line = 0;
  std::string field;

  friend bool operator==(const Location&, const Location&) = default;
  friend std::ostream& operator<<(std::ostream& out, const Location& l) {
    return out << l.file << ":" << l.line << " [" << l.field << "]";
  }
};

// A feed of `records` lines, several 512-record chunks long, with bad records at
// `bad_lines` (1-based).
inline std::string LargeFeed(int records, const std::vector<int>& bad_lines) {
  static constexpr const char* kColors[] = {"Navy Blue", "Black", "Café Crème", "Red"};
  static constexpr const char* kNouns[] = {"Shirts", "Jeans", "Running Shoes", "Kurta"};
  std::string feed;
  for (int line = 1; line <= records; ++line) {
    const bool bad = std::find(bad_lines.begin(), bad_lines.end(), line) != bad_lines.end();
    const std::string color = kColors[line % 4];
    feed += "{\"id\": \"p" + std::to_string(line) + "\", \"title\": \"Style " +
            std::to_string(line) + " " + color + " " + kNouns[line / 4 % 4] + "\", \"color\": \"" +
            color + "\", \"sizes\": [\"S\", \"M\"], \"price\": " +
            (bad ? std::string("\"free\"") : std::to_string(line % 97 * 10.5)) +
            ", \"description\": \"Line " + std::to_string(line) + " of the feed.\"}\n";
  }
  return feed;
}

class ReindexTest : public ::testing::Test {
 protected:
  static std::string Feed(std::string_view name) { return testing::TestData(name); }

  std::string data_dir() const { return temp_.Sub("data"); }

  // Options for this test's data directory; rejected records land in errors_.
  ReindexOptions Options(std::vector<std::string> feeds) {
    ReindexOptions options;
    options.feeds = std::move(feeds);
    options.data_dir = data_dir();
    options.threads = 2;
    options.on_error = [this](const RecordError& error) { errors_.push_back(error); };
    return options;
  }

  std::vector<Location> ErrorLocations() const {
    std::vector<Location> locations;
    for (const RecordError& error : errors_) {
      locations.push_back({error.file, error.line, error.field});
    }
    return locations;
  }

  absl::Status CurrentStatus() const { return OpenDir().Current().status(); }

  Generation CurrentGeneration() const {
    absl::StatusOr<Generation> current = OpenDir().Current();
    EXPECT_TRUE(current.ok()) << current.status();
    return current.value_or(Generation());
  }

  std::string CurrentId() const { return CurrentGeneration().id; }

  // Ids of every generation directory, complete or not, oldest first.
  std::vector<std::string> GenerationIds() const {
    absl::StatusOr<std::vector<GenerationInfo>> infos = OpenDir().List();
    EXPECT_TRUE(infos.ok()) << infos.status();
    std::vector<std::string> ids;
    for (const GenerationInfo& info : infos.value_or(std::vector<GenerationInfo>())) {
      ids.push_back(info.generation.id);
    }
    return ids;
  }

  testing::TempDir temp_;
  std::vector<RecordError> errors_;

 private:
  DataDir OpenDir() const {
    absl::StatusOr<DataDir> dir = DataDir::Open(data_dir());
    if (!dir.ok()) throw std::runtime_error(std::string(dir.status().message()));
    return *std::move(dir);
  }
};

}  // namespace vitrine::indexer
