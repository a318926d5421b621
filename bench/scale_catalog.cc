// Writes a scaled catalog (see bench/catalog_scaler.h) as a gzip'd JSON Lines feed:
//   scale_catalog --products 1000000 --out catalog-1m.jsonl.gz
//                 [--sources
//                 data/catalog/fashion-styles.jsonl.gz,data/catalog/myntra-products.jsonl.gz]
//                 [--seed 1] [--threads N]
// The same sources and seed give byte-identical output whatever --threads is:
// blocks of products are generated and compressed in parallel as separate gzip
// members (a valid gzip stream, as pigz writes) and written in order. Every
// product is validated as a feed record would be.
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "base/strings.h"
#include "bench/catalog_scaler.h"
#include "bench/workload.h"
#include "catalog/product.h"
#include "indexer/feed_reader.h"

namespace {

using vitrine::bench::CatalogScaler;

constexpr uint64_t kBlockProducts = 16384;
// Fastest: the feed is read once, by the reindex, on the same machine.
constexpr int kGzipLevel = 1;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "scale_catalog: %s\n", message.c_str());
  std::exit(1);
}

std::vector<vitrine::catalog::Product> ReadSources(const std::string& list) {
  std::vector<vitrine::catalog::Product> products;
  for (const std::string& path : vitrine::SplitTrimmed(list, ',')) {
    auto reader = vitrine::indexer::FeedReader::Open(path);
    if (!reader.ok()) Fail(std::string(reader.status().message()));
    vitrine::indexer::FeedRecord record;
    while ((*reader)->Next(record)) {
      auto product = (*reader)->Decode(record);
      if (product.ok()) products.push_back(*std::move(product));
    }
    if (!(*reader)->status().ok()) Fail(std::string((*reader)->status().message()));
  }
  if (products.empty()) Fail("no source products in " + list);
  return products;
}

// One gzip member holding products [begin, end).
std::string CompressBlock(const CatalogScaler& scaler, uint64_t begin, uint64_t end) {
  std::string text;
  for (uint64_t i = begin; i < end; ++i) {
    const vitrine::catalog::Product product = scaler.Make(i);
    if (const absl::Status valid = vitrine::catalog::ValidateProduct(product); !valid.ok()) {
      Fail(vitrine::StrCat("product ", i, " (", product.id, ") is invalid: ", valid.message()));
    }
    text += vitrine::catalog::ProductToJson(product);
    text += '\n';
  }
  z_stream stream{};
  // windowBits 15 + 16: a gzip header with no name and time 0, so bytes repeat.
  if (deflateInit2(&stream, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    Fail("deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, text.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(text.data());
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) Fail("deflate failed");
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = vitrine::bench::ParseFlags(argc, argv);
  if (!flags.count("products") || !flags.count("out")) {
    Fail(
        "usage: scale_catalog --products N --out FILE.jsonl.gz [--sources A,B] [--seed S] "
        "[--threads T]");
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string sources = flags.count("sources") ? flags["sources"]
                                                     : "data/catalog/fashion-styles.jsonl.gz,"
                                                       "data/catalog/myntra-products.jsonl.gz";
  const CatalogScaler scaler(
      ReadSources(sources),
      {.products = std::stoull(flags["products"]),
       .seed = flags.count("seed") ? std::stoull(flags["seed"]) : uint64_t{1}});
  const int threads = flags.count("threads")
                          ? std::max(1, std::stoi(flags["threads"]))
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  const std::string tmp = flags["out"] + ".tmp";
  std::FILE* out = std::fopen(tmp.c_str(), "wb");
  if (out == nullptr) Fail("cannot create " + tmp);
  uint64_t bytes = 0;
  // Waves of `threads` blocks: compressed concurrently, written in order.
  for (uint64_t begin = 0; begin < scaler.size();) {
    std::vector<std::future<std::string>> wave;
    for (int t = 0; t < threads && begin < scaler.size(); ++t) {
      const uint64_t end = std::min(scaler.size(), begin + kBlockProducts);
      wave.push_back(std::async(std::launch::async, CompressBlock, std::cref(scaler), begin, end));
      begin = end;
    }
    for (auto& block : wave) {
      const std::string member = block.get();
      if (std::fwrite(member.data(), 1, member.size(), out) != member.size()) {
        Fail("writing " + tmp);
      }
      bytes += member.size();
    }
  }
  if (std::fclose(out) != 0 || std::rename(tmp.c_str(), flags["out"].c_str()) != 0) {
    Fail("writing " + flags["out"]);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("scale_catalog: %llu products in %llu styles, %.1f MB gzip'd, %.1f s -> %s\n",
              static_cast<unsigned long long>(scaler.size()),
              static_cast<unsigned long long>(scaler.styles()), bytes / 1e6, seconds,
              flags["out"].c_str());
  return 0;
}
