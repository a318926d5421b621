// Query understanding: the parts of q that name a product attribute (a price,
// a size, a brand, a product type, a colour, a gender, a season, a material),
// read against the serving revision's own values (Lexicon) and the vocabulary,
// and what the search does with each by a fixed policy:
//
//   price, size, brand, category, color, gender   a filter; the words leave the text
//   season, material                              a boost; the words stay text
//
// A part the request already filters on itself is left to the request (the
// words stay text); so is one the catalog does not state for the products that
// say it (Confirm). The search falls back to boosts when the filters would
// leave fewer products than the page, words' filters first (Demote). Private
// to query/.
#pragma once

#include <xapian.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyzers/analyzer.h"
#include "query/request.h"
#include "query/understand/lexicon.h"

namespace vitrine::query::internal {

struct Understanding {
  std::vector<UnderstoodPart> parts;
  // q's words once its prices and sizes are taken out, and the words each part
  // was read from: parts[i] is words [spans[i].first, + spans[i].second); a
  // price or a size has none (its words are never text).
  std::vector<std::string> words;
  std::vector<std::pair<size_t, size_t>> spans;
  std::string q;  // as sent
  // The words of season and material parts are left out of the text (Loosen).
  bool loose = false;

  bool filters() const;  // some part is applied as a filter
  // The text left to search: q itself when no words leave it; else its words
  // without the prices, the sizes and the words of the parts applied as filters.
  std::string Text() const;
};

struct UnderstandContext {
  const analyzers::Analyzer& analyzer;
  const Lexicon& lexicon;
  const Xapian::Database& database;  // spelling frequencies: a misspelt brand is no word it knows
  const SearchRequest& request;      // its own filters and ranges come first
  // Fields a merchandiser turned off (merch::Ranking::understand); the words stay text.
  const std::vector<std::string>& off;
};

// Reads q. Cheap enough for every search: a scan for prices and sizes, then a
// lookup per run of up to Lexicon::max_words() words.
Understanding Understand(std::string_view q, const UnderstandContext& context);

// Adds the filters of `understanding` to `request` (the search's own copy).
void AddFilters(const Understanding& understanding, SearchRequest& request);

// The parts' boosts as (filter, factor) pairs for the rescorer: season and
// material always, the filters' parts too once demoted; the exact shade of a
// colour family in either case.
struct Boost {
  Xapian::Query filter;
  double factor;
};
std::vector<Boost> Boosts(const Understanding& understanding);

// A filter only where the catalog states the field for the products that say
// the words: `stated(part)` gives how many products match the part's words as
// text and how many of those lack every value of the filter. A part whose words
// more than a tenth of those products say without having the value (a brand
// written only in titles, a product type some feed leaves out) becomes a boost
// and its words stay text.
struct Statement {
  uint64_t said = 0;     // products whose text has the words
  uint64_t missing = 0;  // of those, without the field's value
};
void Confirm(Understanding& understanding,
             const std::function<Statement(const UnderstoodPart& part)>& stated);

// Before the search relaxes to some of the words, the least informative go:
// the words of the season and material parts (still boosts) leave the text, so
// "summer floral top" keeps "floral top". False when there are none.
bool Loosen(Understanding& understanding);

// Turns filters into boosts, noting why (the filters left `total` products,
// fewer than a page of `per_page`): those read from words first (their words
// are text again, so the search still asks for them), and on a second call
// prices and sizes. False when no filter was left to turn.
bool Demote(Understanding& understanding, uint64_t total, int per_page);

}  // namespace vitrine::query::internal
