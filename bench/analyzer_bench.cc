// Micro-benchmarks of the text path over the bundled catalog: analysing titles and
// building whole Xapian documents (the CPU side of a reindex).
//   analyzer_bench --catalog data/catalog/myntra-products.jsonl.gz
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include "bench/workload.h"
#include "catalog/product.h"
#include "indexer/document_builder.h"

namespace {

std::vector<vitrine::catalog::Product>& Catalog() {
  static std::vector<vitrine::catalog::Product> products;
  return products;
}

void BM_AnalyzeText(benchmark::State& state) {
  const vitrine::analyzers::Analyzer analyzer;
  size_t bytes = 0, tokens = 0;
  for (auto _ : state) {
    for (const auto& product : Catalog()) {
      for (const std::string* text : {&product.title, &product.description}) {
        auto result = analyzer.Analyze(*text);
        bytes += text->size();
        tokens += result.size();
        benchmark::DoNotOptimize(result);
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AnalyzeText)->Unit(benchmark::kMillisecond);

void BM_BuildDocument(benchmark::State& state) {
  const vitrine::analyzers::Analyzer analyzer;
  size_t documents = 0;
  for (auto _ : state) {
    for (const auto& product : Catalog()) {
      benchmark::DoNotOptimize(vitrine::indexer::BuildDocument(product, analyzer));
      ++documents;
    }
  }
  state.counters["docs/s"] = benchmark::Counter(static_cast<double>(documents), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BuildDocument)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  std::string catalog = "data/catalog/myntra-products.jsonl.gz";
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--catalog") catalog = argv[i + 1];
  }
  for (const std::string& line : vitrine::bench::ReadLines(catalog)) {
    auto product = vitrine::catalog::ProductFromJson(line);
    if (product.ok()) Catalog().push_back(std::move(*product));
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
