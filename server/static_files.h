// StaticFiles: serves the built storefront (at /) and merchandiser console (at
// /console/) from a directory, with content types, caching and security headers.
//
//   ASSIGN_OR_RETURN(StaticFiles files, StaticFiles::Open("build/ui"));
//   if (files.Serves(path)) return files.Serve(path, request);
//
// Layout of the directory (ui/build.mjs writes it): index.html (storefront),
// console/index.html, and assets/ whose file names carry a content hash, so they
// are cached for a year; HTML is revalidated on every load.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "server/http.h"

namespace vitrine::server {

class StaticFiles {
 public:
  // `root` must be a directory holding index.html.
  static absl::StatusOr<StaticFiles> Open(const std::string& root);

  // Whether a GET of `path` is for the UI (everything but the API, /1/ and the
  // operations routes).
  static bool Serves(std::string_view path);

  // The file for `path` (percent-decoded): "/" is index.html, a directory its
  // index.html, "/console" redirects to "/console/". Paths with "..", ".",
  // hidden or empty segments, backslashes or NULs are 404s, and so is anything
  // that resolves (through links) outside the root. Honours If-None-Match.
  HttpResponse Serve(std::string_view path, const HttpRequest& request) const;

  const std::filesystem::path& root() const { return root_; }

  // The Content-Security-Policy every UI response carries: scripts, styles and
  // connections from this origin only; no inline script, no framing.
  static std::string_view ContentSecurityPolicy();

 private:
  explicit StaticFiles(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;  // canonical
};

// The Content-Type for a file name's extension (application/octet-stream when unknown).
std::string_view ContentTypeOf(std::string_view file_name);

}  // namespace vitrine::server
