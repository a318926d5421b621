#include "server/api.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <random>

#include "absl/strings/numbers.h"
#include "base/log.h"
#include "base/status.h"
#include "base/strings.h"
#include "server/admin_handlers.h"
#include "server/algolia_handlers.h"
#include "server/config_handlers.h"
#include "server/errors.h"
#include "server/handlers.h"
#include "server/static_files.h"
#include "server/url.h"
#include "server/write_handlers.h"

namespace vitrine::server {
namespace {

constexpr size_t kMaxRequestIdBytes = 128;

std::string NewRequestId() {
  thread_local std::mt19937_64 random(std::random_device{}());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  uint64_t bits = random();
  for (char& c : id) {
    c = kHex[bits & 0xF];
    bits >>= 4;
  }
  return id;
}

// A caller's X-Request-Id is kept when it is short printable ASCII, so ids can be
// followed across services; anything else is replaced.
std::string RequestIdFor(const HttpRequest& request) {
  const std::string_view given = request.Header("x-request-id");
  if (given.empty() || given.size() > kMaxRequestIdBytes) return NewRequestId();
  for (char c : given) {
    if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') return NewRequestId();
  }
  return std::string(given);
}

// Read-your-writes: `min_seq=N` (the `seq` a write answered with) holds the
// read until this node's searches see write N, for up to kMinSeqWait; then 503
// with Retry-After, so a load balancer or client may try another replica. The
// parameter is taken out of `target`. nullopt: go on with the read.
constexpr auto kMinSeqWait = std::chrono::seconds(1);

std::optional<HttpResponse> AwaitMinSeq(Target& target, writes::ProductWrites* writes) {
  const auto param = std::find_if(target.params.begin(), target.params.end(),
                                  [](const auto& p) { return p.first == "min_seq"; });
  if (param == target.params.end()) return std::nullopt;
  uint64_t seq = 0;
  const std::string value = param->second;
  target.params.erase(param);
  if (!absl::SimpleAtoi(value, &seq)) {
    return ErrorResponse(InvalidParameter(
        "min_seq",
        StrCat("min_seq must be the seq of a write (an integer >= 0), got '", value, "'")));
  }
  if (seq == 0) return std::nullopt;
  if (writes == nullptr) {
    return ErrorResponse(absl::UnavailableError("this server takes no writes"));
  }
  if (writes->AwaitVisible(seq, kMinSeqWait)) return std::nullopt;
  return ErrorResponse(absl::UnavailableError(
      StrCat("write ", seq, " is not visible on this replica yet (it sees up to ",
             writes->visible_seq(), "); retry")));
}

bool IsConfigPath(std::string_view path) {
  return path == "/v1/config" || path.starts_with("/v1/config/");
}

bool IsKeyName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

}  // namespace

absl::StatusOr<std::vector<NamedKey>> ParseNamedKeys(std::string_view text) {
  std::vector<NamedKey> keys;
  size_t entry = 0;
  for (const std::string& part : SplitTrimmed(text, ',')) {
    ++entry;
    if (part.empty()) continue;
    const size_t colon = part.find(':');
    const std::string name = colon == std::string::npos ? part : part.substr(0, colon);
    if (colon == std::string::npos || !IsKeyName(name)) {
      return absl::InvalidArgumentError(
          StrCat("API key entry ", entry,
                 " must be name:key with a name of 1-64 letters, digits, "
                 "'-', '_' or '.'"));
    }
    const std::string key = part.substr(colon + 1);
    if (IsScopedKey(key)) {
      return absl::InvalidArgumentError(StrCat("the key of '", name, "' starts with ",
                                               kScopedKeyPrefix, ", which marks scoped keys"));
    }
    if (key.size() < 8 || key.size() > 256 ||
        !std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7F; })) {
      return absl::InvalidArgumentError(StrCat("the key of '", name,
                                               "' must be 8 to 256 printable ASCII characters "
                                               "without spaces"));
    }
    for (const NamedKey& other : keys) {
      if (other.name == name) {
        return absl::InvalidArgumentError(StrCat("the key name '", name, "' is given twice"));
      }
      if (other.key == key) {
        return absl::InvalidArgumentError(
            StrCat("'", other.name, "' and '", name, "' have the same key"));
      }
    }
    keys.push_back({.name = name, .key = key});
  }
  return keys;
}

Api::Api(query::SearcherPool& searchers, Metrics& metrics, const AccessLog& access_log,
         ApiKeys keys, writes::ProductWrites* writes, ApiLimits limits)
    : searchers_(searchers),
      metrics_(metrics),
      access_log_(access_log),
      writes_(writes),
      search_budget_(limits.search_budget),
      rate_limiter_(std::move(limits.rate_limits)) {
  if (!keys.admin.empty()) admin_keys_.push_back({.name = "admin", .key = std::move(keys.admin)});
  for (NamedKey& key : keys.admin_keys) admin_keys_.push_back(std::move(key));
  if (!keys.search.empty()) {
    search_keys_.push_back({.name = "search", .key = std::move(keys.search)});
  }
  for (NamedKey& key : keys.search_keys) search_keys_.push_back(std::move(key));
}

