// Algolia's three filter syntaxes (facetFilters, numericFilters, filters) parsed
// into one AND-of-ORs form and laid onto a Vitrine SearchRequest; private to server/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "query/search.h"

namespace vitrine::server::algolia {

// One test on one attribute: "brand:Nike" (a facet value), "price>=500" or
// "price:500 TO 1500" (numeric), possibly negated ("brand:-Nike", NOT ...).
struct Predicate {
  enum class Kind { kFacet, kNumeric };
  Kind kind = Kind::kFacet;
  std::string attribute;
  std::string value;  // kFacet
  std::string op;     // kNumeric: "=", "!=", "<", "<=", ">", ">=" or "TO"
  double number = 0;  // kNumeric; the lower bound for "TO"
  double upper = 0;   // kNumeric "TO"
  bool negated = false;
};

using Clause = std::vector<Predicate>;    // predicates OR-ed together
using Conjunction = std::vector<Clause>;  // clauses AND-ed together

// facetFilters: each inner list ORs "attribute:value" strings ("-" before the
// value negates it, "\-" is a literal dash); the lists AND together.
absl::StatusOr<Conjunction> ParseFacetFilters(const std::vector<std::vector<std::string>>& groups);

// numericFilters: "price>=500", "rating = 4", "price:500 TO 1500" in the same shape.
absl::StatusOr<Conjunction> ParseNumericFilters(
    const std::vector<std::vector<std::string>>& groups);

// filters: `brand:Nike AND (color:Red OR color:"Navy Blue") AND price:500 TO 1500
// AND rating >= 4`, with NOT and parentheses. Only conjunctions of disjunctions
// of single tests have a meaning here (as in Algolia); anything else names why.
absl::StatusOr<Conjunction> ParseFilterExpression(std::string_view text);

// The Vitrine field an attribute filters and facets on ("category.lvl1" is
// "category", which matches any level of the path), or empty when unknown.
// `attributes`: the index's declared filterable attributes.
std::string FilterFieldOf(std::string_view attribute, const std::vector<std::string>& attributes);

// Lays `conjunction` onto `request` (filters, ranges, in_stock). What Vitrine
// cannot express exactly (negation, OR across attributes, two different value
// sets of one attribute AND-ed, "!=") is an InvalidArgument naming `parameter`.
absl::Status ApplyConjunction(const Conjunction& conjunction, std::string_view parameter,
                              const std::vector<std::string>& attributes,
                              query::SearchRequest& request);

}  // namespace vitrine::server::algolia
