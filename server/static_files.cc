#include "server/static_files.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "base/strings.h"
#include "server/errors.h"

namespace vitrine::server {
namespace {

namespace fs = std::filesystem;

constexpr uintmax_t kMaxFileBytes = 32 << 20;

bool SafeSegment(std::string_view segment) {
  return !segment.empty() && segment != "." && segment != ".." && !segment.starts_with('.') &&
         segment.find('\\') == std::string_view::npos &&
         segment.find('\0') == std::string_view::npos;
}

HttpResponse NotFound(std::string_view path) {
  return ErrorResponse(404, "not_found", StrCat("no file for ", path));
}

void AddSecurityHeaders(HttpResponse& response) {
  response.headers.emplace_back("Content-Security-Policy",
                                std::string(StaticFiles::ContentSecurityPolicy()));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
}

}  // namespace

std::string_view ContentTypeOf(std::string_view file_name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (EndsWithIgnoreCase(file_name, extension)) return type;
  }
  return "application/octet-stream";
}

std::string_view StaticFiles::ContentSecurityPolicy() {
  return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
         "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
         "form-action 'self'; frame-ancestors 'none'";
}

absl::StatusOr<StaticFiles> StaticFiles::Open(const std::string& root) {
  std::error_code error;
  const fs::path canonical = fs::canonical(root, error);
  if (error || !fs::is_regular_file(canonical / "index.html", error)) {
    return absl::NotFoundError(StrCat("no built UI in '", root,
                                      "' (index.html missing); build with -DVITRINE_BUILD_UI=ON "
                                      "or pass --ui-dir"));
  }
  return StaticFiles(canonical);
}

bool StaticFiles::Serves(std::string_view path) {
  return !path.starts_with("/v1/") && path != "/v1" && !path.starts_with("/1/") &&
         path != "/healthz" && path != "/readyz" && path != "/metrics";
}

HttpResponse StaticFiles::Serve(std::string_view path, const HttpRequest& request) const {
  if (path == "/console") {
    HttpResponse response = ErrorResponse(301, "moved", "the console is at /console/");
    response.headers.emplace_back("Location", "/console/");
    return response;
  }
  if (!path.starts_with('/')) return NotFound(path);
  fs::path file = root_;
  std::string_view rest = path.substr(1);
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    // "a//b" and a trailing "/" are fine; any other odd segment is refused.
    if (!(segment.empty() && slash != std::string_view::npos) && !SafeSegment(segment)) {
      return NotFound(path);
    }
    if (!segment.empty()) file /= std::string(segment);
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  std::error_code error;
  if (fs::is_directory(file, error)) file /= "index.html";
  const fs::path resolved = fs::canonical(file, error);
  if (error || !fs::is_regular_file(resolved, error)) return NotFound(path);
  // A link may point anywhere; only files under the root are served.
  const auto [root_end, unused] =
      std::mismatch(root_.begin(), root_.end(), resolved.begin(), resolved.end());
  if (root_end != root_.end()) return NotFound(path);
  const uintmax_t size = fs::file_size(resolved, error);
  const auto modified = fs::last_write_time(resolved, error);
  if (error || size > kMaxFileBytes) return NotFound(path);
  const std::string etag = StrCat("\"", size, "-", modified.time_since_epoch().count(), "\"");
  HttpResponse response;
  AddSecurityHeaders(response);
  response.content_type = std::string(ContentTypeOf(resolved.filename().string()));
  const bool hashed = path.starts_with("/assets/");
  response.headers.emplace_back("Cache-Control",
                                hashed ? "public, max-age=31536000, immutable" : "no-cache");
  response.headers.emplace_back("ETag", etag);
  if (request.Header("if-none-match") == etag) {
    response.status = 304;
    return response;
  }
  std::ifstream in(resolved, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  if (!in) return ErrorResponse(500, "internal", "could not read the file");
  response.body = std::move(contents).str();
  return response;
}

}  // namespace vitrine::server
