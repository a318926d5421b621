// Merchandising rules applied to one search: which rules fire (merch::RuleSet)
// and what their consequences do to the Xapian query and the hits. Private to
// query/; search.cc calls these at a few clearly marked points.
//
// Consequences of several rules combine: hides and forced filters add up, every
// boost and bury applies, the first rule (priority, then id) to pin a position or
// a product keeps it, and the first replace_query and banner win.
#pragma once

#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "merch/rule.h"
#include "query/search.h"

namespace vitrine::query::internal {

// At most this many boost/bury clauses apply to one search (each one a filter
// checked over the rescoring window, query/rank/rescore.h), taken in firing order.
inline constexpr size_t kMaxWeightedFilters = 8;

struct RulePlan {
  std::vector<std::string> applied;  // fired rule ids, in firing order
  std::optional<std::string> replace_query;
  std::string banner_json;
  // Boolean restriction of every match: forced filters AND NOT hidden ids.
  std::optional<Xapian::Query> restriction;
  struct Weight {
    Xapian::Query filter;
    double factor;  // multiplies the score of the filter's products: > 1 lifts, < 1 sinks
  };
  std::vector<Weight> weights;
  std::vector<merch::Pin> pins;  // unique ids and positions, none hidden, by position
};

// Fires request.rules against the request (its q and filters as sent).
RulePlan PlanRules(const SearchRequest& request);

// `filter` (the request's) with the plan's restriction added.
std::optional<Xapian::Query> WithRestriction(const RulePlan& plan,
                                             std::optional<Xapian::Query> filter);

// Where the plan's pinned products go in the whole result list (0-based
// indexes, ascending), and how many of them the query did not match.
struct PinLayout {
  struct Placed {
    size_t index;
    std::string id;
  };
  std::vector<Placed> pins;
  uint64_t unmatched = 0;  // to add to the total
  // The page's organic hits: `organic_count` from index `organic_first` of the
  // organic list (the match without the shown pinned products; without pins,
  // the page itself)...
  size_t organic_first = 0;
  size_t organic_count = 0;
  // ...which, when this is set, differ from the slice matched: the match must be
  // run again without these products (the shown pins).
  std::optional<Xapian::Query> leave_out;
};

// Lays the plan's pins out over the whole result list and says which organic
// hits the requested page shows around them. A pinned product shows even when
// the query did not match it, but only if it passes the request's filters and
// the plan's restriction (`eligible`: the filter of the match, or nullopt); a
// pin past the end of the list closes up behind the last organic hit. The
// organic hits (without the shown pinned products) fill the other positions in
// their order, so paging through the pages never repeats nor skips a product.
// `query`: the match (filtered), which found `matched_total` products.
PinLayout LayOutPins(const RulePlan& plan, const Xapian::Database& database,
                     const std::optional<Xapian::Query>& eligible, const Xapian::Query& query,
                     const SearchRequest& request, Xapian::doccount matched_total);

// Puts the pins that fall on the requested page among response.hits (the
// organic hits of LayOutPins' `matches`), at most per_page hits in all.
void PlacePins(const PinLayout& layout, const SearchRequest& request, SearchResponse& response);

}  // namespace vitrine::query::internal
