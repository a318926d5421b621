#include "server/algolia_response.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/json_writer.h"
#include "base/strings.h"
#include "server/errors.h"

namespace vitrine::server::algolia {
namespace {

using Json = nlohmann::json;

// Undoes query/text/highlight.cc's escaping (exactly these five entities).
void AppendUnescaped(std::string& out, std::string_view html) {
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
  for (size_t i = 0; i < html.size();) {
    bool replaced = false;
    if (html[i] == '&') {
      for (const auto& [entity, c] : kEntities) {
        if (html.substr(i, entity.size()) == entity) {
          out.push_back(c);
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(html[i++]);
  }
}

Json Highlighted(std::string_view html, const std::string& raw, const AlgoliaQuery& query) {
  std::vector<std::string> matched;
  const std::string value =
      html.empty() ? raw : ConvertHighlight(html, query.pre_tag, query.post_tag, &matched);
  std::string plain;
  if (!html.empty()) {
    std::string stripped;
    for (size_t at = 0; at < html.size();) {
      const size_t open = html.find('<', at);
      stripped.append(html.substr(at, open == std::string_view::npos ? html.npos : open - at));
      if (open == std::string_view::npos) break;
      at = html.find('>', open) + 1;
    }
    AppendUnescaped(plain, stripped);
  }
  // Vitrine's description highlight is its first ~300 bytes; Algolia's is the
  // whole attribute, so the rest follows unmarked.
  std::string full = value;
  if (!html.empty() && raw.size() > plain.size() && raw.starts_with(plain)) {
    full.append(raw.substr(plain.size()));
  }
  const bool fully = !matched.empty() && html.starts_with("<em>") && html.ends_with("</em>") &&
                     html.find("<em>", 1) == std::string_view::npos;
  return {{"value", full},
          {"matchLevel", matched.empty() ? "none"
                         : fully         ? "full"
                                         : "partial"},
          {"matchedWords", matched},
          {"fullyHighlighted", fully}};
}

Json HitJson(const query::SearchHit& hit, const AlgoliaQuery& query) {
  Json product = Json::parse(hit.product_json, nullptr, /*allow_exceptions=*/false);
  if (!product.is_object()) product = Json::object();  // vanished since the match
  const std::string title = product.value("title", "");
  const std::string description = product.value("description", "");
  Json out = Json::object();
  if (query.attributes_to_retrieve) {
    for (const std::string& name : *query.attributes_to_retrieve) {
      if (const auto it = product.find(name); it != product.end()) out[name] = *it;
    }
  } else {
    out = std::move(product);
  }
  out["objectID"] = hit.id;
  Json highlights = Json::object();
  if (query.highlight_title) highlights["title"] = Highlighted(hit.highlight_title, title, query);
  if (query.highlight_description && !description.empty()) {
    highlights["description"] = Highlighted(hit.highlight_description, description, query);
  }
  if (!highlights.empty()) out["_highlightResult"] = std::move(highlights);
  if (!hit.variants.empty()) {
    Json variants = Json::array();
    for (const query::SearchHit::Variant& variant : hit.variants) {
      variants.push_back({{"id", variant.id}, {"color", variant.color}, {"sizes", variant.sizes}});
    }
    out["_variants"] = std::move(variants);
    Json swatches = Json::array();
    for (const query::SearchHit::Swatch& swatch : hit.swatches) {
      Json one = {{"id", swatch.id}, {"color", swatch.color}, {"matches", swatch.matches}};
      if (swatch.in_stock) one["in_stock"] = *swatch.in_stock;
      Json sizes = Json::array();
      for (const query::SearchHit::Swatch::Size& size : swatch.sizes) {
        Json entry = {{"size", size.size}};
        if (size.in_stock) entry["in_stock"] = *size.in_stock;
        sizes.push_back(std::move(entry));
      }
      one["sizes"] = std::move(sizes);
      swatches.push_back(std::move(one));
    }
    out["_swatches"] = std::move(swatches);
  }
  return out;
}

void AddFacets(Json& out, const query::SearchResponse& from, const AlgoliaQuery& query) {
  Json facets = Json::object();
  Json stats = Json::object();
  for (const query::Facet& facet : from.facets) {
    if (std::find(query.search.facets.begin(), query.search.facets.end(), facet.field) ==
        query.search.facets.end()) {
      continue;
    }
    Json values = Json::object();
    if (facet.stats) {
      // A numeric attribute: Algolia's counts per exact value are not kept;
      // facets_stats carries what range widgets read.
      if (facet.stats->count > 0) {
        stats[facet.field] = {{"min", facet.stats->min},
                              {"max", facet.stats->max},
                              {"avg", facet.stats->sum / static_cast<double>(facet.stats->count)},
                              {"sum", facet.stats->sum}};
      }
    } else {
      for (const query::FacetValue& value : facet.values) values[value.value] = value.count;
    }
    facets[facet.field] = std::move(values);
  }
  out["facets"] = std::move(facets);
  out["facets_stats"] = std::move(stats);
}

}  // namespace

std::string ConvertHighlight(std::string_view html, std::string_view pre, std::string_view post,
                             std::vector<std::string>* matched) {
  constexpr std::string_view kOpen = "<em>", kClose = "</em>";
  std::string out;
  size_t at = 0;
  while (at < html.size()) {
    const size_t open = html.find(kOpen, at);
    AppendUnescaped(out, html.substr(at, open == std::string_view::npos ? html.npos : open - at));
    if (open == std::string_view::npos) break;
    const size_t start = open + kOpen.size();
    size_t close = html.find(kClose, start);
    if (close == std::string_view::npos) close = html.size();
    std::string word;
    AppendUnescaped(word, html.substr(start, close - start));
    out.append(pre).append(word).append(post);
    if (matched != nullptr) matched->push_back(AsciiLower(word));
    at = close + kClose.size();
  }
  return out;
}

std::string ResultJson(const ResultParts& parts) {
  const AlgoliaQuery& query = *parts.query;
  Json out = Json::object();
  Json hits = Json::array();
  if (parts.hits_from != nullptr && query.hits_per_page > 0) {
    for (const query::SearchHit& hit : parts.hits_from->hits) hits.push_back(HitJson(hit, query));
  }
  out["hits"] = std::move(hits);
  out["nbHits"] = parts.total;
  out["page"] = query.page;
  const uint64_t per_page = static_cast<uint64_t>(std::max(query.hits_per_page, 1));
  // Vitrine pages no deeper than 10,000 hits (as Algolia's paginationLimitedTo).
  const uint64_t reachable = std::min<uint64_t>(parts.total, 10000);
  out["nbPages"] = query.hits_per_page == 0 ? 0 : (reachable + per_page - 1) / per_page;
  out["hitsPerPage"] = query.hits_per_page;
  if (parts.facets_from != nullptr) AddFacets(out, *parts.facets_from, query);
  // A search past its time budget left its facets out (query/request.h).
  const bool facets_counted = parts.facets_from == nullptr || !parts.facets_from->timed_out;
  out["exhaustiveNbHits"] = true;
  out["exhaustiveFacetsCount"] = facets_counted;
  out["exhaustive"] = {
      {"nbHits", true}, {"facetsCount", facets_counted}, {"facetValues", facets_counted}};
  out["processingTimeMS"] = static_cast<int64_t>(std::lround(parts.took_ms));
  out["query"] = query.search.q;
  out["params"] = query.params;
  out["index"] = query.index_name;
  if (const query::SearchResponse* from = parts.hits_from) {
    if (!from->banner_json.empty()) {
      // Rule banners ride Algolia's userData, which InstantSearch's
      // queryRuleCustomData widget renders.
      const Json banner = Json::parse(from->banner_json, nullptr, false);
      if (!banner.is_discarded()) out["userData"] = Json::array({banner});
    }
    out["vitrine"] = {{"correctedQuery",
                       from->corrected_query.empty() ? Json(nullptr) : Json(from->corrected_query)},
                      {"relaxed", from->relaxed},
                      {"appliedRules", from->applied_rules}};
  }
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string SuggestionsJson(const AlgoliaQuery& query,
                            const std::vector<query::Suggestion>& suggestions, double took_ms) {
  Json hits = Json::array();
  for (const query::Suggestion& suggestion : suggestions) {
    std::vector<std::string> matched;
    const std::string value =
        ConvertHighlight(suggestion.highlight, query.pre_tag, query.post_tag, &matched);
    Json hit = {
        {"objectID", StrCat(query::SuggestionTypeName(suggestion.type), ":", suggestion.text)},
        {"query", suggestion.text},
        {"type", query::SuggestionTypeName(suggestion.type)},
        {"count", suggestion.count},
        {"_highlightResult",
         {{"query",
           {{"value", value},
            {"matchLevel", matched.empty() ? "none" : "partial"},
            {"matchedWords", matched}}}}}};
    if (!suggestion.id.empty()) hit["productID"] = suggestion.id;
    hits.push_back(std::move(hit));
  }
  const size_t count = hits.size();
  Json out = {{"hits", std::move(hits)},
              {"nbHits", count},
              {"page", 0},
              {"nbPages", count > 0 ? 1 : 0},
              {"hitsPerPage", query.hits_per_page},
              {"exhaustiveNbHits", true},
              {"processingTimeMS", static_cast<int64_t>(std::lround(took_ms))},
              {"query", query.suggest.q},
              {"params", query.params},
              {"index", query.index_name}};
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

HttpResponse AlgoliaError(const absl::Status& status) {
  HttpResponse response = ErrorResponse(status);
  const std::string message =
      response.status == 500 ? std::string("internal error") : std::string(status.message());
  std::string body = R"({"message":)";
  AppendJsonString(body, message);
  body.append(StrCat(R"(,"status":)", response.status, ","));
  body.append(std::string_view(response.body).substr(1));  // Vitrine's {"error": ...}
  response.body = std::move(body);
  return response;
}

}  // namespace vitrine::server::algolia
