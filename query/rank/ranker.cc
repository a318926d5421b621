#include "query/rank/ranker.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string_view>

#include "query/rank/top_k.h"

namespace vitrine::query::internal {
namespace {

// Xapian::BM25Weight's defaults.
constexpr double kK1 = 1;
constexpr double kK3 = 1;
constexpr double kB = 0.5;
constexpr double kMinNormLen = 0.5;
// A wildcard's weight is checked against Xapian's on about this many documents.
constexpr uint64_t kWildcardSample = 16;

// The number after `marker` in a query's description ("%.20g": exact), or NaN.
double NumberAfter(const std::string& description, std::string_view marker) {
  const size_t at = description.find(marker);
  if (at == std::string::npos) return std::nan("");
  const char* start = description.c_str() + at + marker.size();
  char* end = nullptr;
  const double value = std::strtod(start, &end);
  return end == start ? std::nan("") : value;
}

}  // namespace

Ranker::Ranker(const Xapian::Database& database, MatchSets& sets)
    : database_(database), sets_(sets) {}

void Ranker::Reset() {
  documents_ = 0;
  length_parts_.clear();
  styles_ = {};
  wildcards_.clear();
  merged_bytes_ = 0;
  maxima_.clear();
  parts_bytes_ = 0;
}

double Ranker::TermWeight(Xapian::doccount termfreq, double factor) const {
  // As Xapian::BM25Weight::init, operation for operation (wqf 1).
  double tw = (documents_ - termfreq + 0.5) / (termfreq + 0.5);
  if (tw < 2) tw = tw * 0.5 + 1;
  double termweight = std::log(tw) * factor;
  termweight *= (kK3 + 1) * 1.0 / (kK3 + 1.0);
  termweight *= (kK1 + 1);
  return termweight;
}

double Ranker::WdfPart(Xapian::termcount wdf, Xapian::docid id) const {
  // As Xapian::BM25Weight::get_sumpart, without the term weight.
  const double wdf_double(wdf);
  return wdf_double / (length_parts_[id] + wdf_double);
}

bool Ranker::KeepParts(size_t postings) {
  const size_t bytes = postings * sizeof(double);
  if (postings < kPartsFrom || parts_bytes_ + bytes > kPartsBytes) return false;
  parts_bytes_ += bytes;
  return true;
}

std::shared_ptr<const PartMaxima> Ranker::MaximaOf(const std::string& term,
                                                   const Postings& postings) {
  std::shared_ptr<const PartMaxima>& maxima = maxima_[term];
  if (maxima == nullptr) {
    maxima = std::make_shared<const PartMaxima>(internal::MaximaOf(
        postings.docids, postings.wdfs, length_parts_, KeepParts(postings.docids.size())));
  }
  return maxima;
}

Ranker::Wildcard& Ranker::WildcardOf(const Xapian::Query& query) {
  std::string key = query.serialise();
  if (const auto found = wildcards_.find(key); found != wildcards_.end()) return found->second;
  Wildcard& wildcard = wildcards_[key];
  // Weighed as one synonym of its terms.
  const std::optional<WildcardSpec> spec = ParseWildcard(key);
  if (!spec || spec->combiner != Xapian::Query::OP_SYNONYM) return wildcard;
  // The expansion match sets read (MatchSets::Expansion): the documents it matches.
  const std::optional<std::vector<std::string>>& expansion = sets_.Expansion(query);
  if (!expansion) return wildcard;
  const std::vector<std::string>& terms = *expansion;
  const DocSet matched = sets_.Of(query);
  if (matched.empty()) {  // it weighs nothing
    wildcard.ok = true;
    return wildcard;
  }
  // Its weight at factor 1, from Xapian, on a sample of its documents: the
  // first calibrates, the others check the expansion's wdfs (a different set of
  // terms matching the same documents would weigh some of them differently).
  auto wdf_of = [&](Xapian::docid id) {
    Xapian::termcount wdf = 0;
    for (const std::string& term : terms) {
      const Postings& postings = sets_.PostingsOf(term);
      const auto at = std::lower_bound(postings.docids.begin(), postings.docids.end(), id);
      if (at != postings.docids.end() && *at == id)
        wdf += postings.wdfs[at - postings.docids.begin()];
    }
    return wdf;
  };
  DocSet sample(length_parts_.size());
  const uint64_t count = matched.Count();
  const uint64_t step = std::max<uint64_t>(1, count / kWildcardSample);
  uint64_t seen = 0;
  matched.ForEach([&](Xapian::docid id) {
    if (seen++ % step == 0) sample.Add(id);
  });
  DocSetSource source(sample);
  Xapian::Enquire enquire(database_);
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(&source)));
  const Xapian::MSet weighed = enquire.get_mset(0, database_.get_doccount());
  // Xapian's own expansion matches every sampled document too.
  if (weighed.empty() || weighed.size() != sample.Count()) return wildcard;
  const Xapian::docid first = *weighed.begin();
  const Xapian::termcount first_wdf = wdf_of(first);
  if (first_wdf == 0) return wildcard;
  wildcard.termweight = weighed.begin().get_weight() / WdfPart(first_wdf, first);
  if (!std::isfinite(wildcard.termweight)) return wildcard;
  for (Xapian::MSetIterator it = weighed.begin(); it != weighed.end(); ++it) {
    const double weight = wildcard.termweight * WdfPart(wdf_of(*it), *it);
    if (std::abs(weight - it.get_weight()) > 1e-9 * std::abs(it.get_weight())) return wildcard;
  }
  wildcard.terms = terms;
  wildcard.ok = true;
  return wildcard;
}

