#include "query/rank/page.h"

#include <algorithm>
#include <optional>

#include "catalog/index_schema.h"
#include "query/match/filters.h"
#include "query/rank/collapse.h"
#include "query/rank/column_sort.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

// Appends a hit: its product id from the columns (or the document, for a product
// committed since the columns were read). A field orders the hits, not relevance:
// their score is 0. A hit standing for a style is remembered for listing its
// variants and swatches.
void AddHit(Page& page, const PageRequest& request, PageContext& context, const StyleHit& hit,
            double score) {
  page.hits.push_back(SearchHit{.id = context.columns.ProductId(context.database, hit.docid),
                                .score = request.sort == SortOrder::kRelevance ? score : 0,
                                .product_json = {}});
  if (hit.parent != 0 && context.parents != nullptr) {
    page.collapsed[context.parents->values[hit.parent]] = {.index = page.hits.size() - 1,
                                                           .docid = hit.docid};
  }
}

// A hit of Xapian's matcher, collapsed by the parent slot.
void AddHit(Page& page, const PageRequest& request, PageContext& context,
            const Xapian::MSetIterator& it, double score) {
  const Xapian::docid id = *it;
  AddHit(page, request, context,
         {.docid = id, .parent = context.parents != nullptr ? ParentOf(*context.parents, id) : 0},
         score);
}

// Text by relevance, weighed in memory (nullopt: the ranker declined).
std::optional<Page> RankInMemory(const PageRequest& request, PageContext& context, size_t depth) {
  std::optional<std::vector<RankedDoc>> top =
      context.ranker.Top(request.hits_text, request.listed, depth, context.parents);
  if (!top) return std::nullopt;
  std::vector<Rescorer::Ranked> ranked;
  ranked.reserve(top->size());
  for (const RankedDoc& doc : *top) {
    ranked.push_back({.index = static_cast<Xapian::doccount>(ranked.size()),
                      .docid = doc.docid,
                      .score = doc.weight});
  }
  if (request.rescore) ranked = context.rescorer.Rank(context.sets, std::move(ranked));
  Page page;
  for (size_t i = request.first; i < ranked.size() && i < request.first + request.count; ++i) {
    const RankedDoc& doc = (*top)[ranked[i].index];
    AddHit(page, request, context, {.docid = doc.docid, .parent = doc.parent}, ranked[i].score);
  }
  return page;
}

// A rescored browse weighed in memory: each listed product by its multiplier
// (boosts, buries, signals), the highest first, ties by docid, as Xapian ranks
// BrowseQuery() but without its matcher's walk of every product.
Page BrowseInMemory(const PageRequest& request, PageContext& context, size_t depth) {
  const Rescorer::BrowseMultipliers multipliers =
      context.rescorer.BrowseMultipliersOf(context.sets);
  const std::vector<RankedDoc> top =
      context.ranker.TopBy(request.listed, depth, context.parents,
                           [&multipliers](Xapian::docid id) { return multipliers.Of(id); });
  Page page;
  for (size_t i = request.first; i < top.size() && i < request.first + request.count; ++i) {
    AddHit(page, request, context, {.docid = top[i].docid, .parent = top[i].parent}, top[i].weight);
  }
  return page;
}

// Xapian's matcher, over the listed products only: text the ranker declines.
Page RankWithXapian(const PageRequest& request, PageContext& context, size_t depth) {
  Xapian::Enquire enquire(context.database);
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);  // deterministic ties
  if (context.parents != nullptr) enquire.set_collapse_key(schema::kSlotParent);
  DocSetSource source(request.listed);
  enquire.set_query(
      Xapian::Query(Xapian::Query::OP_FILTER, request.hits_text, Xapian::Query(&source)));
  const Xapian::MSet matches = request.rescore
                                   ? enquire.get_mset(0, static_cast<Xapian::doccount>(depth))
                                   : enquire.get_mset(static_cast<Xapian::doccount>(request.first),
                                                      static_cast<Xapian::doccount>(request.count));
  Page page;
  if (request.rescore) {
    const std::vector<Rescorer::Ranked> ranked = context.rescorer.Rank(context.sets, matches);
    for (size_t i = request.first; i < ranked.size() && i < request.first + request.count; ++i) {
      AddHit(page, request, context, matches[ranked[i].index], ranked[i].score);
    }
    return page;
  }
  for (Xapian::MSetIterator it = matches.begin(); it != matches.end(); ++it) {
    AddHit(page, request, context, it, it.get_weight());
  }
  return page;
}

}  // namespace

Page RankPage(const PageRequest& request, PageContext& context) {
  const bool by_relevance = request.sort == SortOrder::kRelevance;
  if (!request.rescore && (request.browse || !by_relevance)) {
    // Ordered by a column, or a browse by docid: read straight off the set.
    Page page;
    for (const StyleHit& hit :
         SortedPage(request.listed, context.columns, request.sort, request.first, request.count,
                    context.parents, &context.styles)) {
      AddHit(page, request, context, hit, 0);
    }
    return page;
  }
  if (request.count == 0 || request.first >= request.total) return Page();
  // The rest ranks by relevance (only a relevance match is rescored).
  if (request.browse) return BrowseInMemory(request, context, request.first + request.count);
  // A rescored text match ranks its top candidates, from the top.
  const size_t depth = request.rescore
                           ? std::max<size_t>(kRescoreWindow, request.first + request.count)
                           : request.first + request.count;
  if (std::optional<Page> page = RankInMemory(request, context, depth)) return *std::move(page);
  return RankWithXapian(request, context, depth);
}

}  // namespace vitrine::query::internal
