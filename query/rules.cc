#include "query/rules.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "catalog/index_schema.h"
#include "merch/rule_set.h"
#include "query/filters.h"

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
        forced.empty() ? Xapian::Query::MatchAll
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

Xapian::Query Restricted(const RulePlan& plan, const Xapian::Query& query) {
  if (!plan.restriction) return query;
  return Xapian::Query(Xapian::Query::OP_FILTER, query, *plan.restriction);
}

void PinHits(const RulePlan& plan, const Xapian::Database& database,
             const std::optional<Xapian::Query>& eligible, const Xapian::Query& matched,
             const SearchRequest& request, SearchResponse& response) {
  if (plan.pins.empty()) return;
  std::vector<Xapian::Query> terms;
  for (const merch::Pin& pin : plan.pins) terms.emplace_back(schema::IdTerm(pin.id));
  const Xapian::Query pinned(Xapian::Query::OP_OR, terms.begin(), terms.end());
  auto ids_of = [&](const Xapian::Query& query) {
    Xapian::Enquire enquire(database);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_query(query);
    absl::flat_hash_set<std::string> found;
    const Xapian::MSet mset = enquire.get_mset(0, static_cast<Xapian::doccount>(terms.size()));
    for (Xapian::MSetIterator it = mset.begin(); it != mset.end(); ++it) {
      found.insert(it.get_document().get_data());
    }
    return found;
  };
  const absl::flat_hash_set<std::string> shown =
      ids_of(eligible ? Xapian::Query(Xapian::Query::OP_FILTER, pinned, *eligible) : pinned);
  const absl::flat_hash_set<std::string> organic =
      ids_of(Xapian::Query(Xapian::Query::OP_FILTER, matched, pinned));
  for (const std::string& id : shown) {
    if (!organic.contains(id)) ++response.total;
  }
  std::vector<SearchHit> hits;
  hits.reserve(response.hits.size() + plan.pins.size());
  for (SearchHit& hit : response.hits) {
    if (!shown.contains(hit.id)) hits.push_back(std::move(hit));
  }
  const size_t first = static_cast<size_t>(request.page - 1) * request.per_page;
  for (const merch::Pin& pin : plan.pins) {
    const size_t at = static_cast<size_t>(pin.position - 1);
    if (!shown.contains(pin.id) || at < first || at >= first + request.per_page) continue;
    hits.insert(hits.begin() + static_cast<std::ptrdiff_t>(std::min(at - first, hits.size())),
                SearchHit{.id = pin.id, .score = 0, .product_json = {}});
  }
  if (hits.size() > static_cast<size_t>(request.per_page)) hits.resize(request.per_page);
  response.hits = std::move(hits);
}

}  // namespace vitrine::query::internal
