#include "query/match/match_sets.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "query/facets/facet_columns.h"

namespace vitrine::query::internal {
namespace {

// Adds the docid of every document of a match to a set.
class Collector : public Xapian::MatchSpy {
 public:
  explicit Collector(DocSet& set) : set_(set) {}
  void operator()(const Xapian::Document& doc, double /*weight*/) override {
    set_.Add(doc.get_docid());  // no disk read
  }

 private:
  DocSet& set_;
};

// A numeric range of one slot, as Xapian 1.4 serialises the value range queries
// FilterQuery builds: 0x20 | slot, then the lower and upper bound (each its
// length and bytes; empty: open) for VALUE_RANGE and VALUE_LE; 0x30 | slot and
// the lower bound for VALUE_GE. Slots from 15 on and bounds of 255 bytes or
// more are written otherwise: nullopt, as for anything unexpected.
struct NumberRange {
  Xapian::valueno slot;
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
};

std::optional<NumberRange> ParseValueRange(const std::string& serialised, int type) {
  if (serialised.empty()) return std::nullopt;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(serialised[i]); };
  const unsigned kind = byte(0) & 0xf0;
  NumberRange range{.slot = static_cast<Xapian::valueno>(byte(0) & 0x0fu)};
  if (range.slot == 15) return std::nullopt;
  size_t at = 1;
  // The next bound: nullopt past the end; "" when open.
  const auto bound = [&]() -> std::optional<std::string> {
    if (at >= serialised.size() || byte(at) == 0xff) return std::nullopt;
    const size_t length = byte(at);
    if (at + 1 + length > serialised.size()) return std::nullopt;
    std::string value = serialised.substr(at + 1, length);
    at += 1 + length;
    return value;
  };
  const std::optional<std::string> low = bound();
  if (!low) return std::nullopt;
  if (!low->empty()) range.low = Xapian::sortable_unserialise(*low);
  if (type == Xapian::Query::OP_VALUE_GE) {
    if (kind != 0x30 || low->empty()) return std::nullopt;
  } else {
    const std::optional<std::string> high = bound();
    if (kind != 0x20 || !high || high->empty()) return std::nullopt;
    range.high = Xapian::sortable_unserialise(*high);
    if (type == Xapian::Query::OP_VALUE_LE && !low->empty()) return std::nullopt;
  }
  if (at != serialised.size()) return std::nullopt;
  return range;
}

}  // namespace

std::optional<WildcardSpec> ParseWildcard(const std::string& serialised) {
  if (serialised.size() < 5 || serialised[0] != '\x0b') return std::nullopt;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(serialised[i]); };
  if (byte(1) == 0xff || byte(4) == 0xff) return std::nullopt;
  if (serialised.size() != 5 + size_t{byte(4)}) return std::nullopt;
  return WildcardSpec{.max_expansion = byte(1),
                      .max_type = byte(2),
                      .combiner = byte(3),
                      .pattern = serialised.substr(5)};
}

MatchSets::MatchSets(const Xapian::Database& database, size_t max_kept_bytes,
                     size_t max_postings_bytes)
    : database_(database),
      max_kept_bytes_(max_kept_bytes),
      max_postings_bytes_(max_postings_bytes) {
  Reset();
}

void MatchSets::Reset() {
  size_ = static_cast<size_t>(database_.get_lastdocid()) + 1;
  own_kept_ = std::make_shared<KeptSets>(max_kept_bytes_ != 0 ? max_kept_bytes_
                                                              : KeptSets::DefaultBytes(size_));
  kept_ = own_kept_.get();  // (until the next search's UseKept)
  NewSearch();
  all_.reset();
  expansions_.clear();
  postings_.clear();
  postings_bytes_ = 0;
}

std::shared_ptr<const Postings> MatchSets::SharedPostingsOf(const std::string& term) {
  if (const auto found = postings_.find(term); found != postings_.end()) return found->second;
  std::shared_ptr<const Postings> postings =
      store_ != nullptr ? store_->Get(term, database_)
                        : std::make_shared<const Postings>(Postings::Read(database_, term));
  // Lists of the shared store cost this searcher nothing but its map entry.
  const size_t bytes = (store_ != nullptr ? 0 : postings->bytes()) + term.size() + 64;
  if (postings_bytes_ + bytes > max_postings_bytes_) {  // start over
    postings_.clear();
    postings_bytes_ = 0;
  }
  postings_bytes_ += bytes;
  return postings_.emplace(term, std::move(postings)).first->second;
}

const DocSet& MatchSets::All() {
  // (Of the same revision: the same size.)
  if (shared_all_ != nullptr && shared_all_->bytes() == (size_ + 63) / 64 * sizeof(uint64_t)) {
    return *shared_all_;
  }
  if (!all_) {
    all_.emplace(size_);
    for (Xapian::PostingIterator it = database_.postlist_begin("");
         it != database_.postlist_end(""); ++it) {
      all_->Add(*it);
    }
  }
  return *all_;
}

