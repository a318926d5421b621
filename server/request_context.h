// RequestContext: what the API layer knows of a request beyond its parameters,
// handed from Api::Handle to the handlers: when it arrived (a search's deadline
// counts from there), what a scoped key forces on it, and where a search notes
// its stages for the trace. Private to server/.
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include "query/request.h"
#include "server/rate_limiter.h"
#include "server/scoped_keys.h"

namespace vitrine::server {

struct RequestContext {
  std::chrono::steady_clock::time_point received = std::chrono::steady_clock::now();
  // The server's time budget for a search; timeout_ms may ask for less.
  std::chrono::milliseconds search_budget{1000};
  // The scope of a scoped key (server/scoped_keys.h): its filters replace the
  // request's on those fields.
  std::optional<KeyScope> scope;
  // The key's rate limit as this request left it: X-RateLimit-* headers.
  std::optional<RateLimiter::Decision> rate;
  // Set when the request is traced: a search appends its stages here.
  std::vector<query::StageTiming>* stages = nullptr;

  // Puts the budget, the scope and the stage log on `request`.
  void Apply(query::SearchRequest& request) const {
    std::chrono::milliseconds budget = search_budget;
    if (request.timeout_ms > 0) {
      budget = std::min(budget, std::chrono::milliseconds(request.timeout_ms));
    }
    request.deadline = received + budget;
    request.stages = stages;
    if (scope) {
      for (const auto& forced : scope->filters) {
        const std::string& field = forced.first;  // (a lambda cannot capture a binding in C++20)
        request.filters[field] = forced.second;
        // A field's facets ignore the field's own filter (disjunctive), so
        // they would count products outside the scope: left out (the field's
        // and its levels', category.lvl0 for category).
        std::erase_if(request.facets, [&field](const std::string& facet) {
          return facet == field || (facet.starts_with(field) && facet.size() > field.size() &&
                                    facet[field.size()] == '.');
        });
      }
      if (scope->in_stock) request.in_stock = scope->in_stock;
    }
  }
};

}  // namespace vitrine::server
