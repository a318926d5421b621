// Algolia search parameters -> AlgoliaQuery. Parameters arrive typed (v5
// clients' JSON keys) or as strings (the URL-encoded "params" of v3/v4 clients,
// where arrays are JSON text); both go through the same readers.
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "server/algolia_filters.h"
#include "server/algolia_query.h"
#include "server/url.h"

namespace vitrine::server::algolia {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxQueries = 50;

template <typename List>
std::string Joined(const List& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.append(", ");
    out.append(item);
  }
  return out;
}

absl::Status WrongType(std::string_view name, std::string_view expected) {
  return InvalidParameter(name, StrCat(name, " must be ", expected));
}

absl::StatusOr<int> IntOf(std::string_view name, const Json& value, int lo, int hi) {
  std::optional<int64_t> number;
  if (value.is_number_integer()) number = value.get<int64_t>();
  if (value.is_string()) number = ParseInt64(value.get<std::string>());
  if (!number || *number < lo || *number > hi) {
    return InvalidParameter(name, StrCat(name, " must be an integer from ", lo, " to ", hi));
  }
  return static_cast<int>(*number);
}

absl::StatusOr<bool> BoolOf(std::string_view name, const Json& value) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number_integer() && (value == 0 || value == 1)) return value == 1;
  if (value.is_string()) {
    if (const std::optional<bool> parsed = ParseBool(value.get<std::string>())) return *parsed;
  }
  return WrongType(name, "true or false");
}

absl::StatusOr<std::string> StringOf(std::string_view name, const Json& value) {
  if (!value.is_string()) return WrongType(name, "a string");
  return value.get<std::string>();
}

// An array of strings, or one string: JSON array text ("[\"brand\"]"), else a
// comma-separated list ("brand,color").
absl::StatusOr<std::vector<std::string>> ListOf(std::string_view name, const Json& value) {
  Json array = value;
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text.starts_with('[')) {
      array = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    } else {
      std::vector<std::string> items = SplitTrimmed(text, ',');
      std::erase(items, std::string());
      return items;
    }
  }
  if (!array.is_array()) return WrongType(name, "an array of strings");
  std::vector<std::string> items;
  for (const Json& item : array) {
    if (!item.is_string()) return WrongType(name, "an array of strings");
    items.push_back(item.get<std::string>());
  }
  return items;
}

// facetFilters / numericFilters: ["a:1", ["b:2", "b:3"]] (inner arrays OR), or
// one string ("a:1", or JSON array text).
absl::StatusOr<std::vector<std::vector<std::string>>> GroupsOf(std::string_view name,
                                                               const Json& value) {
  Json array = value;
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (!text.starts_with('[')) return std::vector<std::vector<std::string>>{{text}};
    array = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  }
  if (!array.is_array()) return WrongType(name, "an array of strings and arrays of strings");
  std::vector<std::vector<std::string>> groups;
  for (const Json& item : array) {
    if (item.is_string()) {
      groups.push_back({item.get<std::string>()});
      continue;
    }
    ASSIGN_OR_RETURN(std::vector<std::string> group, ListOf(name, item));
    groups.push_back(std::move(group));
  }
  return groups;
}

// Parameters accepted only at a value that changes nothing Vitrine does.
absl::Status RequireNeutral(std::string_view name, const Json& value) {
  const bool empty = value.is_null() || (value.is_string() && value.get<std::string>().empty()) ||
                     (value.is_array() && value.empty()) ||
                     (value.is_string() && value.get<std::string>() == "[]");
  if (name == "sortFacetValuesBy" && value == "count") return absl::OkStatus();
  if (name == "getRankingInfo" || name == "facetingAfterDistinct") {
    absl::StatusOr<bool> flag = BoolOf(name, value);
    if (flag.ok() && !*flag) return absl::OkStatus();
  } else if (empty) {
    return absl::OkStatus();
  }
  return InvalidParameter(
      name, StrCat(name, " is supported only at its default (",
                   name == "sortFacetValuesBy"                                   ? "\"count\""
                   : name == "getRankingInfo" || name == "facetingAfterDistinct" ? "false"
                                                                                 : "empty",
                   ")"));
}

const std::vector<std::string_view>& NeutralParameters() {
  static const std::vector<std::string_view> names = {
      "attributesToSnippet", "tagFilters",     "optionalFilters",      "ruleContexts",
      "sortFacetValuesBy",   "getRankingInfo", "facetingAfterDistinct"};
  return names;
}

