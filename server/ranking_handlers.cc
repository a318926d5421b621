#include "server/ranking_handlers.h"

#include "base/strings.h"
#include "server/errors.h"

namespace vitrine::server {
namespace {

HttpResponse RankingResponse(uint64_t version, const merch::Ranking& ranking) {
  // ranking.json is an object: the version goes first, then its keys.
  HttpResponse response{.status = 200,
                        .body = StrCat(R"({"version":)", version, ",", ranking.json.substr(1))};
  response.headers.emplace_back("ETag", StrCat("\"", version, "\""));
  return response;
}

}  // namespace

HttpResponse HandleRankingConfig(const HttpRequest& request, merch::ConfigStore& config,
                                 std::string_view who, std::optional<uint64_t> if_match) {
  if (request.method == "GET" || request.method == "HEAD") {
    // One snapshot: the version and the weights it holds.
    const std::shared_ptr<const merch::ConfigSnapshot> snapshot = config.snapshot();
    return RankingResponse(snapshot->version, *snapshot->ranking);
  }
  if (request.method == "PUT") {
    absl::StatusOr<uint64_t> version = config.SetRanking(request.body, who, if_match);
    if (!version.ok()) return ErrorResponse(version.status());
    return RankingResponse(*version, *config.ranking());
  }
  HttpResponse response = ErrorResponse(405, "method_not_allowed", "use GET, PUT on this route");
  response.headers.emplace_back("Allow", "GET, PUT");
  return response;
}

}  // namespace vitrine::server
