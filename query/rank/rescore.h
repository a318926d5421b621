// Rescoring: merchandising boosts and buries and the ranking's business signals
// re-order the products a relevance match found, without touching the match.
// A text search fetches its top kRescoreWindow candidates by text score once,
// multiplies each score by the factors of the boosts and buries whose filter it
// passes (its match set, match_sets.h) and by 1 + the weighted sum
// of its signals (in-memory columns), then re-sorts (ties by docid). A browse has
// no text score to rank by, so the whole match is ranked by the same multipliers
// instead (BrowseMultipliers). Other sort orders ignore both.
// Private to query/.
#pragma once

#include <xapian.h>

#include <string>
#include <utility>
#include <vector>

#include "merch/ranking.h"
#include "query/facets/facet_columns.h"
#include "query/match/match_sets.h"
#include "query/rank/rules.h"
#include "query/text/text_query.h"

namespace vitrine::query::internal {

// A text search rescores this many of its best matches; deeper pages list the
// candidates below in their text order (so pages stay consistent). A boost
// therefore re-orders the top 100 and never reaches a product ranked below.
inline constexpr Xapian::doccount kRescoreWindow = 100;

// The ranking's field weights, for TextQuery.
FieldWeights FieldWeightsOf(const merch::Ranking& ranking);

class Rescorer {
 public:
  // `plan`, `ranking` and `columns` must outlive the rescorer. `attributes`: the
  // index's declared keys (for the attribute signal).
  Rescorer(const RulePlan& plan, const merch::Ranking& ranking, const FacetColumns& columns,
           const std::vector<std::string>& attributes);

  // Whether anything re-orders the match (some boost or bury, or a signal).
  bool active() const { return !plan_.weights.empty() || signals_.any(); }

  // A candidate of the match: its index in the MSet, docid and score.
  struct Ranked {
    Xapian::doccount index;
    Xapian::docid docid;
    double score;
  };
  // Every item of `matches` (a relevance match fetched from its first item), the
  // first kRescoreWindow rescored and re-sorted, the rest after them as they were.
  // `sets` (of the match's database) tells which products pass each filter.
  std::vector<Ranked> Rank(MatchSets& sets, const Xapian::MSet& matches) const;
  // The same for candidates ranked by text score already (best first).
  std::vector<Ranked> Rank(MatchSets& sets, std::vector<Ranked> ranked) const;

  // 1 + the weighted sum of a product's signals.
  double SignalFactor(Xapian::docid id) const;

  // A browse's multipliers, by which it ranks the whole match: the factors of
  // the boosts and buries whose filter a product passes, times its signal factor.
  class BrowseMultipliers {
   public:
    double Of(Xapian::docid id) const;

   private:
    friend class Rescorer;
    const Rescorer* rescorer_ = nullptr;
    std::vector<std::pair<DocSet, double>> filters_;  // passing products, factor
  };
  // `sets` (of the browse's database) tells which products pass each filter.
  BrowseMultipliers BrowseMultipliersOf(MatchSets& sets) const;

 private:
  const RulePlan& plan_;
  const merch::RankingSignals& signals_;
  const SignalColumns& columns_;
  // The attribute signal's values by value id and docid (null: no such attribute).
  const std::vector<float>* attribute_values_ = nullptr;
  const FacetColumn* attribute_column_ = nullptr;
};

}  // namespace vitrine::query::internal
