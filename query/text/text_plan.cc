#include "query/text/text_plan.h"

#include <algorithm>
#include <bit>
#include <cstdint>

#include "base/status.h"
#include "query/match/filters.h"

namespace vitrine::query::internal {
namespace {

// Fewer products than this with every word, or too few to fill the requested
// page: follow them with partial matches. (A flat 100 gained 0.006 judged-only
// nDCG on Home Depot but cost ~40% of p50 latency; filling the page costs only
// the requests whose page is short.)
constexpr uint64_t kRelaxBelow = 10;
constexpr double kAllWordsBoost = 1000.0;  // above any text score

Xapian::Query StrictQuery(const ParsedQuery& query, const TextContext& context) {
  return query.browse() ? MatchAllQuery()
                        : TextQuery(query.tokens, context.analyzer, /*any=*/false, query.typing,
                                    query.forms, context.weights, context.synonyms);
}

// Products with some of the words, those with all of them first (a constant
// boost above any text score), then most matched words and best BM25.
Xapian::Query RelaxedQuery(const ParsedQuery& query, const TextContext& context) {
  const Xapian::Query all_words(
      Xapian::Query::OP_FILTER,
      Xapian::Query((new Xapian::FixedWeightPostingSource(kAllWordsBoost))->release()),
      TextQuery(query.tokens, context.analyzer, /*any=*/false, query.typing, query.forms,
                context.weights, context.synonyms));
  return Xapian::Query(Xapian::Query::OP_OR, all_words,
                       TextQuery(query.tokens, context.analyzer, /*any=*/true, query.typing,
                                 query.forms, context.weights, context.synonyms));
}

}  // namespace

uint64_t HitCount(const DocSet& matched, const FacetColumn* parents,
                  const FacetColumns::StyleAdjacency* adjacency) {
  if (parents == nullptr) return matched.Count();
  const std::span<const uint64_t> words = matched.words();
  // Adjacent styles, 64 products at a time: the first matched product of each
  // counts, as do products of no style (they never continue one).
  uint64_t count = 0;
  if (adjacency != nullptr) {
    uint64_t carry = 0;
    for (size_t k = 0; k < words.size(); ++k) {
      const uint64_t adjacent = words[k] & ~adjacency->Scattered(k);
      count += static_cast<uint64_t>(std::popcount(adjacency->Firsts(k, adjacent, carry)));
    }
    if (adjacency->scattered.words().empty()) return count;  // no style lies apart
  }
  // Scattered styles (all of them without `adjacency`): a bit per style, and
  // no branch per product: whether one is its style's first follows no
  // pattern a branch predictor could learn.
  std::vector<uint64_t> seen(parents->values.size() / 64 + 1);
  const uint32_t* const by_docid = parents->by_docid.data();
  const size_t size = parents->by_docid.size();
  const auto count_scattered = [&](Xapian::docid id) {
    const uint32_t parent = id < size ? by_docid[id] : 0;
    uint64_t& word = seen[parent >> 6];
    const uint64_t bit = uint64_t{1} << (parent & 63);
    count += (parent == 0) | ((word & bit) == 0);  // no parent: a style of its own
    word |= bit;
  };
  if (adjacency == nullptr) {
    matched.ForEach(count_scattered);
  } else {
    matched.ForEachMasked(adjacency->scattered, true, count_scattered);
  }
  return count;
}

absl::StatusOr<TextPlan> PlanText(const ParsedQuery& query, bool by_relevance, size_t first,
                                  size_t per_page, TextContext& context) {
  TextPlan plan{.text = StrictQuery(query, context), .searched = query};
  plan.text_set = context.sets.Of(plan.text);
  plan.matched = DocSet::Intersection(plan.text_set, context.filter_set);
  uint64_t strict_total = HitCount(plan.matched, context.parents, context.adjacency);
  // By relevance, partial matches also fill a page that full matches leave short.
  // (Sorted by a field, partial matches would interleave with full ones: relax
  // and correct only when nothing matches.)
  const uint64_t relax_below = by_relevance ? std::max<uint64_t>(kRelaxBelow, first + per_page) : 1;
  if (strict_total < relax_below && !query.browse()) {
    // Few or no products have every word: if a word is unknown, search the
    // corrected query instead, when that finds more. Exact words are never
    // corrected, so exact matches always come before corrected ones.
    std::string corrected = context.correct(query.q);
    if (!corrected.empty()) {
      // (A correction may split a word in two: past the limit is fine then.)
      const SearchLimits unlimited{.max_query_words = SIZE_MAX};
      ASSIGN_OR_RETURN(ParsedQuery parsed, ParseQuery(corrected, context.analyzer, context.database,
                                                      unlimited, /*typed=*/false));
      Xapian::Query corrected_text = StrictQuery(parsed, context);
      DocSet corrected_set = context.sets.Of(corrected_text);
      DocSet corrected_matched = DocSet::Intersection(corrected_set, context.filter_set);
      const uint64_t corrected_total =
          HitCount(corrected_matched, context.parents, context.adjacency);
      // With no product matching every word, the corrected words still serve
      // the partial matches below better than words the index does not know.
      if (corrected_total > strict_total || strict_total == 0) {
        plan.text = std::move(corrected_text);
        plan.text_set = std::move(corrected_set);
        plan.matched = std::move(corrected_matched);
        strict_total = corrected_total;
        plan.searched = std::move(parsed);
        plan.corrected_query = std::move(corrected);
      }
    }
  }
  plan.total = strict_total;
  if (strict_total < relax_below && plan.searched.tokens.size() > 1) {
    Xapian::Query relaxed_text = RelaxedQuery(plan.searched, context);
    DocSet relaxed_set = context.sets.Of(relaxed_text);
    DocSet relaxed_matched = DocSet::Intersection(relaxed_set, context.filter_set);
    const uint64_t relaxed_total = HitCount(relaxed_matched, context.parents, context.adjacency);
    if (strict_total < kRelaxBelow) {
      // The partial matches stand in for the full ones: totals and facets too.
      plan.relaxed = relaxed_total > strict_total;
      if (plan.relaxed) {
        plan.text = std::move(relaxed_text);
        plan.text_set = std::move(relaxed_set);
        plan.matched = std::move(relaxed_matched);
        plan.total = relaxed_total;
      }
    } else {
      // Enough full matches to stand on their own, too few for the page: partial
      // matches only fill it, while facets keep counting the full matches.
      auto on_page = [&](uint64_t hits) {
        return std::min<uint64_t>(per_page, hits > first ? hits - first : 0);
      };
      plan.relaxed = on_page(relaxed_total) > on_page(strict_total);
      if (plan.relaxed) {
        plan.hits_text = std::move(relaxed_text);
        plan.listed = std::move(relaxed_matched);
        plan.total = relaxed_total;
      }
    }
  }
  if (plan.hits_text.empty()) {
    plan.hits_text = plan.text;
    plan.listed = plan.matched;
  }
  return plan;
}

}  // namespace vitrine::query::internal
