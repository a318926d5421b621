// MaxScoreTop against weighing every candidate: the pages must be the same
// documents with the same weights, to the last bit, whatever it skipped. The
// lists are made so that pruning happens: a few rare lists of high weight
// among broad ones of low weight, dense constant sets (a stated gender, the words
// of a partial match, some two of which a product needs to reach a page), lists
// that count only inside a condition, ties everywhere (weights from a few
// wdfs and lengths), candidates dense and sparse (both ways of finding
// documents), and pages from one document to past the end of the match.
#include "query/rank/max_score.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace vitrine::query::internal {

bool operator==(const RankedDoc& a, const RankedDoc& b) {
  return a.docid == b.docid && a.weight == b.weight && a.parent == b.parent;
}

namespace {

constexpr Xapian::docid kProducts = 40000;  // ten windows

struct Case {
  std::vector<double> length_parts;
  std::deque<DocSet> sets;  // the constant lists' sets and the conditions
  std::vector<std::vector<Xapian::docid>> docids;
  std::vector<std::vector<Xapian::termcount>> wdfs;
  std::deque<PartMaxima> maxima;
  std::vector<WeighedList> lists;
};

// A list of about `density` of the documents (of those from `from` on),
// weighing `termweight` per posting part; counting only inside `condition` if
// given. Its maxima per window are known (block-max), or only its maximum;
// its postings' parts kept, or computed as they are read.
void AddPostings(Case& c, std::mt19937& random, double density, double termweight,
                 const DocSet* condition, Xapian::docid from = 1, bool windows = true,
                 bool parts = false) {
  std::bernoulli_distribution has(density);
  std::uniform_int_distribution<Xapian::termcount> wdf(1, 3);
  std::vector<Xapian::docid>& docids = c.docids.emplace_back();
  std::vector<Xapian::termcount>& wdfs = c.wdfs.emplace_back();
  for (Xapian::docid id = from; id <= kProducts; ++id) {
    if (!has(random)) continue;
    docids.push_back(id);
    wdfs.push_back(wdf(random));
  }
  const PartMaxima& maxima = c.maxima.emplace_back(MaximaOf(docids, wdfs, c.length_parts, parts));
  c.lists.push_back({.docids = docids,
                     .wdfs = wdfs,
                     .termweight = termweight,
                     .condition = condition,
                     .max = termweight * maxima.max,
                     .window_parts = windows ? std::span<const double>(maxima.windows)
                                             : std::span<const double>(),
                     .parts = maxima.parts});
}

DocSet RandomSet(std::mt19937& random, double density) {
  std::bernoulli_distribution has(density);
  DocSet set(kProducts + 1);
  for (Xapian::docid id = 1; id <= kProducts; ++id) {
    if (has(random)) set.Add(id);
  }
  return set;
}

Case MakeCase(std::mt19937& random, int shape) {
  Case c;
  c.length_parts.resize(kProducts + 1);
  const double lengths[] = {0.75, 1.0, 1.25};  // ties: a few lengths only
  for (Xapian::docid id = 1; id <= kProducts; ++id) c.length_parts[id] = lengths[id % 3];
  c.docids.reserve(16);  // the lists' spans point into these
  c.wdfs.reserve(16);
  const DocSet& condition = c.sets.emplace_back(RandomSet(random, 0.5));
  // A broad word in a description, its parts kept, and one only where the
  // condition holds, with and without.
  AddPostings(c, random, 0.6, 1.5, nullptr, 1, true, /*parts=*/true);
  AddPostings(c, random, 0.3, 3.0, &condition, 1, true, /*parts=*/shape == 1);
  AddPostings(c, random, 0.01, 20.0, nullptr);  // a rare word in titles
  // A word of the last products only (whole windows without it), and one
  // whose maxima per window are not known.
  AddPostings(c, random, 0.05, 12.0, nullptr, kProducts - 9000);
  AddPostings(c, random, 0.1, 2.0, nullptr, 1, /*windows=*/false);
  if (shape >= 1) {
    // Every product of a stated gender, and of each matched word.
    c.lists.push_back(
        {.set = &c.sets.emplace_back(RandomSet(random, 0.9)), .constant = 50, .max = 50});
    c.lists.push_back(
        {.set = &c.sets.emplace_back(RandomSet(random, 0.2)), .constant = 10, .max = 10});
  }
  if (shape == 3) {
    // Two more words: a product needs some two of the three to reach a page.
    c.lists.push_back(
        {.set = &c.sets.emplace_back(RandomSet(random, 0.3)), .constant = 10, .max = 10});
    c.lists.push_back(
        {.set = &c.sets.emplace_back(RandomSet(random, 0.4)), .constant = 10, .max = 10});
  }
  if (shape >= 2) {
    // All the words: a few products far above the rest.
    c.lists.push_back(
        {.set = &c.sets.emplace_back(RandomSet(random, 0.0005)), .constant = 1000, .max = 1000});
    AddPostings(c, random, 0.001, 30.0, &c.sets.emplace_back(RandomSet(random, 0.7)), 1, true,
                true);
  }
  return c;
}

// Every candidate weighed: its lists' parts summed in the lists' order.
std::vector<RankedDoc> WeighEach(const Case& c, const DocSet& candidates, size_t count) {
  std::vector<RankedDoc> all;
  candidates.ForEach([&](Xapian::docid id) {
    double weight = 0;
    for (const WeighedList& list : c.lists) {
      if (list.set != nullptr) {
        if (list.set->Contains(id)) weight += list.constant;
        continue;
      }
      const auto at = std::lower_bound(list.docids.begin(), list.docids.end(), id);
      if (at == list.docids.end() || *at != id) continue;
      if (list.condition != nullptr && !list.condition->Contains(id)) continue;
      const double wdf(list.wdfs[static_cast<size_t>(at - list.docids.begin())]);
      weight += list.termweight * (wdf / (c.length_parts[id] + wdf));
    }
    all.push_back({.docid = id, .weight = weight});
  });
  std::sort(all.begin(), all.end(), [](const RankedDoc& a, const RankedDoc& b) {
    return a.weight != b.weight ? a.weight > b.weight : a.docid < b.docid;
  });
  if (all.size() > count) all.resize(count);
  return all;
}

TEST(MaxScoreTop, FindsThePagesThatWeighingEveryCandidateFinds) {
  std::mt19937 random(42);
  for (int shape = 0; shape < 4; ++shape) {
    const Case c = MakeCase(random, shape);
    for (const double density : {1.0, 0.3, 0.002}) {
      const DocSet candidates = RandomSet(random, density);
      for (const size_t count : {size_t{1}, size_t{10}, size_t{100}, size_t{1000}, size_t{50000}}) {
        SCOPED_TRACE("shape " + std::to_string(shape) + ", candidates " + std::to_string(density) +
                     ", count " + std::to_string(count));
        const std::vector<RankedDoc> expected = WeighEach(c, candidates, count);
        const std::vector<RankedDoc> found =
            MaxScoreTop(c.lists, candidates, c.length_parts, count);
        ASSERT_EQ(found.size(), expected.size());
        for (size_t i = 0; i < found.size(); ++i) {
          ASSERT_EQ(found[i].docid, expected[i].docid) << i;
          ASSERT_EQ(found[i].weight, expected[i].weight) << i;  // bit for bit
        }
      }
    }
  }
}

TEST(MaxScoreTop, CandidatesInNoListFollowByDocid) {
  std::mt19937 random(7);
  Case c = MakeCase(random, 0);
  c.lists.resize(1);  // the broad word only: 40% of the candidates have none
  const DocSet candidates = RandomSet(random, 0.5);
  const std::vector<RankedDoc> found = MaxScoreTop(c.lists, candidates, c.length_parts, kProducts);
  EXPECT_EQ(found.size(), candidates.Count());
  EXPECT_EQ(found, WeighEach(c, candidates, kProducts));
  // None at all: the candidates in docid order, weighing nothing.
  const std::vector<RankedDoc> none = MaxScoreTop({}, candidates, c.length_parts, 5);
  ASSERT_EQ(none.size(), 5u);
  EXPECT_EQ(none[0].docid, candidates.Next(0));
  EXPECT_EQ(none[4].weight, 0);
  EXPECT_TRUE(MaxScoreTop(c.lists, candidates, c.length_parts, 0).empty());
}

// The first product of each style, in page order: what a collapsed page shows.
std::vector<RankedDoc> FirstOfEachStyle(const std::vector<RankedDoc>& docs,
                                        const std::vector<uint32_t>& parents) {
  std::vector<RankedDoc> firsts;
  std::vector<bool> seen(kProducts + 1, false);
  for (const RankedDoc& doc : docs) {
    const uint32_t parent = parents[doc.docid];
    if (parent != 0 && seen[parent]) continue;
    if (parent != 0) seen[parent] = true;
    firsts.push_back(doc);
  }
  return firsts;
}

TEST(MaxScoreTop, WithStylesEachStyleStandsOnceByItsBest) {
  std::mt19937 random(11);
  // Styles of one to four neighbouring products; one product in ten has none.
  std::vector<uint32_t> parents(kProducts + 1, 0);
  std::uniform_int_distribution<int> style_size(1, 4);
  std::bernoulli_distribution alone(0.1);
  uint32_t style = 0;
  for (Xapian::docid id = 1; id <= kProducts;) {
    if (alone(random)) {
      ++id;
      continue;
    }
    ++style;
    for (int n = style_size(random); n > 0 && id <= kProducts; --n) parents[id++] = style;
  }
  for (int shape = 0; shape < 4; ++shape) {
    const Case c = MakeCase(random, shape);
    for (const double density : {1.0, 0.3, 0.002}) {
      const DocSet candidates = RandomSet(random, density);
      // Each style's best (ties: its first) in page order, from every candidate.
      const std::vector<RankedDoc> styles =
          FirstOfEachStyle(WeighEach(c, candidates, kProducts), parents);
      for (const size_t count : {size_t{1}, size_t{10}, size_t{100}, size_t{1000}}) {
        SCOPED_TRACE("shape " + std::to_string(shape) + ", candidates " + std::to_string(density) +
                     ", count " + std::to_string(count));
        const std::vector<RankedDoc> found =
            MaxScoreTop(c.lists, candidates, c.length_parts, count, parents);
        const std::vector<RankedDoc> firsts = FirstOfEachStyle(found, parents);
        // A style's products lie together here, so each style stands once:
        // a product better than those of its style before it took the place
        // of the best of them.
        EXPECT_EQ(firsts.size(), found.size());
        ASSERT_LE(firsts.size(), styles.size());
        for (size_t i = 0; i < firsts.size(); ++i) {
          ASSERT_EQ(firsts[i].docid, styles[i].docid) << i;
          ASSERT_EQ(firsts[i].weight, styles[i].weight) << i;
        }
        // Products that cannot stand for their style gave their places to others.
        const std::vector<RankedDoc> plain =
            MaxScoreTop(c.lists, candidates, c.length_parts, count);
        EXPECT_EQ(found.size(), plain.size());
        if (count >= 1000 && density > 0.01) {
          EXPECT_GT(firsts.size(), FirstOfEachStyle(plain, parents).size());
        }
      }
    }
  }
}

}  // namespace
}  // namespace vitrine::query::internal
