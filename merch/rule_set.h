// RuleSet: an immutable, indexed set of merchandising rules, and which of them
// fire for a request. Searches share one snapshot; the config store swaps in a
// new one on every change.
//
//   auto rules = merch::RuleSet::Build({rule_a, rule_b});
//   for (const merch::Rule* rule : rules->Fire({.query = "Black Dress"})) ...
//
// Order of fired rules: priority descending, then id ascending. Conflicts are
// settled in that order (the first rule to pin a position keeps it).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "merch/rule.h"

namespace vitrine::merch {

using Clock = std::function<absl::Time()>;

// What rules are matched against: the shopper's query and filters as sent.
struct RequestContext {
  std::string_view query;
  const std::map<std::string, std::vector<std::string>>* filters = nullptr;
};

class RuleSet {
 public:
  // Indexes `rules` (ids unique). `clock` tells Fire() the time for windows.
  static std::shared_ptr<const RuleSet> Build(std::vector<Rule> rules, Clock clock = absl::Now,
                                              uint64_t version = 0);

  // Enabled rules whose window is open at the clock's now and whose conditions
  // hold, in firing order. Looks only at rules indexed under the query (its
  // exact text, its words) and at those without a query condition.
  std::vector<const Rule*> Fire(const RequestContext& request) const;
  std::vector<const Rule*> FireAt(const RequestContext& request, absl::Time now) const;

  // Every rule (disabled ones too), by id.
  const std::vector<Rule>& rules() const { return rules_; }
  const Rule* Find(std::string_view id) const;
  // The config version this set was built from (0: not from a store).
  uint64_t version() const { return version_; }

 private:
  RuleSet() = default;
  std::vector<Rule> rules_;  // by id
  Clock clock_;
  uint64_t version_ = 0;
  // Indexes into rules_ of enabled rules, by what they need of the query.
  absl::flat_hash_map<std::string, std::vector<size_t>> by_equals_;
  absl::flat_hash_map<std::string, std::vector<size_t>> by_first_word_;  // contains
  std::vector<size_t> every_query_;
};

// The query as rules see it: NormalizeText, spaces collapsed, trimmed.
std::string NormalizeQuery(std::string_view query);

}  // namespace vitrine::merch
