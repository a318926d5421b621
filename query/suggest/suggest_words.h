// Words of suggestions and of what the shopper typed: split on spaces and
// punctuation (apostrophes join: "Levi's" is one word), each with its normalised
// key (analyzers::NormalizeText without apostrophes). Private to query/.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vitrine::query::internal {

// The words of a text: their bytes in it, and their normalised keys, which
// `keys` holds joined by spaces: texts with the same `keys` are one suggestion.
// Reused from text to text, so splitting allocates only while it grows.
struct Words {
  struct Span {
    size_t begin, end;          // in the text
    size_t key_begin, key_end;  // in keys
  };
  std::vector<Span> spans;
  std::string keys;

  size_t size() const { return spans.size(); }
  bool empty() const { return spans.empty(); }
  std::string_view Key(size_t i) const {
    return std::string_view(keys).substr(spans[i].key_begin, spans[i].key_end - spans[i].key_begin);
  }
};

// The words of `text` into `out` (cleared first). Words whose key is empty are dropped.
void SplitWords(std::string_view text, Words& out);

// Bytes of `word` (the original text) that make up the first `n` bytes of its
// key, for marking a typed prefix in the displayed text.
size_t OriginalPrefixBytes(std::string_view word, size_t n);

}  // namespace vitrine::query::internal
