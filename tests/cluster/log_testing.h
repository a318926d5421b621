// Helpers of the write log tests: entries to append, and what a log holds.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "writes/write_log.h"

namespace vitrine::writes {

// Upserts of products with these ids.
inline std::vector<JournalEntry> Upserts(std::vector<std::string> ids) {
  std::vector<JournalEntry> entries;
  for (std::string& id : ids) {
    entries.push_back(
        {.op = JournalOp::kUpsert, .id = id, .snapshot = R"({"id":")" + id + R"(","title":"t"})"});
  }
  return entries;
}

// "seq:id" for every entry after `seq` ("seq:id-" for a delete).
inline std::vector<std::string> EntriesAfter(const WriteLog& log, uint64_t seq) {
  std::vector<std::string> seen;
  const absl::Status status = log.ForEachAfter(seq, [&](const JournalEntry& entry) {
    seen.push_back(std::to_string(entry.seq) + ":" + entry.id +
                   (entry.op == JournalOp::kDelete ? "-" : ""));
    return absl::OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status;
  return seen;
}

}  // namespace vitrine::writes
