// facetFilters and numericFilters strings, and the AND-of-ORs they make laid
// onto a SearchRequest. The `filters` expression parser is in
// algolia_filter_expression.cc.
#include "server/algolia_filters.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::server::algolia {
namespace {

bool IsRangeField(std::string_view field) {
  return std::find(query::kRangeFields.begin(), query::kRangeFields.end(), field) !=
         query::kRangeFields.end();
}

// "price>=500", "price = 5", "price:500 TO 1500".
absl::StatusOr<Predicate> ParseNumeric(std::string_view text, std::string_view parameter) {
  Predicate predicate{.kind = Predicate::Kind::kNumeric};
  const size_t op_at = text.find_first_of("<>=!:");
  if (op_at == std::string_view::npos || op_at == 0) {
    return InvalidParameter(
        parameter, StrCat(parameter, ": '", text, "' is not a numeric filter such as price>=500"));
  }
  predicate.attribute = std::string(Trim(text.substr(0, op_at)));
  std::string_view rest = text.substr(op_at);
  if (rest.front() == ':') {
    rest = Trim(rest.substr(1));
    const size_t to = rest.find(" TO ");
    const std::optional<double> lower =
        to == std::string_view::npos ? std::nullopt : ParseDouble(Trim(rest.substr(0, to)));
    const std::optional<double> upper =
        to == std::string_view::npos ? std::nullopt : ParseDouble(Trim(rest.substr(to + 4)));
    if (!lower || !upper) {
      return InvalidParameter(parameter,
                              StrCat(parameter, ": '", text, "' must be attribute:lower TO upper"));
    }
    predicate.op = "TO";
    predicate.number = *lower;
    predicate.upper = *upper;
    return predicate;
  }
  for (std::string_view op : {"<=", ">=", "!=", "<", ">", "="}) {
    if (!rest.starts_with(op)) continue;
    const std::optional<double> number = ParseDouble(Trim(rest.substr(op.size())));
    if (!number) {
      return InvalidParameter(parameter,
                              StrCat(parameter, ": '", text, "' must compare with a number"));
    }
    predicate.op = std::string(op);
    predicate.number = *number;
    return predicate;
  }
  return InvalidParameter(parameter, StrCat(parameter, ": '", text, "' has no valid operator"));
}

// Lower-cased and sorted, so value sets compare as Vitrine matches them.
std::vector<std::string> Folded(const std::vector<std::string>& values) {
  std::vector<std::string> folded;
  for (const std::string& value : values) folded.push_back(AsciiLower(value));
  std::sort(folded.begin(), folded.end());
  folded.erase(std::unique(folded.begin(), folded.end()), folded.end());
  return folded;
}

// A numeric test as an inclusive range (strict bounds move to the next double).
absl::StatusOr<query::Range> RangeOf(const Predicate& predicate, std::string_view parameter) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  query::Range range;
  const double n = predicate.number;
  if (predicate.op == "TO") {
    range.gte = n;
    range.lte = predicate.upper;
  } else if (predicate.op == "=") {
    range.gte = range.lte = n;
  } else if (predicate.op == ">=") {
    range.gte = n;
  } else if (predicate.op == ">") {
    range.gte = std::nextafter(n, kInf);
  } else if (predicate.op == "<=") {
    range.lte = n;
  } else if (predicate.op == "<") {
    range.lte = std::nextafter(n, -kInf);
  } else {
    return InvalidParameter(parameter, StrCat(parameter, ": '", predicate.op,
                                              "' is not supported (Vitrine filters on "
                                              "inclusive ranges and values, not their negation)"));
  }
  return range;
}

absl::Status ApplyRange(const Clause& clause, std::string_view field, std::string_view parameter,
                        query::SearchRequest& request) {
  if (clause.size() != 1) {
    return InvalidParameter(parameter, StrCat(parameter, ": OR between numeric filters on '", field,
                                              "' is not supported; use one range"));
  }
  const Predicate& predicate = clause.front();
  if (predicate.kind != Predicate::Kind::kNumeric) {
    return InvalidParameter(parameter, StrCat(parameter, ": '", field,
                                              "' is numeric; filter it with numericFilters or "
                                              "a range such as price:500 TO 1500"));
  }
  ASSIGN_OR_RETURN(const query::Range range, RangeOf(predicate, parameter));
  // Ranges on one field AND together: their intersection.
  query::Range& merged = request.ranges[std::string(field)];
  if (range.gte) merged.gte = merged.gte ? std::max(*merged.gte, *range.gte) : *range.gte;
  if (range.lte) merged.lte = merged.lte ? std::min(*merged.lte, *range.lte) : *range.lte;
  return absl::OkStatus();
}

