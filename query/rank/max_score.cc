#include "query/rank/max_score.h"

#include <algorithm>
#include <array>
#include <bit>
#include <numeric>

#include "query/rank/top_k.h"

namespace vitrine::query::internal {
namespace {

// Bounds are sums in another order than a weight's: they may round a little
// lower than the weight they bound (by a few units in the last place), never
// by this much. Weights closer than this are taken as equal.
constexpr double kSlack = 1e-12;
// Documents are taken a window at a time: 64 words of the candidates' bits.
constexpr size_t kWindowWords = kWindowDocs / 64;
constexpr size_t kWindow = kWindowDocs;
// Looking a document up in a list costs about as much as reading this many
// postings in turn.
constexpr size_t kLookupCost = 8;

struct Better {
  bool operator()(const RankedDoc& a, const RankedDoc& b) const {
    return a.weight != b.weight ? a.weight > b.weight : a.docid < b.docid;
  }
};

// True when a document that can weigh at most `bound` might enter a page whose
// worst weighs `worst`. It must weigh more: documents come in docid order, so
// one of equal weight follows every document on the page. (Many do: every
// product of a stated gender, say, has the same boost and no other word.)
bool MayEnter(double bound, double worst) { return bound > worst * (1 + kSlack); }

// The first position from `from` on whose docid is at least `target`: doubling
// steps, then a binary search.
size_t Gallop(std::span<const Xapian::docid> docids, size_t from, Xapian::docid target) {
  // A few in turn first: a list looked up for each document a walk brings
  // moves on a little each time.
  for (const size_t near = std::min(from + 4, docids.size()); from < near; ++from) {
    if (docids[from] >= target) return from;
  }
  if (from >= docids.size() || docids[from] >= target) return from;
  size_t low = from;  // docids[low] < target
  size_t step = 1;
  while (low + step < docids.size() && docids[low + step] < target) {
    low += step;
    step *= 2;
  }
  const auto begin = docids.begin();
  const size_t high = std::min(low + step, docids.size());
  return static_cast<size_t>(std::lower_bound(begin + static_cast<std::ptrdiff_t>(low + 1),
                                              begin + static_cast<std::ptrdiff_t>(high), target) -
                             begin);
}

}  // namespace

PartMaxima MaximaOf(std::span<const Xapian::docid> docids, std::span<const Xapian::termcount> wdfs,
                    const std::vector<double>& length_parts, bool keep_parts) {
  PartMaxima maxima;
  maxima.windows.assign(length_parts.size() / kWindow + 1, 0);
  if (keep_parts) maxima.parts.resize(docids.size());
  for (size_t i = 0; i < docids.size(); ++i) {
    // As Ranker::WdfPart, operation for operation.
    const double wdf(wdfs[i]);
    const double part = wdf / (length_parts[docids[i]] + wdf);
    double& window = maxima.windows[docids[i] / kWindow];
    window = std::max(window, part);
    maxima.max = std::max(maxima.max, part);
    if (keep_parts) maxima.parts[i] = part;
  }
  return maxima;
}

namespace {

class Walk {
 public:
  Walk(std::span<const WeighedList> lists, const DocSet& candidates,
       const std::vector<double>& length_parts, size_t count, std::span<const uint32_t> parents)
      : lists_(lists),
        candidates_(candidates),
        length_parts_(length_parts),
        count_(count),
        parents_(parents),
        top_(count, Better()),
        n_(lists.size()),
        order_(n_),
        rank_(n_),
        by_max_(n_),
        cost_(n_),
        up_to_(n_),
        window_max_(n_),
        window_up_to_(n_),
        scan_(n_, 0),
        probe_(n_, 0),
        weights_(n_, 0),
        has_(n_, 0),
        acc_(kWindow, 0) {
    // The lists that add least per document they bring come first: they are
    // the first to be looked up rather than walked. (By their maxima alone, a
    // dense list of some weight, such as every product of a stated gender,
    // would be walked to the end.)
    for (size_t i = 0; i < n_; ++i) {
      const WeighedList& list = lists_[i];
      cost_[i] =
          std::max<uint64_t>(1, list.set != nullptr ? list.set->Count() : list.docids.size());
    }
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](size_t a, size_t b) {
      return lists_[a].max / static_cast<double>(cost_[a]) <
             lists_[b].max / static_cast<double>(cost_[b]);
    });
    double sum = 0;
    for (size_t i = 0; i < n_; ++i) up_to_[i] = sum += lists_[order_[i]].max;
    for (size_t i = 0; i < n_; ++i) rank_[order_[i]] = i;
    // Looked up, the lists that could add most go first: a document that lacks
    // them is dropped soonest. Sets, looked up at once, before lists of as much.
    std::iota(by_max_.begin(), by_max_.end(), 0);
    std::stable_sort(by_max_.begin(), by_max_.end(), [&](size_t a, size_t b) {
      if (lists_[a].max != lists_[b].max) return lists_[a].max > lists_[b].max;
      return lists_[a].set != nullptr && lists_[b].set == nullptr;
    });
    for (size_t l = 0; l < n_; ++l) {
      if (lists_[l].set != nullptr) sets_.push_back(l);
    }
    if (sets_.size() > kMaxCombinedSets ||
        std::any_of(sets_.begin(), sets_.end(), [&](size_t l) { return lists_[l].constant < 0; })) {
      sets_.clear();  // (a bound from their combinations would cost more than it saves)
    }
  }

