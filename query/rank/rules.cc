#include "query/rank/rules.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "catalog/index_schema.h"
#include "merch/rule_set.h"
#include "query/match/filters.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

// A rule filter as the filters of a request, so FilterQuery builds its query.
std::optional<Xapian::Query> RuleFilterQuery(const merch::RuleFilter& filter) {
  SearchRequest as_request;
  as_request.filters = filter.values;
  for (const auto& [field, range] : filter.ranges) {
    as_request.ranges[field] = Range{.gte = range.gte, .lte = range.lte};
  }
  as_request.in_stock = filter.in_stock;
  return FilterQuery(as_request);
}

}  // namespace

RulePlan PlanRules(const SearchRequest& request) {
  RulePlan plan;
  if (request.rules == nullptr) return plan;
  const std::vector<const merch::Rule*> fired =
      request.rules->Fire({.query = request.q, .filters = &request.filters});
  if (fired.empty()) return plan;
  absl::flat_hash_set<std::string> hidden;
  std::vector<Xapian::Query> forced;
  for (const merch::Rule* rule : fired) {
    const merch::Consequences& then = rule->consequences;
    plan.applied.push_back(rule->id);
    hidden.insert(then.hide.begin(), then.hide.end());
    if (then.filter) {
      if (std::optional<Xapian::Query> filter = RuleFilterQuery(*then.filter)) {
        forced.push_back(*std::move(filter));
      }
    }
    for (const auto* list : {&then.boost, &then.bury}) {
      for (const merch::WeightedFilter& weighted : *list) {
        std::optional<Xapian::Query> filter = RuleFilterQuery(weighted.filter);
        if (filter && weighted.factor != 1 && plan.weights.size() < kMaxWeightedFilters) {
          plan.weights.push_back({*std::move(filter), weighted.factor});
        }
      }
    }
    if (!plan.replace_query && then.replace_query) plan.replace_query = then.replace_query;
    if (plan.banner_json.empty()) plan.banner_json = then.banner_json;
  }
  std::vector<Xapian::Query> hidden_terms;
  for (const std::string& id : hidden) hidden_terms.emplace_back(schema::IdTerm(id));
  if (!forced.empty() || !hidden_terms.empty()) {
    Xapian::Query restriction =
        forced.empty() ? MatchAllQuery()
                       : Xapian::Query(Xapian::Query::OP_AND, forced.begin(), forced.end());
    if (!hidden_terms.empty()) {
      restriction = Xapian::Query(
          Xapian::Query::OP_AND_NOT, restriction,
          Xapian::Query(Xapian::Query::OP_OR, hidden_terms.begin(), hidden_terms.end()));
    }
    plan.restriction = std::move(restriction);
  }
  // Pins: the first rule to claim a position or a product keeps it.
  for (const merch::Rule* rule : fired) {
    for (const merch::Pin& pin : rule->consequences.pin) {
      if (hidden.contains(pin.id)) continue;
      const bool taken = std::any_of(plan.pins.begin(), plan.pins.end(), [&](const merch::Pin& p) {
        return p.position == pin.position || p.id == pin.id;
      });
      if (!taken) plan.pins.push_back(pin);
    }
  }
  std::sort(plan.pins.begin(), plan.pins.end(),
            [](const merch::Pin& a, const merch::Pin& b) { return a.position < b.position; });
  return plan;
}

std::optional<Xapian::Query> WithRestriction(const RulePlan& plan,
                                             std::optional<Xapian::Query> filter) {
  if (!plan.restriction) return filter;
  if (!filter) return plan.restriction;
  return Xapian::Query(Xapian::Query::OP_AND, *filter, *plan.restriction);
}

PinLayout LayOutPins(const RulePlan& plan, const Xapian::Database& database,
                     const std::optional<Xapian::Query>& eligible, const Xapian::Query& query,
                     const SearchRequest& request, Xapian::doccount matched_total) {
  const size_t first = static_cast<size_t>(request.page - 1) * request.per_page;
  PinLayout layout{.organic_first = first, .organic_count = static_cast<size_t>(request.per_page)};
  if (plan.pins.empty()) return layout;
  auto query_of = [](const auto& ids) {
    std::vector<Xapian::Query> terms;
    for (const auto& id : ids) terms.emplace_back(schema::IdTerm(id));
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  };
  auto ids_of = [&](const Xapian::Query& query, size_t at_most) {
    Xapian::Enquire lookup(database);
    lookup.set_weighting_scheme(Xapian::BoolWeight());
    lookup.set_query(query);
    absl::flat_hash_set<std::string> found;
    const Xapian::MSet mset = lookup.get_mset(0, static_cast<Xapian::doccount>(at_most));
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
      found.insert(it.get_document().get_data());
    }
    return found;
  };
  std::vector<std::string> ids;
  for (const merch::Pin& pin : plan.pins) ids.push_back(pin.id);
  const Xapian::Query pinned = query_of(ids);
  const absl::flat_hash_set<std::string> shown = ids_of(
      eligible ? Xapian::Query(Xapian::Query::OP_FILTER, pinned, *eligible) : pinned, ids.size());
  if (shown.empty()) return layout;
  const absl::flat_hash_set<std::string> matched =
      ids_of(Xapian::Query(Xapian::Query::OP_FILTER, query, pinned), ids.size());
  size_t shown_matched = 0;
  for (const std::string& id : shown) {
    if (matched.contains(id)) {
      ++shown_matched;
    } else {
      ++layout.unmatched;
    }
  }
  // Organic hits without the shown pins; pins past them close up behind.
  const size_t organic_total = matched_total - std::min<size_t>(shown_matched, matched_total);
  for (const merch::Pin& pin : plan.pins) {  // by position
    if (!shown.contains(pin.id)) continue;
    layout.pins.push_back(
        {.index = std::min<size_t>(pin.position - 1, organic_total + layout.pins.size()),
         .id = pin.id});
  }
  const size_t last = first + request.per_page;  // exclusive
  size_t before = 0, on_page = 0;
  for (const PinLayout::Placed& placed : layout.pins) {
    before += placed.index < first;
    on_page += placed.index >= first && placed.index < last;
  }
  // Unless no pin comes before the page and no pinned product is among the
  // organic hits, the page's organic slice differs from the one matched.
  layout.organic_first = first - before;
  layout.organic_count = request.per_page - on_page;
  if (before > 0 || shown_matched > 0) layout.leave_out = query_of(shown);
  return layout;
}

void PlacePins(const PinLayout& layout, const SearchRequest& request, SearchResponse& response) {
  if (layout.pins.empty()) return;
  const size_t first = static_cast<size_t>(request.page - 1) * request.per_page;
  auto pin = layout.pins.begin();
  while (pin != layout.pins.end() && pin->index < first) ++pin;
  std::vector<SearchHit> organic = std::move(response.hits);
  auto next = organic.begin();
  response.hits.clear();
  for (size_t at = first; at < first + request.per_page; ++at) {
    // A pin at this position; else the next organic hit; past the last organic
    // hit, the remaining pins close up.
    if (pin != layout.pins.end() && (pin->index == at || next == organic.end())) {
      response.hits.push_back(SearchHit{.id = pin->id, .score = 0, .product_json = {}});
      ++pin;
    } else if (next != organic.end()) {
      response.hits.push_back(std::move(*next++));
    } else {
      break;
    }
  }
}

}  // namespace vitrine::query::internal
