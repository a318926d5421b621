#include "merch/rule_set.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "analyzers/analyzer.h"
#include "base/strings.h"

namespace vitrine::merch {
namespace {

std::vector<std::string_view> Words(std::string_view normalized) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start < normalized.size()) {
    size_t end = normalized.find(' ', start);
    if (end == std::string_view::npos) end = normalized.size();
    if (end > start) words.push_back(normalized.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

bool ContextHolds(const Conditions& conditions,
                  const std::map<std::string, std::vector<std::string>>* filters) {
  for (const auto& context_filter : conditions.context_filters) {
    // Not a structured binding: clang before 16 cannot capture one in a lambda.
    const std::vector<std::string>& required = context_filter.second;
    if (filters == nullptr) return false;
    const auto given = filters->find(context_filter.first);
    if (given == filters->end()) return false;
    const bool any =
        std::any_of(given->second.begin(), given->second.end(), [&](const std::string& value) {
          const std::string normalized = analyzers::NormalizeText(value);
          return std::find(required.begin(), required.end(), normalized) != required.end();
        });
    if (!any) return false;
  }
  return true;
}

}  // namespace

std::string NormalizeQuery(std::string_view query) {
  const std::string folded = analyzers::NormalizeText(query);
  std::string normalized;
  for (std::string_view word : Words(folded)) {
    if (!normalized.empty()) normalized.push_back(' ');
    normalized.append(word);
  }
  return normalized;
}

std::shared_ptr<const RuleSet> RuleSet::Build(std::vector<Rule> rules, Clock clock,
                                              uint64_t version) {
  auto set = std::shared_ptr<RuleSet>(new RuleSet());
  std::sort(rules.begin(), rules.end(), [](const Rule& a, const Rule& b) { return a.id < b.id; });
  set->rules_ = std::move(rules);
  set->clock_ = std::move(clock);
  set->version_ = version;
  for (size_t i = 0; i < set->rules_.size(); ++i) {
    const Rule& rule = set->rules_[i];
    if (!rule.enabled) continue;
    switch (rule.conditions.query) {
      case QueryCondition::kEvery:
        set->every_query_.push_back(i);
        break;
      case QueryCondition::kEquals:
        set->by_equals_[NormalizeQuery(rule.conditions.equals)].push_back(i);
        break;
      case QueryCondition::kContains:
        set->by_first_word_[rule.conditions.contains.front()].push_back(i);
        break;
    }
  }
  return set;
}

const Rule* RuleSet::Find(std::string_view id) const {
  auto it = std::lower_bound(rules_.begin(), rules_.end(), id,
                             [](const Rule& rule, std::string_view key) { return rule.id < key; });
  return it != rules_.end() && it->id == id ? &*it : nullptr;
}

std::vector<const Rule*> RuleSet::Fire(const RequestContext& request) const {
  return FireAt(request, clock_ ? clock_() : absl::Now());
}

std::vector<const Rule*> RuleSet::FireAt(const RequestContext& request, absl::Time now) const {
  const std::string query = NormalizeQuery(request.query);
  const std::vector<std::string_view> words = Words(query);
  absl::flat_hash_set<size_t> candidates(every_query_.begin(), every_query_.end());
  if (auto it = by_equals_.find(query); it != by_equals_.end()) {
    candidates.insert(it->second.begin(), it->second.end());
  }
  for (std::string_view word : words) {
    if (auto it = by_first_word_.find(ToAbsl(word)); it != by_first_word_.end()) {
      for (size_t i : it->second) {
        const std::vector<std::string>& needed = rules_[i].conditions.contains;
        const bool all = std::all_of(needed.begin(), needed.end(), [&](const std::string& w) {
          return std::find(words.begin(), words.end(), w) != words.end();
        });
        if (all) candidates.insert(i);
      }
    }
  }
  std::vector<const Rule*> fired;
  for (size_t i : candidates) {
    const Rule& rule = rules_[i];
    if (rule.ActiveAt(now) && ContextHolds(rule.conditions, request.filters)) {
      fired.push_back(&rule);
    }
  }
  std::sort(fired.begin(), fired.end(), [](const Rule* a, const Rule* b) {
    if (a->priority != b->priority) return a->priority > b->priority;
    return a->id < b->id;
  });
  return fired;
}

}  // namespace vitrine::merch