  std::vector<RankedDoc> Run() && {
    const std::span<const uint64_t> words = candidates_.words();
    for (size_t w0 = 0; w0 < words.size() && n_ > 0; w0 += kWindowWords) {
      if (kept_ == count_ && !MayEnter(up_to_[n_ - 1], worst_)) break;  // none can enter
      const size_t w1 = std::min(words.size(), w0 + kWindowWords);
      size_t candidates = 0;
      for (size_t k = w0; k < w1; ++k) {
        window_[k - w0] = words[k];
        candidates += static_cast<size_t>(std::popcount(words[k]));
      }
      if (candidates == 0) continue;
      // What the lists can add in this window: when even all of it cannot
      // reach the page, nothing here is read.
      StartWindow(w0 / kWindowWords);
      if (kept_ == count_ && !MayEnter(window_up_to_[n_ - 1], worst_)) continue;
      if (kept_ == count_ && !sets_.empty()) {
        candidates = KeepViable(w0, w1, candidates);
        if (candidates == 0) continue;
      }
      // Few candidates and long lists: each candidate looked up in the lists
      // costs less than reading the lists' postings in the window.
      const size_t lower = first_essential_;
      size_t postings = 0;
      for (size_t i = lower; i < n_; ++i) postings += PostingsHere(order_[i]);
      if (candidates * (n_ - lower) * kLookupCost < postings) {
        LookUpBelow(n_);
        ForEachBit(window_, 0, w1 - w0, [&](Xapian::docid at) {
          Consider(static_cast<Xapian::docid>(w0 * 64) + at, window_up_to_[n_ - 1]);
        });
      } else if (lower == 0) {
        WeighAll(w0, w1);
      } else {
        LookUpBelow(lower);
        Scan(w0, w1, lower);
      }
    }
    std::vector<RankedDoc> best = std::move(top_).Sorted();
    if (best.size() < count_) FillWithUnweighed(best);
    return best;
  }

 private:
  template <typename F>
  static void ForEachBit(std::span<const uint64_t> words, size_t w0, size_t w1, F&& f) {
    for (size_t k = w0; k < w1; ++k) {
      for (uint64_t word = words[k]; word != 0; word &= word - 1) {
        f(static_cast<Xapian::docid>(k * 64 + static_cast<size_t>(std::countr_zero(word))));
      }
    }
  }