namespace {

// The postings of `a` and `b` merged, the wdfs of a document in both summed.
Postings MergeSum(const Postings& a, const Postings& b) {
  Postings merged;
  merged.docids.reserve(a.docids.size() + b.docids.size());
  merged.wdfs.reserve(a.docids.size() + b.docids.size());
  size_t i = 0, j = 0;
  while (i < a.docids.size() || j < b.docids.size()) {
    const bool from_a = j == b.docids.size() || (i < a.docids.size() && a.docids[i] <= b.docids[j]);
    const bool from_b = i == a.docids.size() || (j < b.docids.size() && b.docids[j] <= a.docids[i]);
    merged.docids.push_back(from_a ? a.docids[i] : b.docids[j]);
    merged.wdfs.push_back((from_a ? a.wdfs[i] : 0) + (from_b ? b.wdfs[j] : 0));
    i += from_a;
    j += from_b;
  }
  return merged;
}

// Whether every document a weighed leaf of `query` counts for matches `query`
// (so that, as a part of an OR, it asks nothing more of them than the leaf).
bool Implied(const Xapian::Query& query) {
  switch (query.get_type()) {
    case Xapian::Query::LEAF_MATCH_NOTHING:
    case Xapian::Query::LEAF_TERM:
    case Xapian::Query::LEAF_POSTING_SOURCE:  // a fixed weight matches every document
    case Xapian::Query::OP_WILDCARD:
      return true;
    case Xapian::Query::OP_SCALE_WEIGHT:
      return Implied(query.get_subquery(0));
    case Xapian::Query::OP_OR:
      for (size_t i = 0; i < query.get_num_subqueries(); ++i) {
        if (!Implied(query.get_subquery(i))) return false;
      }
      return true;
    default:
      return false;
  }
}

}  // namespace

size_t Ranker::MergedBound() const {
  return std::max(kMergedBytes, length_parts_.size() * kMergedBytesPerDocument);
}

std::shared_ptr<const Postings> Ranker::MergedOf(Wildcard& wildcard) {
  if (wildcard.merged != nullptr) return wildcard.merged;
  auto merged = std::make_shared<Postings>();
  for (const std::string& term : wildcard.terms) {
    *merged = MergeSum(*merged, sets_.PostingsOf(term));
  }
  if (merged_bytes_ + merged->bytes() > MergedBound()) {  // start over
    for (auto& [key, other] : wildcards_) other.merged = nullptr;
    merged_bytes_ = 0;
  }
  merged_bytes_ += merged->bytes();
  // The parts of the maxima replaced no longer count against the bound
  // (otherwise a wildcard merged again would use it up).
  if (wildcard.maxima != nullptr) parts_bytes_ -= wildcard.maxima->parts.size() * sizeof(double);
  wildcard.maxima = std::make_shared<const PartMaxima>(internal::MaximaOf(
      merged->docids, merged->wdfs, length_parts_, KeepParts(merged->docids.size())));
  wildcard.merged = std::move(merged);
  return wildcard.merged;
}

