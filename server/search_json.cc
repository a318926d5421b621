// POST /v1/search: the JSON form of a search request, strict about keys and
// types so a typo in a storefront's request fails loudly instead of being ignored.
#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "server/handlers.h"

namespace vitrine::server {
namespace {

using Json = nlohmann::json;

absl::Status WrongType(std::string_view key, std::string_view expected) {
  return InvalidParameter(key, StrCat(key, " must be ", expected));
}

absl::StatusOr<int> Int(std::string_view key, const Json& value) {
  if (!value.is_number_integer()) return WrongType(key, "an integer");
  const int64_t number = value.get<int64_t>();
  if (number < -1'000'000 || number > 1'000'000) return WrongType(key, "a small integer");
  return static_cast<int>(number);
}

absl::StatusOr<std::string> String(std::string_view key, const Json& value) {
  if (!value.is_string()) return WrongType(key, "a string");
  return value.get<std::string>();
}

absl::StatusOr<std::vector<std::string>> Strings(std::string_view key, const Json& value) {
  if (!value.is_array()) return WrongType(key, "an array of strings");
  std::vector<std::string> strings;
  for (const Json& item : value) {
    if (!item.is_string()) return WrongType(key, "an array of strings");
    strings.push_back(item.get<std::string>());
  }
  return strings;
}

absl::Status SetRanges(query::SearchRequest& request, const Json& ranges) {
  if (!ranges.is_object()) return WrongType("ranges", "an object");
  for (const auto& [field, bounds] : ranges.items()) {
    const std::string key = StrCat("ranges.", field);
    if (!bounds.is_object())
      return WrongType(key, R"(an object such as {"gte": 500, "lte": 1500})");
    query::Range& range = request.ranges[field];
    for (const auto& [bound, value] : bounds.items()) {
      if (bound != "gte" && bound != "lte") {
        return InvalidParameter(key, StrCat(key, " takes gte and lte, not '", bound, "'"));
      }
      if (!value.is_number()) return WrongType(key, "numbers");
      (bound == "gte" ? range.gte : range.lte) = value.get<double>();
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<query::SearchRequest> SearchRequestFromJson(std::string_view body) {
  if (std::optional<size_t> bad = FindInvalidUtf8(body)) {
    return InvalidParameter("body", StrCat("the body is not valid UTF-8 (byte ", *bad, ")"));
  }
  const Json root = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return InvalidParameter("body", "the body is not valid JSON");
  if (!root.is_object()) return InvalidParameter("body", "the body must be a JSON object");
  query::SearchRequest request;
  for (const auto& [key, value] : root.items()) {
    if (key == "q") {
      ASSIGN_OR_RETURN(request.q, String(key, value));
    } else if (key == "page") {
      ASSIGN_OR_RETURN(request.page, Int(key, value));
    } else if (key == "per_page") {
      ASSIGN_OR_RETURN(request.per_page, Int(key, value));
    } else if (key == "filters") {
      if (!value.is_object()) return WrongType(key, "an object of value arrays");
      for (const auto& [field, values] : value.items()) {
        ASSIGN_OR_RETURN(request.filters[field], Strings(StrCat("filters.", field), values));
      }
    } else if (key == "exclude") {
      if (!value.is_object()) return WrongType(key, "an object of value arrays");
      for (const auto& [field, values] : value.items()) {
        ASSIGN_OR_RETURN(request.excluded[field], Strings(StrCat("exclude.", field), values));
      }
    } else if (key == "ranges") {
      RETURN_IF_ERROR(SetRanges(request, value));
    } else if (key == "in_stock") {
      if (!value.is_boolean()) return WrongType(key, "true or false");
      request.in_stock = value.get<bool>();
    } else if (key == "facets") {
      ASSIGN_OR_RETURN(request.facets, Strings(key, value));
    } else if (key == "facet_size") {
      ASSIGN_OR_RETURN(request.facet_size, Int(key, value));
    } else if (key == "timeout_ms") {
      ASSIGN_OR_RETURN(request.timeout_ms, Int(key, value));
      if (request.timeout_ms < 1) {
        return InvalidParameter(key,
                                StrCat("timeout_ms must be between 1 and ", query::kMaxTimeoutMs));
      }
    } else if (key == "highlight") {
      if (!value.is_boolean()) return WrongType(key, "true or false");
      request.highlight = value.get<bool>();
    } else if (key == "highlight_tag") {
      ASSIGN_OR_RETURN(request.highlight_tag, String(key, value));
    } else if (key == "buckets") {
      if (!value.is_object()) return WrongType(key, "an object of number arrays");
      for (const auto& [field, bounds] : value.items()) {
        const std::string name = StrCat("buckets.", field);
        if (!bounds.is_array()) return WrongType(name, "an array of numbers");
        for (const Json& bound : bounds) {
          if (!bound.is_number()) return WrongType(name, "an array of numbers");
          request.buckets[field].push_back(bound.get<double>());
        }
      }
    } else if (key == "facet_order") {
      if (!value.is_object()) return WrongType(key, "an object of orders (count, value, size)");
      for (const auto& [field, order] : value.items()) {
        const std::string name = StrCat("facet_order.", field);
        ASSIGN_OR_RETURN(const std::string written, String(name, order));
        ASSIGN_OR_RETURN(request.facet_order[field], FacetOrderParameter(name, written));
      }
    } else if (key == "collapse") {
      if (!value.is_boolean()) return WrongType(key, "true or false");
      request.collapse = value.get<bool>();
    } else if (key == "understand") {
      if (!value.is_boolean()) return WrongType(key, "true or false");
      request.understand = value.get<bool>();
    } else if (key == "sort") {
      ASSIGN_OR_RETURN(const std::string sort, String(key, value));
      ASSIGN_OR_RETURN(request.sort, SortOrderParameter(key, sort));
    } else {
      return InvalidParameter(key, StrCat("unknown key '", key, "'"));
    }
  }
  return request;
}

absl::Status WithJsonPaths(const absl::Status& status) {
  const std::optional<std::string> parameter = ParameterOf(status);
  if (!parameter) return status;
  std::string path = *parameter;
  if (path.starts_with("filter.")) {
    path.replace(0, 6, "filters");
  } else if (path.starts_with("range.")) {
    path.replace(0, 5, "ranges");
  } else if (path == "filter") {
    path = "filters";
  } else {
    return status;
  }
  std::string message(FromAbsl(status.message()));
  for (size_t at = message.find(*parameter); at != std::string::npos;
       at = message.find(*parameter, at + path.size())) {
    message.replace(at, parameter->size(), path);
  }
  return InvalidParameter(path, message);
}

}  // namespace vitrine::server
