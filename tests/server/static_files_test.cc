// StaticFiles: the built UI served with its content types, caching and security
// headers, and nothing outside its directory, however the path is spelled.
#include "server/static_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/api.h"
#include "tests/server/server_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using ::testing::HasSubstr;

void Write(const std::filesystem::path& path, std::string_view text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  StaticFilesTest() {
    const std::filesystem::path ui = dir_.Sub("ui");
    Write(ui / "index.html", "<!doctype html><title>storefront</title>");
    Write(ui / "console" / "index.html", "<!doctype html><title>console</title>");
    Write(ui / "assets" / "storefront-ABC123.js", "console.log(1)");
    Write(ui / "assets" / "storefront-ABC123.css", "body{}");
    Write(ui / ".env", "SECRET=1");
    Write(dir_.Sub("secret.txt"), "outside the root");
    std::filesystem::create_symlink(dir_.Sub("secret.txt"), ui / "leak.txt");
    files_ = StaticFiles::Open(ui.string()).value();
  }

  HttpResponse Get(std::string_view path, std::string etag = "") const {
    HttpRequest request{.method = "GET", .target = std::string(path)};
    if (!etag.empty()) request.headers.emplace_back("if-none-match", etag);
    return files_->Serve(path, request);
  }

  vitrine::testing::TempDir dir_;
  std::optional<StaticFiles> files_;
};

TEST_F(StaticFilesTest, ServesTheStorefrontAndConsoleWithSecurityHeaders) {
  const HttpResponse home = Get("/");
  ASSERT_EQ(home.status, 200);
  EXPECT_THAT(home.body, HasSubstr("storefront"));
  EXPECT_EQ(home.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(HeaderOf(home, "Cache-Control"), "no-cache");
  EXPECT_THAT(HeaderOf(home, "Content-Security-Policy"), HasSubstr("script-src 'self'"));
  EXPECT_THAT(HeaderOf(home, "Content-Security-Policy"), HasSubstr("frame-ancestors 'none'"));
  EXPECT_EQ(HeaderOf(home, "X-Content-Type-Options"), "nosniff");
  EXPECT_THAT(Get("/console/").body, HasSubstr("console"));
  const HttpResponse redirect = Get("/console");
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(HeaderOf(redirect, "Location"), "/console/");
}

TEST_F(StaticFilesTest, HashedAssetsAreCachedForAYearWithTheirTypes) {
  const HttpResponse script = Get("/assets/storefront-ABC123.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(script, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Get("/assets/storefront-ABC123.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeOf("a.unknown"), "application/octet-stream");
}

TEST_F(StaticFilesTest, RevalidatesWithTheETag) {
  const HttpResponse first = Get("/");
  const std::string etag = HeaderOf(first, "ETag");
  ASSERT_FALSE(etag.empty());
  const HttpResponse again = Get("/", etag);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(Get("/", "\"other\"").status, 200);
}

TEST_F(StaticFilesTest, NothingOutsideTheRootNorHiddenFiles) {
  for (std::string_view path : {"/../secret.txt", "/assets/../../secret.txt", "/./index.html",
                                "/.env", "/leak.txt", "/assets/..", "/a\\..\\secret.txt",
                                "/missing.js", "relative", "/console/../../secret.txt"}) {
    const HttpResponse response = Get(path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_THAT(response.body, ::testing::Not(HasSubstr("outside the root"))) << path;
    EXPECT_THAT(response.body, ::testing::Not(HasSubstr("SECRET"))) << path;
  }
}

TEST_F(StaticFilesTest, OpenNeedsABuiltUi) {
  const absl::StatusOr<StaticFiles> missing = StaticFiles::Open(dir_.Sub("nothing-here"));
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("VITRINE_BUILD_UI"));
}

TEST_F(StaticFilesTest, TheApiServesTheUiBesideItsRoutes) {
  query::SearcherPool pool(BuildFixtureIndex(dir_.Sub("data")));
  Metrics metrics;
  AccessLog log(-1);
  Api api(pool, metrics, log, {.search = "search-key-123456"});
  api.SetStaticFiles(&*files_);
  auto get = [&api](std::string target) {
    return api.Handle({.method = "GET", .target = std::move(target)});
  };
  // The UI is public even when search needs a key (the page sends its own).
  EXPECT_EQ(get("/").status, 200);
  EXPECT_EQ(get("/assets/storefront-ABC123.js").status, 200);
  // Percent-encoded dots are decoded before the check, and still refused.
  EXPECT_EQ(get("/%2e%2e/secret.txt").status, 404);
  EXPECT_EQ(get("/assets/%2E%2E/%2E%2E/secret.txt").status, 404);
  // The API keeps its routes and its keys.
  EXPECT_EQ(get("/v1/search?q=shirt").status, 401);
  EXPECT_EQ(get("/healthz").status, 200);
  EXPECT_EQ(get("/v1/nothing").status, 401);  // an API path, behind the API's keys
  // Only GET and HEAD read files; anything else is an API request, behind its keys.
  EXPECT_EQ(api.Handle({.method = "POST", .target = "/"}).status, 401);
}

}  // namespace
}  // namespace vitrine::server
