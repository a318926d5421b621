// The analyzer with the bundled fashion vocabulary: the input is any text
// (invalid UTF-8 included: the analyzer reads it as U+FFFD). Terms, words and
// normalised text must be valid UTF-8, and terms never empty.
#include "analyzers/analyzer.h"
#include "base/utf8.h"
#include "tests/fuzz/fuzz_fixture.h"

namespace {

using vitrine::analyzers::Analyzer;

const Analyzer& AnalyzerFor(int choice) {
  using namespace vitrine::analyzers;
  static const Analyzer analyzers[] = {
      Analyzer({.stemming = Stemming::kEnglish}, vitrine::fuzz::BundledVocabulary()),
      Analyzer({.stemming = Stemming::kNone}, vitrine::fuzz::BundledVocabulary()),
      Analyzer({.stemming = Stemming::kEnglish, .profile = Profile::kBaseline}),
  };
  return analyzers[choice % 3];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine;
  if (size == 0) return 0;
  const Analyzer& analyzer = AnalyzerFor(data[0]);
  const std::string_view text = fuzz::AsText(data + 1, size - 1);
  for (const analyzers::Token& token : analyzer.Analyze(text)) {
    fuzz::Require(!token.term.empty(), "an empty term");
    fuzz::Require(IsValidUtf8(token.term), "a term is not valid UTF-8");
  }
  for (const std::string& word : analyzer.Words(text)) {
    fuzz::Require(IsValidUtf8(word), "a word is not valid UTF-8");
  }
  fuzz::Require(IsValidUtf8(analyzer.SizeTerm(text)), "a size term is not valid UTF-8");
  fuzz::Require(IsValidUtf8(analyzers::NormalizeText(text)), "normalised text is not valid UTF-8");
  return 0;
}