bool Ranker::Flatten(const Xapian::Query& query, const DocSet& candidates, const DocSet* condition,
                     double factor, Plan& plan) {
  const size_t subqueries = query.get_num_subqueries();
  switch (query.get_type()) {
    case Xapian::Query::LEAF_MATCH_NOTHING:
      return true;
    case Xapian::Query::LEAF_TERM: {
      if (factor == 0) return true;
      const std::string term = *query.get_terms_begin();
      // Weighed as a term of wqf 1: its description is "Query(<term>)", with
      // no "#<wqf>" (nor "@<position>") after the term.
      if (query.get_description().size() != term.size() + 7) return false;
      std::shared_ptr<const Postings> postings = sets_.SharedPostingsOf(term);
      if (postings->docids.empty()) return true;
      const double termweight =
          TermWeight(static_cast<Xapian::doccount>(postings->docids.size()), factor);
      std::shared_ptr<const PartMaxima> maxima = MaximaOf(term, *postings);
      plan.lists.push_back({.docids = postings->docids,
                            .wdfs = postings->wdfs,
                            .termweight = termweight,
                            .condition = condition,
                            .max = termweight * maxima->max,
                            .window_parts = maxima->windows,
                            .parts = maxima->parts});
      plan.held.push_back(std::move(postings));
      plan.maxima.push_back(std::move(maxima));
      return true;
    }
    case Xapian::Query::LEAF_POSTING_SOURCE: {
      if (factor == 0) return true;
      const double weight =
          NumberAfter(query.get_description(), "Xapian::FixedWeightPostingSource(wt=");
      if (std::isnan(weight)) return false;
      // Every document where it counts, alike.
      plan.lists.push_back({.set = condition != nullptr ? condition : &candidates,
                            .constant = factor * weight,
                            .max = factor * weight});
      return true;
    }
    case Xapian::Query::OP_SCALE_WEIGHT: {
      const double scale = NumberAfter(query.get_description(), "Query(");
      if (std::isnan(scale)) return false;
      return Flatten(query.get_subquery(0), candidates, condition, factor * scale, plan);
    }
    case Xapian::Query::OP_WILDCARD: {
      if (factor == 0) return true;
      Wildcard& wildcard = WildcardOf(query);
      if (!wildcard.ok) {
        // Unchecked, it may still match no candidate where it counts.
        DocSet scratch;
        return DocSet::Intersection(sets_.Ref(query, scratch),
                                    condition != nullptr ? *condition : candidates)
            .empty();
      }
      std::shared_ptr<const Postings> merged = MergedOf(wildcard);
      if (merged->docids.empty()) return true;
      const double termweight = wildcard.termweight * factor;
      plan.lists.push_back({.docids = merged->docids,
                            .wdfs = merged->wdfs,
                            .termweight = termweight,
                            .condition = condition,
                            .max = termweight * wildcard.maxima->max,
                            .window_parts = wildcard.maxima->windows,
                            .parts = wildcard.maxima->parts});
      plan.held.push_back(std::move(merged));
      plan.maxima.push_back(wildcard.maxima);
      return true;
    }
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_PHRASE:
      // Every part matches every document where this one counts.
      for (size_t i = 0; i < subqueries; ++i) {
        if (!Flatten(query.get_subquery(i), candidates, condition, factor, plan)) return false;
      }
      return true;
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_AND_NOT:
      // Only the first part weighs.
      return Flatten(query.get_subquery(0), candidates, condition, factor, plan);
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_MAYBE:
      // Each part counts where it matches.
      for (size_t i = 0; i < subqueries; ++i) {
        const Xapian::Query part = query.get_subquery(i);
        if ((i == 0 && query.get_type() == Xapian::Query::OP_AND_MAYBE) || Implied(part)) {
          // It matches wherever its lists have postings: they say where.
          if (!Flatten(part, candidates, condition, factor, plan)) return false;
          continue;
        }
        DocSet scratch;
        DocSet where = DocSet::Intersection(sets_.Ref(part, scratch),
                                            condition != nullptr ? *condition : candidates);
        if (where.empty()) continue;
        plan.conditions.push_back(std::move(where));
        if (!Flatten(part, candidates, &plan.conditions.back(), factor, plan)) return false;
      }
      return true;
    default:
      return factor == 0;  // a boolean part weighs nothing
  }
}

