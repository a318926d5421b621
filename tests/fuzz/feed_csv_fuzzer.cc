// CSV feeds: the first byte chooses the reader's limits (feed_fuzzing.h), the
// rest is the feed file, header row first.
#include "tests/fuzz/feed_fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine::fuzz;
  static const std::string path = ScratchDir() + "/feed.csv";
  if (size == 0) return 0;
  WriteFile(path, AsText(data + 1, size - 1));
  ReadWholeFeed(path, vitrine::indexer::FeedFormat::kCsv, LimitsFrom(data[0]));
  return 0;
}
