#include "query/match/doc_set.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace vitrine::query::internal {

DocSet& DocSet::operator&=(const DocSet& other) {
  assert(other.words_.size() == words_.size());
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= other.words_[i];
  return *this;
}

template <typename Op>
DocSet DocSet::Zip(const DocSet& a, const DocSet& b, Op op) {
  assert(a.words_.size() == b.words_.size());
  DocSet out;
  out.words_.resize(a.words_.size());  // (unset: each is written below)
  for (size_t i = 0; i < a.words_.size(); ++i) out.words_[i] = op(a.words_[i], b.words_[i]);
  return out;
}

DocSet DocSet::Intersection(const DocSet& a, const DocSet& b) {
  return Zip(a, b, [](uint64_t x, uint64_t y) { return x & y; });
}

DocSet DocSet::Union(const DocSet& a, const DocSet& b) {
  return Zip(a, b, [](uint64_t x, uint64_t y) { return x | y; });
}

DocSet DocSet::Difference(const DocSet& a, const DocSet& b) {
  return Zip(a, b, [](uint64_t x, uint64_t y) { return x & ~y; });
}

DocSet& DocSet::operator|=(const DocSet& other) {
  assert(other.words_.size() == words_.size());
  for (size_t i = 0; i < words_.size(); ++i) words_[i] |= other.words_[i];
  return *this;
}

DocSet& DocSet::operator^=(const DocSet& other) {
  assert(other.words_.size() == words_.size());
  for (size_t i = 0; i < words_.size(); ++i) words_[i] ^= other.words_[i];
  return *this;
}

DocSet& DocSet::Subtract(const DocSet& other) {
  assert(other.words_.size() == words_.size());
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= ~other.words_[i];
  return *this;
}

uint64_t DocSet::Count() const {
  uint64_t count = 0;
  for (uint64_t word : words_) count += static_cast<uint64_t>(std::popcount(word));
  return count;
}

Xapian::docid DocSet::Next(Xapian::docid from) const {
  size_t i = from >> 6;
  if (i >= words_.size()) return 0;
  uint64_t word = words_[i] & (~uint64_t{0} << (from & 63));
  while (word == 0) {
    if (++i == words_.size()) return 0;
    word = words_[i];
  }
  return static_cast<Xapian::docid>(i * 64 + static_cast<size_t>(std::countr_zero(word)));
}

bool DocSet::empty() const {
  return std::all_of(words_.begin(), words_.end(), [](uint64_t word) { return word == 0; });
}

}  // namespace vitrine::query::internal
