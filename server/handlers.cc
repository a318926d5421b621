#include "server/handlers.h"

#include <chrono>

#include "base/json_writer.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "catalog/index_schema.h"
#include "indexer/document_builder.h"
#include "merch/config_store.h"
#include "query/result_cache.h"
#include "server/errors.h"

namespace vitrine::server {
namespace {

constexpr size_t kMaxAnalyzeBytes = 4096;

absl::StatusOr<int> PositiveInt(std::string_view name, std::string_view text) {
  std::optional<int64_t> value = ParseInt64(text);
  if (!value || *value < 1 || *value > 1'000'000) {
    return InvalidParameter(name, StrCat(name, " must be a positive integer, got '", text, "'"));
  }
  return static_cast<int>(*value);
}

}  // namespace

absl::StatusOr<query::SortOrder> SortOrderParameter(std::string_view name, std::string_view value) {
  if (const std::optional<query::SortOrder> sort = query::ParseSortOrder(value)) return *sort;
  return InvalidParameter(name, StrCat("unknown sort '", value,
                                       "'; use relevance, price_asc, price_desc, newest, rating "
                                       "or popularity"));
}

absl::StatusOr<query::FacetOrder> FacetOrderParameter(std::string_view name,
                                                      std::string_view value) {
  if (const std::optional<query::FacetOrder> order = query::ParseFacetOrder(value)) return *order;
  return InvalidParameter(name,
                          StrCat("unknown facet order '", value, "'; use count, value or size"));
}

namespace {

// Exactly "true" or "false", as in the JSON body: one spelling, so a cached or
// logged request reads the same way every time.
absl::StatusOr<bool> TrueOrFalse(std::string_view name, std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return InvalidParameter(name, StrCat(name, " must be true or false, got '", text, "'"));
}

// "500..1500", "500..", "..1500".
absl::StatusOr<query::Range> ParseRange(std::string_view name, std::string_view text) {
  const size_t dots = text.find("..");
  if (dots == std::string_view::npos) {
    return InvalidParameter(
        name, StrCat(name, " must be lo..hi (either side may be empty), got '", text, "'"));
  }
  query::Range range;
  for (auto [bound, part] : {std::pair{&range.gte, text.substr(0, dots)},
                             std::pair{&range.lte, text.substr(dots + 2)}}) {
    if (part.empty()) continue;
    *bound = ParseDouble(part);
    if (!*bound) return InvalidParameter(name, StrCat(name, " bound '", part, "' is not a number"));
  }
  return range;
}

// "variants": {"count": 3, "colors": [...], "sizes": [...], "items": [{"id", "color", "sizes"}],
// "swatches": [{"id", "color", "in_stock"?, "matches", "sizes": [{"size", "in_stock"?}]}]}
// with colours and sizes listed once each, in the order the variants come; count,
// colors, sizes and items are the matching variants', swatches every product of
// the style with the sizes it comes in (sold-out ones too where its feed says).
void AppendVariants(std::string& out, const std::vector<query::SearchHit::Variant>& variants,
                    const std::vector<query::SearchHit::Swatch>& swatches) {
  std::vector<std::string_view> colors, sizes;
  auto add_once = [](std::vector<std::string_view>& list, std::string_view value) {
    if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) {
      list.push_back(value);
    }
  };
  for (const query::SearchHit::Variant& variant : variants) {
    add_once(colors, variant.color);
    for (const std::string& size : variant.sizes) add_once(sizes, size);
  }
  auto append_list = [&out](const auto& list) {
    out.push_back('[');
    for (size_t i = 0; i < list.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendJsonString(out, list[i]);
    }
    out.push_back(']');
  };
  out.append(StrCat(R"(,"variants":{"count":)", variants.size(), R"(,"colors":)"));
  append_list(colors);
  out.append(R"(,"sizes":)");
  append_list(sizes);
  // {"id":...,"color":... of an item or a swatch, preceded by a comma after the first.
  const auto open_item = [&out](size_t i, const auto& item) {
    out.append(i > 0 ? R"(,{"id":)" : R"({"id":)");
    AppendJsonString(out, item.id);
    out.append(R"(,"color":)");
    AppendJsonString(out, item.color);
  };
  const auto append_in_stock = [&out](std::optional<bool> in_stock) {
    if (in_stock) out.append(*in_stock ? R"(,"in_stock":true)" : R"(,"in_stock":false)");
  };
  out.append(R"(,"items":[)");
  for (size_t i = 0; i < variants.size(); ++i) {
    open_item(i, variants[i]);
    out.append(R"(,"sizes":)");
    append_list(variants[i].sizes);
    out.push_back('}');
  }
  out.append(R"(],"swatches":[)");
  for (size_t i = 0; i < swatches.size(); ++i) {
    open_item(i, swatches[i]);
    append_in_stock(swatches[i].in_stock);
    out.append(swatches[i].matches ? R"(,"matches":true)" : R"(,"matches":false)");
    out.append(R"(,"sizes":[)");
    for (size_t k = 0; k < swatches[i].sizes.size(); ++k) {
      out.append(k > 0 ? R"(,{"size":)" : R"({"size":)");
      AppendJsonString(out, swatches[i].sizes[k].size);
      append_in_stock(swatches[i].sizes[k].in_stock);
      out.push_back('}');
    }
    out.append("]}");
  }
  out.append("]}");
}

// ,"understood":[{"text", "field", "op", "value", "matches"?, "applied", "note"?}]
void AppendUnderstood(std::string& out, const std::vector<query::UnderstoodPart>& parts) {
  out.append(R"(,"understood":[)");
  for (size_t i = 0; i < parts.size(); ++i) {
    const query::UnderstoodPart& part = parts[i];
    if (i > 0) out.push_back(',');
    out.append(R"({"text":)");
    AppendJsonString(out, part.text);
    out.append(R"(,"field":)");
    AppendJsonString(out, part.field);
    out.append(R"(,"op":)");
    AppendJsonString(out, part.op);
    out.append(R"(,"value":)");
    if (part.op == "between") {
      out.push_back('[');
      AppendJsonNumber(out, *part.gte);
      out.push_back(',');
      AppendJsonNumber(out, *part.lte);
      out.push_back(']');
    } else if (part.op == "lte" || part.op == "gte") {
      AppendJsonNumber(out, part.op == "lte" ? *part.lte : *part.gte);
    } else {
      AppendJsonString(out, part.value);
    }
    if (part.matches.size() > 1) {
      out.append(R"(,"matches":[)");
      for (size_t j = 0; j < part.matches.size(); ++j) {
        if (j > 0) out.push_back(',');
        AppendJsonString(out, part.matches[j]);
      }
      out.push_back(']');
    }
    out.append(R"(,"applied":)");
    AppendJsonString(out, query::AppliedName(part.applied));
    if (!part.note.empty()) {
      out.append(R"(,"note":)");
      AppendJsonString(out, part.note);
    }
    out.push_back('}');
  }
  out.push_back(']');
}

std::string SearchJson(const query::SearchRequest& request, const query::SearchResponse& result,
                       double took_ms) {
  std::string out;
  size_t hit_bytes = 0;
  for (const query::SearchHit& hit : result.hits) hit_bytes += hit.product_json.size() + 64;
  out.reserve(256 + hit_bytes);
  out.append(R"({"query":)");
  AppendJsonString(out, request.q);
  out.append(StrCat(R"(,"total":)", result.total, R"(,"total_is_estimate":)",
                    result.total_is_estimate, R"(,"page":)", request.page, R"(,"per_page":)",
                    request.per_page, R"(,"took_ms":)"));
  AppendJsonNumber(out, static_cast<double>(static_cast<int64_t>(took_ms * 1000)) / 1000);
  out.append(R"(,"corrected_query":)");
  if (result.corrected_query.empty()) {
    out.append("null");
  } else {
    AppendJsonString(out, result.corrected_query);
  }
  out.append(StrCat(R"(,"relaxed":)", result.relaxed, R"(,"timed_out":)", result.timed_out));
  AppendUnderstood(out, result.understood);
  out.append(R"(,"hits":[)");
  for (size_t i = 0; i < result.hits.size(); ++i) {
    const query::SearchHit& hit = result.hits[i];
    if (i > 0) out.push_back(',');
    out.append(R"({"id":)");
    AppendJsonString(out, hit.id);
    out.append(R"(,"score":)");
    AppendJsonNumber(out, hit.score);
    out.append(R"(,"product":)");
    out.append(hit.product_json);
    if (!hit.variants.empty()) AppendVariants(out, hit.variants, hit.swatches);
    if (!hit.highlight_title.empty() || !hit.highlight_description.empty()) {
      out.append(R"(,"highlight":{)");
      bool first_field = true;
      for (const auto& [field, text] :
           {std::pair<std::string_view, const std::string&>{"title", hit.highlight_title},
            {"description", hit.highlight_description}}) {
        if (text.empty()) continue;
        if (!first_field) out.push_back(',');
        first_field = false;
        AppendJsonString(out, field);
        out.push_back(':');
        AppendJsonString(out, text);
      }
      out.push_back('}');
    }
    out.push_back('}');
  }
  out.append(R"(],"facets":{)");
  for (size_t f = 0; f < result.facets.size(); ++f) {
    if (f > 0) out.push_back(',');
    AppendJsonString(out, result.facets[f].field);
    out.append(":[");
    for (size_t v = 0; v < result.facets[f].values.size(); ++v) {
      const query::FacetValue& value = result.facets[f].values[v];
      if (v > 0) out.push_back(',');
      out.append(R"({"value":)");
      AppendJsonString(out, value.value);
      out.append(StrCat(R"(,"count":)", value.count));
      for (const auto& [name, bound] : {std::pair{"from", value.from}, {"to", value.to}}) {
        if (!bound) continue;
        out.append(StrCat(",\"", name, "\":"));
        AppendJsonNumber(out, *bound);
      }
      out.push_back('}');
    }
    out.push_back(']');
  }
  out.append(R"(},"facet_stats":{)");
  bool first_stats = true;
  for (const query::Facet& facet : result.facets) {
    if (!facet.stats) continue;
    if (!first_stats) out.push_back(',');
    first_stats = false;
    AppendJsonString(out, facet.field);
    out.append(StrCat(R"(:{"count":)", facet.stats->count));
    if (facet.stats->count > 0) {
      for (const auto& [name, number] :
           {std::pair{"min", facet.stats->min},
            {"max", facet.stats->max},
            {"avg", facet.stats->sum / static_cast<double>(facet.stats->count)}}) {
        out.append(StrCat(",\"", name, "\":"));
        AppendJsonNumber(out, number);
      }
    }
    out.push_back('}');
  }
  out.append(R"(},"applied_rules":[)");
  for (size_t i = 0; i < result.applied_rules.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendJsonString(out, result.applied_rules[i]);
  }
  out.push_back(']');
  if (!result.banner_json.empty()) out.append(R"(,"banner":)").append(result.banner_json);
  out.push_back('}');
  return out;
}

}  // namespace

