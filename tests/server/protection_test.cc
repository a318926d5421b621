// What protects the server and its shoppers from a client: scoped search keys
// (and attempts to widen them), rate limits per key, and a search's time budget.
// Api::Handle over a real index of the fixture feed, without sockets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "server/api.h"
#include "server/rate_limiter.h"
#include "server/scoped_keys.h"
#include "tests/server/server_testing.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::server {
namespace {

using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kSearchKey[] = "search-secret-1";
constexpr char kOtherSearchKey[] = "search-secret-2";
constexpr char kTightKey[] = "tight-secret-3";  // a search key named "tight", 3 requests

int64_t Now() { return absl::ToUnixSeconds(absl::Now()); }

std::optional<std::string> ParentOf(std::string_view name) {
  if (name == "search") return std::string(kSearchKey);
  return std::nullopt;
}

KeyScope MenOnly(int64_t expires_in = 3600) {
  return {.parent = "search", .filters = {{"gender", {"Men"}}}, .expires = Now() + expires_in};
}

TEST(ScopedKeys, VerifyGivesBackTheScopeThatWasSigned) {
  KeyScope scope = MenOnly();
  scope.in_stock = true;
  scope.rate = 5;
  scope.burst = 10;
  const std::string key = MintScopedKey(scope, kSearchKey);
  EXPECT_TRUE(key.starts_with("vs1."));
  absl::StatusOr<KeyScope> verified = VerifyScopedKey(key, ParentOf, Now());
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->parent, "search");
  EXPECT_EQ(verified->filters, scope.filters);
  EXPECT_EQ(verified->in_stock, true);
  EXPECT_EQ(verified->expires, scope.expires);
  EXPECT_EQ(verified->rate, 5);
  EXPECT_EQ(verified->burst, 10);
}

TEST(ScopedKeys, RefusesForgedTamperedExpiredAndMalformedKeys) {
  const std::string key = MintScopedKey(MenOnly(), kSearchKey);
  const size_t dot = key.rfind('.');
  // The payload widened by hand (gender Women), signature kept.
  KeyScope widened = MenOnly();
  widened.filters["gender"] = {"Women"};
  const std::string other = MintScopedKey(widened, kSearchKey);
  const std::string tampered = other.substr(0, other.rfind('.')) + key.substr(dot);
  const struct {
    std::string key;
    absl::StatusCode code;
    std::string message;
  } kCases[] = {
      {tampered, absl::StatusCode::kUnauthenticated, "signature is not valid"},
      {MintScopedKey(MenOnly(), kOtherSearchKey), absl::StatusCode::kUnauthenticated,
       "signature is not valid"},
      {MintScopedKey({.parent = "nobody", .expires = Now() + 60}, kSearchKey),
       absl::StatusCode::kUnauthenticated, "signature is not valid"},
      {MintScopedKey(MenOnly(-1), kSearchKey), absl::StatusCode::kPermissionDenied, "expired"},
      {"vs1.", absl::StatusCode::kUnauthenticated, "malformed"},
      {"vs1.!!!.abc", absl::StatusCode::kUnauthenticated, "malformed"},
      {"vs1.bm90IGpzb24.abc", absl::StatusCode::kUnauthenticated, "not JSON"},
      {key.substr(0, dot), absl::StatusCode::kUnauthenticated, "malformed"},
      {"vs1." + std::string(5000, 'a') + ".b", absl::StatusCode::kUnauthenticated, "malformed"},
  };
  for (const auto& c : kCases) {
    absl::StatusOr<KeyScope> verified = VerifyScopedKey(c.key, ParentOf, Now());
    ASSERT_FALSE(verified.ok()) << c.key;
    EXPECT_EQ(verified.status().code(), c.code) << c.key << ": " << verified.status();
    EXPECT_THAT(verified.status().message(), HasSubstr(c.message)) << c.key;
    EXPECT_THAT(verified.status().message(), Not(HasSubstr(kSearchKey)));
  }
}

