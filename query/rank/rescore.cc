#include "query/rank/rescore.h"

#include <algorithm>
#include <cmath>

#include "query/match/filters.h"

namespace vitrine::query::internal {

FieldWeights FieldWeightsOf(const merch::Ranking& ranking) {
  FieldWeights weights = kDefaultFieldWeights;
  for (size_t i = 0; i < weights.size() && i < ranking.fields.size(); ++i) {
    weights[i] = ranking.fields[i].weight;
  }
  return weights;
}

Rescorer::Rescorer(const RulePlan& plan, const merch::Ranking& ranking, const FacetColumns& columns,
                   const std::vector<std::string>& attributes)
    : plan_(plan), signals_(ranking.signals), columns_(columns.signals) {
  if (signals_.attribute.empty() || signals_.attribute_weight == 0) return;
  if (std::find(attributes.begin(), attributes.end(), signals_.attribute) == attributes.end()) {
    return;  // not declared by this index: counts 0
  }
  const Xapian::valueno slot = FacetSlot(signals_.attribute, attributes);
  const auto values = columns_.attributes.find(slot);
  const auto column = columns.slots.find(slot);
  if (values == columns_.attributes.end() || column == columns.slots.end()) return;
  attribute_values_ = &values->second;
  attribute_column_ = &column->second;
}

double Rescorer::SignalFactor(Xapian::docid id) const {
  double sum = signals_.popularity * SignalAt(columns_.popularity, id) +
               signals_.in_stock * SignalAt(columns_.in_stock, id) +
               signals_.recency * SignalAt(columns_.recency, id) +
               signals_.rating * SignalAt(columns_.rating, id);
  if (attribute_values_ != nullptr && id < attribute_column_->by_docid.size()) {
    sum += signals_.attribute_weight * (*attribute_values_)[attribute_column_->by_docid[id]];
  }
  return 1 + sum;
}

Rescorer::BrowseMultipliers Rescorer::BrowseMultipliersOf(MatchSets& sets) const {
  BrowseMultipliers multipliers;
  multipliers.rescorer_ = this;
  for (const RulePlan::Weight& weight : plan_.weights) {
    multipliers.filters_.emplace_back(sets.Of(weight.filter), weight.factor);
  }
  return multipliers;
}

double Rescorer::BrowseMultipliers::Of(Xapian::docid id) const {
  double multiplier = rescorer_->signals_.any() ? rescorer_->SignalFactor(id) : 1.0;
  for (const auto& [passing, factor] : filters_) {
    if (passing.Contains(id)) multiplier *= factor;
  }
  return multiplier;
}

std::vector<Rescorer::Ranked> Rescorer::Rank(MatchSets& sets, const Xapian::MSet& matches) const {
  std::vector<Ranked> ranked;
  ranked.reserve(matches.size());
  for (Xapian::MSetIterator it = matches.begin(); it != matches.end(); ++it) {
    ranked.push_back({.index = static_cast<Xapian::doccount>(ranked.size()),
                      .docid = *it,
                      .score = it.get_weight()});
  }
  return Rank(sets, std::move(ranked));
}

std::vector<Rescorer::Ranked> Rescorer::Rank(MatchSets& sets, std::vector<Ranked> ranked) const {
  const size_t window = std::min<size_t>(ranked.size(), kRescoreWindow);
  for (const RulePlan::Weight& weight : plan_.weights) {
    const DocSet passing = sets.Of(weight.filter);
    for (size_t i = 0; i < window; ++i) {
      if (passing.Contains(ranked[i].docid)) ranked[i].score *= weight.factor;
    }
  }
  if (signals_.any()) {
    for (size_t i = 0; i < window; ++i) ranked[i].score *= SignalFactor(ranked[i].docid);
  }
  std::sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(window),
            [](const Ranked& a, const Ranked& b) {
              return a.score != b.score ? a.score > b.score : a.docid < b.docid;
            });
  return ranked;
}

}  // namespace vitrine::query::internal
