// Search-as-you-type (GET /v1/suggest): the first byte is the limit (as a signed
// number), the rest is q. Suggestions are answered from the fixture index's
// suggester; highlights must be valid UTF-8 and HTML-escaped around their <em> marks.
#include "base/utf8.h"
#include "query/suggest/suggest.h"
#include "tests/fuzz/fuzz_fixture.h"

namespace {

// What a highlight is once its <em> marks are taken out: no markup may remain.
bool OnlyEmMarkup(std::string highlight) {
  for (const std::string_view mark : {"<em>", "</em>"}) {
    for (size_t at = highlight.find(mark); at != std::string::npos; at = highlight.find(mark)) {
      highlight.erase(at, mark.size());
    }
  }
  return highlight.find_first_of("<>") == std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vitrine;
  if (size == 0) return 0;
  static const std::shared_ptr<const query::Index> index = fuzz::FixturePool().current();
  const query::SuggestRequest request = {.q = std::string(fuzz::AsText(data + 1, size - 1)),
                                         .limit = static_cast<int8_t>(data[0])};
  absl::StatusOr<std::vector<query::Suggestion>> suggestions = index->suggester().Suggest(request);
  if (!suggestions.ok()) return 0;
  fuzz::Require(suggestions->size() <= static_cast<size_t>(request.limit),
                "more suggestions than the limit");
  for (const query::Suggestion& suggestion : *suggestions) {
    fuzz::Require(IsValidUtf8(suggestion.highlight), "a highlight is not valid UTF-8");
    fuzz::Require(OnlyEmMarkup(suggestion.highlight), "a highlight is not HTML-escaped");
  }
  return 0;
}