TEST(RateLimits, ParseNamesAndRatesAndRefusesNonsense) {
  absl::StatusOr<std::map<std::string, RateLimit>> limits =
      ParseRateLimits("storefront=50, partner=0.5:20");
  ASSERT_TRUE(limits.ok()) << limits.status();
  EXPECT_EQ(limits->at("storefront").rate, 50);
  EXPECT_EQ(limits->at("partner").rate, 0.5);
  EXPECT_EQ(limits->at("partner").burst, 20);
  for (const char* bad : {"storefront", "storefront=", "storefront=0", "storefront=-1",
                          "storefront=x", "storefront=5:y", "=5", "a=1,a=2", "a=inf"}) {
    EXPECT_FALSE(ParseRateLimits(bad).ok()) << bad;
  }
}

TEST(RateLimits, ATokenBucketRefillsAtItsRate) {
  RateLimiter limiter({{"shop", {.rate = 2, .burst = 3}}});
  const RateLimiter::Clock::time_point t0 = RateLimiter::Clock::now();
  EXPECT_FALSE(limiter.Take("unlimited", std::nullopt, t0).has_value());
  for (int i = 0; i < 3; ++i) {
    const RateLimiter::Decision d = *limiter.Take("shop", std::nullopt, t0);
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 2 - i);
    EXPECT_EQ(d.limit, 3);
  }
  const RateLimiter::Decision refused = *limiter.Take("shop", std::nullopt, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_DOUBLE_EQ(refused.retry_after_seconds, 0.5);
  // Half a second later one token is back, and only one.
  const auto later = t0 + std::chrono::milliseconds(500);
  EXPECT_TRUE(limiter.Take("shop", std::nullopt, later)->allowed);
  EXPECT_FALSE(limiter.Take("shop", std::nullopt, later)->allowed);
  EXPECT_EQ(limiter.refused(), 2u);
  // A limit of its own (a scoped key's) counts in its own bucket.
  EXPECT_TRUE(limiter.Take("scoped:abc", RateLimit{.rate = 1, .burst = 1}, later)->allowed);
  EXPECT_FALSE(limiter.Take("scoped:abc", RateLimit{.rate = 1, .burst = 1}, later)->allowed);
}

class ProtectionTest : public ::testing::Test {
 protected:
  ProtectionTest()
      : pool_(BuildFixtureIndex(dir_.Sub("data"))),
        api_(pool_, metrics_, log_,
             {.admin = kAdminKey,
              .search_keys = {{.name = "search", .key = kSearchKey},
                              {.name = "tight", .key = kTightKey}}},
             nullptr,
             {.rate_limits = {{"search", {.rate = 1000, .burst = 1000}},
                              {"tight", {.rate = 0.001, .burst = 3}}}}) {}

  HttpResponse Get(std::string target, Headers headers = {}) {
    return api_.Handle(
        {.method = "GET", .target = std::move(target), .headers = std::move(headers)});
  }
  HttpResponse Post(std::string target, std::string body, Headers headers = {}) {
    return api_.Handle({.method = "POST",
                        .target = std::move(target),
                        .headers = std::move(headers),
                        .body = std::move(body)});
  }
  static Headers Key(const std::string& key) { return {{"x-api-key", key}}; }

  // The genders of a search's hits.
  static std::vector<std::string> Genders(const HttpResponse& response) {
    std::vector<std::string> genders;
    const Json body = Json::parse(response.body);
    for (const Json& hit : body["hits"]) {
      genders.push_back(hit["product"]["gender"].get<std::string>());
    }
    return genders;
  }

  vitrine::testing::TempDir dir_;
  query::SearcherPool pool_;
  Metrics metrics_;
  AccessLog log_{-1};
  Api api_;
};

