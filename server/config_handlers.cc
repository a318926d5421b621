#include "server/config_handlers.h"

#include <nlohmann/json.hpp>

#include "base/json_writer.h"
#include "base/status.h"
#include "base/strings.h"
#include "server/errors.h"
#include "server/ranking_handlers.h"

namespace vitrine::server {
namespace {

using Json = nlohmann::json;

constexpr size_t kDefaultHistory = 50;
constexpr size_t kMaxHistory = 500;

HttpResponse JsonResponse(int status, std::string body, uint64_t version) {
  HttpResponse response{.status = status, .body = std::move(body)};
  response.headers.emplace_back("ETag", StrCat("\"", version, "\""));
  return response;
}

// If-Match: 7 or "7"; absent or * means no check.
absl::StatusOr<std::optional<uint64_t>> IfMatch(const HttpRequest& request) {
  std::string_view value = Trim(request.Header("if-match"));
  if (value.empty() || value == "*") return std::optional<uint64_t>();
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  const std::optional<int64_t> version = ParseInt64(value);
  if (!version || *version < 0) {
    return InvalidParameter("If-Match", "If-Match must be a config version such as \"12\"");
  }
  return std::optional<uint64_t>(static_cast<uint64_t>(*version));
}

// A collection of config entries and its routes.
struct Collection {
  merch::ConfigKind kind;
  std::string_view path;      // of the collection; entries at path/{id}
  std::string_view item_key;  // an entry in a response: {"version": 3, "rule": {...}}
  std::string_view list_key;  // the list: {"version": 3, "rules": [...]}
};
constexpr Collection kRules{merch::ConfigKind::kRule, "/v1/config/rules", "rule", "rules"};
constexpr Collection kSynonyms{merch::ConfigKind::kSynonyms, "/v1/config/synonyms", "synonym_set",
                               "synonyms"};

// The stored JSON of every entry of `kind`, by id.
std::vector<const std::string*> Entries(const merch::ConfigSnapshot& snapshot,
                                        merch::ConfigKind kind) {
  std::vector<const std::string*> entries;
  if (kind == merch::ConfigKind::kRule) {
    for (const merch::Rule& rule : snapshot.rules->rules()) entries.push_back(&rule.json);
  } else {
    for (const merch::SynonymSet& set : snapshot.synonyms->sets()) entries.push_back(&set.json);
  }
  return entries;
}

const std::string* FindEntry(const merch::ConfigSnapshot& snapshot, merch::ConfigKind kind,
                             std::string_view id) {
  if (kind == merch::ConfigKind::kRule) {
    const merch::Rule* rule = snapshot.rules->Find(id);
    return rule == nullptr ? nullptr : &rule->json;
  }
  const merch::SynonymSet* set = snapshot.synonyms->Find(id);
  return set == nullptr ? nullptr : &set->json;
}

// {"version": 3, "rule": {...}} with the entry as now stored ("null" if gone).
HttpResponse EntryResponse(int status, const Collection& collection,
                           const merch::ConfigStore& config, uint64_t version,
                           std::string_view id) {
  const std::shared_ptr<const merch::ConfigSnapshot> live = config.snapshot();
  const std::string* json = FindEntry(*live, collection.kind, id);
  return JsonResponse(status,
                      StrCat(R"({"version":)", version, R"(,")", collection.item_key, R"(":)",
                             json ? *json : "null", "}"),
                      version);
}

// The body of PUT .../{id}: its id must be the path's, or absent.
absl::StatusOr<std::string> BodyWithId(std::string_view body, std::string_view id,
                                       std::string_view item_key) {
  Json json = Json::parse(body, nullptr, false);
  if (!json.is_object()) {
    return InvalidParameter(item_key,
                            StrCat("the body must be a JSON object (the ", item_key, ")"));
  }
  if (!json.contains("id")) {
    json["id"] = std::string(id);
  } else if (!json["id"].is_string() || json["id"].get<std::string>() != id) {
    return InvalidParameter("id", StrCat("the body's id must be '", id, "', as in the path"));
  }
  return json.dump();
}

// Validates and writes one entry; returns its id and the new version.
absl::StatusOr<std::pair<std::string, uint64_t>> WriteEntry(
    const Collection& collection, std::string_view body, merch::WriteMode mode,
    merch::ConfigStore& config, query::SearcherPool& searchers, std::string_view who,
    std::optional<uint64_t> if_match) {
  if (collection.kind == merch::ConfigKind::kRule) {
    ASSIGN_OR_RETURN(merch::Rule rule, merch::ParseRule(body));
    RETURN_IF_ERROR(CheckPinnedProducts(rule, searchers));
    ASSIGN_OR_RETURN(uint64_t version, config.Write(body, mode, who, if_match));
    return std::pair{rule.id, version};
  }
  ASSIGN_OR_RETURN(merch::SynonymSet set, merch::ParseSynonymSet(body));
  ASSIGN_OR_RETURN(uint64_t version, config.WriteSynonyms(body, mode, who, if_match));
  return std::pair{set.id, version};
}

HttpResponse ListEntries(const Collection& collection, const merch::ConfigStore& config) {
  const std::shared_ptr<const merch::ConfigSnapshot> live = config.snapshot();
  std::string body =
      StrCat(R"({"version":)", live->version, R"(,")", collection.list_key, R"(":[)");
  const std::vector<const std::string*> entries = Entries(*live, collection.kind);
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(*entries[i]);
  }
  body.append("]}");
  return JsonResponse(200, std::move(body), live->version);
}

// GET, PUT, DELETE {collection}/{id}.
HttpResponse HandleEntry(const Collection& collection, std::string_view id,
                         const HttpRequest& request, merch::ConfigStore& config,
                         query::SearcherPool& searchers, std::string_view who,
                         std::optional<uint64_t> if_match) {
  if (!merch::IsValidRuleId(id)) {
    return ErrorResponse(InvalidParameter("id", "an id is 1-128 letters, digits, - _ ."));
  }
  const std::string_view method = request.method;
  if (method == "GET" || method == "HEAD") {
    const std::shared_ptr<const merch::ConfigSnapshot> live = config.snapshot();
    if (FindEntry(*live, collection.kind, id) == nullptr) {
      return ErrorResponse(404, "not_found",
                           StrCat("no ", collection.item_key, " with id '", id, "'"));
    }
    return EntryResponse(200, collection, config, live->version, id);
  }
  if (method == "PUT") {
    absl::StatusOr<std::string> body = BodyWithId(request.body, id, collection.item_key);
    if (!body.ok()) return ErrorResponse(body.status());
    absl::StatusOr<std::pair<std::string, uint64_t>> written =
        WriteEntry(collection, *body, merch::WriteMode::kUpsert, config, searchers, who, if_match);
    if (!written.ok()) return ErrorResponse(written.status());
    return EntryResponse(200, collection, config, written->second, id);
  }
  if (method == "DELETE") {
    absl::StatusOr<uint64_t> version = collection.kind == merch::ConfigKind::kRule
                                           ? config.Delete(id, who, if_match)
                                           : config.DeleteSynonyms(id, who, if_match);
    if (!version.ok()) return ErrorResponse(version.status());
    std::string body = StrCat(R"({"version":)", *version, R"(,"deleted":)");
    AppendJsonString(body, id);
    body.push_back('}');
    return JsonResponse(200, std::move(body), *version);
  }
  return MethodNotAllowed("GET, PUT, DELETE");
}

HttpResponse History(const Target& target, const merch::ConfigStore& config) {
  size_t limit = kDefaultHistory;
  std::optional<uint64_t> before;
  for (const auto& [name, value] : target.params) {
    const std::optional<int64_t> number = ParseInt64(value);
    if (name != "limit" && name != "before") {
      return ErrorResponse(InvalidParameter(name, StrCat("unknown parameter '", name, "'")));
    }
    if (!number || *number < (name == "limit" ? 1 : 0) ||
        (name == "limit" && *number > static_cast<int64_t>(kMaxHistory))) {
      return ErrorResponse(
          InvalidParameter(name, name == "limit" ? StrCat("limit must be from 1 to ", kMaxHistory)
                                                 : std::string("before must be a config version")));
    }
    if (name == "limit") limit = static_cast<size_t>(*number);
    if (name == "before") before = static_cast<uint64_t>(*number);
  }
  const uint64_t version = config.version();
  absl::StatusOr<std::vector<merch::ConfigEvent>> events = config.History(limit, before);
  if (!events.ok()) return ErrorResponse(events.status());
  std::string body = StrCat(R"({"version":)", version, R"(,"events":[)");
  for (size_t i = 0; i < events->size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(merch::EventToJson((*events)[i]));
  }
  body.append("]}");
  return JsonResponse(200, std::move(body), version);
}

}  // namespace

