#include "query/rescore.h"

#include <algorithm>
#include <cmath>

#include "query/filters.h"

namespace vitrine::query::internal {
namespace {

Xapian::Query Fixed(double weight) {
  return Xapian::Query((new Xapian::FixedWeightPostingSource(weight))->release());
}

// Every docid up to the columns' last, weighted log(signal factor): a browse's
// signals as a Xapian weight (combined with a source of existing documents).
class SignalSource : public Xapian::PostingSource {
 public:
  SignalSource(const Rescorer& rescorer, Xapian::docid last, double max_weight)
      : rescorer_(rescorer), last_(last), max_weight_(max_weight) {}

  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return last_; }
  Xapian::doccount get_termfreq_max() const override { return last_; }
  void init(const Xapian::Database& /*db*/) override {
    at_ = 0;
    set_maxweight(max_weight_);
  }
  void next(double /*min_wt*/) override { ++at_; }
  void skip_to(Xapian::docid id, double /*min_wt*/) override { at_ = std::max(at_, id); }
  bool at_end() const override { return at_ > last_; }
  Xapian::docid get_docid() const override { return at_; }
  double get_weight() const override { return std::log(rescorer_.SignalFactor(at_)); }
  Xapian::PostingSource* clone() const override {
    return new SignalSource(rescorer_, last_, max_weight_);
  }

 private:
  const Rescorer& rescorer_;
  Xapian::docid last_;
  double max_weight_;
  Xapian::docid at_ = 0;
};

// The weight every browsed product gets before boosts, buries and signals.
constexpr double kBrowseBase = 1.0;

}  // namespace

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

Xapian::Query Rescorer::BrowseQuery() const {
  // Xapian adds weights, so multipliers add as logarithms; a bury lifts every
  // other product instead (weights are never negative), which ranks the same.
  std::vector<Xapian::Query> parts;
  for (const RulePlan::Weight& weight : plan_.weights) {
    const double lift = std::abs(std::log(weight.factor));
    parts.push_back(weight.factor > 1
                        ? Xapian::Query(Xapian::Query::OP_FILTER, Fixed(lift), weight.filter)
                        : Xapian::Query(Xapian::Query::OP_AND_NOT, Fixed(lift), weight.filter));
  }
  if (signals_.any()) {
    const size_t size = std::max(
        {columns_.popularity.size(), columns_.in_stock.size(), columns_.rating.size(), size_t{1}});
    const auto last = static_cast<Xapian::docid>(size - 1);
    parts.push_back(Xapian::Query(
        (new SignalSource(*this, last, std::log(1 + merch::kMaxSignalWeight)))->release()));
  }
  // The base source holds every product and only those; the parts add to it.
  if (parts.empty()) return Fixed(kBrowseBase);
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, Fixed(kBrowseBase),
                       Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()));
}

double Rescorer::BrowseScore(double weight) const {
  double offset = kBrowseBase;
  for (const RulePlan::Weight& boost : plan_.weights) {
    if (boost.factor < 1) offset -= std::log(boost.factor);  // the lift of the others
  }
  return std::exp(weight - offset);
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