void Ranker::Fit() {
  if (!length_parts_.empty()) return;
  documents_ = database_.get_doccount();
  const double average = database_.get_avlength();
  len_factor_ = average != 0 ? 1 / average : 0;
  // Each document's part of BM25's denominator, as get_sumpart computes it.
  length_parts_.assign(static_cast<size_t>(database_.get_lastdocid()) + 1, 0);
  const auto set_part = [&](Xapian::docid id, Xapian::termcount length) {
    const double normlen = std::max(length * len_factor_, kMinNormLen);
    length_parts_[id] = kK1 * (normlen * kB + (1 - kB));
  };
  if (lengths_ != nullptr && lengths_->by_docid.size() == length_parts_.size()) {
    lengths_->all.ForEach([&](Xapian::docid id) { set_part(id, lengths_->by_docid[id]); });
  } else {
    for (Xapian::PostingIterator it = database_.postlist_begin("");
         it != database_.postlist_end(""); ++it) {
      set_part(*it, it.get_doclength());
    }
  }
}

std::vector<RankedDoc> Ranker::Select(size_t count, const FacetColumn* parents, size_t extra,
                                      absl::FunctionRef<std::vector<RankedDoc>(size_t)> best) {
  if (parents == nullptr || count == 0) return best(count);
  // Collapsed: the best documents in order, each style's first being its best
  // (what Xapian's collapse keeps), until `count` styles are seen. `best`
  // leaves out a product that follows a better one of its style (MaxScoreTop
  // also one that a better one of its style follows), and a style's products
  // follow one another, so a few more than `count` documents nearly always
  // hold them; when not, four times as many are fetched, until the match runs
  // out.
  styles_.Fit(parents->values.size());
  Xapian::docid* const seen = styles_.best.data();  // zero between calls
  std::vector<RankedDoc> styles;
  for (size_t fetch = count + extra;; fetch *= 4) {
    const std::vector<RankedDoc> docs = best(fetch);
    for (const RankedDoc& doc : docs) {
      const uint32_t parent = ParentOf(*parents, doc.docid);
      if (parent != 0) {
        if (seen[parent] != 0) continue;
        seen[parent] = doc.docid;
      }
      styles.push_back({.docid = doc.docid, .weight = doc.weight, .parent = parent});
      if (styles.size() == count) break;
    }
    for (const RankedDoc& style : styles) seen[style.parent] = 0;
    if (styles.size() == count || docs.size() < fetch) return styles;
    styles.clear();
  }
}

std::optional<std::vector<RankedDoc>> Ranker::Top(const Xapian::Query& query,
                                                  const DocSet& candidates, size_t count,
                                                  const FacetColumn* parents) {
  Fit();
  Plan plan;
  if (!Flatten(query, candidates, nullptr, 1.0, plan)) return std::nullopt;
  const std::span<const uint32_t> styles = parents != nullptr
                                               ? std::span<const uint32_t>(parents->by_docid)
                                               : std::span<const uint32_t>();
  // (Only a style whose products lie apart takes two places.)
  return Select(count, parents, count / 8 + 4, [&](size_t n) {
    return MaxScoreTop(plan.lists, candidates, length_parts_, n, styles);
  });
}

std::vector<RankedDoc> Ranker::TopBy(const DocSet& candidates, size_t count,
                                     const FacetColumn* parents,
                                     absl::FunctionRef<double(Xapian::docid)> weight) {
  // Weighed as they are offered, in one pass (two when styles crowd the top).
  return Select(count, parents, count / 2 + 16, [&](size_t n) {
    const auto better = [](const RankedDoc& a, const RankedDoc& b) {
      return a.weight != b.weight ? a.weight > b.weight : a.docid < b.docid;
    };
    TopK<RankedDoc, decltype(better)> top(n, better);
    uint32_t last_parent = 0;  // of the product offered before, as MaxScoreTop does
    double last_weight = 0;
    candidates.ForEach([&](Xapian::docid id) {
      const double w = weight(id);
      const uint32_t parent = parents != nullptr ? ParentOf(*parents, id) : 0;
      if (parent != 0 && parent == last_parent && w <= last_weight) return;
      last_parent = parent;
      last_weight = w;
      top.Offer({.docid = id, .weight = w});
    });
    return std::move(top).Sorted();
  });
}

}  // namespace vitrine::query::internal