absl::StatusOr<query::SearchRequest> SearchRequestFromParams(const Target& target) {
  query::SearchRequest request;
  std::vector<std::string_view> seen;
  for (const auto& [name, value] : target.params) {
    // filter.<field> repeats: several values of one field OR together.
    if (name.starts_with("filter.")) {
      request.filters[name.substr(7)].push_back(value);
      continue;
    }
    // exclude.<field> repeats too: a product with any of the values is left out.
    if (name.starts_with("exclude.")) {
      request.excluded[name.substr(8)].push_back(value);
      continue;
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return InvalidParameter(name, StrCat("parameter '", name, "' is given more than once"));
    }
    seen.push_back(name);
    if (name.starts_with("range.")) {
      ASSIGN_OR_RETURN(request.ranges[name.substr(6)], ParseRange(name, value));
    } else if (name.starts_with("buckets.")) {
      std::vector<double>& bounds = request.buckets[name.substr(8)];
      for (const std::string& part : SplitTrimmed(value, ',')) {
        const std::optional<double> bound = ParseDouble(part);
        if (!bound) {
          return InvalidParameter(
              name, StrCat(name, " must be numbers separated by commas, got '", value, "'"));
        }
        bounds.push_back(*bound);
      }
    } else if (name == "collapse") {
      ASSIGN_OR_RETURN(const bool collapse, TrueOrFalse(name, value));
      request.collapse = collapse;
    } else if (name == "understand") {
      ASSIGN_OR_RETURN(const bool understand, TrueOrFalse(name, value));
      request.understand = understand;
    } else if (name == "in_stock") {
      ASSIGN_OR_RETURN(const bool in_stock, TrueOrFalse(name, value));
      request.in_stock = in_stock;
    } else if (name == "sort") {
      ASSIGN_OR_RETURN(request.sort, SortOrderParameter(name, value));
    } else if (name == "facets") {
      request.facets = SplitTrimmed(value, ',');
      std::erase(request.facets, std::string());
    } else if (name == "highlight") {
      ASSIGN_OR_RETURN(const bool highlight, TrueOrFalse(name, value));
      request.highlight = highlight;
    } else if (name == "highlight_tag") {
      request.highlight_tag = value;
    } else if (name == "facet_size") {
      ASSIGN_OR_RETURN(request.facet_size, PositiveInt(name, value));
    } else if (name.starts_with("facet_order.")) {
      ASSIGN_OR_RETURN(request.facet_order[name.substr(12)], FacetOrderParameter(name, value));
    } else if (name == "timeout_ms") {
      ASSIGN_OR_RETURN(request.timeout_ms, PositiveInt(name, value));
    } else if (name == "q") {
      request.q = value;
    } else if (name == "page") {
      ASSIGN_OR_RETURN(request.page, PositiveInt(name, value));
    } else if (name == "per_page") {
      ASSIGN_OR_RETURN(request.per_page, PositiveInt(name, value));
    } else {
      return InvalidParameter(name, StrCat("unknown parameter '", name, "'"));
    }
  }
  return request;
}