TEST_F(ProtectionTest, AScopedKeyHoldsEverySearchToItsFiltersAndCannotWidenThem) {
  const std::string key = MintScopedKey(MenOnly(), kSearchKey);
  const HttpResponse all = Get("/v1/search?per_page=50", Key(key));
  ASSERT_EQ(all.status, 200) << all.body;
  ASSERT_THAT(Genders(all), Not(::testing::IsEmpty()));
  EXPECT_THAT(Genders(all), Each("Men"));
  const uint64_t men = Json::parse(all.body)["total"].get<uint64_t>();

  // Asking for other values of the forced field, in the query string or the
  // body, or adding one: still men only.
  for (const std::string& target :
       {std::string("/v1/search?per_page=50&filter.gender=Women"),
        std::string("/v1/search?per_page=50&filter.gender=Women,Men&filter.gender=Unisex")}) {
    const HttpResponse widened = Get(target, Key(key));
    ASSERT_EQ(widened.status, 200) << widened.body;
    EXPECT_THAT(Genders(widened), Each("Men")) << target;
    EXPECT_EQ(Json::parse(widened.body)["total"].get<uint64_t>(), men) << target;
  }
  const HttpResponse posted =
      Post("/v1/search", R"({"per_page": 50, "filters": {"gender": ["Women"]}})", Key(key));
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_THAT(Genders(posted), Each("Men"));
  // Its own field's facet would count other genders (facets are disjunctive): left out.
  const Json faceted = Json::parse(Get("/v1/search?facets=gender,brand", Key(key)).body)["facets"];
  EXPECT_TRUE(faceted.contains("brand")) << faceted;
  EXPECT_FALSE(faceted.contains("gender")) << faceted;
  // So are a hierarchy's levels: category.lvl0 counts past a category filter too.
  const std::string shirts = MintScopedKey(
      {.parent = "search", .filters = {{"category", {"Shirts"}}}, .expires = Now() + 60},
      kSearchKey);
  const Json levels = Json::parse(
      Get("/v1/search?facets=category,category.lvl0,category.lvl2,brand", Key(shirts)).body);
  EXPECT_TRUE(levels["facets"].contains("brand")) << levels["facets"];
  EXPECT_EQ(levels["facets"].size(), 1u) << levels["facets"];
  // The plain search key sees everyone.
  EXPECT_GT(Json::parse(Get("/v1/search?per_page=50", Key(kSearchKey)).body)["total"], men);
}

TEST_F(ProtectionTest, AScopedKeyOnlySearches) {
  const std::string key = MintScopedKey(MenOnly(), kSearchKey);
  // Suggestions, product reads and analysis come from the whole catalog.
  for (const auto& [method, target] :
       {std::pair{"GET", "/v1/suggest?q=sh"}, std::pair{"GET", "/v1/products/1001"},
        std::pair{"GET", "/v1/analyze?text=tee"}, std::pair{"GET", "/v1/config"},
        std::pair{"DELETE", "/v1/products/1001"}}) {
    const HttpResponse response =
        api_.Handle({.method = method, .target = target, .headers = Key(key)});
    EXPECT_EQ(response.status, 403) << target << response.body;
    EXPECT_THAT(response.body, HasSubstr("scoped key")) << target;
  }
  // Forged, expired: refused, naming why, never echoing the key.
  KeyScope women = MenOnly();
  women.filters["gender"] = {"Women"};
  const std::string forged = MintScopedKey(women, "not-the-search-key");
  const HttpResponse refused = Get("/v1/search", Key(forged));
  EXPECT_EQ(refused.status, 401);
  EXPECT_THAT(refused.body, HasSubstr("signature is not valid"));
  EXPECT_THAT(refused.body, Not(HasSubstr(forged)));
  const HttpResponse expired = Get("/v1/search", Key(MintScopedKey(MenOnly(-5), kSearchKey)));
  EXPECT_EQ(expired.status, 403);
  EXPECT_THAT(expired.body, HasSubstr("expired"));
}

TEST_F(ProtectionTest, TheAlgoliaEndpointHoldsAScopedKeyToItsFiltersToo) {
  const std::string key = MintScopedKey(MenOnly(), kSearchKey);
  const HttpResponse response =
      Post("/1/indexes/products/query",
           R"({"query": "", "hitsPerPage": 50, "facetFilters": [["gender:Women"]]})",
           {{"x-algolia-api-key", key}});
  ASSERT_EQ(response.status, 200) << response.body;
  const Json hits = Json::parse(response.body)["hits"];
  ASSERT_FALSE(hits.empty());
  for (const Json& hit : hits) EXPECT_EQ(hit["gender"], "Men") << hit;
  const HttpResponse forged =
      Post("/1/indexes/products/query", R"({"query": ""})",
           {{"x-algolia-api-key", MintScopedKey(MenOnly(), "not-the-search-key")}});
  EXPECT_EQ(forged.status, 401) << forged.body;
}