// Accepted and without effect on results: analytics switches and their labels.
const std::vector<std::string_view>& AnalyticsParameters() {
  static const std::vector<std::string_view> names = {"analytics", "clickAnalytics", "userToken",
                                                      "analyticsTags", "enablePersonalization"};
  return names;
}

bool Contains(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

absl::Status SetFacets(AlgoliaQuery& query, const Json& value,
                       const std::vector<std::string>& attributes) {
  ASSIGN_OR_RETURN(const std::vector<std::string> names, ListOf("facets", value));
  std::vector<std::string> all(query::kFacetFields.begin(), query::kFacetFields.end());
  all.insert(all.end(), attributes.begin(), attributes.end());
  all.insert(all.end(), query::kRangeFields.begin(), query::kRangeFields.end());
  for (const std::string& name : names) {
    if (name == "*") {
      query.search.facets = all;
      return absl::OkStatus();
    }
    if (std::find(all.begin(), all.end(), name) == all.end()) {
      return InvalidParameter(
          "facets", StrCat("facets: cannot count '", name, "'; facets are ", Joined(all)));
    }
    query.search.facets.push_back(name);
  }
  return absl::OkStatus();
}

absl::Status SetHighlight(AlgoliaQuery& query, const Json& value) {
  ASSIGN_OR_RETURN(const std::vector<std::string> names, ListOf("attributesToHighlight", value));
  query.highlight_title = query.highlight_description = false;
  for (const std::string& name : names) {
    if (name == "*" || name == "title") query.highlight_title = true;
    if (name == "*" || name == "description") query.highlight_description = true;
    if (name != "*" && name != "title" && name != "description") {
      return InvalidParameter("attributesToHighlight",
                              StrCat("attributesToHighlight: '", name,
                                     "' cannot be highlighted; Vitrine highlights title and "
                                     "description"));
    }
  }
  return absl::OkStatus();
}

// Filters of all three parameters AND together; each is laid on with its name.
struct FilterParams {
  Conjunction facet_filters, numeric_filters, filters;
};

absl::Status SetOne(AlgoliaQuery& query, FilterParams& filters, const std::string& name,
                    const Json& value, const std::vector<std::string>& attributes) {
  query::SearchRequest& search = query.search;
  if (name == "query") {
    ASSIGN_OR_RETURN(search.q, StringOf(name, value));
  } else if (name == "page") {
    ASSIGN_OR_RETURN(query.page, IntOf(name, value, 0, 9999));
  } else if (name == "hitsPerPage") {
    ASSIGN_OR_RETURN(query.hits_per_page, IntOf(name, value, 0, 100));
  } else if (name == "facets") {
    RETURN_IF_ERROR(SetFacets(query, value, attributes));
  } else if (name == "maxValuesPerFacet") {
    ASSIGN_OR_RETURN(search.facet_size, IntOf(name, value, 1, 100));
  } else if (name == "facetFilters") {
    ASSIGN_OR_RETURN(const auto groups, GroupsOf(name, value));
    ASSIGN_OR_RETURN(filters.facet_filters, ParseFacetFilters(groups));
  } else if (name == "numericFilters") {
    ASSIGN_OR_RETURN(const auto groups, GroupsOf(name, value));
    ASSIGN_OR_RETURN(filters.numeric_filters, ParseNumericFilters(groups));
  } else if (name == "filters") {
    ASSIGN_OR_RETURN(const std::string text, StringOf(name, value));
    ASSIGN_OR_RETURN(filters.filters, ParseFilterExpression(text));
  } else if (name == "attributesToHighlight") {
    RETURN_IF_ERROR(SetHighlight(query, value));
  } else if (name == "highlightPreTag") {
    ASSIGN_OR_RETURN(query.pre_tag, StringOf(name, value));
  } else if (name == "highlightPostTag") {
    ASSIGN_OR_RETURN(query.post_tag, StringOf(name, value));
  } else if (name == "attributesToRetrieve") {
    ASSIGN_OR_RETURN(std::vector<std::string> names, ListOf(name, value));
    if (std::find(names.begin(), names.end(), "*") == names.end()) {
      query.attributes_to_retrieve = std::move(names);
    }
  } else if (name == "distinct") {
    // Vitrine's distinct is the style (parent_id); on by default, like an index
    // whose attributeForDistinct is set.
    ASSIGN_OR_RETURN(search.collapse, BoolOf(name, value));
  } else if (name == "enableRules") {
    ASSIGN_OR_RETURN(query.rules_enabled, BoolOf(name, value));
  } else if (Contains(AnalyticsParameters(), name)) {
    // Accepted for compatibility; Vitrine keeps no search analytics.
  } else if (Contains(NeutralParameters(), name)) {
    RETURN_IF_ERROR(RequireNeutral(name, value));
  } else {
    return absl::OkStatus();  // collected by the caller as unsupported
  }
  return absl::OkStatus();
}

bool IsSupported(std::string_view name) { return Contains(SupportedParameters(), name); }

// `params`: the request's keys (besides indexName, type, params) and the
// decoded "params" string, keys first.
absl::StatusOr<AlgoliaQuery> ParseParameters(
    std::string_view index_name, const std::vector<std::pair<std::string, Json>>& params,
    const std::vector<std::string>& attributes) {
  AlgoliaQuery query;
  query.index_name = std::string(index_name);
  ASSIGN_OR_RETURN(query.search.sort, SortOfIndex(index_name, query.suggestions));
  query.search.facet_size = kDefaultMaxValuesPerFacet;
  std::vector<std::string> unsupported;
  for (const auto& [name, value] : params) {
    if (!IsSupported(name)) {
      if (std::find(unsupported.begin(), unsupported.end(), name) == unsupported.end())
        unsupported.push_back(name);
    }
  }
  if (!unsupported.empty()) {
    return InvalidParameter(unsupported.front(),
                            StrCat("unsupported parameter", unsupported.size() > 1 ? "s" : "", ": ",
                                   Joined(unsupported),
                                   " (Vitrine's Algolia-compatible endpoint; see "
                                   "docs/instantsearch.md)"));
  }
  FilterParams filters;
  for (const auto& [name, value] : params) {
    RETURN_IF_ERROR(SetOne(query, filters, name, value, attributes));
  }
  for (const auto& [conjunction, name] : {std::pair{&filters.facet_filters, "facetFilters"},
                                          {&filters.numeric_filters, "numericFilters"},
                                          {&filters.filters, "filters"}}) {
    RETURN_IF_ERROR(ApplyConjunction(*conjunction, name, attributes, query.search));
  }
  query.search.page = query.page + 1;
  query.search.per_page = std::max(query.hits_per_page, 1);
  query.search.highlight = query.highlight_title || query.highlight_description;
  query.suggest.q = query.search.q;
  query.suggest.limit = std::clamp(query.hits_per_page, 1, 50);
  if (query.suggestions && (!query.search.facets.empty() || !query.search.filters.empty() ||
                            !query.search.ranges.empty() || query.search.in_stock)) {
    return InvalidParameter("facets", "the query-suggestions index takes no facets or filters");
  }
  return query;
}

// Appends `text` application/x-www-form-urlencoded.
void AppendEncoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
}