namespace {

// Whether the set of a query of this type combines its parts' (Composite).
bool Combines(Xapian::Query::op type) {
  switch (type) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
      return true;
    default:
      return false;
  }
}

}  // namespace

DocSet MatchSets::Of(const Xapian::Query& query) {
  DocSet scratch;
  const DocSet& set = Ref(query, scratch);
  if (&set == &scratch) return scratch;
  return set;
}

const DocSet& MatchSets::Ref(const Xapian::Query& query, DocSet& scratch) {
  if (Combines(query.get_type())) return Composed(query, scratch);
  switch (query.get_type()) {
    case Xapian::Query::LEAF_MATCH_ALL:
      return All();
    case Xapian::Query::LEAF_MATCH_NOTHING:
      scratch = DocSet(size_);
      return scratch;
    case Xapian::Query::LEAF_TERM:
      return Term(*query.get_terms_begin(), scratch);
    case Xapian::Query::OP_SCALE_WEIGHT:  // the set of its one part
    case Xapian::Query::OP_AND_MAYBE:     // the set of its first part
      return Ref(query.get_subquery(0), scratch);
    case Xapian::Query::LEAF_POSTING_SOURCE:
      // A fixed weight matches every document (the relaxed query's boost).
      if (query.get_description().starts_with(
              "Query(PostingSource(Xapian::FixedWeightPostingSource(")) {
        return All();
      }
      return Opaque(query);
    case Xapian::Query::OP_WILDCARD:
      return Wildcard(query);
    case Xapian::Query::OP_VALUE_RANGE:
    case Xapian::Query::OP_VALUE_GE:
    case Xapian::Query::OP_VALUE_LE:
      return ValueRange(query);
    default:
      return Opaque(query);
  }
}

const DocSet& MatchSets::Composed(const Xapian::Query& query, DocSet& scratch) {
  const void* key = query.internal.get();
  if (const auto found = memo_.find(key); found != memo_.end()) return found->second.second;
  DocSet set = Composite(query);
  if (memo_bytes_ + set.bytes() > kMaxMemoBytes) {
    scratch = std::move(set);
    return scratch;
  }
  memo_bytes_ += set.bytes();
  return memo_.emplace(key, std::make_pair(query, std::move(set))).first->second.second;
}

DocSet MatchSets::Composite(const Xapian::Query& query) {
  const Xapian::Query::op type = query.get_type();
  const size_t subqueries = query.get_num_subqueries();
  // Parts an empty set cannot gain documents from.
  const bool narrows = type == Xapian::Query::OP_AND || type == Xapian::Query::OP_FILTER ||
                       type == Xapian::Query::OP_AND_NOT;
  const auto combine = [type](DocSet& set, const DocSet& part) {
    switch (type) {
      case Xapian::Query::OP_AND:
      case Xapian::Query::OP_FILTER:
        set &= part;
        break;
      case Xapian::Query::OP_AND_NOT:
        set.Subtract(part);
        break;
      case Xapian::Query::OP_XOR:
        set ^= part;
        break;
      default:  // OR, SYNONYM, MAX
        set |= part;
        break;
    }
  };
  // The first two parts' sets are read where they are kept (the first held
  // there while the second is made) and combined in one pass into a new set.
  DocSet owned;  // the first part's set, when it has to be made
  const DocSet& first = Ref(query.get_subquery(0), owned);
  DocSet set;
  if (subqueries == 1 || (narrows && first.empty())) {
    set = &first == &owned ? std::move(owned) : first;
    return set;
  }
  DocSet scratch;  // a later part's set, when it has to be made
  const DocSet& second = Ref(query.get_subquery(1), scratch);
  if (&first == &owned) {
    set = std::move(owned);
    combine(set, second);
  } else if (type == Xapian::Query::OP_AND || type == Xapian::Query::OP_FILTER) {
    set = DocSet::Intersection(first, second);
  } else if (type == Xapian::Query::OP_AND_NOT) {
    set = DocSet::Difference(first, second);
  } else if (type == Xapian::Query::OP_XOR) {
    set = first;
    set ^= second;
  } else {
    set = DocSet::Union(first, second);
  }
  for (size_t i = 2; i < subqueries && !(narrows && set.empty()); ++i) {
    combine(set, Ref(query.get_subquery(i), scratch));
  }
  return set;
}

