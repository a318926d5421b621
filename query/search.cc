#include "query/search.h"

#include <xapian.h>

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_join.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "catalog/index_schema.h"
#include "merch/ranking.h"
#include "merch/rule_set.h"
#include "merch/synonyms.h"
#include "query/facets/facet_columns.h"
#include "query/facets/facets.h"
#include "query/match/filters.h"
#include "query/match/match_sets.h"
#include "query/rank/page.h"
#include "query/rank/ranker.h"
#include "query/rank/rescore.h"
#include "query/rank/rules.h"
#include "query/result_cache.h"
#include "query/search_hits.h"
#include "query/text/highlight.h"
#include "query/text/parsed_query.h"
#include "query/text/synonyms.h"
#include "query/text/text_plan.h"
#include "query/text/text_query.h"
#include "query/understand/understand.h"

namespace vitrine::query {
namespace {

using internal::CorrectSpelling;
using internal::HighlightHit;
using internal::Hydrate;
using internal::ListVariants;

namespace schema = catalog::schema;

constexpr size_t kMaxCorrections = 4096;  // remembered per searcher, then start over

// A search's stages on its clock: records when each ran (SearchRequest::stages)
// and tells when the deadline has passed.
class Stages : public StageRecorder {
 public:
  Stages(const SearchRequest& request, Clock::time_point (*clock)())
      : StageRecorder(request.stages, clock), deadline_(request.deadline) {}

  bool Late() const { return deadline_ != Clock::time_point::max() && Now() >= deadline_; }

 private:
  const Clock::time_point deadline_;
};

}  // namespace

absl::Status ValidateSearchRequest(const SearchRequest& request, const SearchLimits& limits,
                                   const std::vector<std::string>& attributes) {
  if (request.q.size() > limits.max_query_bytes) {
    return InvalidParameter("q", StrCat("q is longer than ", limits.max_query_bytes, " bytes"));
  }
  if (!IsValidUtf8(request.q)) return InvalidParameter("q", "q is not valid UTF-8");
  if (request.page < 1) return InvalidParameter("page", "page must be a positive integer");
  if (request.per_page < 1 || request.per_page > limits.max_per_page) {
    return InvalidParameter("per_page",
                            StrCat("per_page must be between 1 and ", limits.max_per_page));
  }
  if (static_cast<int64_t>(request.page) * request.per_page > limits.max_result_window) {
    return InvalidParameter("page", StrCat("page * per_page may not exceed ",
                                           limits.max_result_window, "; narrow the search"));
  }
  if (request.timeout_ms < 0 || request.timeout_ms > kMaxTimeoutMs) {
    return InvalidParameter("timeout_ms",
                            StrCat("timeout_ms must be between 1 and ", kMaxTimeoutMs));
  }
  RETURN_IF_ERROR(internal::ValidateFilters(request, limits, attributes));
  return internal::ValidateSortAndFacets(request, attributes);
}

struct Searcher::Impl {
  Xapian::Database database;
  SearchOptions options;
  internal::TermMemo highlight_memo{};      // of this searcher's index's analyzer
  internal::MatchSets sets{database};       // of `database`, reset when it is reopened
  internal::Ranker ranker{database, sets};  // likewise
  internal::StyleScratch styles;            // collapsing variants
  // Spelling corrections by query (and managed synonyms' version): the index's
  // spelling data is slow to search, and shoppers repeat their typos. Reset with
  // the sets.
  absl::flat_hash_map<std::string, std::string> corrections;
  // What the catalog states of an understood part (Confirm's counts: two
  // passes over the products that say its words), by part and managed
  // synonyms' version: shoppers repeat "black" and "men". Reset with the sets.
  absl::flat_hash_map<std::string, internal::Statement> statements;

  // Forgets what was read (the revision's shared sets and lists stay with
  // its FacetColumns).
  void Reset() {
    sets.Reset();
    ranker.Reset();
    styles = {};
    corrections.clear();
    statements.clear();
  }
  std::string Corrected(std::string_view q, const analyzers::Analyzer& analyzer,
                        const merch::Thesaurus::Analysed* synonyms, uint64_t synonyms_version,
                        bool remember);