// One request of a multi-query (or a single query's body): its own keys, then
// those of its "params" string; "indexName" and "type" are the caller's.
absl::StatusOr<AlgoliaQuery> ParseRequest(std::string_view index_name, const Json& request,
                                          const std::vector<std::string>& attributes) {
  std::vector<std::pair<std::string, Json>> params;
  std::string echoed;
  for (const auto& [key, value] : request.items()) {
    if (key == "indexName" || key == "params") continue;
    if (key == "type") {
      if (value != "default") {
        return InvalidParameter("type",
                                "type: only \"default\" queries are supported "
                                "(searchForFacetValues is not)");
      }
      continue;
    }
    // v5 clients send undefined parameters as null: the same as absent.
    if (value.is_null()) continue;
    params.emplace_back(key, value);
    if (!echoed.empty()) echoed.push_back('&');
    AppendEncoded(echoed, key);
    echoed.push_back('=');
    AppendEncoded(echoed, value.is_string() ? value.get<std::string>() : value.dump());
  }
  if (const auto it = request.find("params"); it != request.end()) {
    if (!it->is_string()) return WrongType("params", "a URL-encoded string");
    const std::string text = it->get<std::string>();
    ASSIGN_OR_RETURN(const Target target, ParseTarget(StrCat("/?", text)));
    for (const auto& [name, value] : target.params) params.emplace_back(name, Json(value));
    if (!echoed.empty() && !text.empty()) echoed.push_back('&');
    echoed.append(text);
  }
  ASSIGN_OR_RETURN(AlgoliaQuery query, ParseParameters(index_name, params, attributes));
  query.params = std::move(echoed);
  return query;
}