  // Leaves in window_ (the window's candidates, words w0 to w1) the documents
  // whose sets (lists of a constant weight) add enough for them to reach the
  // page with all the window's posting lists: those in every set of one of the
  // smallest combinations of sets that add enough. (Products with two of three
  // words, say, when a partial match earns a constant per word.) Returns how
  // many of the window's `candidates` are left.
  size_t KeepViable(size_t w0, size_t w1, size_t candidates) {
    double lists = 0;  // what the posting lists can add here
    for (size_t l = 0; l < n_; ++l) {
      if (lists_[l].set == nullptr) lists += window_max_[l];
    }
    if (MayEnter(lists, worst_)) return candidates;  // sets or not
    // The combinations enough, as bit masks over sets_, each without a smaller one enough.
    const uint32_t combinations = uint32_t{1} << sets_.size();
    viable_.clear();
    for (uint32_t mask = 1; mask < combinations; ++mask) {
      if (std::any_of(viable_.begin(), viable_.end(),
                      [mask](uint32_t smaller) { return (smaller & mask) == smaller; })) {
        continue;  // (masks come in ascending order: a smaller one came first)
      }
      double bound = lists;
      for (size_t i = 0; i < sets_.size(); ++i) {
        if ((mask >> i & 1) != 0) bound += lists_[sets_[i]].constant;
      }
      if (MayEnter(bound, worst_)) viable_.push_back(mask);
    }
    size_t left = 0;
    for (size_t k = w0; k < w1; ++k) {
      uint64_t any = 0;
      for (const uint32_t mask : viable_) {
        uint64_t all = window_[k - w0];
        for (size_t i = 0; i < sets_.size() && all != 0; ++i) {
          if ((mask >> i & 1) == 0) continue;
          const std::span<const uint64_t> set = lists_[sets_[i]].set->words();
          all &= k < set.size() ? set[k] : 0;
        }
        any |= all;
      }
      window_[k - w0] = any;
      left += static_cast<size_t>(std::popcount(any));
    }
    return left;
  }

  // What `list` adds to `doc` at posting `pos` (a posting list's).
  double PostingWeight(const WeighedList& list, size_t pos, Xapian::docid doc) const {
    return list.parts.empty() ? ComputedWeight(list, pos, doc) : list.termweight * list.parts[pos];
  }
  double ComputedWeight(const WeighedList& list, size_t pos, Xapian::docid doc) const {
    // As Ranker::WdfPart, operation for operation.
    const double wdf(list.wdfs[pos]);
    return list.termweight * (wdf / (length_parts_[doc] + wdf));
  }

  // Whether list `i` weighs `doc` (its lookup position moves on to it), and by
  // how much.
  bool Probe(size_t i, Xapian::docid doc, double& weight) {
    const WeighedList& list = lists_[i];
    weight = 0;
    if (list.set != nullptr) {
      if (!list.set->Contains(doc)) return false;
      weight = list.constant;
      return true;
    }
    const size_t pos = probe_[i] = Gallop(list.docids, probe_[i], doc);
    if (pos == list.docids.size() || list.docids[pos] != doc) return false;
    if (list.condition != nullptr && !list.condition->Contains(doc)) return false;
    weight = PostingWeight(list, pos, doc);
    return true;
  }

  // Adds what posting list `l` gives each candidate in [base, end) to acc_,
  // marking it in `marks`; whether there were any. Without a branch per
  // posting: which postings are candidates follows no pattern a branch
  // predictor could learn, and a part of zero adds nothing.
  bool WalkPostings(size_t l, Xapian::docid base, Xapian::docid end,
                    std::array<uint64_t, kWindowWords>& marks) {
    const WeighedList& list = lists_[l];
    const DocSet& where = list.condition != nullptr ? *list.condition : candidates_;
    const std::span<const Xapian::docid> docids = list.docids;
    uint64_t any = 0;
    size_t pos = Gallop(docids, scan_[l], base);
    const auto walk = [&](auto weight_at) {
      for (; pos < docids.size() && docids[pos] < end; ++pos) {
        const Xapian::docid doc = docids[pos];
        const uint64_t in = (window_[(doc - base) >> 6] >> (doc & 63) & 1) &
                            static_cast<uint64_t>(where.Contains(doc));
        marks[(doc - base) >> 6] |= in << (doc & 63);
        acc_[doc - base] += weight_at(doc) * static_cast<double>(in);
        any |= in;
      }
    };
    if (!list.parts.empty()) {
      walk([&](Xapian::docid) { return list.termweight * list.parts[pos]; });
    } else {
      walk([&](Xapian::docid doc) { return ComputedWeight(list, pos, doc); });
    }
    scan_[l] = pos;
    return any != 0;
  }

