#include "query/text/synonyms.h"

#include <algorithm>
#include <string>

namespace vitrine::query::internal {
namespace {

// A product with the word as typed earns this much more (about half a title
// match's BM25, under the constant a relaxed search gives per matched word)...
constexpr double kTypedLift = 5.0;
// ...and a synonym counts half of its BM25, as a colour's family does.
constexpr double kSynonymWeight = 0.5;

std::string Terms(const std::vector<analyzers::Token>& tokens, size_t first, size_t count) {
  std::string key;
  for (size_t i = first; i < first + count; ++i) {
    if (!key.empty()) key.push_back(' ');
    key.append(tokens[i].term);
  }
  return key;
}

// Every word of an alternative must match; stop words only when it has nothing else.
Xapian::Query AlternativeQuery(
    const merch::Thesaurus::Analysed::Alternative& alternative,
    const std::function<Xapian::Query(const analyzers::Token&)>& token_query) {
  std::vector<Xapian::Query> words, stops;
  for (const analyzers::Token& token : alternative) {
    (token.kind == analyzers::TokenKind::kStop ? stops : words).push_back(token_query(token));
  }
  if (words.empty()) words.swap(stops);
  return Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end());
}

// Calls `found(first, count, alternatives)` for each run of `tokens` that
// `synonyms` knows: the longest from the left; runs do not overlap.
template <typename Found>
void ForEachRun(const merch::Thesaurus::Analysed& synonyms,
                const std::vector<analyzers::Token>& tokens, Found found) {
  if (synonyms.empty()) return;
  for (size_t first = 0; first < tokens.size();) {
    size_t count = std::min(synonyms.max_key_tokens(), tokens.size() - first);
    const std::vector<merch::Thesaurus::Analysed::Alternative>* alternatives = nullptr;
    for (; count > 0; --count) {
      alternatives = &synonyms.Find(Terms(tokens, first, count));
      if (!alternatives->empty()) break;
    }
    if (count == 0) {
      ++first;
      continue;
    }
    found(first, count, *alternatives);
    first += count;
  }
}

}  // namespace

void ExpandSynonyms(const merch::Thesaurus::Analysed& synonyms,
                    const std::vector<analyzers::Token>& tokens,
                    const std::function<Xapian::Query(const analyzers::Token&)>& token_query,
                    std::vector<Xapian::Query>& queries, std::vector<size_t>& span) {
  ForEachRun(synonyms, tokens, [&](size_t first, size_t count, const auto& alternatives) {
    const Xapian::Query typed(Xapian::Query::OP_AND, queries.begin() + first,
                              queries.begin() + first + count);
    std::vector<Xapian::Query> ways = {
        typed,
        Xapian::Query(Xapian::Query::OP_FILTER,
                      Xapian::Query((new Xapian::FixedWeightPostingSource(kTypedLift))->release()),
                      typed)};
    for (size_t i = 0; i < alternatives.size() && i < kMaxSynonymAlternatives; ++i) {
      ways.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                        AlternativeQuery(alternatives[i], token_query), kSynonymWeight);
    }
    queries[first] = Xapian::Query(Xapian::Query::OP_OR, ways.begin(), ways.end());
    span[first] = count;
    for (size_t i = first + 1; i < first + count; ++i) span[i] = 0;
  });
}

std::vector<std::string> SynonymTerms(const merch::Thesaurus::Analysed& synonyms,
                                      const std::vector<analyzers::Token>& tokens) {
  std::vector<std::string> terms;
  ForEachRun(synonyms, tokens, [&](size_t, size_t, const auto& alternatives) {
    for (size_t i = 0; i < alternatives.size() && i < kMaxSynonymAlternatives; ++i) {
      for (const analyzers::Token& token : alternatives[i]) {
        if (token.kind != analyzers::TokenKind::kStop) terms.push_back(token.term);
      }
    }
  });
  return terms;
}

}  // namespace vitrine::query::internal
