// Micro-benchmarks of the text path over the bundled catalog: the fashion
// analyzer next to the baseline (plain Xapian TermGenerator + English stemmer),
// analysing titles and descriptions and building whole Xapian documents (the CPU
// side of a reindex).
//   analyzer_bench --catalog data/catalog/myntra-products.jsonl.gz
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "analyzers/analyzer.h"
#include "bench/workload.h"
#include "catalog/product.h"
#include "indexer/document_builder.h"

namespace {

using vitrine::analyzers::Analyzer;
using vitrine::analyzers::Profile;

std::vector<vitrine::catalog::Product>& Catalog() {
  static std::vector<vitrine::catalog::Product> products;
  return products;
}

const Analyzer& AnalyzerFor(Profile profile) {
  static const Analyzer baseline({.profile = Profile::kBaseline});
  static const Analyzer fashion = [] {
    auto files =
        vitrine::analyzers::ReadVocabularyFiles(vitrine::analyzers::DefaultVocabularyDir());
    auto vocabulary = vitrine::analyzers::Vocabulary::Parse(files.value());
    return Analyzer({}, vocabulary.value());
  }();
  return profile == Profile::kBaseline ? baseline : fashion;
}

void BM_AnalyzeText(benchmark::State& state, Profile profile) {
  const Analyzer& analyzer = AnalyzerFor(profile);
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
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_AnalyzeText, fashion, Profile::kFashion)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_AnalyzeText, baseline, Profile::kBaseline)->Unit(benchmark::kMillisecond);

void BM_BuildDocument(benchmark::State& state, Profile profile) {
  const Analyzer& analyzer = AnalyzerFor(profile);
  size_t documents = 0;
  for (auto _ : state) {
    for (const auto& product : Catalog()) {
      benchmark::DoNotOptimize(vitrine::indexer::BuildDocument(product, analyzer));
      ++documents;
    }
  }
  state.counters["docs/s"] =
      benchmark::Counter(static_cast<double>(documents), benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_BuildDocument, fashion, Profile::kFashion)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_BuildDocument, baseline, Profile::kBaseline)->Unit(benchmark::kMillisecond);

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