HttpResponse Api::Route(const HttpRequest& request, std::string_view& route, std::string& who,
                        RequestContext& context) {
  absl::StatusOr<Target> target = ParseTarget(request.target);
  if (!target.ok()) {
    route = "unmatched";
    return ErrorResponse(target.status());
  }
  const std::string& path = target->path;
  const bool get = request.method == "GET" || request.method == "HEAD";
  const bool write = request.method == "PUT" || request.method == "PATCH" ||
                     request.method == "DELETE" || request.method == "POST";
  const bool open = path == "/healthz" || path == "/readyz" || path == "/metrics";
  const bool admin = (path.starts_with("/v1/products") && write) || IsConfigPath(path) ||
                     path.starts_with("/v1/admin/");
  const Access access = admin                  ? Access::kAdmin
                        : path == "/v1/search" ? Access::kSearch
                                               : Access::kRead;
  if (IsAlgoliaPath(path)) return RouteAlgolia(request, *target, route, who, context);
  if (static_files_ != nullptr && get && StaticFiles::Serves(path)) {
    route = "static";
    return static_files_->Serve(path, request);
  }
  if (!open) {
    if (std::optional<HttpResponse> denied = Deny(request, access, who, context)) {
      route = "denied";
      return *std::move(denied);
    }
    if (absl::Status limited = Limit(who, context); !limited.ok()) {
      route = "rate_limited";
      return ErrorResponse(limited);
    }
  }
  // Merchandising config: admin routes (config_handlers.cc).
  if (IsConfigPath(path)) {
    if (config_ == nullptr) {
      route = "/v1/config";
      return ErrorResponse(503, "unavailable", "no config store is open");
    }
    return HandleConfig(request, *target, *config_, searchers_, who, route);
  }
  if (path == "/v1/products:batch") {
    route = "/v1/products:batch";
    if (request.method != "POST") return MethodNotAllowed("POST");
    if (writes_ == nullptr) return ErrorResponse(503, "unavailable", "writes are not enabled");
    return HandleProductBatch(request, *writes_, context);
  }
  if (path == "/v1/search") {
    route = "/v1/search";
    if (get) {
      const auto before = std::chrono::steady_clock::now();
      if (std::optional<HttpResponse> early = AwaitMinSeq(*target, writes_)) return *early;
      // Waiting for a write to be visible is not the search's time.
      context.received += std::chrono::steady_clock::now() - before;
      return HandleSearch(*target, searchers_, context);
    }
    if (request.method == "POST") return HandleSearchPost(request.body, searchers_, context);
    return MethodNotAllowed("GET, POST");
  }
  if (path.starts_with("/v1/products/")) {
    route = "/v1/products/{id}";
    const std::string_view id = std::string_view(path).substr(13);
    if (get) {
      if (std::optional<HttpResponse> early = AwaitMinSeq(*target, writes_)) return *early;
      return HandleGetProduct(id, searchers_);
    }
    if (request.method != "PUT" && request.method != "PATCH" && request.method != "DELETE") {
      return MethodNotAllowed("GET, PUT, PATCH, DELETE");
    }
    if (writes_ == nullptr) return ErrorResponse(503, "unavailable", "writes are not enabled");
    return HandleProductWrite(request, id, *writes_, context);
  }
  if (path == "/v1/suggest") {
    route = "/v1/suggest";
    // Suggestions come from the whole catalog, not a scoped key's share.
    return get ? HandleSuggest(*target, searchers_) : MethodNotAllowed("GET");
  }
  if (path == "/v1/analyze") {
    route = "/v1/analyze";
    return get ? HandleAnalyze(*target, searchers_) : MethodNotAllowed("GET");
  }
  if (path == "/v1/admin/state") {
    route = "/v1/admin/state";
    return get ? HandleAdminState(searchers_, writes_, config_) : MethodNotAllowed("GET");
  }
  if (path == "/healthz") {
    route = "/healthz";
    return get ? HandleHealth() : MethodNotAllowed("GET");
  }
  if (path == "/readyz") {
    route = "/readyz";
    if (!get) return MethodNotAllowed("GET");
    if (draining_) return ErrorResponse(503, "unavailable", "shutting down");
    return HandleReady(searchers_);
  }
  if (path == "/metrics") {
    route = "/metrics";
    return get ? HandleMetrics(metrics_, searchers_) : MethodNotAllowed("GET");
  }
  route = "unmatched";
  return ErrorResponse(404, "not_found", StrCat("no route for ", path));
}

HttpResponse Api::Handle(HttpRequest&& request) {
  const auto start = std::chrono::steady_clock::now();
  const std::string request_id = RequestIdFor(request);
  std::string_view route;
  std::string who;  // the key's name
  RequestTrace trace(request, tracing_);
  const ScopedLogContext log_context(request_id, trace.trace_id());
  RequestContext context{
      .received = request.received, .search_budget = search_budget_, .stages = trace.stages()};
  HttpResponse response = Route(request, route, who, context);
  AddRateLimitHeaders(context, response);
  response.headers.emplace_back("X-Request-Id", request_id);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.RecordRequest(route, request.method, response.status, seconds);
  trace.Finish(request.method, route, response.status, request_id);
  access_log_.Write({.request_id = request_id,
                     .method = request.method,
                     .target = request.target,
                     .remote_address = request.remote_address,
                     .key_name = who,
                     .trace_id = trace.trace_id(),
                     .span_id = trace.span_id(),
                     .status = response.status,
                     .duration_ms = seconds * 1000,
                     .response_bytes = response.body.size()});
  return response;
}

}  // namespace vitrine::server