namespace {

// How errors name the parameter at fault: as the query string or the JSON body does.
enum class Naming { kQueryString, kJsonBody };

HttpResponse RunSearch(absl::StatusOr<query::SearchRequest> request, query::SearcherPool& searchers,
                       Naming naming, const RequestContext& context) {
  if (!request.ok()) return ErrorResponse(request.status());
  context.Apply(*request);
  // The live merchandising config: rules, synonyms and ranking of one version.
  if (const std::shared_ptr<const merch::ConfigSnapshot> config = searchers.config()) {
    request->rules = config->rules;
    request->synonyms = config->synonyms;
    request->ranking = config->ranking;
  }
  absl::StatusOr<std::string> body = SearchBody(*request, searchers);
  if (!body.ok()) {
    return ErrorResponse(naming == Naming::kJsonBody ? WithJsonPaths(body.status())
                                                     : body.status());
  }
  HttpResponse response;
  response.body = *std::move(body);
  return response;
}

}  // namespace

absl::StatusOr<std::string> SearchBody(const query::SearchRequest& request,
                                       query::SearcherPool& searchers) {
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(query::SearcherPool::Lease searcher, searchers.Acquire());
  ASSIGN_OR_RETURN(query::SearchResponse result, searcher->Search(request));
  searchers.CountSearch(result.total);
  const double took_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return SearchJson(request, result, took_ms);
}

