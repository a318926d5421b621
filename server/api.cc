#include "server/api.h"

#include <chrono>
#include <random>

#include "base/strings.h"
#include "server/errors.h"
#include "server/handlers.h"
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

}  // namespace

HttpResponse Api::Route(const HttpRequest& request, std::string_view& route) {
  absl::StatusOr<Target> target = ParseTarget(request.target);
  if (!target.ok()) {
    route = "unmatched";
    return ErrorResponse(target.status());
  }
  const std::string& path = target->path;
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (path == "/v1/search") {
    route = "/v1/search";
    if (get) return HandleSearch(*target, searchers_);
    if (request.method == "POST") return HandleSearchPost(request.body, searchers_);
    return MethodNotAllowed("GET, POST");
  }
  if (path.starts_with("/v1/products/")) {
    route = "/v1/products/{id}";
    return get ? HandleGetProduct(std::string_view(path).substr(13), searchers_)
               : MethodNotAllowed("GET");
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
    return get ? HandleMetrics(metrics_) : MethodNotAllowed("GET");
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