  // The most each list can add in window `w` (its postings' best part there),
  // and their sums in order_.
  void StartWindow(size_t w) {
    for (size_t l = 0; l < n_; ++l) {
      const WeighedList& list = lists_[l];
      window_max_[l] =
          list.set != nullptr || list.window_parts.empty()
              ? list.max
              : (w < list.window_parts.size() ? list.termweight * list.window_parts[w] : 0);
    }
    double sum = 0;
    for (size_t i = 0; i < n_; ++i) window_up_to_[i] = sum += window_max_[order_[i]];
  }

  // Every list walked (the page is not full, or nothing can be skipped yet):
  // each document of the window weighed by adding each list's parts in turn,
  // in the lists' order, and offered.
  void WeighAll(size_t w0, size_t w1) {
    const Xapian::docid base = static_cast<Xapian::docid>(w0 * 64);
    const Xapian::docid end = static_cast<Xapian::docid>(w1 * 64);
    std::array<uint64_t, kWindowWords> hits{};
    for (size_t l = 0; l < n_; ++l) {
      const WeighedList& list = lists_[l];
      if (list.set != nullptr) {
        const std::span<const uint64_t> set = list.set->words();
        for (size_t k = w0; k < w1 && k < set.size(); ++k) {
          const uint64_t bits = set[k] & window_[k - w0];
          hits[k - w0] |= bits;
          for (uint64_t word = bits; word != 0; word &= word - 1) {
            acc_[(k - w0) * 64 + static_cast<size_t>(std::countr_zero(word))] += list.constant;
          }
        }
        continue;
      }
      WalkPostings(l, base, end, hits);
    }
    for (size_t k = 0; k < w1 - w0; ++k) {
      for (uint64_t word = hits[k]; word != 0; word &= word - 1) {
        const size_t at = k * 64 + static_cast<size_t>(std::countr_zero(word));
        Offer(base + static_cast<Xapian::docid>(at), acc_[at]);
        acc_[at] = 0;
      }
    }
  }

  // The documents of the window in the walked lists (order_[lower..]), each
  // with what those lists add; then each considered.
  void Scan(size_t w0, size_t w1, size_t lower) {
    const size_t width = w1 - w0;
    const Xapian::docid base = static_cast<Xapian::docid>(w0 * 64);
    const Xapian::docid end = static_cast<Xapian::docid>(w1 * 64);
    std::array<uint64_t, kWindowWords> hits{};
    std::array<uint64_t, kWindowWords> weighed{};  // by a posting list (in acc_)
    double most = 0;  // what the walked lists with documents here could add
    walked_sets_.clear();
    for (size_t i = lower; i < n_; ++i) {
      const size_t l = order_[i];
      const WeighedList& list = lists_[l];
      if (list.set != nullptr) {
        const std::span<const uint64_t> set = list.set->words();
        uint64_t any = 0;
        for (size_t k = w0; k < w1 && k < set.size(); ++k) {
          const uint64_t bits = set[k] & window_[k - w0];
          hits[k - w0] |= bits;
          any |= bits;
        }
        if (any != 0) {
          most += window_max_[l];
          walked_sets_.push_back(l);
        }
        continue;
      }
      if (WalkPostings(l, base, end, weighed)) most += window_max_[l];
    }
    for (size_t k = 0; k < width; ++k) hits[k] |= weighed[k];
    // The lists looked up, less those dense here next to the documents found:
    // those are walked too (bringing no documents), so that a document's bound
    // holds what they add rather than their most, and it is looked up in them
    // only if it still may enter. (A partial match's words: every product with
    // two of them may enter by its sets, few by what the words add.)
    size_t found = 0;
    for (size_t k = 0; k < width; ++k) found += static_cast<size_t>(std::popcount(hits[k]));
    std::array<uint64_t, kWindowWords> dense{};  // by the lists walked for that (in acc_)
    double others = 0;                           // what the lists looked up could add
    dense_lists_.clear();
    for (size_t i = 0; i < lower; ++i) {
      const size_t l = order_[i];
      if (lists_[l].set == nullptr && PostingsHere(l) <= found * kLookupCost / 2) {
        WalkPostings(l, base, end, dense);
        most += window_max_[l];
        dense_lists_.push_back(l);
        continue;
      }
      others += window_max_[l];
    }
    if (!dense_lists_.empty()) {  // walked now, so weighed as walked lists are
      std::erase_if(looked_up_, [&](size_t l) {
        return std::find(dense_lists_.begin(), dense_lists_.end(), l) != dense_lists_.end();
      });
      walked_.insert(walked_.end(), dense_lists_.begin(), dense_lists_.end());
    }
    if (kept_ == count_) {
      // A set looked up that adds more than any document here could spare:
      // only its documents may enter, a word of 64 at a time.
      for (size_t i = 0; i < lower; ++i) {
        const WeighedList& list = lists_[order_[i]];
        if (list.set == nullptr || MayEnter(most + others - list.constant, worst_)) continue;
        const std::span<const uint64_t> set = list.set->words();
        for (size_t k = 0; k < width; ++k) hits[k] &= w0 + k < set.size() ? set[w0 + k] : 0;
      }
    }
    for (size_t k = 0; k < width; ++k) {
      for (uint64_t word = hits[k]; word != 0; word &= word - 1) {
        const size_t at = k * 64 + static_cast<size_t>(std::countr_zero(word));
        const Xapian::docid doc = base + static_cast<Xapian::docid>(at);
        double bound = acc_[at] + others;
        for (const size_t l : walked_sets_) {
          if (lists_[l].set->Contains(doc)) bound += lists_[l].constant;
        }
        Consider(doc, bound);
      }
      // (The documents dropped above leave what they added too.)
      for (uint64_t word = weighed[k] | dense[k]; word != 0; word &= word - 1) {
        acc_[k * 64 + static_cast<size_t>(std::countr_zero(word))] = 0;
      }
    }
  }