HttpResponse HandleSearch(const Target& target, query::SearcherPool& searchers,
                          const RequestContext& context) {
  return RunSearch(SearchRequestFromParams(target), searchers, Naming::kQueryString, context);
}

HttpResponse HandleSearchPost(std::string_view body, query::SearcherPool& searchers,
                              const RequestContext& context) {
  return RunSearch(SearchRequestFromJson(body), searchers, Naming::kJsonBody, context);
}

HttpResponse HandleGetProduct(std::string_view id, query::SearcherPool& searchers) {
  std::shared_ptr<const query::Index> index = searchers.current();
  if (index == nullptr)
    return ErrorResponse(absl::UnavailableError("no index is being served yet"));
  if (id.empty() || id.find('/') != std::string_view::npos) {
    return ErrorResponse(404, "not_found", StrCat("no product with id '", id, "'"));
  }
  absl::StatusOr<std::string> product = index->store().Get(id);
  if (!product.ok()) return ErrorResponse(product.status());
  HttpResponse response;
  response.body = std::move(*product);
  return response;
}

HttpResponse HandleAnalyze(const Target& target, query::SearcherPool& searchers) {
  std::string text;
  for (const auto& [name, value] : target.params) {
    if (name != "text")
      return ErrorResponse(InvalidParameter(name, StrCat("unknown parameter '", name, "'")));
    text = value;
  }
  if (text.empty()) return ErrorResponse(InvalidParameter("text", "text is required"));
  if (text.size() > kMaxAnalyzeBytes) {
    return ErrorResponse(
        InvalidParameter("text", StrCat("text is longer than ", kMaxAnalyzeBytes, " bytes")));
  }
  if (!IsValidUtf8(text)) return ErrorResponse(InvalidParameter("text", "text is not valid UTF-8"));
  std::shared_ptr<const query::Index> index = searchers.current();
  if (index == nullptr)
    return ErrorResponse(absl::UnavailableError("no index is being served yet"));
  const analyzers::Analyzer& analyzer = index->analyzer();
  HttpResponse response;
  std::string& out = response.body;
  out.append(R"({"text":)");
  AppendJsonString(out, text);
  out.append(R"(,"analyzer":)");
  AppendJsonString(out, analyzers::ProfileName(analyzer.options().profile));
  out.append(R"(,"tokens":[)");
  bool first = true;
  for (const analyzers::Token& token : analyzer.Analyze(text)) {
    out.append(first ? "" : ",");
    first = false;
    out.append(R"({"term":)");
    AppendJsonString(out, token.term);
    out.append(StrCat(R"(,"position":)", token.position, R"(,"kind":")",
                      analyzers::TokenKindName(token.kind), "\""));
    if (!token.family.empty()) {
      out.append(R"(,"family":)");
      AppendJsonString(out, token.family);
    }
    out.push_back('}');
  }
  out.append(R"(],"fields":{)");
  first = true;
  for (const catalog::schema::TextField& field : catalog::schema::kTextFields) {
    out.append(first ? "" : ",");
    first = false;
    AppendJsonString(out, field.name);
    out.append(":[");
    const std::vector<std::string> terms = indexer::TextFieldTerms(analyzer, field.name, text);
    for (size_t i = 0; i < terms.size(); ++i) {
      if (i > 0) out.push_back(',');
      AppendJsonString(out, terms[i]);
    }
    out.push_back(']');
  }
  out.append("}}");
  return response;
}