TEST_F(ProtectionTest, AKeyOverItsRateLimitGets429WithRetryAfter) {
  // "tight" may burst 3 and refills one token in ~17 minutes.
  for (int i = 0; i < 3; ++i) {
    const HttpResponse response = Get("/v1/search?q=shirt", Key(kTightKey));
    ASSERT_EQ(response.status, 200) << response.body;
    EXPECT_EQ(HeaderOf(response, "X-RateLimit-Limit"), "3");
    EXPECT_EQ(HeaderOf(response, "X-RateLimit-Remaining"), std::to_string(2 - i));
    EXPECT_FALSE(HeaderOf(response, "X-RateLimit-Reset").empty());
  }
  const HttpResponse limited = Get("/v1/search?q=shirt", Key(kTightKey));
  EXPECT_EQ(limited.status, 429);
  EXPECT_THAT(limited.body, HasSubstr("'tight' is over its rate limit"));
  EXPECT_EQ(HeaderOf(limited, "X-RateLimit-Remaining"), "0");
  EXPECT_GE(std::stol(HeaderOf(limited, "Retry-After")), 900);
  EXPECT_EQ(api_.rate_limited(), 1u);
  // The admin key has no limit configured; health checks are never limited.
  EXPECT_EQ(Get("/v1/search?q=shirt", Key(kAdminKey)).status, 200);
  EXPECT_EQ(Get("/healthz").status, 200);
  // A scoped key with a rate of its own counts in its own bucket.
  KeyScope scope = MenOnly();
  scope.rate = 0.001;
  scope.burst = 1;
  const std::string scoped = MintScopedKey(scope, kSearchKey);
  EXPECT_EQ(Get("/v1/search", Key(scoped)).status, 200);
  EXPECT_EQ(Get("/v1/search", Key(scoped)).status, 429);
  scope.filters["gender"] = {"Women"};
  EXPECT_EQ(Get("/v1/search", Key(MintScopedKey(scope, kSearchKey))).status, 200);
  // Every key derived from "tight" counts against its limit too, with or
  // without a rate of its own, on either endpoint.
  const std::string from_tight =
      MintScopedKey({.parent = "tight", .expires = Now() + 60}, kTightKey);
  const HttpResponse scoped_limited = Get("/v1/search", Key(from_tight));
  EXPECT_EQ(scoped_limited.status, 429) << scoped_limited.body;
  EXPECT_THAT(scoped_limited.body, HasSubstr("'scoped:tight' is over its rate limit"));
  EXPECT_EQ(
      Post("/1/indexes/products/query", R"({"query": ""})", {{"x-algolia-api-key", from_tight}})
          .status,
      429);
}

TEST_F(ProtectionTest, ASearchPastItsBudgetIs503AndTimeoutMsIsChecked) {
  HttpRequest late{.method = "GET", .target = "/v1/search?q=shirt", .headers = Key(kAdminKey)};
  late.received -= std::chrono::seconds(2);  // waited past the 1 s budget before it ran
  const HttpResponse response = api_.Handle(std::move(late));
  EXPECT_EQ(response.status, 503) << response.body;
  EXPECT_THAT(response.body, HasSubstr("timed_out"));
  EXPECT_THAT(response.body, HasSubstr("time budget"));
  EXPECT_FALSE(HeaderOf(response, "Retry-After").empty());

  const HttpResponse fine = Get("/v1/search?q=shirt&timeout_ms=500", Key(kAdminKey));
  ASSERT_EQ(fine.status, 200) << fine.body;
  EXPECT_EQ(Json::parse(fine.body)["timed_out"], false);
  for (const char* bad : {"timeout_ms=0", "timeout_ms=60001", "timeout_ms=soon"}) {
    const HttpResponse refused = Get(std::string("/v1/search?q=shirt&") + bad, Key(kAdminKey));
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_THAT(refused.body, HasSubstr("timeout_ms")) << bad;
  }
}

}  // namespace
}  // namespace vitrine::server
