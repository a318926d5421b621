#include "query/rescore.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "query/filters.h"

namespace vitrine::query::internal {
namespace {

Xapian::Query Fixed(double weight) {
  return Xapian::Query((new Xapian::FixedWeightPostingSource(weight))->release());
}

// The given docids (ascending), weightless: restricts a match to a window.
class DocidSource : public Xapian::PostingSource {
 public:
  explicit DocidSource(std::vector<Xapian::docid> ids) : ids_(std::move(ids)) {}

  Xapian::doccount get_termfreq_min() const override { return Count(); }
  Xapian::doccount get_termfreq_est() const override { return Count(); }
  Xapian::doccount get_termfreq_max() const override { return Count(); }
  void init(const Xapian::Database& /*db*/) override { at_ = kBeforeStart; }
  void next(double /*min_wt*/) override { at_ = at_ == kBeforeStart ? 0 : at_ + 1; }
  void skip_to(Xapian::docid id, double /*min_wt*/) override {
    if (at_ == kBeforeStart) at_ = 0;
    at_ = static_cast<size_t>(
        std::lower_bound(ids_.begin() + static_cast<std::ptrdiff_t>(at_), ids_.end(), id) -
        ids_.begin());
  }
  bool at_end() const override { return at_ >= ids_.size(); }
  Xapian::docid get_docid() const override { return ids_[at_]; }
  Xapian::PostingSource* clone() const override { return new DocidSource(ids_); }

 private:
  static constexpr size_t kBeforeStart = std::numeric_limits<size_t>::max();
  Xapian::doccount Count() const { return static_cast<Xapian::doccount>(ids_.size()); }
  std::vector<Xapian::docid> ids_;
  size_t at_ = kBeforeStart;
};

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

std::vector<uint32_t> Rescorer::FilterBits(const Xapian::Database& database,
                                           const std::vector<Xapian::docid>& ids) const {
  std::vector<uint32_t> bits(ids.size(), 0);
  if (plan_.weights.empty() || ids.empty()) return bits;
  // One match over the window: filter i adds 2^i to a product's weight, so the
  // weight spells out which filters it passes.
  std::vector<Xapian::Query> parts;
  for (size_t i = 0; i < plan_.weights.size(); ++i) {
    parts.emplace_back(Xapian::Query::OP_FILTER, Fixed(static_cast<double>(1u << i)),
                       plan_.weights[i].filter);
  }
  Xapian::Enquire enquire(database);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER,
                                  Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()),
                                  Xapian::Query((new DocidSource(ids))->release())));
  const Xapian::MSet passed = enquire.get_mset(0, static_cast<Xapian::doccount>(ids.size()));
  for (Xapian::MSetIterator it = passed.begin(); it != passed.end(); ++it) {
    const auto at = std::lower_bound(ids.begin(), ids.end(), *it);
    if (at != ids.end() && *at == *it) {
      bits[static_cast<size_t>(at - ids.begin())] =
          static_cast<uint32_t>(std::lround(it.get_weight()));
    }
  }
  return bits;
}

std::vector<Rescorer::Ranked> Rescorer::Rank(const Xapian::Database& database,
                                             const Xapian::MSet& matches) const {
  std::vector<Ranked> ranked;
  ranked.reserve(matches.size());
  for (Xapian::MSetIterator it = matches.begin(); it != matches.end(); ++it) {
    ranked.push_back({.index = static_cast<Xapian::doccount>(ranked.size()),
                      .docid = *it,
                      .score = it.get_weight()});
  }
  return Rank(database, std::move(ranked));
}

std::vector<Rescorer::Ranked> Rescorer::Rank(const Xapian::Database& database,
                                             std::vector<Ranked> ranked) const {
  const size_t window = std::min<size_t>(ranked.size(), kRescoreWindow);
  std::vector<Xapian::docid> ids;
  ids.reserve(window);
  for (size_t i = 0; i < window; ++i) ids.push_back(ranked[i].docid);
  std::sort(ids.begin(), ids.end());
  const std::vector<uint32_t> bits = FilterBits(database, ids);
  for (size_t i = 0; i < window; ++i) {
    Ranked& candidate = ranked[i];
    const uint32_t passed = bits[static_cast<size_t>(
        std::lower_bound(ids.begin(), ids.end(), candidate.docid) - ids.begin())];
    for (size_t f = 0; f < plan_.weights.size(); ++f) {
      if ((passed & (1u << f)) != 0) candidate.score *= plan_.weights[f].factor;
    }
    if (signals_.any()) candidate.score *= SignalFactor(candidate.docid);
  }
  std::sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(window),
            [](const Ranked& a, const Ranked& b) {
              return a.score != b.score ? a.score > b.score : a.docid < b.docid;
            });
  return ranked;
}

}  // namespace vitrine::query::internal
