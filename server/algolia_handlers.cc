#include "server/algolia_handlers.h"

#include <chrono>
#include <optional>

#include "base/status.h"
#include "base/strings.h"
#include "merch/config_store.h"
#include "merch/rule_set.h"
#include "server/algolia_plan.h"
#include "server/algolia_query.h"
#include "server/algolia_response.h"

namespace vitrine::server {
namespace {

using algolia::AlgoliaQuery;
using algolia::PlannedQuery;
using Clock = std::chrono::steady_clock;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Runs a multi-query's plan on one searcher: own searches first, then the
// queries answered from them (and their counts).
class Execution {
 public:
  Execution(query::SearcherPool& searchers, std::vector<AlgoliaQuery> queries,
            const RequestContext& context)
      : searchers_(searchers),
        context_(context),
        queries_(std::move(queries)),
        config_(searchers.config()),
        responses_(queries_.size()),
        totals_(queries_.size()),
        took_ms_(queries_.size()) {}

  // The JSON of each query's result, in order.
  absl::StatusOr<std::vector<std::string>> Run() {
    ASSIGN_OR_RETURN(std::shared_ptr<const query::Index> index, CurrentIndex());
    const merch::RuleSet* rules = config_ ? config_->rules.get() : nullptr;
    const std::vector<PlannedQuery> plan = algolia::PlanQueries(queries_, rules, absl::Now());
    ASSIGN_OR_RETURN(query::SearcherPool::Lease searcher, searchers_.Acquire());
    std::vector<std::string> results(queries_.size());
    for (size_t i = 0; i < queries_.size(); ++i) {
      const auto start = Clock::now();
      if (plan[i].how == PlannedQuery::How::kSuggest) {
        // Suggestions come from the whole catalog, not a scoped key's share.
        if (context_.scope) {
          return absl::PermissionDeniedError(
              "a scoped key may only search; the suggestions index is not scoped");
        }
        ASSIGN_OR_RETURN(results[i], Suggest(*index, queries_[i], start));
      } else if (plan[i].how == PlannedQuery::How::kSearch) {
        ASSIGN_OR_RETURN(responses_[i], searcher->Search(Request(queries_[i].search, i)));
        totals_[i] = responses_[i]->total;
        searchers_.CountSearch(totals_[i]);
        took_ms_[i] = MillisecondsSince(start);
      }
    }
    for (size_t i = 0; i < queries_.size(); ++i) {
      const PlannedQuery& planned = plan[i];
      if (planned.how == PlannedQuery::How::kSuggest) continue;
      const query::SearchResponse* facets = nullptr;
      if (planned.how == PlannedQuery::How::kFacetsFrom) {
        const auto start = Clock::now();
        totals_[i] = totals_[planned.source];
        if (planned.count) {
          ASSIGN_OR_RETURN(
              const query::SearchResponse counted,
              searcher->Search(Request(
                  algolia::CountRequest(queries_[i].search, *responses_[planned.source]), i)));
          totals_[i] = counted.total;
        }
        facets = &*responses_[planned.source];
        took_ms_[i] = MillisecondsSince(start);
      } else {
        facets = &*responses_[i];
      }
      results[i] = algolia::ResultJson({.query = &queries_[i],
                                        .hits_from = responses_[i] ? &*responses_[i] : nullptr,
                                        .facets_from = facets,
                                        .total = totals_[i],
                                        .took_ms = took_ms_[i]});
    }
    return results;
  }

 private:
  absl::StatusOr<std::shared_ptr<const query::Index>> CurrentIndex() const {
    std::shared_ptr<const query::Index> index = searchers_.current();
    if (index == nullptr) return absl::UnavailableError("no index is being served yet");
    return index;
  }

  // The live merchandising config applies, as on /v1/search (rules only when
  // the query leaves enableRules on).
  query::SearchRequest Request(query::SearchRequest search, size_t i) const {
    if (config_) {
      if (queries_[i].rules_enabled) search.rules = config_->rules;
      search.synonyms = config_->synonyms;
      search.ranking = config_->ranking;
    }
    context_.Apply(search);  // the deadline and a scoped key's filters
    return search;
  }

  static absl::StatusOr<std::string> Suggest(const query::Index& index, const AlgoliaQuery& query,
                                             Clock::time_point start) {
    std::vector<query::Suggestion> suggestions;
    // An empty box suggests nothing (Vitrine's suggester needs a prefix).
    if (!Trim(query.suggest.q).empty()) {
      ASSIGN_OR_RETURN(suggestions, index.suggester().Suggest(query.suggest));
    }
    return algolia::SuggestionsJson(query, suggestions, MillisecondsSince(start));
  }

