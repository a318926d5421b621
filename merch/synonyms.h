// Managed synonyms: sets a merchandiser writes through /v1/config/synonyms,
// layered at query time on top of the analyzer's built-in fashion vocabulary
// (no reindex). A multi-way set makes every member match the others; a one-way
// set makes its input match its synonyms, not the reverse.
//
//   ASSIGN_OR_RETURN(merch::SynonymSet set, merch::ParseSynonymSet(
//       R"({"id": "kicks", "input": "kicks", "synonyms": ["sneakers"]})"));
//   auto thesaurus = merch::Thesaurus::Build({set});
//   // At query time, with the serving generation's analyzer:
//   const merch::Thesaurus::Analysed& analysed = *thesaurus->For(analyzer);
//   for (const auto& alternative : analysed.Find("kick")) ...
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "analyzers/analyzer.h"
#include "base/shared_snapshot.h"

namespace vitrine::merch {

inline constexpr size_t kMaxSynonymsPerSet = 32;  // members (input included)
inline constexpr size_t kMaxSynonymBytes = 100;   // per member
inline constexpr size_t kMaxSynonymWords = 6;     // per member

struct SynonymSet {
  std::string id;
  // One-way: the word or phrase that also matches `synonyms`. Empty: multi-way,
  // every member of `synonyms` matches every other.
  std::string input;
  std::vector<std::string> synonyms;
  // The set as written, re-serialised in canonical form (keys sorted).
  std::string json;
};

// Parses and validates a synonym set. InvalidArgument errors name the JSON path
// at fault ("synonyms[2]"): malformed JSON, unknown keys, a bad id, fewer than
// two members (one synonym for a one-way set), more than kMaxSynonymsPerSet, a
// member that is empty, over kMaxSynonymBytes or kMaxSynonymWords, not valid
// UTF-8, or repeated (after case and accent folding).
absl::StatusOr<SynonymSet> ParseSynonymSet(std::string_view json);

// An immutable collection of synonym sets, shared by searches like a RuleSet.
class Thesaurus {
 public:
  // The sets as the analyzer of one index generation sees them: the analysed
  // terms of a member (joined by single spaces) -> the analysed members it also
  // matches. A member that analyses to the same terms as the key is left out
  // (the built-in vocabulary already makes them one term).
  class Analysed {
   public:
    using Alternative = std::vector<analyzers::Token>;
    // The alternatives of a word or phrase (its tokens' terms joined by spaces);
    // empty when no set holds it.
    const std::vector<Alternative>& Find(std::string_view terms) const;
    // The most tokens a key has: longer phrases of a query never match.
    size_t max_key_tokens() const { return max_key_tokens_; }
    bool empty() const { return by_key_.empty(); }
    // Whether a term is part of some key (so spelling correction leaves it be).
    bool Knows(std::string_view term) const {
      return terms_.contains(absl::string_view(term.data(), term.size()));
    }

   private:
    friend class Thesaurus;
    std::weak_ptr<const analyzers::Analyzer> analyzer_;
    absl::flat_hash_map<std::string, std::vector<Alternative>> by_key_;
    absl::flat_hash_set<std::string> terms_;
    size_t max_key_tokens_ = 0;
  };

  static std::shared_ptr<const Thesaurus> Build(std::vector<SynonymSet> sets, uint64_t version = 0);

  // The sets analysed with `analyzer`, computed on first use and kept for the
  // next searches with the same analyzer (lock-free; two searches may both
  // compute it once).
  std::shared_ptr<const Analysed> For(
      const std::shared_ptr<const analyzers::Analyzer>& analyzer) const;

  // Every set, by id.
  const std::vector<SynonymSet>& sets() const { return sets_; }
  const SynonymSet* Find(std::string_view id) const;
  // The config version this thesaurus was built from (0: not from a store).
  uint64_t version() const { return version_; }

 private:
  Thesaurus() = default;
  std::vector<SynonymSet> sets_;  // by id
  uint64_t version_ = 0;
  mutable SharedSnapshot<Analysed> analysed_;
};

}  // namespace vitrine::merch
