// The fashion vocabulary: synonym and compound groups, colours and their families,
// gender and audience words, sizes, units of measure and stop words. Loaded at start from the JSON
// files in data/analyzers/ (editable without recompiling) and copied into every
// index generation, so a generation is always queried with the vocabulary it was
// built with.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "analyzers/token.h"

namespace vitrine::analyzers {

// A vocabulary file: name ("colors.json") and contents.
using VocabularyFile = std::pair<std::string, std::string>;

class Vocabulary {
 public:
  // What one word or phrase of the vocabulary stands for.
  struct Entry {
    std::string term;  // canonical term: stems of the group's first member, joined
    TokenKind kind = TokenKind::kWord;
    std::string family;             // colours
    std::vector<std::string> also;  // broader terms
    // Where a one-word member means something else, it stays its own word:
    // "runners" is no shoe in a text with "table" (not_with: terms of the
    // same text) and "cap" no hat beside "sleeve" (not_next_to: the stems of
    // the words either side, stop words skipped too).
    std::vector<std::string> not_with;
    std::vector<std::string> not_next_to;
  };

  // Parses vocabulary files. Members are analysed the way text is (normalised,
  // word-broken, stemmed), so an entry matches however a shopper types it. Errors
  // name the file and the entry: unknown keys, empty groups, a word in two groups.
  static absl::StatusOr<std::shared_ptr<const Vocabulary>> Parse(
      const std::vector<VocabularyFile>& files);

  // The entry for a stem, or for a phrase of stems joined by single spaces.
  const Entry* Find(std::string_view stems) const;
  // True when some phrase entry starts with this stem.
  bool StartsPhrase(std::string_view stem) const {
    return phrase_starts_.contains(absl::string_view(stem.data(), stem.size()));
  }
  size_t max_phrase_words() const { return max_phrase_words_; }
  // Stop words are matched on normalised, unstemmed words.
  bool IsStopWord(std::string_view word) const {
    return stop_words_.contains(absl::string_view(word.data(), word.size()));
  }
  // The unit a normalised word names after a number ("in" -> "inch", "feet" ->
  // "ft"), or null. Only read after a number: "in" is otherwise a stop word.
  const std::string* Unit(std::string_view word) const {
    const auto it = units_.find(absl::string_view(word.data(), word.size()));
    return it == units_.end() ? nullptr : &it->second;
  }
  // Gender-field terms a gender term matches: "men" -> {"men", "unisex"}.
  const std::vector<std::string>& GenderMatches(std::string_view term) const;

  size_t size() const { return entries_.size(); }

 private:
  absl::flat_hash_map<std::string, Entry> entries_;
  absl::flat_hash_set<std::string> phrase_starts_;
  absl::flat_hash_set<std::string> stop_words_;
  absl::flat_hash_map<std::string, std::vector<std::string>> gender_matches_;
  absl::flat_hash_map<std::string, std::string> units_;
  size_t max_phrase_words_ = 1;

  friend class VocabularyBuilder;
};

// Reads every *.json file of `dir`, in name order.
absl::StatusOr<std::vector<VocabularyFile>> ReadVocabularyFiles(const std::string& dir);

// Where the bundled vocabulary lives: $VITRINE_ANALYZERS_DIR, else the source
// tree's data/analyzers (compiled in), else "data/analyzers".
std::string DefaultVocabularyDir();

}  // namespace vitrine::analyzers