absl::Status CheckPinnedProducts(const merch::Rule& rule, query::SearcherPool& searchers,
                                 std::string_view prefix) {
  const std::vector<merch::Pin>& pins = rule.consequences.pin;
  if (pins.empty()) return absl::OkStatus();
  const std::shared_ptr<const query::Index> index = searchers.current();
  if (index == nullptr) return absl::OkStatus();  // nothing to check against yet
  std::vector<std::string> ids;
  for (const merch::Pin& pin : pins) ids.push_back(pin.id);
  ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> products, index->store().MultiGet(ids));
  for (size_t i = 0; i < products.size(); ++i) {
    if (products[i]) continue;
    const std::string field = StrCat(prefix, "consequences.pin[", i, "].id");
    return InvalidParameter(field, StrCat(field, ": unknown product id '", ids[i], "'"));
  }
  return absl::OkStatus();
}

HttpResponse HandleConfig(const HttpRequest& request, const Target& target,
                          merch::ConfigStore& config, query::SearcherPool& searchers,
                          std::string_view who, std::string_view& route) {
  const std::string_view path = target.path;
  const std::string_view method = request.method;
  const bool get = method == "GET" || method == "HEAD";
  absl::StatusOr<std::optional<uint64_t>> if_match = IfMatch(request);
  if (!if_match.ok()) return ErrorResponse(if_match.status());

  if (path == "/v1/config" || path == "/v1/config/") {
    route = "/v1/config";
    if (!get) return MethodNotAllowed("GET");
    const uint64_t version = config.version();
    return JsonResponse(200, StrCat(R"({"version":)", version, "}"), version);
  }
  for (const Collection* collection : {&kRules, &kSynonyms}) {
    if (path == collection->path) {
      route = collection->path;
      if (get) return ListEntries(*collection, config);
      if (method != "POST") return MethodNotAllowed("GET, POST");
      absl::StatusOr<std::pair<std::string, uint64_t>> written = WriteEntry(
          *collection, request.body, merch::WriteMode::kCreate, config, searchers, who, *if_match);
      if (!written.ok()) return ErrorResponse(written.status());
      return EntryResponse(201, *collection, config, written->second, written->first);
    }
    if (path.starts_with(collection->path) && path.size() > collection->path.size() + 1 &&
        path[collection->path.size()] == '/') {
      route = collection->kind == merch::ConfigKind::kRule ? "/v1/config/rules/{id}"
                                                           : "/v1/config/synonyms/{id}";
      return HandleEntry(*collection, path.substr(collection->path.size() + 1), request, config,
                         searchers, who, *if_match);
    }
  }
  if (path == "/v1/config/preview") {
    route = "/v1/config/preview";
    if (method != "POST") return MethodNotAllowed("POST");
    return HandlePreview(request.body, config, searchers);
  }
  if (path == "/v1/config/ranking") {
    route = "/v1/config/ranking";
    return HandleRankingConfig(request, config, who, *if_match);  // ranking_handlers.cc
  }
  if (path == "/v1/config/history") {
    route = "/v1/config/history";
    return get ? History(target, config) : MethodNotAllowed("GET");
  }
  if (path.starts_with("/v1/config/rollback/")) {
    route = "/v1/config/rollback/{version}";
    if (method != "POST") return MethodNotAllowed("POST");
    const std::optional<int64_t> to = ParseInt64(path.substr(20));
    if (!to || *to < 0) {
      return ErrorResponse(InvalidParameter("version", "roll back to a config version number"));
    }
    absl::StatusOr<uint64_t> version = config.Rollback(static_cast<uint64_t>(*to), who, *if_match);
    if (!version.ok()) return ErrorResponse(version.status());
    return JsonResponse(200, StrCat(R"({"version":)", *version, R"(,"rolled_back_to":)", *to, "}"),
                        *version);
  }
  route = "unmatched";
  return ErrorResponse(404, "not_found", StrCat("no route for ", path));
}

}  // namespace vitrine::server