  // About how many postings list `l` has in a window.
  size_t PostingsHere(size_t l) const { return cost_[l] * kWindow / length_parts_.size() + 1; }

  // `doc`, which may weigh up to `bound` with the lists LookUpBelow chose not
  // yet looked at: weighed and offered unless it cannot enter the page.
  void Consider(Xapian::docid doc, double bound) {
    const bool full = kept_ == count_;
    if (full && !MayEnter(bound, worst_)) return;
    // The lists not yet looked at, those that could add most first, while it
    // still may enter.
    for (const size_t l : looked_up_) {
      has_[l] = Probe(l, doc, weights_[l]);
      bound += weights_[l] - window_max_[l];
      if (full && !MayEnter(bound, worst_)) return;
    }
    bool any = false;
    for (const size_t l : walked_) has_[l] = Probe(l, doc, weights_[l]);
    // Summed in the lists' order, as the ranker sums them list by list: the
    // same document always weighs the same, to the last bit.
    double weight = 0;
    for (size_t l = 0; l < n_; ++l) {
      if (!has_[l]) continue;
      weight += weights_[l];
      any = true;
    }
    if (!any) return;  // in no list: it weighs nothing (FillWithUnweighed)
    Offer(doc, weight);
  }

  // Which lists Consider looks up in this window (order_[..lower), those with
  // postings here, highest maxima first) and which were walked.
  void LookUpBelow(size_t lower) {
    looked_up_.clear();
    walked_.clear();
    for (const size_t l : by_max_) {
      if (rank_[l] >= lower) {
        walked_.push_back(l);
      } else if (window_max_[l] > 0) {
        looked_up_.push_back(l);
      } else {
        has_[l] = false;  // none here
      }
    }
  }

  void Offer(Xapian::docid doc, double weight) {
    const RankedDoc offered{.docid = doc, .weight = weight};
    if (!parents_.empty()) {
      // A style's products follow one another: one after a better one of its
      // style (earlier, so winning a tie) cannot stand for it, and one better
      // than those before it takes the place of the best of them, if it has
      // one on the page.
      const uint32_t parent = doc < parents_.size() ? parents_[doc] : 0;
      const bool same = parent != 0 && parent == last_parent_;
      if (same && weight <= last_weight_) return;
      const Xapian::docid before = last_doc_;
      last_parent_ = parent;
      last_weight_ = weight;
      last_doc_ = doc;
      if (same && last_kept_ &&
          top_.Replace([before](const RankedDoc& kept) { return kept.docid == before; }, offered)) {
        if (kept_ == count_) Tighten();
        return;
      }
      last_kept_ = false;
    }
    if (kept_ == count_ && !Better()(offered, top_.Worst())) return;
    top_.Offer(offered);
    last_kept_ = true;
    if (kept_ < count_) ++kept_;
    if (kept_ == count_) Tighten();
  }

