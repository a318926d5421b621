#include "server/api.h"

#include <chrono>
#include <random>

#include "base/strings.h"
#include "server/config_handlers.h"
#include "server/errors.h"
#include "server/handlers.h"
#include "server/product_writes.h"
#include "server/url.h"

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

HttpResponse MethodNotAllowed(std::string_view allowed) {
  HttpResponse response =
      ErrorResponse(405, "method_not_allowed", StrCat("use ", allowed, " on this route"));
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

// The key a request carries: X-API-Key, else an Authorization bearer token.
std::string_view KeyOf(const HttpRequest& request) {
  if (std::string_view key = request.Header("x-api-key"); !key.empty()) return key;
  std::string_view authorization = request.Header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() &&
      AsciiLower(authorization.substr(0, kBearer.size())) == "bearer ") {
    return authorization.substr(kBearer.size());
  }
  return {};
}

// Compares in time independent of where the strings differ.
bool SameKey(std::string_view given, std::string_view expected) {
  if (given.size() != expected.size()) return false;
  unsigned char difference = 0;
  for (size_t i = 0; i < given.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ expected[i]);
  }
  return difference == 0;
}

bool IsConfigPath(std::string_view path) {
  return path == "/v1/config" || path.starts_with("/v1/config/");
}

}  // namespace

std::optional<HttpResponse> Api::Deny(const HttpRequest& request, bool admin) const {
  if (admin && keys_.admin.empty()) {
    return ErrorResponse(403, "forbidden",
                         "writes need the admin key, and the server has none configured "
                         "(set VITRINE_ADMIN_KEY)");
  }
  if (!admin && keys_.search.empty()) return std::nullopt;
  const std::string_view key = KeyOf(request);
  if (key.empty()) {
    HttpResponse response = ErrorResponse(401, "unauthenticated",
                                          "send the API key as X-API-Key or Authorization: Bearer");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  if (SameKey(key, keys_.admin) && !keys_.admin.empty()) return std::nullopt;
  if (!admin && SameKey(key, keys_.search)) return std::nullopt;
  return ErrorResponse(403, "forbidden",
                       admin ? "this route needs the admin key" : "the API key is not valid");
}

HttpResponse Api::Route(const HttpRequest& request, std::string_view& route) {
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
  const bool admin = (path.starts_with("/v1/products") && write) || IsConfigPath(path);
  if (!open) {
    if (std::optional<HttpResponse> denied = Deny(request, admin)) {
      route = "denied";
      return *std::move(denied);
    }
  }
  // Merchandising config: admin routes (config_handlers.cc).
  if (IsConfigPath(path)) {
    if (config_ == nullptr) {
      route = "/v1/config";
      return ErrorResponse(503, "unavailable", "no config store is open");
    }
    return HandleConfig(request, *target, *config_, "admin", route);
  }
  if (path == "/v1/products:batch") {
    route = "/v1/products:batch";
    if (request.method != "POST") return MethodNotAllowed("POST");
    if (writes_ == nullptr) return ErrorResponse(503, "unavailable", "writes are not enabled");
    return writes_->Batch(request.body, request.Header("idempotency-key"));
  }
  if (path == "/v1/search") {
    route = "/v1/search";
    if (get) return HandleSearch(*target, searchers_);
    if (request.method == "POST") return HandleSearchPost(request.body, searchers_);
    return MethodNotAllowed("GET, POST");
  }
  if (path.starts_with("/v1/products/")) {
    route = "/v1/products/{id}";
    const std::string_view id = std::string_view(path).substr(13);
    if (get) return HandleGetProduct(id, searchers_);
    if (request.method != "PUT" && request.method != "PATCH" && request.method != "DELETE") {
      return MethodNotAllowed("GET, PUT, PATCH, DELETE");
    }
    if (writes_ == nullptr) return ErrorResponse(503, "unavailable", "writes are not enabled");
    return writes_->Write(request.method, id, request.body, request.Header("idempotency-key"));
  }
  if (path == "/v1/suggest") {
    route = "/v1/suggest";
    return get ? HandleSuggest(*target, searchers_) : MethodNotAllowed("GET");
  }
  if (path == "/v1/analyze") {
    route = "/v1/analyze";
    return get ? HandleAnalyze(*target, searchers_) : MethodNotAllowed("GET");
  }
  if (path == "/healthz") {
    route = "/healthz";
    return get ? HandleHealth() : MethodNotAllowed("GET");
  }
  if (path == "/readyz") {
    route = "/readyz";
    return get ? HandleReady(searchers_) : MethodNotAllowed("GET");
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
  HttpResponse response = Route(request, route);
  response.headers.emplace_back("X-Request-Id", request_id);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.RecordRequest(route, request.method, response.status, seconds);
  access_log_.Write({.request_id = request_id,
                     .method = request.method,
                     .target = request.target,
                     .remote_address = request.remote_address,
                     .status = response.status,
                     .duration_ms = seconds * 1000,
                     .response_bytes = response.body.size()});
  return response;
}

}  // namespace vitrine::server