HttpResponse HandleHealth() {
  HttpResponse response;
  response.body = R"({"status":"ok"})";
  return response;
}

HttpResponse HandleReady(query::SearcherPool& searchers) {
  std::shared_ptr<const query::Index> index = searchers.current();
  if (index == nullptr) {
    return ErrorResponse(503, "unavailable", "no index is being served yet");
  }
  HttpResponse response;
  response.body = R"({"status":"ready","generation":)";
  AppendJsonString(response.body, index->generation());
  response.body.append(StrCat(R"(,"documents":)", index->documents(), "}"));
  return response;
}

HttpResponse HandleMetrics(Metrics& metrics, query::SearcherPool& searchers) {
  // Live writes change the document count between generation switches.
  if (const std::shared_ptr<const query::Index> index = searchers.current()) {
    metrics.SetIndex(index->generation(), index->documents());
  }
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = metrics.Render();
  const query::ResultCache::Stats cache = searchers.cache().stats();
  response.body.append(
      StrCat("# HELP vitrine_search_cache_requests_total Searches answered from the result cache "
             "(result=\"hit\") or computed (result=\"miss\").\n"
             "# TYPE vitrine_search_cache_requests_total counter\n"
             "vitrine_search_cache_requests_total{result=\"hit\"} ",
             cache.hits, "\nvitrine_search_cache_requests_total{result=\"miss\"} ", cache.misses,
             "\n# HELP vitrine_search_cache_entries Results held in the result cache.\n"
             "# TYPE vitrine_search_cache_entries gauge\nvitrine_search_cache_entries ",
             cache.entries,
             "\n# HELP vitrine_search_cache_bytes Approximate memory of the result cache.\n"
             "# TYPE vitrine_search_cache_bytes gauge\nvitrine_search_cache_bytes ",
             cache.bytes, "\n"));
  return response;
}

}  // namespace vitrine::server
