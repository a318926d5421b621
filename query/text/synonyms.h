// Managed synonyms (merch/synonyms.h) in the text query: a word or phrase of the
// query that a synonym set holds also matches the set's other members, analysed
// like the query, so they layer on the built-in vocabulary. Private to query/;
// text_query.cc calls this once per query it builds.
#pragma once

#include <xapian.h>

#include <functional>
#include <string>
#include <vector>

#include "analyzers/token.h"
#include "merch/synonyms.h"

namespace vitrine::query::internal {

// At most this many alternatives expand one word or phrase of a query.
inline constexpr size_t kMaxSynonymAlternatives = 32;

// For each run of `tokens` that `synonyms` knows (the longest from the left,
// runs do not overlap), replaces queries[first] with: the run as typed (its
// queries ANDed) lifted by a constant, OR each alternative (its words ANDed)
// at a lower weight, so products with the words as typed rank at or above those
// matching only a synonym. Then span[first] is the run's length and the
// following span entries of the run are 0 (their queries are absorbed).
// `token_query` builds the query of one token. `span` starts as all 1s.
void ExpandSynonyms(const merch::Thesaurus::Analysed& synonyms,
                    const std::vector<analyzers::Token>& tokens,
                    const std::function<Xapian::Query(const analyzers::Token&)>& token_query,
                    std::vector<Xapian::Query>& queries, std::vector<size_t>& span);

// The terms of every synonym that ExpandSynonyms would add for `tokens` (stop
// words left out), for highlighting what they matched.
std::vector<std::string> SynonymTerms(const merch::Thesaurus::Analysed& synonyms,
                                      const std::vector<analyzers::Token>& tokens);

}  // namespace vitrine::query::internal