absl::StatusOr<Json> ParseBody(std::string_view body) {
  if (std::optional<size_t> bad = FindInvalidUtf8(body)) {
    return InvalidParameter("body", StrCat("the body is not valid UTF-8 (byte ", *bad, ")"));
  }
  Json root = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidParameter("body", "the body is not valid JSON");
  if (!root.is_object()) return InvalidParameter("body", "the body must be a JSON object");
  return root;
}

}  // namespace

const std::vector<std::string_view>& SupportedParameters() {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> all = {"query",
                                         "page",
                                         "hitsPerPage",
                                         "facets",
                                         "maxValuesPerFacet",
                                         "facetFilters",
                                         "numericFilters",
                                         "filters",
                                         "attributesToHighlight",
                                         "highlightPreTag",
                                         "highlightPostTag",
                                         "attributesToRetrieve",
                                         "distinct",
                                         "enableRules"};
    all.insert(all.end(), AnalyticsParameters().begin(), AnalyticsParameters().end());
    all.insert(all.end(), NeutralParameters().begin(), NeutralParameters().end());
    return all;
  }();
  return names;
}

absl::StatusOr<query::SortOrder> SortOfIndex(std::string_view index_name, bool& suggestions) {
  suggestions = false;
  if (index_name == kIndexName) return query::SortOrder::kRelevance;
  if (index_name.starts_with(kIndexName) && index_name.size() > kIndexName.size() + 1 &&
      index_name[kIndexName.size()] == '_') {
    const std::string_view suffix = index_name.substr(kIndexName.size());
    if (suffix == kSuggestionsSuffix) {
      suggestions = true;
      return query::SortOrder::kRelevance;
    }
    if (const std::optional<query::SortOrder> sort = query::ParseSortOrder(suffix.substr(1))) {
      return *sort;
    }
  }
  return absl::NotFoundError(StrCat(
      "index '", index_name, "' does not exist; indexes are ", kIndexName, ", ", kIndexName,
      "_<sort> (sort: ", Joined(query::kSortOrderNames), ") and ", kIndexName, kSuggestionsSuffix));
}

absl::StatusOr<std::vector<AlgoliaQuery>> ParseMultiQuery(
    std::string_view body, const std::vector<std::string>& attributes) {
  ASSIGN_OR_RETURN(const Json root, ParseBody(body));
  const Json* requests = nullptr;
  for (const auto& [key, value] : root.items()) {
    if (key == "requests") {
      requests = &value;
    } else if (key == "strategy") {
      if (value != "none") {
        return InvalidParameter("strategy",
                                "strategy: only \"none\" is supported (every query "
                                "is answered)");
      }
    } else {
      return InvalidParameter(key, StrCat("unsupported key '", key, "' in a multi-query body"));
    }
  }
  if (requests == nullptr || !requests->is_array() || requests->empty()) {
    return InvalidParameter("requests", "requests must be a non-empty array of queries");
  }
  if (requests->size() > kMaxQueries) {
    return InvalidParameter("requests", StrCat("at most ", kMaxQueries, " queries per request"));
  }
  std::vector<AlgoliaQuery> queries;
  for (size_t i = 0; i < requests->size(); ++i) {
    const Json& request = (*requests)[i];
    const auto index = request.is_object() ? request.find("indexName") : request.end();
    if (!request.is_object() || index == request.end() || !index->is_string()) {
      return InvalidParameter("indexName", StrCat("requests[", i, "] needs an indexName"));
    }
    absl::StatusOr<AlgoliaQuery> query =
        ParseRequest(index->get<std::string>(), request, attributes);
    if (!query.ok()) return Annotate(query.status(), StrCat("requests[", i, "]"));
    queries.push_back(*std::move(query));
  }
  return queries;
}

absl::StatusOr<AlgoliaQuery> ParseSingleQuery(std::string_view index_name, std::string_view body,
                                              const std::vector<std::string>& attributes) {
  if (Trim(body).empty()) return ParseRequest(index_name, Json::object(), attributes);
  ASSIGN_OR_RETURN(const Json root, ParseBody(body));
  if (root.contains("indexName")) {
    return InvalidParameter("indexName", "the index is named in the path, not the body");
  }
  return ParseRequest(index_name, root, attributes);
}

}  // namespace vitrine::server::algolia
