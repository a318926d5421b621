// The best documents of a match by a sum of weighed lists, a document at a
// time, skipping those that cannot reach the page (MaxScore: Turtle and Flood,
// "Query evaluation: strategies and optimizations", 1995; as Lucene's
// MaxScoreBulkScorer). The lists are ordered by the most each adds per
// document it holds. Once the page is full, the longest prefix of that order
// whose maxima sum below the page's worst weight cannot bring a document onto
// the page on its own: only the other lists are walked ("essential"), 4,096
// docids at a time; the rest are looked up for the documents those bring,
// the highest maxima first, and a document is dropped as soon as what it
// could still reach falls below the page. Each list's maxima are also known
// per window (block-max): a window whose lists cannot reach the page is
// passed over, and a document's bound counts what the lists can add there. A set looked up that
// adds more than a window's documents could spare narrows the window a word of 64 at a time. A
// broad word (the category Topwear, a quarter of a catalog, behind "top") then costs the postings
// of the lists that decide the page, not every match; and when the candidates are few, each is
// looked up in the lists instead.
//
// Exact: every document that could enter is weighed, and its weight is the
// sum of its lists' parts in the lists' order, as the ranker always sums them
// (so the same document weighs the same to the last bit, wherever it was met).
#pragma once

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "query/match/match_sets.h"

namespace vitrine::query::internal {

// Documents are taken a window of this many docids at a time.
inline constexpr size_t kWindowDocs = 4096;

// The highest part (wdf / (length part + wdf)) of a posting list's postings,
// overall and in each window of docids (0 where it has none); with
// `keep_parts`, each posting's part too (8 bytes a posting), so that a walk
// reads them in turn instead of each document's length part, which a long
// list finds in a cache line of its own (a 1M-product catalog's are 8 MB).
struct PartMaxima {
  double max = 0;
  std::vector<double> windows;
  std::vector<double> parts;  // by posting, when kept
};
PartMaxima MaximaOf(std::span<const Xapian::docid> docids, std::span<const Xapian::termcount> wdfs,
                    const std::vector<double>& length_parts, bool keep_parts = false);

struct RankedDoc {
  Xapian::docid docid;
  double weight;
  uint32_t parent = 0;  // collapsing: the parent's value id (0: none)
};

// One part of a document's weight.
struct WeighedList {
  // A posting list (docids ascending, with their wdfs), each posting weighing
  // `termweight * wdf / (length_parts[docid] + wdf)` (BM25 without its term
  // weight: Ranker::WdfPart) ...
  std::span<const Xapian::docid> docids;
  std::span<const Xapian::termcount> wdfs;
  double termweight = 0;
  // ... or, when `set` is not null, each document of the set weighing `constant`.
  const DocSet* set = nullptr;
  double constant = 0;
  // When not null, only the documents of this set weigh (a part of the query
  // whose other words they must also have).
  const DocSet* condition = nullptr;
  // No posting of the list weighs more.
  double max = 0;
  // A posting list's: the highest part in each window (PartMaxima::windows),
  // so that a window where the lists cannot reach the page is passed over.
  // Empty: `max` everywhere.
  std::span<const double> window_parts;
  // A posting list's: each posting's part (PartMaxima::parts), the same
  // double the formula above gives. Empty: computed from `length_parts`.
  std::span<const double> parts;
};

// The `count` best documents of `candidates` by the sum of `lists` (highest
// first, ties by ascending docid), each weighed only if a candidate.
// Candidates in none of the lists weigh nothing and follow, by docid.
// `length_parts` by docid. With `parents` (a style per docid, 0: none), a
// product is left out when the product offered before it, in docid order, is
// of its style and weighs as much or more: it could never stand for its style
// (collapse.h), and the page's places go to other styles.
std::vector<RankedDoc> MaxScoreTop(std::span<const WeighedList> lists, const DocSet& candidates,
                                   const std::vector<double>& length_parts, size_t count,
                                   std::span<const uint32_t> parents = {});

}  // namespace vitrine::query::internal