const DocSet& MatchSets::Term(const std::string& term, DocSet& scratch) {
  std::string key = "T" + term;
  if (const DocSet* kept = Find(key)) return *kept;
  DocSet set(size_);
  const Postings& postings = PostingsOf(term);
  for (const Xapian::docid id : postings.docids) set.Add(id);
  if (postings.docids.size() < kCacheFrom) {
    scratch = std::move(set);
    return scratch;
  }
  // (A list of the store's may outlive this revision: KeptSets::Carried.)
  return Keep(std::move(key), std::move(set), store_ != nullptr ? postings_.at(term) : nullptr);
}

const DocSet& MatchSets::Opaque(const Xapian::Query& query) {
  std::string key = "Q" + query.serialise();
  if (const DocSet* kept = Find(key)) return *kept;
  DocSet set(size_);
  Collector collector(set);
  Xapian::Enquire enquire(database_);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_query(query);
  enquire.add_matchspy(&collector);
  enquire.get_mset(0, 0, database_.get_doccount());
  return Keep(std::move(key), std::move(set));
}

const std::optional<std::vector<std::string>>& MatchSets::Expansion(const Xapian::Query& wildcard) {
  std::string key = wildcard.serialise();
  if (const auto found = expansions_.find(key); found != expansions_.end()) return found->second;
  std::optional<std::vector<std::string>>& expansion = expansions_[key];
  const std::optional<WildcardSpec> spec = ParseWildcard(key);
  if (!spec) return expansion;
  struct Candidate {
    Xapian::doccount termfreq;
    std::string term;
  };
  std::vector<Candidate> candidates;
  for (Xapian::TermIterator it = database_.allterms_begin(spec->pattern);
       it != database_.allterms_end(spec->pattern); ++it) {
    candidates.push_back({it.get_termfreq(), *it});
  }
  if (spec->max_expansion != 0 && candidates.size() > spec->max_expansion) {
    if (spec->max_type == Xapian::Query::WILDCARD_LIMIT_FIRST) {
      candidates.resize(spec->max_expansion);
    } else if (spec->max_type == Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT) {
      std::nth_element(
          candidates.begin(), candidates.begin() + spec->max_expansion, candidates.end(),
          [](const Candidate& a, const Candidate& b) { return a.termfreq > b.termfreq; });
      candidates.resize(spec->max_expansion);
    } else {
      return expansion;  // Xapian would refuse it
    }
  }
  expansion.emplace();
  for (Candidate& candidate : candidates) expansion->push_back(std::move(candidate.term));
  return expansion;
}

const DocSet& MatchSets::Wildcard(const Xapian::Query& query) {
  const std::optional<std::vector<std::string>>& terms = Expansion(query);
  if (!terms) return Opaque(query);
  std::string key = "W" + query.serialise();
  if (const DocSet* kept = Find(key)) return *kept;
  DocSet set(size_);
  for (const std::string& term : *terms) {
    for (const Xapian::docid id : PostingsOf(term).docids) set.Add(id);
  }
  return Keep(std::move(key), std::move(set));
}

const DocSet& MatchSets::ValueRange(const Xapian::Query& query) {
  std::string serialised = query.serialise();
  const std::optional<NumberRange> range = ParseValueRange(serialised, query.get_type());
  if (!range || numbers_ == nullptr) return Opaque(query);
  const auto column = numbers_->find(range->slot);
  if (column == numbers_->end()) return Opaque(query);
  std::string key = "Q" + std::move(serialised);  // (as Opaque keeps it)
  if (const DocSet* kept = Find(key)) return *kept;
  DocSet set(size_);
  const std::vector<double>& values = column->second.by_docid;
  const size_t end = std::min(values.size(), size_);
  const double low = range->low;
  const double high = range->high;
  // A word of 64 documents at a time, without a branch per document: prices
  // in and out of a range follow no pattern a branch predictor could learn.
  // (NaN, no value, is in no range.)
  for (size_t begin = 0; begin < end; begin += 64) {
    uint64_t word = 0;
    for (size_t id = begin; id < std::min(end, begin + 64); ++id) {
      word |= static_cast<uint64_t>((values[id] >= low) & (values[id] <= high)) << (id - begin);
    }
    set.SetWord(begin / 64, word);
  }
  set &= All();  // documents that exist (not docid 0)
  return Keep(std::move(key), std::move(set));
}

const DocSet* MatchSets::Find(const std::string& key) {
  std::shared_ptr<const DocSet> set = kept_->Find(key);
  // (A set of another revision's size: a searcher not yet reopened keeps its own.)
  if (set == nullptr || set->bytes() != DocSet::BytesOf(size_)) return nullptr;
  return held_.emplace_back(std::move(set)).get();
}

const DocSet& MatchSets::Keep(std::string key, DocSet set, std::shared_ptr<const Postings> source) {
  return *held_.emplace_back(kept_->Keep(std::move(key), std::move(set), std::move(source)));
}

}  // namespace vitrine::query::internal
