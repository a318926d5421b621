// A set of documents of one database as a bitset over docids, and the same
// set as a Xapian posting source. Match sets (match_sets.h) are made of these:
// word-wide AND/OR over a few KiB instead of a walk of a query tree per
// document. Private to query/.
//
//   DocSet set(database.get_lastdocid() + 1);
//   set.Add(7);
//   set &= other;  // of the same database
//   set.ForEachBlock([](std::span<const Xapian::docid> ids) { ... });
#pragma once

#include <xapian.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace vitrine::query::internal {

// std::allocator, but for a word made without a value: left as it is rather
// than zeroed, so that a set whose every word is about to be written (a
// combination of two) is not first cleared (at 1M products, 125 KB a set).
template <typename T>
struct WordAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = WordAllocator<U>;
  };
  WordAllocator() = default;
  template <typename U>
  explicit WordAllocator(const WordAllocator<U>& /*other*/) {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A set of documents of one database: a bit per docid.
class DocSet {
 public:
  DocSet() = default;
  // The empty set of a database whose docids are below `size`.
  explicit DocSet(size_t size) : words_((size + 63) / 64, 0) {}
  // What a set of a database whose docids are below `size` takes (bytes()).
  static constexpr size_t BytesOf(size_t size) { return (size + 63) / 64 * sizeof(uint64_t); }

  void Add(Xapian::docid id) { words_[id >> 6] |= uint64_t{1} << (id & 63); }
  void Remove(Xapian::docid id) { words_[id >> 6] &= ~(uint64_t{1} << (id & 63)); }
  // Makes room for docids below `size` (new ones absent); never shrinks.
  void Grow(size_t size) { words_.resize(std::max(words_.size(), (size + 63) / 64), 0); }
  bool Contains(Xapian::docid id) const {
    return (id >> 6) < words_.size() && (words_[id >> 6] >> (id & 63) & 1) != 0;
  }
  // Sets of one database (the same size: asserted) combine.
  DocSet& operator&=(const DocSet& other);
  DocSet& operator|=(const DocSet& other);
  DocSet& operator^=(const DocSet& other);
  DocSet& Subtract(const DocSet& other);
  // The documents in both, in either, and in `a` but not `b`: each made in
  // one pass (not a copy, then another).
  static DocSet Intersection(const DocSet& a, const DocSet& b);
  static DocSet Union(const DocSet& a, const DocSet& b);
  static DocSet Difference(const DocSet& a, const DocSet& b);
  uint64_t Count() const;
  bool empty() const;
  // The first document at or after `from`; 0 when none.
  Xapian::docid Next(Xapian::docid from) const;

  // Calls `f(docid)` for each document, in ascending docid order.
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < words_.size(); ++i) {
      for (uint64_t word = words_[i]; word != 0; word &= word - 1) {
        f(static_cast<Xapian::docid>(i * 64 + static_cast<size_t>(std::countr_zero(word))));
      }
    }
  }

  // Calls `f(docid)` for each document of this set that `mask` holds (`in`) or
  // does not hold (`!in`), in ascending docid order, a word of 64 at a time.
  // The sets may differ in size: past its end, `mask` holds nothing.
  template <typename F>
  void ForEachMasked(const DocSet& mask, bool in, F&& f) const {
    for (size_t i = 0; i < words_.size(); ++i) {
      const uint64_t held = i < mask.words_.size() ? mask.words_[i] : 0;
      for (uint64_t word = words_[i] & (in ? held : ~held); word != 0; word &= word - 1) {
        f(static_cast<Xapian::docid>(i * 64 + static_cast<size_t>(std::countr_zero(word))));
      }
    }
  }

  // Documents are handed to ForEachBlock's callers up to this many at a time.
  static constexpr size_t kBlockDocs = 1024;

  // Calls `f(std::span<const Xapian::docid>)` with the documents in ascending
  // docid order, up to about kBlockDocs at a time, for a caller that takes
  // each block in a loop of its own. A word's documents are decoded eight at
  // a time rather than one by one, so a block costs no mispredicted branch
  // per word (how many of a word's 64 documents a set holds follows no
  // pattern a branch predictor could learn).
  template <typename F>
  void ForEachBlock(F&& f) const {
    ForEachBlockOf(
        words_.size(), [&](size_t k) { return words_[k]; }, f);
  }
  // The same for the words `word(k)` gives, for k = 0 to `words` - 1 in turn
  // (a set's words combined with others').
  template <typename Word, typename F>
  static void ForEachBlockOf(size_t words, Word&& word, F&& f) {
    // Room for a block, a word's documents past it and the decoding's slack.
    std::array<Xapian::docid, kBlockDocs + 64 + 7> block;
    size_t filled = 0;
    for (size_t k = 0; k < words; ++k) {
      uint64_t bits = word(k);
      if (bits == 0) continue;
      const size_t count = static_cast<size_t>(std::popcount(bits));
      const auto base = static_cast<Xapian::docid>(k * 64);
      Xapian::docid* const out = block.data() + filled;
      // Eight at a time, past the last bit too: countr_zero(0) is 64, and what
      // lands past `count` is written over or never read.
      for (size_t i = 0; i < count; i += 8) {
        for (size_t j = 0; j < 8; ++j) {
          out[i + j] = base + static_cast<Xapian::docid>(std::countr_zero(bits));
          bits &= bits - 1;
        }
      }
      filled += count;
      if (filled >= kBlockDocs) {
        f(std::span<const Xapian::docid>(block.data(), filled));
        filled = 0;
      }
    }
    if (filled > 0) f(std::span<const Xapian::docid>(block.data(), filled));
  }

  size_t bytes() const { return words_.size() * sizeof(uint64_t); }
  // Its bits, docids 64 * i to 64 * i + 63 in word i.
  std::span<const uint64_t> words() const { return words_; }
  void SetWord(size_t i, uint64_t word) { words_[i] = word; }

 private:
  template <typename Op>
  static DocSet Zip(const DocSet& a, const DocSet& b, Op op);

  std::vector<uint64_t, WordAllocator<uint64_t>> words_;  // (resize(n) leaves new words unset)
};

// A set as a Xapian posting source: matches its documents and weighs nothing,
// so a ranking match filtered by it skips straight to documents known to pass
// every filter. The set must outlive the match.
class DocSetSource : public Xapian::PostingSource {
 public:
  explicit DocSetSource(const DocSet& set) : set_(set), count_(set.Count()) {}

  Xapian::doccount get_termfreq_min() const override { return count_; }
  Xapian::doccount get_termfreq_est() const override { return count_; }
  Xapian::doccount get_termfreq_max() const override { return count_; }
  void init(const Xapian::Database& /*database*/) override { current_ = 0; }
  void next(double /*min_wt*/) override { current_ = set_.Next(current_ + 1); }
  void skip_to(Xapian::docid id, double /*min_wt*/) override {
    if (id > current_) current_ = set_.Next(id);
  }
  // (Xapian asks only after a next() or skip_to().)
  bool at_end() const override { return current_ == 0; }
  Xapian::docid get_docid() const override { return current_; }

 private:
  const DocSet& set_;
  const Xapian::doccount count_;
  Xapian::docid current_ = 0;  // 0: before the first, or past the last
};

}  // namespace vitrine::query::internal