  query::SearcherPool& searchers_;
  const RequestContext& context_;
  const std::vector<AlgoliaQuery> queries_;
  const std::shared_ptr<const merch::ConfigSnapshot> config_;
  std::vector<std::optional<query::SearchResponse>> responses_;
  std::vector<uint64_t> totals_;
  std::vector<double> took_ms_;
};

std::vector<std::string> AttributesOf(query::SearcherPool& searchers) {
  const std::shared_ptr<const query::Index> index = searchers.current();
  return index ? index->filterable_attributes() : std::vector<std::string>();
}

HttpResponse Json(std::string body) {
  HttpResponse response;
  response.body = std::move(body);
  return response;
}

HttpResponse MultiQuery(std::string_view body, query::SearcherPool& searchers,
                        const RequestContext& context) {
  absl::StatusOr<std::vector<AlgoliaQuery>> queries =
      algolia::ParseMultiQuery(body, AttributesOf(searchers));
  if (!queries.ok()) return algolia::AlgoliaError(queries.status());
  absl::StatusOr<std::vector<std::string>> results =
      Execution(searchers, *std::move(queries), context).Run();
  if (!results.ok()) return algolia::AlgoliaError(results.status());
  std::string out = R"({"results":[)";
  for (size_t i = 0; i < results->size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append((*results)[i]);
  }
  out.append("]}");
  return Json(std::move(out));
}

HttpResponse SingleQuery(std::string_view index_name, std::string_view body,
                         query::SearcherPool& searchers, const RequestContext& context) {
  absl::StatusOr<AlgoliaQuery> query =
      algolia::ParseSingleQuery(index_name, body, AttributesOf(searchers));
  if (!query.ok()) return algolia::AlgoliaError(query.status());
  absl::StatusOr<std::vector<std::string>> results =
      Execution(searchers, {*std::move(query)}, context).Run();
  if (!results.ok()) return algolia::AlgoliaError(results.status());
  return Json(std::move(results->front()));
}

HttpResponse MethodNotAllowed() {
  HttpResponse response =
      algolia::AlgoliaError(absl::InvalidArgumentError("use POST on this route"));  // mapped below
  response.status = 405;
  response.headers.emplace_back("Allow", "POST, OPTIONS");
  return response;
}

}  // namespace

bool IsAlgoliaPath(std::string_view path) { return path.starts_with("/1/"); }

std::string AlgoliaKeyOf(const HttpRequest& request, const Target& target) {
  if (std::string_view key = request.Header("x-algolia-api-key"); !key.empty()) {
    return std::string(key);
  }
  for (const auto& [name, value] : target.params) {
    if (name == "x-algolia-api-key") return value;
  }
  return {};
}

void AddAlgoliaCors(HttpResponse& response) {
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
}

HttpResponse HandleAlgolia(const HttpRequest& request, const Target& target,
                           query::SearcherPool& searchers, std::string_view& route,
                           const RequestContext& context) {
  const std::string& path = target.path;
  constexpr std::string_view kIndexes = "/1/indexes/";
  if (request.method == "OPTIONS") {
    route = "/1/indexes (preflight)";
    HttpResponse response;
    response.status = 204;
    response.headers.emplace_back("Access-Control-Allow-Methods", "POST, OPTIONS");
    response.headers.emplace_back(
        "Access-Control-Allow-Headers",
        "Content-Type, X-Algolia-API-Key, X-Algolia-Application-Id, X-Algolia-Agent");
    response.headers.emplace_back("Access-Control-Max-Age", "86400");
    return response;
  }
  if (path == "/1/indexes/*/queries") {
    route = "/1/indexes/*/queries";
    return request.method == "POST" ? MultiQuery(request.body, searchers, context)
                                    : MethodNotAllowed();
  }
  if (path.starts_with(kIndexes) && path.ends_with("/query")) {
    route = "/1/indexes/{index}/query";
    const std::string_view index =
        std::string_view(path).substr(kIndexes.size(), path.size() - kIndexes.size() - 6);
    if (index.find('/') != std::string_view::npos) {
      return algolia::AlgoliaError(absl::InvalidArgumentError(
          "searchForFacetValues (/1/indexes/{index}/facets/{facet}/query) is not supported"));
    }
    return request.method == "POST" ? SingleQuery(index, request.body, searchers, context)
                                    : MethodNotAllowed();
  }
  route = "unmatched";
  return algolia::AlgoliaError(absl::NotFoundError(
      StrCat("no route for ", path,
             "; Vitrine answers POST /1/indexes/*/queries and POST /1/indexes/{index}/query")));
}

}  // namespace vitrine::server
