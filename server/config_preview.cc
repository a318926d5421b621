// POST /v1/config/preview: one search run twice, with the live config and with
// a draft, side by side. Nothing is stored; the draft's search skips the result
// cache.
#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "server/config_handlers.h"
#include "server/errors.h"
#include "server/handlers.h"

namespace vitrine::server {
namespace {

using Json = nlohmann::json;

// At most this many rules or synonym sets in a draft (the store's own limit).
constexpr size_t kMaxDraftEntries = 5000;

// `status` with its parameter moved under `prefix` ("config.rules[2]"): the
// whole entry ("rule", "synonym_set") becomes the prefix itself.
absl::Status Prefixed(const absl::Status& status, std::string_view prefix) {
  const std::optional<std::string> parameter = ParameterOf(status);
  if (!parameter) return status;
  const std::string field = *parameter == "rule" || *parameter == "synonym_set"
                                ? std::string(prefix)
                                : StrCat(prefix, ".", *parameter);
  return InvalidParameter(field, StrCat(prefix, ": ", status.message()));
}

// Parses a draft list with `parse`, checking ids are unique.
template <typename Entry, typename Parse>
absl::StatusOr<std::vector<Entry>> DraftList(const Json& list, std::string_view path, Parse parse) {
  if (!list.is_array() || list.size() > kMaxDraftEntries) {
    return InvalidParameter(path, StrCat(path, " must be a list of at most ", kMaxDraftEntries));
  }
  std::vector<Entry> entries;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string at = StrCat(path, "[", i, "]");
    absl::StatusOr<Entry> entry = parse(list[i].dump(), at);
    if (!entry.ok()) return entry.status();
    for (const Entry& other : entries) {
      if (other.id == entry->id) {
        return InvalidParameter(StrCat(at, ".id"),
                                StrCat(at, ".id: '", entry->id, "' is given twice"));
      }
    }
    entries.push_back(*std::move(entry));
  }
  return entries;
}

struct Preview {
  query::SearchRequest search;
  std::optional<std::vector<merch::Rule>> rules;
  std::optional<std::vector<merch::SynonymSet>> synonyms;
  std::optional<merch::Ranking> ranking;
};

absl::StatusOr<Preview> ParsePreview(std::string_view body, query::SearcherPool& searchers) {
  if (std::optional<size_t> bad = FindInvalidUtf8(body)) {
    return InvalidParameter("body", StrCat("the body is not valid UTF-8 (byte ", *bad, ")"));
  }
  const Json root = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!root.is_object()) {
    return InvalidParameter("body",
                            R"(the body must be a JSON object {"search": ..., "config": ...})");
  }
  Preview preview;
  for (const auto& [key, value] : root.items()) {
    if (key != "search" && key != "config") {
      return InvalidParameter(key,
                              StrCat("unknown key '", key, "'; a preview has search and config"));
    }
  }
  if (root.contains("search")) {
    if (!root["search"].is_object()) {
      return InvalidParameter("search", "search must be an object, as the body of POST /v1/search");
    }
    absl::StatusOr<query::SearchRequest> search = SearchRequestFromJson(root["search"].dump());
    if (!search.ok()) return Prefixed(search.status(), "search");
    preview.search = *std::move(search);
  }
  if (!root.contains("config")) return preview;
  const Json& config = root["config"];
  if (!config.is_object()) return InvalidParameter("config", "config must be an object");
  for (const auto& [key, value] : config.items()) {
    if (key != "rules" && key != "synonyms" && key != "ranking") {
      return InvalidParameter(
          StrCat("config.", key),
          StrCat("unknown key 'config.", key, "'; a draft has rules, synonyms and ranking"));
    }
  }
  if (config.contains("rules")) {
    ASSIGN_OR_RETURN(
        preview.rules,
        DraftList<merch::Rule>(
            config["rules"], "config.rules",
            [&](const std::string& json, const std::string& at) -> absl::StatusOr<merch::Rule> {
              absl::StatusOr<merch::Rule> rule = merch::ParseRule(json);
              if (!rule.ok()) return Prefixed(rule.status(), at);
              RETURN_IF_ERROR(CheckPinnedProducts(*rule, searchers, StrCat(at, ".")));
              return rule;
            }));
  }
  if (config.contains("synonyms")) {
    ASSIGN_OR_RETURN(preview.synonyms,
                     DraftList<merch::SynonymSet>(
                         config["synonyms"], "config.synonyms",
                         [](const std::string& json,
                            const std::string& at) -> absl::StatusOr<merch::SynonymSet> {
                           absl::StatusOr<merch::SynonymSet> set = merch::ParseSynonymSet(json);
                           if (!set.ok()) return Prefixed(set.status(), at);
                           return set;
                         }));
  }
  if (config.contains("ranking")) {
    absl::StatusOr<merch::Ranking> ranking = merch::ParseRanking(config["ranking"].dump());
    if (!ranking.ok()) return Prefixed(ranking.status(), "config.ranking");
    preview.ranking = *std::move(ranking);
  }
  return preview;
}

}  // namespace

HttpResponse HandlePreview(std::string_view body, const merch::ConfigStore& config,
                           query::SearcherPool& searchers) {
  absl::StatusOr<Preview> preview = ParsePreview(body, searchers);
  if (!preview.ok()) return ErrorResponse(preview.status());
  const std::shared_ptr<const merch::ConfigSnapshot> live = config.snapshot();
  const std::shared_ptr<const merch::ConfigSnapshot> draft = config.Draft(
      std::move(preview->rules), std::move(preview->synonyms), std::move(preview->ranking));

  query::SearchRequest request = std::move(preview->search);
  request.rules = live->rules;
  request.synonyms = live->synonyms;
  request.ranking = live->ranking;
  absl::StatusOr<std::string> live_body = SearchBody(request, searchers);
  if (!live_body.ok()) return ErrorResponse(Prefixed(live_body.status(), "search"));
  request.rules = draft->rules;
  request.synonyms = draft->synonyms;
  request.ranking = draft->ranking;
  request.cacheable = false;  // a draft's results must never answer a live search
  absl::StatusOr<std::string> draft_body = SearchBody(request, searchers);
  if (!draft_body.ok()) return ErrorResponse(Prefixed(draft_body.status(), "search"));
  HttpResponse response;
  response.body = StrCat(R"({"version":)", live->version, R"(,"live":)", *live_body, R"(,"draft":)",
                         *draft_body, "}");
  return response;
}

}  // namespace vitrine::server
