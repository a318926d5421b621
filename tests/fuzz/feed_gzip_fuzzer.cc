// gzip-compressed feeds. The first byte chooses: bit 0, CSV (else JSON Lines);
// bit 1, the rest is written as it is (damaged and truncated gzip streams, seeded
// with real .gz files), else it is gzip-compressed here first (valid streams
// whose contents the fuzzer mutates freely, past the CRC). The second byte
// chooses the reader's limits (feed_fuzzing.h).
#include <zlib.h>

#include "tests/fuzz/feed_fuzzing.h"

namespace {

void WriteGzip(const std::string& path, std::string_view data) {
  gzFile file = gzopen(path.c_str(), "wb");
  vitrine::fuzz::Require(file != nullptr, "opening the gzip input file");
  if (!data.empty()) {
    const int written = gzwrite(file, data.data(), static_cast<unsigned>(data.size()));
    vitrine::fuzz::Require(written == static_cast<int>(data.size()), "compressing the input");
  }
  vitrine::fuzz::Require(gzclose(file) == Z_OK, "closing the gzip input file");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine::fuzz;
  if (size < 2) return 0;
  static const std::string dir = ScratchDir();
  const bool csv = (data[0] & 1) != 0;
  const bool raw = (data[0] & 2) != 0;
  const std::string path = dir + (csv ? "/feed.csv.gz" : "/feed.jsonl.gz");
  const std::string_view rest = AsText(data + 2, size - 2);
  if (raw) {
    WriteFile(path, rest);
  } else {
    WriteGzip(path, rest);
  }
  ReadWholeFeed(path, vitrine::indexer::FeedFormat::kAuto, LimitsFrom(data[1]));
  return 0;
}
