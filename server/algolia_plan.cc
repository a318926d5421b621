#include "server/algolia_plan.h"

#include <algorithm>
#include <optional>
#include <set>

#include "merch/rule_set.h"

namespace vitrine::server::algolia {
namespace {

bool SameRange(const query::Range& a, const query::Range& b) {
  return a.gte == b.gte && a.lte == b.lte;
}

// The one filter (or range) field `main` has and `derived` lacks, when that is
// their only difference: "" when they filter alike, nullopt otherwise.
std::optional<std::string> DroppedField(const query::SearchRequest& main,
                                        const query::SearchRequest& derived) {
  std::set<std::string> differing;
  for (const auto& [field, values] : main.filters) {
    const auto it = derived.filters.find(field);
    if (it == derived.filters.end()) {
      differing.insert(field);
    } else if (it->second != values) {
      return std::nullopt;
    }
  }
  for (const auto& [field, range] : main.ranges) {
    const auto it = derived.ranges.find(field);
    if (it == derived.ranges.end()) {
      differing.insert(field);
    } else if (!SameRange(it->second, range)) {
      return std::nullopt;
    }
  }
  for (const auto& [field, values] : derived.filters) {
    if (!main.filters.contains(field)) return std::nullopt;
  }
  for (const auto& [field, range] : derived.ranges) {
    if (!main.ranges.contains(field)) return std::nullopt;
  }
  if (differing.size() > 1) return std::nullopt;
  return differing.empty() ? std::string() : *differing.begin();
}

bool SameSearchShape(const AlgoliaQuery& main, const AlgoliaQuery& derived) {
  const query::SearchRequest& a = main.search;
  const query::SearchRequest& b = derived.search;
  if (a.q != b.q || a.excluded != b.excluded || a.in_stock != b.in_stock || a.sort != b.sort ||
      a.collapse != b.collapse || a.facet_size != b.facet_size || a.facet_order != b.facet_order ||
      a.buckets != b.buckets || main.rules_enabled != derived.rules_enabled) {
    return false;
  }
  return std::all_of(b.facets.begin(), b.facets.end(), [&a](const std::string& facet) {
    return std::find(a.facets.begin(), a.facets.end(), facet) != a.facets.end();
  });
}

bool SameRulesFire(const AlgoliaQuery& main, const AlgoliaQuery& derived,
                   const merch::RuleSet* rules, absl::Time now) {
  if (rules == nullptr || !main.rules_enabled) return true;
  const std::vector<const merch::Rule*> fired =
      rules->FireAt({.query = main.search.q, .filters = &main.search.filters}, now);
  const bool pins = std::any_of(fired.begin(), fired.end(), [](const merch::Rule* rule) {
    return !rule->consequences.pin.empty();
  });
  return !pins &&
         fired ==
             rules->FireAt({.query = derived.search.q, .filters = &derived.search.filters}, now);
}

}  // namespace

std::string_view FilterIgnoredBy(std::string_view facet) {
  if (facet.starts_with("category.lvl")) return "category";
  return facet;
}

query::SearchRequest CountRequest(const query::SearchRequest& search,
                                  const query::SearchResponse& source) {
  query::SearchRequest count = search;
  if (!source.relaxed && source.corrected_query.empty() && source.total >= 10) {
    count.sort = query::SortOrder::kPriceAsc;
  }
  count.facets.clear();
  count.buckets.clear();
  count.highlight = false;
  count.page = 1;
  count.per_page = 1;
  return count;
}

std::vector<PlannedQuery> PlanQueries(const std::vector<AlgoliaQuery>& queries,
                                      const merch::RuleSet* rules, absl::Time now) {
  std::vector<PlannedQuery> plan(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    if (queries[i].suggestions) plan[i].how = PlannedQuery::How::kSuggest;
  }
  for (size_t i = 0; i < queries.size(); ++i) {
    const AlgoliaQuery& derived = queries[i];
    // Only facet-count queries (InstantSearch's have hitsPerPage 0) derive, and
    // only from queries with hits, which never derive themselves.
    if (derived.suggestions || derived.hits_per_page != 0 || derived.search.facets.empty()) {
      continue;
    }
    for (size_t j = 0; j < queries.size(); ++j) {
      const AlgoliaQuery& main = queries[j];
      if (j == i || main.hits_per_page == 0 || main.suggestions ||
          main.index_name != derived.index_name || !SameSearchShape(main, derived)) {
        continue;
      }
      const std::optional<std::string> dropped = DroppedField(main.search, derived.search);
      if (!dropped) continue;
      // With a filter dropped, each counted facet must be one that ignores it.
      const bool facets_ignore = std::all_of(
          derived.search.facets.begin(), derived.search.facets.end(),
          [&dropped](const std::string& facet) { return FilterIgnoredBy(facet) == *dropped; });
      if (!dropped->empty() && !facets_ignore) continue;
      if (!SameRulesFire(main, derived, rules, now)) continue;
      plan[i] = {.how = PlannedQuery::How::kFacetsFrom, .source = j, .count = !dropped->empty()};
      break;
    }
  }
  return plan;
}

}  // namespace vitrine::server::algolia