  // The page is full: its worst, and the lists whose maxima, with all those
  // below, cannot reach it no longer bring documents.
  void Tighten() {
    worst_ = top_.Worst().weight;
    while (first_essential_ < n_ && !MayEnter(up_to_[first_essential_], worst_)) {
      ++first_essential_;
    }
  }

  // Short of the page: every weighed document entered. Candidates in no list
  // weigh nothing and follow, by docid (as Xapian lists them).
  void FillWithUnweighed(std::vector<RankedDoc>& best) const {
    std::vector<Xapian::docid> listed;
    listed.reserve(best.size());
    for (const RankedDoc& doc : best) listed.push_back(doc.docid);
    std::sort(listed.begin(), listed.end());
    for (Xapian::docid doc = candidates_.Next(0); doc != 0 && best.size() < count_;
         doc = candidates_.Next(doc + 1)) {
      if (!std::binary_search(listed.begin(), listed.end(), doc)) {
        best.push_back({.docid = doc, .weight = 0});
      }
    }
    std::stable_sort(best.begin(), best.end(), Better());
  }

  const std::span<const WeighedList> lists_;
  const DocSet& candidates_;
  const std::vector<double>& length_parts_;
  const size_t count_;
  const std::span<const uint32_t> parents_;
  uint32_t last_parent_ = 0;    // of the product offered last (0: none)
  double last_weight_ = 0;      // the best weight of its style's products offered in a row
  Xapian::docid last_doc_ = 0;  // the product of that weight
  bool last_kept_ = false;      // whether that product went on the page
  TopK<RankedDoc, Better> top_;
  const size_t n_;
  std::vector<size_t> order_;         // the lists, least weight per document first
  std::vector<size_t> rank_;          // by list: its place in order_
  std::vector<size_t> by_max_;        // the lists by their maxima, highest first
  std::vector<uint64_t> cost_;        // by list: its documents
  std::vector<double> up_to_;         // up_to_[i]: the maxima of order_[0..i] summed
  std::vector<double> window_max_;    // by list: the most it adds in this window
  std::vector<double> window_up_to_;  // as up_to_, in this window
  size_t first_essential_ = 0;        // order_[first_essential_..] bring documents
  size_t kept_ = 0;
  double worst_ = 0;                 // on the page, once full
  std::vector<size_t> scan_;         // by list: where the walk through it is
  std::vector<size_t> probe_;        // by list: where its last lookup ended
  std::vector<double> weights_;      // by list: what it adds to the document considered
  std::vector<char> has_;            // by list: whether it has that document
  std::vector<double> acc_;          // by document of the window: what its lists add
  std::vector<size_t> walked_sets_;  // the window's walked sets with documents
  // The lists of a constant weight (sets), when few enough that KeepViable
  // can weigh their combinations (else none).
  static constexpr size_t kMaxCombinedSets = 6;
  std::vector<size_t> sets_;
  std::vector<size_t> dense_lists_;  // the lists Scan walks, though looked up
  std::vector<uint32_t> viable_;     // KeepViable's combinations
  // The window's candidates: words w0 to w1 of candidates_, less those
  // KeepViable dropped.
  std::array<uint64_t, kWindowWords> window_{};
  std::vector<size_t> looked_up_;  // LookUpBelow's
  std::vector<size_t> walked_;
};

}  // namespace

std::vector<RankedDoc> MaxScoreTop(std::span<const WeighedList> lists, const DocSet& candidates,
                                   const std::vector<double>& length_parts, size_t count,
                                   std::span<const uint32_t> parents) {
  if (count == 0) return {};
  return Walk(lists, candidates, length_parts, count, parents).Run();
}

}  // namespace vitrine::query::internal