absl::Status ApplyInStock(const Clause& clause, std::string_view parameter,
                          query::SearchRequest& request) {
  std::optional<bool> wanted;
  for (const Predicate& predicate : clause) {
    std::optional<bool> value;
    if (predicate.kind == Predicate::Kind::kFacet) {
      value = ParseBool(AsciiLower(predicate.value));
    } else if (predicate.op == "=" && (predicate.number == 0 || predicate.number == 1)) {
      value = predicate.number == 1;
    }
    if (!value) {
      return InvalidParameter(parameter,
                              StrCat(parameter, ": in_stock takes true or false (or =1, =0)"));
    }
    if (wanted && *wanted != *value) {
      return InvalidParameter(parameter, StrCat(parameter,
                                                ": in_stock true OR false is no filter; "
                                                "leave it out"));
    }
    wanted = value;
  }
  if (request.in_stock && request.in_stock != wanted) {
    return InvalidParameter(parameter, StrCat(parameter,
                                              ": in_stock is required both true and "
                                              "false"));
  }
  request.in_stock = wanted;
  return absl::OkStatus();
}

}  // namespace

std::string FilterFieldOf(std::string_view attribute, const std::vector<std::string>& attributes) {
  if (attribute.starts_with("category.lvl") && attribute.size() == 13 && attribute[12] >= '0' &&
      attribute[12] <= '2') {
    return "category";
  }
  for (std::string_view field : query::kFilterFields) {
    if (attribute == field) return std::string(field);
  }
  for (std::string_view field : query::kRangeFields) {
    if (attribute == field) return std::string(field);
  }
  if (attribute == "in_stock") return "in_stock";
  for (const std::string& declared : attributes) {
    if (attribute == declared) return declared;
  }
  return {};
}

absl::StatusOr<Conjunction> ParseFacetFilters(const std::vector<std::vector<std::string>>& groups) {
  Conjunction conjunction;
  for (const std::vector<std::string>& group : groups) {
    Clause clause;
    for (const std::string& text : group) {
      const size_t colon = text.find(':');
      if (colon == std::string::npos || colon == 0) {
        return InvalidParameter("facetFilters",
                                StrCat("facetFilters: '", text, "' must be attribute:value"));
      }
      Predicate predicate{.attribute = text.substr(0, colon), .value = text.substr(colon + 1)};
      if (predicate.value.starts_with('-')) {
        predicate.negated = true;
        predicate.value.erase(0, 1);
      } else if (predicate.value.starts_with("\\-")) {
        predicate.value.erase(0, 1);  // an escaped dash is part of the value
      }
      clause.push_back(std::move(predicate));
    }
    if (!clause.empty()) conjunction.push_back(std::move(clause));
  }
  return conjunction;
}

absl::StatusOr<Conjunction> ParseNumericFilters(
    const std::vector<std::vector<std::string>>& groups) {
  Conjunction conjunction;
  for (const std::vector<std::string>& group : groups) {
    Clause clause;
    for (const std::string& text : group) {
      ASSIGN_OR_RETURN(Predicate predicate, ParseNumeric(text, "numericFilters"));
      clause.push_back(std::move(predicate));
    }
    if (!clause.empty()) conjunction.push_back(std::move(clause));
  }
  return conjunction;
}

absl::Status ApplyConjunction(const Conjunction& conjunction, std::string_view parameter,
                              const std::vector<std::string>& attributes,
                              query::SearchRequest& request) {
  for (const Clause& clause : conjunction) {
    std::string field;
    for (const Predicate& predicate : clause) {
      const std::string this_field = FilterFieldOf(predicate.attribute, attributes);
      if (this_field.empty()) {
        return InvalidParameter(
            parameter, StrCat(parameter, ": cannot filter on '", predicate.attribute, "'"));
      }
      if (predicate.negated &&
          (clause.size() > 1 || IsRangeField(this_field) || this_field == "in_stock" ||
           predicate.kind != Predicate::Kind::kFacet)) {
        return InvalidParameter(
            parameter, StrCat(parameter, ": negation (", predicate.attribute, ":-", predicate.value,
                              " or NOT) is supported for one facet value AND-ed with the rest, "
                              "not inside an OR group nor on numbers"));
      }
      if (!field.empty() && field != this_field) {
        return InvalidParameter(parameter, StrCat(parameter, ": OR across attributes (", field,
                                                  ", ", this_field, ") is not supported"));
      }
      field = this_field;
    }
    if (clause.front().negated) {  // the clause's only predicate (checked above)
      request.excluded[field].push_back(clause.front().value);
      continue;
    }
    if (IsRangeField(field)) {
      RETURN_IF_ERROR(ApplyRange(clause, field, parameter, request));
      continue;
    }
    if (field == "in_stock") {
      RETURN_IF_ERROR(ApplyInStock(clause, parameter, request));
      continue;
    }
    std::vector<std::string> values;
    for (const Predicate& predicate : clause) {
      if (predicate.kind != Predicate::Kind::kFacet) {
        return InvalidParameter(parameter,
                                StrCat(parameter, ": '", predicate.attribute, "' is not numeric"));
      }
      values.push_back(predicate.value);
    }
    auto [it, inserted] = request.filters.try_emplace(field, values);
    // Vitrine ORs the values of one field; the same set AND-ed again is the
    // same filter, but a different one would need an intersection.
    if (!inserted && Folded(it->second) != Folded(values)) {
      return InvalidParameter(parameter,
                              StrCat(parameter, ": different values of '", field,
                                     "' AND-ed together are not supported (values of one "
                                     "attribute combine with OR)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace vitrine::server::algolia
