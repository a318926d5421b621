#include "server/config_handlers.h"

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"
#include "server/errors.h"
#include "server/json_writer.h"
#include "server/ranking_handlers.h"

namespace vitrine::server {
namespace {

using Json = nlohmann::json;

constexpr size_t kDefaultHistory = 50;
constexpr size_t kMaxHistory = 500;

HttpResponse MethodNotAllowed(std::string_view allowed) {
  HttpResponse response =
      ErrorResponse(405, "method_not_allowed", StrCat("use ", allowed, " on this route"));
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

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

std::string RuleBody(uint64_t version, std::string_view rule_json) {
  return StrCat(R"({"version":)", version, R"(,"rule":)", rule_json, "}");
}

// The body of PUT /v1/config/rules/{id}: its id must be the path's, or absent.
absl::StatusOr<std::string> BodyWithId(std::string_view body, std::string_view id) {
  Json json = Json::parse(body, nullptr, false);
  if (!json.is_object()) return InvalidParameter("rule", "the body must be a JSON rule object");
  if (!json.contains("id")) {
    json["id"] = std::string(id);
  } else if (!json["id"].is_string() || json["id"].get<std::string>() != id) {
    return InvalidParameter("id", StrCat("the rule's id must be '", id, "', as in the path"));
  }
  return json.dump();
}

HttpResponse ListRules(const merch::ConfigStore& config) {
  const std::shared_ptr<const merch::RuleSet> live = config.live();
  std::string body = StrCat(R"({"version":)", live->version(), R"(,"rules":[)");
  for (size_t i = 0; i < live->rules().size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(live->rules()[i].json);
  }
  body.append("]}");
  return JsonResponse(200, std::move(body), live->version());
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

HttpResponse HandleConfig(const HttpRequest& request, const Target& target,
                          merch::ConfigStore& config, std::string_view who,
                          std::string_view& route) {
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
  if (path == "/v1/config/rules") {
    route = "/v1/config/rules";
    if (get) return ListRules(config);
    if (method != "POST") return MethodNotAllowed("GET, POST");
    absl::StatusOr<uint64_t> version =
        config.Write(request.body, merch::WriteMode::kCreate, who, *if_match);
    if (!version.ok()) return ErrorResponse(version.status());
    const merch::Rule* rule = nullptr;
    const std::shared_ptr<const merch::RuleSet> live = config.live();
    const std::string id = Json::parse(request.body, nullptr, false).value("id", std::string());
    rule = live->Find(id);
    return JsonResponse(201, RuleBody(*version, rule ? rule->json : "null"), *version);
  }
  if (path.starts_with("/v1/config/rules/")) {
    route = "/v1/config/rules/{id}";
    const std::string_view id = path.substr(17);
    if (!merch::IsValidRuleId(id)) {
      return ErrorResponse(InvalidParameter("id", "a rule id is 1-128 letters, digits, - _ ."));
    }
    if (get) {
      const std::shared_ptr<const merch::RuleSet> live = config.live();
      const merch::Rule* rule = live->Find(id);
      if (rule == nullptr)
        return ErrorResponse(404, "not_found", StrCat("no rule with id '", id, "'"));
      return JsonResponse(200, RuleBody(live->version(), rule->json), live->version());
    }
    if (method == "PUT") {
      absl::StatusOr<std::string> body = BodyWithId(request.body, id);
      if (!body.ok()) return ErrorResponse(body.status());
      absl::StatusOr<uint64_t> version =
          config.Write(*body, merch::WriteMode::kUpsert, who, *if_match);
      if (!version.ok()) return ErrorResponse(version.status());
      const std::shared_ptr<const merch::RuleSet> live = config.live();
      const merch::Rule* rule = live->Find(id);
      return JsonResponse(200, RuleBody(*version, rule ? rule->json : "null"), *version);
    }
    if (method == "DELETE") {
      absl::StatusOr<uint64_t> version = config.Delete(id, who, *if_match);
      if (!version.ok()) return ErrorResponse(version.status());
      std::string body = StrCat(R"({"version":)", *version, R"(,"deleted":)");
      AppendJsonString(body, id);
      body.push_back('}');
      return JsonResponse(200, std::move(body), *version);
    }
    return MethodNotAllowed("GET, PUT, DELETE");
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
