// GET /v1/suggest?q=...&limit=...: search-as-you-type suggestions from the
// serving generation's in-memory Suggester (query/suggest/suggest.h).
#include <chrono>
#include <cstdint>
#include <optional>

#include "base/json_writer.h"
#include "base/status.h"
#include "base/strings.h"
#include "query/suggest/suggest.h"
#include "server/errors.h"
#include "server/handlers.h"

namespace vitrine::server {

absl::StatusOr<query::SuggestRequest> SuggestRequestFromParams(const Target& target) {
  query::SuggestRequest request;
  bool seen_q = false, seen_limit = false;
  for (const auto& [name, value] : target.params) {
    bool* seen = name == "q" ? &seen_q : name == "limit" ? &seen_limit : nullptr;
    if (seen == nullptr) return InvalidParameter(name, StrCat("unknown parameter '", name, "'"));
    if (*seen)
      return InvalidParameter(name, StrCat("parameter '", name, "' is given more than once"));
    *seen = true;
    if (name == "q") {
      request.q = value;
      continue;
    }
    const std::optional<int64_t> limit = ParseInt64(value);
    if (!limit || *limit < 1 || *limit > INT32_MAX) {
      return InvalidParameter(name, StrCat("limit must be a positive integer, got '", value, "'"));
    }
    request.limit = static_cast<int>(*limit);
  }
  return request;
}

HttpResponse HandleSuggest(const Target& target, query::SearcherPool& searchers) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<query::SuggestRequest> request = SuggestRequestFromParams(target);
  if (!request.ok()) return ErrorResponse(request.status());
  std::shared_ptr<const query::Index> index = searchers.current();
  if (index == nullptr) {
    return ErrorResponse(absl::UnavailableError("no index is being served yet"));
  }
  absl::StatusOr<std::vector<query::Suggestion>> suggestions = index->suggester().Suggest(*request);
  if (!suggestions.ok()) return ErrorResponse(suggestions.status());
  HttpResponse response;
  std::string& out = response.body;
  out.reserve(128 + 192 * suggestions->size());
  out.append(R"({"query":)");
  AppendJsonString(out, request->q);
  out.append(R"(,"suggestions":[)");
  for (size_t i = 0; i < suggestions->size(); ++i) {
    const query::Suggestion& suggestion = (*suggestions)[i];
    if (i > 0) out.push_back(',');
    out.append(R"({"type":)");
    AppendJsonString(out, query::SuggestionTypeName(suggestion.type));
    out.append(R"(,"text":)");
    AppendJsonString(out, suggestion.text);
    out.append(R"(,"highlight":)");
    AppendJsonString(out, suggestion.highlight);
    out.append(StrCat(R"(,"count":)", suggestion.count));
    if (!suggestion.id.empty()) {
      out.append(R"(,"id":)");
      AppendJsonString(out, suggestion.id);
    }
    out.push_back('}');
  }
  const double took_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  out.append(R"(],"took_ms":)");
  AppendJsonNumber(out, static_cast<double>(static_cast<int64_t>(took_ms * 1000)) / 1000);
  out.push_back('}');
  return response;
}

}  // namespace vitrine::server