  // `columns`: the index's facet columns of the revision `database` reads.
  absl::StatusOr<SearchResponse> Run(const SearchRequest& request, const Index& index,
                                     const internal::RulePlan& rules,
                                     const std::shared_ptr<const internal::FacetColumns>& columns);
  void Highlight(const internal::TextPlan& text, std::string_view filter_words,
                 const analyzers::Analyzer& analyzer, const merch::Thesaurus::Analysed* synonyms,
                 const SearchRequest& request, SearchResponse& response);
};

std::string Searcher::Impl::Corrected(std::string_view q, const analyzers::Analyzer& analyzer,
                                      const merch::Thesaurus::Analysed* synonyms,
                                      uint64_t synonyms_version, bool remember) {
  if (!remember) return CorrectSpelling(q, analyzer, database, synonyms);
  std::string key = StrCat(synonyms_version, ":", q);
  if (const auto found = corrections.find(key); found != corrections.end()) return found->second;
  if (corrections.size() >= kMaxCorrections) corrections.clear();
  return corrections.emplace(std::move(key), CorrectSpelling(q, analyzer, database, synonyms))
      .first->second;
}

// Marks the words of the query searched, and those q's filters were read
// from, in each hit's title and description.
void Searcher::Impl::Highlight(const internal::TextPlan& text, std::string_view filter_words,
                               const analyzers::Analyzer& analyzer,
                               const merch::Thesaurus::Analysed* synonyms,
                               const SearchRequest& request, SearchResponse& response) {
  std::vector<analyzers::Token> tokens = text.searched.tokens;
  if (!filter_words.empty()) {
    for (analyzers::Token& token : analyzer.Analyze(filter_words))
      tokens.push_back(std::move(token));
  }
  if (!request.highlight || tokens.empty()) return;
  internal::HighlightTerms terms;
  for (const analyzers::Token& token : tokens) {
    if (token.kind != analyzers::TokenKind::kStop) terms.terms.insert(token.term);
  }
  if (synonyms != nullptr) {  // what the query's synonyms matched
    for (std::string& term : internal::SynonymTerms(*synonyms, tokens)) terms.terms.insert(term);
  }
  terms.prefix = text.searched.typing;  // (none for a corrected query)
  for (SearchHit& hit : response.hits) {
    HighlightHit(hit, analyzer, terms, request.highlight_tag, highlight_memo);
  }
}

// The stages of a search: the query parsed once; the text plan (which query,
// what it matches, the exact total) in match sets; facet counts; the page
// ranked; then pins, variants, snapshots and highlights.
absl::StatusOr<SearchResponse> Searcher::Impl::Run(
    const SearchRequest& request, const Index& index, const internal::RulePlan& rules,
    const std::shared_ptr<const internal::FacetColumns>& columns) {
  Stages stages(request, options.clock);
  if (stages.Late()) {
    return absl::DeadlineExceededError("the search's time budget ran out before it began");
  }
  stages.Begin("parse");
  const analyzers::Analyzer& analyzer = index.analyzer();
  // Managed synonyms, as this generation's analyzer reads them (query/text/synonyms.h).
  const std::shared_ptr<const merch::Thesaurus::Analysed> synonyms =
      request.synonyms ? request.synonyms->For(index.shared_analyzer()) : nullptr;
  const merch::Ranking& ranking = request.ranking ? *request.ranking : merch::DefaultRanking();
  // What q names besides text (a price, a size, a brand, ...): filters and
  // boosts on a copy of the request, and the text left to search.
  internal::Understanding understanding{.q = request.q};
  SearchRequest understood_request;
  if (request.understand && !request.q.empty()) {
    // q as sent is held to the limit, though the words understood leave the text.
    if (analyzer.Words(request.q).size() > options.limits.max_query_words) {
      return InvalidParameter("q",
                              StrCat("q has more than ", options.limits.max_query_words, " words"));
    }
    const internal::Lexicon& lexicon = columns->lexicon->Get(*columns, analyzer);
    understanding = internal::Understand(request.q, {.analyzer = analyzer,
                                                     .lexicon = lexicon,
                                                     .database = database,
                                                     .request = request,
                                                     .off = ranking.understand_off});
  }
  const bool understood = !understanding.parts.empty();
  const internal::FieldWeights weights = internal::FieldWeightsOf(ranking);
  const bool by_relevance = request.sort == SortOrder::kRelevance;
  SearchResponse response;
  // Which products match is worked out in memory (match_sets.h): the exact
  // total, the facet counts and whether to correct or relax the query come from
  // these sets, and only the page is ranked.
  sets.NewSearch();
  sets.UseNumbers(&columns->numbers);      // value ranges (price, rating, ...) from the columns
  sets.UseStore(columns->postings.get());  // the revision's posting lists, shared
  sets.UseAll(columns->lengths ? &columns->lengths->all : nullptr);  // and documents
  sets.UseKept(columns->kept_sets.get());                            // and frequent leaves' sets
  ranker.UseLengths(columns->lengths.get());
  // Collapsed styles count once.
  const internal::FacetColumn* parents =
      request.collapse && index.has_variants() ? &columns->slots.at(schema::kSlotParent) : nullptr;
  const uint64_t synonyms_version = request.synonyms ? request.synonyms->version() : 0;
  // What this searcher remembers between searches (corrections, statements)
  // is keyed by that version: only stored synonyms have one to tell them
  // apart; a draft's (a preview) is 0 and is not remembered, unless it holds
  // no set, as the store's version 0 (nothing configured yet) does: those
  // search as no synonyms do.
  const bool remember =
      request.synonyms == nullptr || synonyms_version != 0 || request.synonyms->sets().empty();
  const size_t first = static_cast<size_t>(request.page - 1) * request.per_page;
  if (understood) {
    // A filter only where the catalog states the field for the products that
    // say the words (understand.h).
    internal::Confirm(understanding, [&](const UnderstoodPart& part) -> internal::Statement {
      // (A gender word alone matches everything as text: it only re-orders.)
      if (part.field == "gender") return {};
      std::string key = StrCat(synonyms_version, ":", part.field, ":", part.text, ":",
                               absl::StrJoin(part.matches, "|"));
      if (const auto found = statements.find(key); remember && found != statements.end()) {
        return found->second;
      }
      absl::StatusOr<internal::ParsedQuery> words =
          internal::ParseQuery(part.text, analyzer, database, options.limits, /*typed=*/false);
      if (!words.ok() || words->browse()) return {};
      // The colour as a word: its family's products do not say it.
      for (analyzers::Token& token : words->tokens) {
        if (token.kind == analyzers::TokenKind::kColor) token.kind = analyzers::TokenKind::kWord;
      }
      internal::DocSet missing = sets.Of(internal::TextQuery(
          words->tokens, analyzer, /*any=*/false, "", words->forms, weights, synonyms.get()));
      const uint64_t said = missing.Count();
      SearchRequest only;
      only.filters[part.field] = part.matches;
      if (const std::optional<Xapian::Query> has = internal::FilterQuery(only)) {
        internal::DocSet scratch;
        missing.Subtract(sets.Ref(*has, scratch));
      }
      const internal::Statement statement{.said = said, .missing = missing.Count()};
      if (remember) {
        if (statements.size() >= kMaxCorrections) statements.clear();
        statements.emplace(std::move(key), statement);
      }
      return statement;
    });
    understood_request = request;
    internal::AddFilters(understanding, understood_request);
  }
  // The request the search runs: the one sent, or with what q says.
  const SearchRequest& searched = understood ? understood_request : request;
  // Filters restrict every query below (strict, corrected, relaxed) and never score.
  // (Merchandising rules add forced filters and hidden products.)
  std::optional<Xapian::Query> filter;
  // What the filters let through: made for them, or (without any) every
  // document, as the revision holds it.
  internal::DocSet filtered;
  const internal::DocSet* filter_set = nullptr;
  // The text plan of `text` under `with`'s filters.
  const auto plan = [&](const SearchRequest& with,
                        std::string_view text) -> absl::StatusOr<internal::TextPlan> {
    ASSIGN_OR_RETURN(const internal::ParsedQuery parsed,
                     internal::ParseQuery(text, analyzer, database, options.limits));
    filter = internal::WithRestriction(rules, internal::FilterQuery(with));
    if (filter) {
      filtered = sets.Of(*filter);
      filter_set = &filtered;
    } else {
      filter_set = &sets.All();
    }
    internal::TextContext context{.analyzer = analyzer,
                                  .database = database,
                                  .sets = sets,
                                  .weights = weights,
                                  .synonyms = synonyms.get(),
                                  .filter_set = *filter_set,
                                  .parents = parents,
                                  .adjacency = &columns->adjacency,
                                  .correct = [&](std::string_view q) {
                                    return Corrected(q, analyzer, synonyms.get(), synonyms_version,
                                                     remember);
                                  }};
    return internal::PlanText(parsed, by_relevance, first, request.per_page, context);
  };
  if (stages.Late()) {
    return absl::DeadlineExceededError("the search's time budget ran out before it matched");
  }
  stages.Begin("match");
  ASSIGN_OR_RETURN(internal::TextPlan text, plan(searched, understanding.Text()));
  // Never worse than not understanding: filters that leave less than a page
  // become boosts, and their words text again.
  while (text.total < static_cast<uint64_t>(request.per_page) &&
         internal::Demote(understanding, text.total, request.per_page)) {
    understood_request = request;
    internal::AddFilters(understanding, understood_request);
    ASSIGN_OR_RETURN(text, plan(understood_request, understanding.Text()));
  }
  // Before settling for some of the words, leave out the season's and the
  // material's: kept only if the rest then all match.
  if (text.relaxed) {
    internal::Understanding tight = understanding;
    if (internal::Loosen(understanding)) {
      internal::TextPlan all_words = std::move(text);
      ASSIGN_OR_RETURN(text, plan(searched, understanding.Text()));
      if (text.relaxed) {
        understanding = std::move(tight);
        text = std::move(all_words);
      }
    }
  }
  const SearchRequest& effective = understanding.filters() ? understood_request : request;
  // Rules' boosts and buries, the understood parts' boosts, and the ranking's
  // signals re-order a relevance match: a text match's top candidates after it,
  // a browse within it.
  internal::RulePlan boosted;
  if (understood) {
    boosted = rules;
    for (internal::Boost& boost : internal::Boosts(understanding)) {
      boosted.weights.push_back({.filter = std::move(boost.filter), .factor = boost.factor});
    }
  }
  const internal::RulePlan& ranked_rules = understood ? boosted : rules;
  const internal::Rescorer rescorer(ranked_rules, ranking, *columns, index.filterable_attributes());
  // What the shopper typed is marked in the hits, filters' words included.
  std::string filter_words;
  for (size_t i = 0; i < understanding.parts.size(); ++i) {
    if (understanding.parts[i].applied != UnderstoodPart::Applied::kFilter) continue;
    if (understanding.spans[i].second == 0) continue;  // a price or a size
    filter_words.append(" ").append(understanding.parts[i].text);
  }
  response.understood = std::move(understanding.parts);
  response.relaxed = text.relaxed;
  response.corrected_query = text.corrected_query;
  // Late: the page still comes (it is the answer), the facets do not.
  if (!request.facets.empty() && stages.Late()) {
    response.timed_out = true;
  } else if (!request.facets.empty()) {
    stages.Begin("facets");
    std::optional<internal::StyleCounting> styles_counted;
    if (parents != nullptr) {
      styles_counted.emplace(
          internal::StyleCounting{*parents, columns->variants, styles, &columns->adjacency});
    }
    internal::FacetCounter facets(index, *columns, effective, styles_counted);
    response.facets = facets.Count(sets, text.text, text.text_set, text.matched, rules.restriction);
  }
  response.total = text.total;
  response.total_is_estimate = false;

  // Merchandising pins take their positions over the whole list; the page's
  // organic hits shift around them (rules.h), listed without the pinned
  // products shown.
  stages.Begin("rank");
  const Xapian::Query hits_query =
      filter ? Xapian::Query(Xapian::Query::OP_FILTER, text.hits_text, *filter) : text.hits_text;
  // A merchandiser's pin shows under the shopper's filters, not what q was read
  // to say: a product pinned for "jeans" is meant to show though it is no jeans.
  const std::optional<Xapian::Query> eligible =
      &effective == &request ? filter
                             : internal::WithRestriction(rules, internal::FilterQuery(request));
  const internal::PinLayout pins =
      internal::LayOutPins(rules, database, eligible, hits_query, effective, text.total);
  response.total += pins.unmatched;
  if (pins.leave_out) {
    internal::DocSet scratch;
    text.listed.Subtract(sets.Ref(*pins.leave_out, scratch));
  }
  internal::PageContext page_context{.database = database,
                                     .sets = sets,
                                     .ranker = ranker,
                                     .rescorer = rescorer,
                                     .columns = *columns,
                                     .parents = parents,
                                     .styles = styles};
  internal::Page page = internal::RankPage({.sort = request.sort,
                                            .browse = text.searched.browse(),
                                            .rescore = by_relevance && rescorer.active(),
                                            .hits_text = text.hits_text,
                                            .listed = text.listed,
                                            .total = text.total,
                                            .first = pins.organic_first,
                                            .count = pins.organic_count},
                                           page_context);
  response.hits = std::move(page.hits);
  if (!page.collapsed.empty()) {
    // Variants of the products the hits came from (pinned ones included).
    internal::DocSet scratch;  // (the hits' set is remembered from the match: no copy)
    ListVariants(database, sets, *columns, sets.Ref(hits_query, scratch), page.collapsed,
                 response.hits);
  }
  internal::PlacePins(pins, request, response);  // rules
  stages.Begin("hydrate");
  RETURN_IF_ERROR(Hydrate(index.store(), response.hits));
  if (request.highlight && stages.Late()) {
    response.timed_out = true;
  } else {
    stages.Begin("highlight");
    Highlight(text, filter_words, analyzer, synonyms.get(), request, response);
  }
  return response;
}

Searcher::Searcher(std::shared_ptr<const Index> index, std::unique_ptr<Impl> impl)
    : index_(std::move(index)), impl_(std::move(impl)) {}
Searcher::~Searcher() = default;

absl::StatusOr<std::unique_ptr<Searcher>> Searcher::Create(std::shared_ptr<const Index> index,
                                                           const SearchOptions& options,
                                                           ResultCache* cache) {
  try {
    const std::shared_lock gate = index->ShareRevision();  // (Index::LockRevision)
    auto impl = std::unique_ptr<Impl>(new Impl{Xapian::Database(index->xapian_path()), options});
    const uint64_t revision = index->revision();
    std::shared_ptr<const internal::FacetColumns> columns = index->facet_columns();
    auto searcher = std::unique_ptr<Searcher>(new Searcher(std::move(index), std::move(impl)));
    searcher->revision_ = revision;
    searcher->columns_ = std::move(columns);
    searcher->cache_ = cache;
    return searcher;
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError(StrCat("opening index reader: ", e.get_description()));
  }
}

absl::StatusOr<SearchResponse> Searcher::Search(const SearchRequest& request) {
  RETURN_IF_ERROR(
      ValidateSearchRequest(request, impl_->options.limits, index_->filterable_attributes()));
  // Merchandising rules fire on the request as sent (and on the clock, for
  // campaign windows): the cache keys on the config version and the rules that
  // fired, so a rule change or a campaign starting is never answered from it.
  const internal::RulePlan rules = internal::PlanRules(request);
  if (cache_ == nullptr || !request.cacheable) return Run(request, rules);
  // Epochs first: a result computed from data older than an invalidation that
  // lands meanwhile is stored as already stale.
  const ResultCache::Epochs epochs = cache_->CurrentEpochs();
  std::string key = CacheKey(request, index_->generation());
  if (request.rules != nullptr) {
    key.append(StrCat("rules=", request.rules->version(), ":", absl::StrJoin(rules.applied, ",")));
  }
  if (request.ranking != nullptr) {
    // A store's ranking is known by its version; any other by its content.
    key.append(request.ranking->version != 0 ? StrCat(";ranking=", request.ranking->version)
                                             : StrCat(";ranking=", request.ranking->json));
  }
  if (request.synonyms != nullptr) key.append(StrCat(";synonyms=", request.synonyms->version()));
  const uint32_t scopes = ScopesOf(request);
  if (std::shared_ptr<const SearchResponse> cached = cache_->Find(key, scopes)) {
    SearchResponse response = *cached;
    RETURN_IF_ERROR(Hydrate(index_->store(), response.hits));
    return response;
  }
  ASSIGN_OR_RETURN(SearchResponse response, Run(request, rules));
  if (!response.timed_out) cache_->Insert(key, scopes, epochs, response);
  return response;
}

void Searcher::Reopen() {
  impl_->database.reopen();
  revision_ = index_->revision();
  columns_ = index_->facet_columns();
  impl_->Reset();
}

absl::StatusOr<SearchResponse> Searcher::Run(const SearchRequest& request,
                                             const internal::RulePlan& rules) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (index_->revision() != revision_) {
        // Live updates were committed; while the next commit is under way, this
        // search reads the revision it has (Index::LockRevision).
        if (const std::shared_lock gate = index_->TryShareRevision(); gate.owns_lock()) Reopen();
      }
      // replace_query changes q.
      SearchRequest replaced;
      if (rules.replace_query) {
        replaced = request;
        replaced.q = *rules.replace_query;
      }
      ASSIGN_OR_RETURN(SearchResponse response, impl_->Run(rules.replace_query ? replaced : request,
                                                           *index_, rules, columns_));
      response.applied_rules = rules.applied;
      response.banner_json = rules.banner_json;
      return response;
    } catch (const Xapian::DatabaseModifiedError& e) {
      // A writer committed under us: reopen at the new revision and retry once.
      if (attempt > 0) return absl::UnavailableError(StrCat("index busy: ", e.get_description()));
      const std::shared_lock gate = index_->ShareRevision();
      Reopen();
    } catch (const Xapian::Error& e) {
      impl_->Reset();  // nothing half-read is kept
      return absl::InternalError(StrCat("search failed: ", e.get_description()));
    }
  }
}

}  // namespace vitrine::query
