// Facet values held in memory, a column per value slot (docid -> value ids or
// number), so counting a match's facets never reads documents from disk: one
// tally per counting pass adds one to a counter per matching document and
// field. Loaded once per generation from Xapian's value streams. Private to query/.
#pragma once

#include <xapian.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "query/facets/signals.h"
#include "query/match/match_sets.h"
#include "query/match/posting_store.h"
#include "query/search.h"
#include "query/understand/lexicon.h"

namespace vitrine::query::internal {

class FacetMemo;

// Display values of one field. Single-valued fields map a docid straight to a
// value id; multi-valued ones (sizes) list a document's value ids in
// ids[offsets[docid] .. offsets[docid + 1]).
struct FacetColumn {
  std::vector<std::string> values;  // value id -> display value; id 0 is "no value"
  std::vector<uint32_t> by_docid;   // single-valued: docid -> value id
  std::vector<uint32_t> offsets;    // multi-valued: docid -> first entry in `ids`
  std::vector<uint32_t> ids;
  bool multi_valued() const { return !offsets.empty(); }
  // How a single-valued field's values fall across the products of a style (a
  // parent id), which says how facets count styles cheaply: the products of
  // every style share one value (a brand), no two share one (a colour), or
  // either may be. Set by FacetColumns::Load, kept by Updated (or made mixed).
  enum class AcrossStyle { kMixed, kSame, kDistinct };
  AcrossStyle across_style = AcrossStyle::kMixed;
  // Single-valued with at most 256 values (a colour, a gender): `by_docid` a
  // byte per product, which is what counting a match reads (a quarter of the
  // cache lines). Empty otherwise, or until Narrow is called.
  std::vector<uint8_t> narrow;
  static constexpr size_t kNarrowValues = 256;
  // Single-valued with more, up to 65,536 (a brand): two bytes per product.
  std::vector<uint16_t> narrow16;
  static constexpr size_t kNarrow16Values = 65536;
  // Makes `narrow` or `narrow16`, whichever the number of values allows,
  // follow `by_docid` (and empties the other): in full, or for the `changed`
  // docids only when it did already.
  void Narrow(std::span<const Xapian::docid> changed = {});
};

// A numeric field (price, rating): docid -> value, NaN when the product has none.
struct NumberColumn {
  std::vector<double> by_docid;
  double at(Xapian::docid id) const {
    return id < by_docid.size() ? by_docid[id] : std::numeric_limits<double>::quiet_NaN();
  }
};

// Every document of a revision and its length (for BM25), docid-indexed.
struct DocumentLengths {
  DocSet all;
  std::vector<Xapian::termcount> by_docid;
};

struct FacetColumns {
  std::map<Xapian::valueno, FacetColumn> slots;
  std::map<Xapian::valueno, NumberColumn> numbers;
  // docid -> product id (hits and sort ties read it here); empty when deleted.
  std::vector<std::string> ids;
  // Ranking signals derived from the columns above (kept in step by Load and Updated).
  SignalColumns signals;
  // The products with a parent id (likewise): facets count their styles.
  DocSet variants;
  // Where the styles' products lie in docid order (likewise), so that a
  // match's styles are counted 64 products at a time (HitCount): `continues`
  // holds each product of the style of the product just before it, and
  // `scattered` every product of a style whose products are not all adjacent
  // (a variant added after the feed, or a feed not listed by style; empty,
  // of no size, when there is none).
  struct StyleAdjacency {
    DocSet continues;
    DocSet scattered;

    // Of a parent-id column.
    static StyleAdjacency Of(const FacetColumn& parents);

    // Of `products` (word k of a set, none of them of a scattered style), the
    // first of their style in the set: one is not when the product before it
    // is of its style and in the set or not first itself (spread along each
    // run of a style). `carry` passes on from word k - 1
    // to word k (0 before word 0).
    uint64_t Firsts(size_t k, uint64_t products, uint64_t& carry) const {
      const uint64_t same = k < continues.words().size() ? continues.words()[k] : 0;
      // Spread along runs of `same` by a carry: adding the seeds (each
      // product's successor of its style) to the runs clears each run from
      // its first seed on, and leaves the later seeds set.
      const uint64_t seeds = same & ((products << 1) | carry);
      const uint64_t covered = (same & ~(same + seeds)) | seeds;
      carry = (products | covered) >> 63;
      return products & ~covered;
    }
    uint64_t Scattered(size_t k) const {
      return k < scattered.words().size() ? scattered.words()[k] : 0;
    }
  };
  StyleAdjacency adjacency;
  // Read once per generation and brought up to date by Updated, so that a
  // searcher does not read every document's length after each write batch.
  std::shared_ptr<const DocumentLengths> lengths;
  // The revision's posting lists, read as searches need them (a new revision
  // starts with an empty store). Thread-safe, so shared though the columns are const.
  std::shared_ptr<PostingStore> postings = std::make_shared<PostingStore>();
  // The revision's kept leaf sets (frequent terms, filters), made as searches
  // need them: set by Load, and carried by Updated for the terms whose lists
  // it left as they were (null: each searcher keeps its own). Thread-safe, so
  // shared though the columns are const.
  std::shared_ptr<KeptSets> kept_sets;
  // The values queries can name (query understanding), built on first use. A
  // revision whose live updates brought no new value shares its predecessor's.
  std::shared_ptr<LexiconOnce> lexicon = std::make_shared<LexiconOnce>();
  // Facet passes counted on this revision (facet_memo.h): set by Load, and
  // started afresh by Updated. Thread-safe, so shared though the columns are const.
  std::shared_ptr<FacetMemo> facet_memo;

  // A document's product id: from `ids`, or from `database` (of the same
  // revision) for one the columns do not know.
  std::string ProductId(const Xapian::Database& database, Xapian::docid id) const {
    return id < ids.size() && !ids[id].empty() ? ids[id] : database.get_document(id).get_data();
  }

  // Reads the value streams of `single` and `multi` (values joined by '|')
  // display-value slots and of `numeric` slots (sortable_serialise'd numbers).
  static FacetColumns Load(const Xapian::Database& database,
                           const std::vector<Xapian::valueno>& single,
                           const std::vector<Xapian::valueno>& multi,
                           const std::vector<Xapian::valueno>& numeric);

  // A copy brought up to date with `database` for the documents `changed`
  // (added, replaced or deleted) since these columns were read.
  FacetColumns Updated(const Xapian::Database& database,
                       const std::vector<Xapian::docid>& changed) const;
};

// Boundaries for a range facet over `column` when the request gives none:
// `buckets` - 1 round numbers near the quantiles of its values, so buckets hold
// similar shares of the catalog ("..500", "500..1000", ...).
std::vector<double> QuantileBoundaries(const NumberColumn& column, int buckets);

}  // namespace vitrine::query::internal
