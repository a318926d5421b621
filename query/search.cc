#include "query/search.h"

#include <xapian.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "absl/strings/str_join.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "catalog/index_schema.h"
#include "merch/ranking.h"
#include "merch/rule_set.h"
#include "merch/synonyms.h"
#include "query/facet_columns.h"
#include "query/facets.h"
#include "query/filters.h"
#include "query/highlight.h"
#include "query/rescore.h"
#include "query/result_cache.h"
#include "query/rules.h"
#include "query/search_hits.h"
#include "query/suggest.h"
#include "query/synonyms.h"
#include "query/text_query.h"

namespace vitrine::query {
namespace {

using internal::CatalogForms;
using internal::CorrectSpelling;
using internal::HighlightHit;
using internal::Hydrate;
using internal::ListVariants;
using internal::TextQuery;
using internal::UnfinishedWord;

namespace schema = catalog::schema;

// Fewer products than this with every word, or too few to fill the requested
// page: follow them with partial matches. (A flat 100 gained 0.006 judged-only
// nDCG on Home Depot but cost ~40% of p50 latency; filling the page costs only
// the requests whose page is short.)
constexpr Xapian::doccount kRelaxBelow = 10;
constexpr double kAllWordsBoost = 1000.0;  // above any text score
constexpr int kPriceBuckets = 5;           // default price facet: quintiles

// The analyzer a generation was built with (see indexer/reindex.cc).
absl::StatusOr<std::shared_ptr<const analyzers::Analyzer>> LoadAnalyzer(const std::string& path) {
  std::ifstream in(path + "/PROFILE");
  std::string name;
  if (path.empty() || !(in >> name)) return std::make_shared<const analyzers::Analyzer>();
  analyzers::AnalyzerOptions options;
  if (!analyzers::ParseProfile(name, options.profile)) {
    return absl::DataLossError(StrCat(path, "/PROFILE names an unknown analyzer '", name, "'"));
  }
  if (options.profile != analyzers::Profile::kFashion) {
    return std::make_shared<const analyzers::Analyzer>(options);
  }
  ASSIGN_OR_RETURN(std::vector<analyzers::VocabularyFile> files,
                   analyzers::ReadVocabularyFiles(path));
  ASSIGN_OR_RETURN(std::shared_ptr<const analyzers::Vocabulary> vocabulary,
                   analyzers::Vocabulary::Parse(files));
  return std::make_shared<const analyzers::Analyzer>(options, std::move(vocabulary));
}

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
  RETURN_IF_ERROR(internal::ValidateFilters(request, limits, attributes));
  return internal::ValidateSortAndFacets(request, attributes);
}

std::shared_ptr<const internal::FacetColumns> Index::facet_columns() const {
  std::lock_guard lock(columns_mutex_);
  return facet_columns_;
}

absl::Status Index::Refresh(const std::vector<uint32_t>& changed) const {
  if (changed.empty()) return absl::OkStatus();
  try {
    const Xapian::Database database(source_.xapian_path);
    auto columns =
        std::make_shared<const internal::FacetColumns>(facet_columns()->Updated(database, changed));
    documents_.store(database.get_doccount(), std::memory_order_relaxed);
    has_variants_.store(database.get_value_freq(schema::kSlotParent) > 0,
                        std::memory_order_relaxed);
    {
      std::lock_guard lock(columns_mutex_);
      facet_columns_ = std::move(columns);
    }
  } catch (const Xapian::Error& e) {
    return absl::InternalError(StrCat("refreshing the index: ", e.get_description()));
  }
  revision_.fetch_add(1, std::memory_order_release);
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Index>> OpenIndex(const IndexSource& source) {
  auto index = std::make_shared<Index>();
  index->source_ = source;
  try {
    const Xapian::Database database(source.xapian_path);
    index->documents_ = database.get_doccount();
    index->has_variants_ = database.get_value_freq(schema::kSlotParent) > 0;
    index->attributes_ =
        SplitTrimmed(database.get_metadata(std::string(schema::kFilterableAttributesKey)), ',');
    std::erase(index->attributes_, std::string());
    auto columns = std::make_shared<internal::FacetColumns>(internal::FacetColumns::Load(
        database,
        internal::WithSignalValueSlots(internal::SingleValuedFacetSlots(index->attributes_)),
        internal::MultiValuedFacetSlots(),
        internal::WithSignalNumberSlots(internal::RangeSlots())));
    index->price_buckets_ =
        internal::QuantileBoundaries(columns->numbers.at(schema::kSlotPrice), kPriceBuckets);
    index->facet_columns_ = std::move(columns);
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError(
        StrCat("opening index ", source.xapian_path, ": ", e.get_description()));
  }
  ASSIGN_OR_RETURN(index->analyzer_, LoadAnalyzer(source.analyzers_path));
  ASSIGN_OR_RETURN(
      std::unique_ptr<catalog::ProductStore> store,
      catalog::ProductStore::Open(source.snapshot_path,
                                  {.mode = source.writable ? catalog::StoreMode::kReadWrite
                                                           : catalog::StoreMode::kReadOnly}));
  index->store_ = std::move(store);
  index->suggester_ = Suggester::Build({});
  if (source.suggestions) {
    ASSIGN_OR_RETURN(index->suggester_, Suggester::Load(source.xapian_path, *index->store_));
  }
  return std::shared_ptr<const Index>(std::move(index));
}

struct Searcher::Impl {
  Xapian::Database database;
  SearchOptions options;
  internal::TermMemo highlight_memo{};  // of this searcher's index's analyzer

  absl::StatusOr<SearchResponse> Run(const SearchRequest& request, const Index& index,
                                     const internal::RulePlan& rules);
};

absl::StatusOr<SearchResponse> Searcher::Impl::Run(const SearchRequest& request, const Index& index,
                                                   const internal::RulePlan& rules) {
  // The facet values of the revision this search reads.
  const std::shared_ptr<const internal::FacetColumns> columns = index.facet_columns();
  const analyzers::Analyzer& analyzer = index.analyzer();
  // Managed synonyms, as this generation's analyzer reads them (query/synonyms.h).
  const std::shared_ptr<const merch::Thesaurus::Analysed> synonyms =
      request.synonyms ? request.synonyms->For(index.shared_analyzer()) : nullptr;
  std::vector<analyzers::Token> tokens = analyzer.Analyze(request.q);
  if (tokens.size() > options.limits.max_query_words) {
    return InvalidParameter("q",
                            StrCat("q has more than ", options.limits.max_query_words, " words"));
  }
  // Filters restrict every query below (strict, corrected, relaxed) and never score.
  // (Merchandising rules add forced filters and hidden products.)
  const std::optional<Xapian::Query> filter =
      internal::WithRestriction(rules, internal::FilterQuery(request));
  auto filtered = [&](const Xapian::Query& query) {
    return filter ? Xapian::Query(Xapian::Query::OP_FILTER, query, *filter) : query;
  };
  const std::string typing = UnfinishedWord(request.q, tokens, analyzer);
  const merch::Ranking& ranking = request.ranking ? *request.ranking : merch::DefaultRanking();
  const internal::FieldWeights weights = internal::FieldWeightsOf(ranking);
  // The text part of the query finally run; facets count over it.
  Xapian::Query text =
      tokens.empty()
          ? Xapian::Query::MatchAll
          : TextQuery(tokens, analyzer, /*any=*/false, typing,
                      CatalogForms(request.q, tokens, analyzer, database), weights, synonyms.get());
  const bool by_relevance = request.sort == "relevance";
  const bool browse = tokens.empty();
  // Rules' boosts and buries and the ranking's signals re-order a relevance
  // match: a text match's top candidates after it, a browse within it.
  // (Declared, like the facet counter, before the Enquire that uses them.)
  const internal::Rescorer rescorer(rules, ranking, *columns, index.filterable_attributes());
  const bool rescore = by_relevance && rescorer.active();
  internal::FacetCounter facets(index, *columns, request);
  Xapian::Enquire enquire(database);
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);  // deterministic ties
  if (browse && !rescore) enquire.set_weighting_scheme(Xapian::BoolWeight());
  if (!by_relevance) internal::SetSortOrder(enquire, request.sort);
  // (Collapsing makes Xapian's totals estimates: only when there are variants.)
  if (request.collapse && index.has_variants()) enquire.set_collapse_key(schema::kSlotParent);
  if (Xapian::MatchSpy* spy = facets.main_spy()) enquire.add_matchspy(spy);
  // Sorted by a field, partial matches would interleave with full ones: relax
  // (and correct) only when nothing matches.
  const Xapian::doccount first =
      static_cast<Xapian::doccount>((request.page - 1) * request.per_page);
  // By relevance, partial matches also fill a page that full matches leave short.
  const Xapian::doccount relax_below =
      by_relevance ? std::max<Xapian::doccount>(kRelaxBelow, first + request.per_page) : 1;
  const Xapian::doccount check_at_least =
      std::max<Xapian::doccount>(options.limits.exact_total_up_to, first + request.per_page);
  // Facets without a filter of their own count in the main match; they hold the
  // counts of `text` unless a later try was run and not taken.
  bool facets_counted = true;
  const bool rescore_text = rescore && !browse;
  // The hits from `from` of the match (a rescored text match: of its rescored
  // top candidates, fetched from the top).
  auto fetch = [&](const Xapian::Query& query, size_t from, size_t count, Xapian::doccount check) {
    enquire.set_query(filtered(rescore && browse ? rescorer.BrowseQuery() : query));
    if (rescore_text) {
      return enquire.get_mset(0, std::max<Xapian::doccount>(internal::kRescoreWindow, from + count),
                              check);
    }
    return enquire.get_mset(from, count, check);
  };
  auto run = [&](const Xapian::Query& query) {
    facets.ResetMain();
    return fetch(query, first, request.per_page, check_at_least);
  };
  Xapian::MSet matches = run(text);

  SearchResponse response;
  Xapian::doccount strict_total = matches.get_matches_estimated();
  // The query the page's hits come from, when not `text` (partial matches
  // filling a page).
  Xapian::Query hits_text;
  if (strict_total < relax_below && !tokens.empty()) {
    // Few or no products have every word: if a word is unknown, search the
    // corrected query instead, when that finds more. Exact words are never
    // corrected, so exact matches always come before corrected ones.
    std::string corrected = CorrectSpelling(request.q, analyzer, database, synonyms.get());
    if (!corrected.empty()) {
      std::vector<analyzers::Token> corrected_tokens = analyzer.Analyze(corrected);
      Xapian::Query corrected_text = TextQuery(
          corrected_tokens, analyzer, /*any=*/false, {},
          CatalogForms(corrected, corrected_tokens, analyzer, database), weights, synonyms.get());
      Xapian::MSet corrected_matches = run(corrected_text);
      // With no product matching every word, the corrected words still serve
      // the partial matches below better than words the index does not know.
      facets_counted =
          corrected_matches.get_matches_estimated() > strict_total || strict_total == 0;
      if (facets_counted) {
        text = std::move(corrected_text);
        matches = std::move(corrected_matches);
        strict_total = matches.get_matches_estimated();
        tokens = std::move(corrected_tokens);
        response.corrected_query = std::move(corrected);
      }
    }
  }
  if (strict_total < relax_below && tokens.size() > 1) {
    // Few or no products have every word: rank those first (a constant boost
    // above any text score), then products with some of the words, most matched
    // words and best BM25 first, rather than a short or empty page.
    const std::string_view still_typing =
        response.corrected_query.empty() ? std::string_view(typing) : std::string_view();
    const internal::WrittenForms forms =
        CatalogForms(response.corrected_query.empty() ? request.q : response.corrected_query,
                     tokens, analyzer, database);
    const Xapian::Query all_words(
        Xapian::Query::OP_FILTER,
        Xapian::Query((new Xapian::FixedWeightPostingSource(kAllWordsBoost))->release()),
        TextQuery(tokens, analyzer, /*any=*/false, still_typing, forms, weights, synonyms.get()));
    Xapian::Query relaxed_text(
        Xapian::Query::OP_OR, all_words,
        TextQuery(tokens, analyzer, /*any=*/true, still_typing, forms, weights, synonyms.get()));
    if (strict_total < kRelaxBelow) {
      // The partial matches stand in for the full ones: totals and facets too.
      Xapian::MSet relaxed_matches = run(relaxed_text);
      response.relaxed = relaxed_matches.get_matches_estimated() > strict_total;
      facets_counted = response.relaxed;
      if (response.relaxed) {
        text = std::move(relaxed_text);
        matches = std::move(relaxed_matches);
      }
    } else {
      // Enough full matches to stand on their own, too few for the page: partial
      // matches only fill it (fetched without counting them all), while facets
      // keep counting the full matches.
      Xapian::MatchSpy* spy = facets.main_spy();
      if (spy != nullptr) enquire.clear_matchspies();
      Xapian::MSet filled = fetch(relaxed_text, first, request.per_page, first + request.per_page);
      if (spy != nullptr) enquire.add_matchspy(spy);
      response.relaxed = filled.size() > matches.size();
      if (response.relaxed) {
        hits_text = std::move(relaxed_text);
        matches = std::move(filled);
      }
    }
  }
  if (!request.facets.empty()) {
    if (!facets_counted) run(text);
    response.facets = facets.Finish(database, internal::Restricted(rules, text), check_at_least);
  }
  if (hits_text.empty()) hits_text = text;
  response.total = matches.get_matches_estimated();
  response.total_is_estimate =
      matches.get_matches_lower_bound() != matches.get_matches_upper_bound();
  // Merchandising pins take their positions over the whole list; the page's
  // organic hits shift around them (rules.h), when they must, matched again
  // without the pinned products (facets are counted already).
  const internal::PinLayout pins = internal::LayOutPins(
      rules, database, filter, filtered(hits_text), request, matches.get_matches_estimated());
  response.total += pins.unmatched;
  const size_t page_first = pins.organic_first, page_count = pins.organic_count;
  if (pins.leave_out) {
    enquire.clear_matchspies();
    matches = page_count == 0
                  ? Xapian::MSet()
                  : fetch(Xapian::Query(Xapian::Query::OP_AND_NOT, hits_text, *pins.leave_out),
                          page_first, page_count, 0);
  }

  std::map<std::string, size_t> collapsed;  // parent id -> the hit that stands for it
  auto add_hit = [&](const Xapian::MSetIterator& it, double score) {
    response.hits.push_back(
        SearchHit{.id = it.get_document().get_data(), .score = score, .product_json = {}});
    if (it.get_collapse_count() > 0) collapsed[it.get_collapse_key()] = response.hits.size() - 1;
  };
  if (rescore_text) {
    const std::vector<internal::Rescorer::Ranked> ranked = rescorer.Rank(database, matches);
    for (size_t i = page_first; i < ranked.size() && i < page_first + page_count; ++i) {
      add_hit(matches[ranked[i].index], ranked[i].score);
    }
  } else {
    for (Xapian::MSetIterator it = matches.begin(); it != matches.end(); ++it) {
      add_hit(it, rescore ? rescorer.BrowseScore(it.get_weight()) : it.get_weight());
    }
  }
  if (!collapsed.empty())
    ListVariants(database, *columns, filtered(hits_text), collapsed, response.hits);
  internal::PlacePins(pins, request, response);  // rules
  RETURN_IF_ERROR(Hydrate(index.store(), response.hits));
  if (request.highlight && !tokens.empty()) {
    internal::HighlightTerms terms;
    for (const analyzers::Token& token : tokens) {
      if (token.kind != analyzers::TokenKind::kStop) terms.terms.insert(token.term);
    }
    if (synonyms != nullptr) {  // what the query's synonyms matched
      for (std::string& term : internal::SynonymTerms(*synonyms, tokens)) terms.terms.insert(term);
    }
    if (response.corrected_query.empty()) terms.prefix = typing;
    for (SearchHit& hit : response.hits)
      HighlightHit(hit, analyzer, terms, request.highlight_tag, highlight_memo);
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
    auto impl = std::unique_ptr<Impl>(new Impl{Xapian::Database(index->xapian_path()), options});
    auto searcher = std::unique_ptr<Searcher>(new Searcher(std::move(index), std::move(impl)));
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
  cache_->Insert(key, scopes, epochs, response);
  return response;
}

absl::StatusOr<SearchResponse> Searcher::Run(const SearchRequest& request,
                                             const internal::RulePlan& rules) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (const uint64_t revision = index_->revision(); revision != revision_) {
        impl_->database.reopen();  // live updates were committed
        revision_ = revision;
      }
      // replace_query changes q.
      SearchRequest replaced;
      if (rules.replace_query) {
        replaced = request;
        replaced.q = *rules.replace_query;
      }
      ASSIGN_OR_RETURN(SearchResponse response,
                       impl_->Run(rules.replace_query ? replaced : request, *index_, rules));
      response.applied_rules = rules.applied;
      response.banner_json = rules.banner_json;
      return response;
    } catch (const Xapian::DatabaseModifiedError& e) {
      // A writer committed under us: reopen at the new revision and retry once.
      if (attempt > 0) return absl::UnavailableError(StrCat("index busy: ", e.get_description()));
      impl_->database.reopen();
    } catch (const Xapian::Error& e) {
      return absl::InternalError(StrCat("search failed: ", e.get_description()));
    }
  }
}

SearcherPool::SearcherPool(std::shared_ptr<const Index> index, SearchOptions options)
    : options_(std::move(options)),
      cache_(std::make_unique<ResultCache>(options_.cache)),
      current_(std::move(index)) {}

SearcherPool::~SearcherPool() = default;

absl::StatusOr<SearcherPool::Lease> SearcherPool::Acquire() {
  std::shared_ptr<const Index> index;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Searcher> searcher = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(searcher));
    }
    index = current_;
  }
  if (index == nullptr) return absl::UnavailableError("no index is being served yet");
  // Opening a reader touches the disk; do it outside the lock.
  ASSIGN_OR_RETURN(std::unique_ptr<Searcher> searcher,
                   Searcher::Create(index, options_, cache_.get()));
  return Lease(this, std::move(searcher));
}

void SearcherPool::Release(std::unique_ptr<Searcher> searcher) {
  std::lock_guard lock(mutex_);
  if (current_ != nullptr && &searcher->index() == current_.get()) {
    idle_.push_back(std::move(searcher));
  }
}

void SearcherPool::Publish(std::shared_ptr<const Index> index) {
  std::vector<std::unique_ptr<Searcher>> retired;
  {
    std::lock_guard lock(mutex_);
    current_ = std::move(index);
    retired.swap(idle_);
  }
  // `retired` closes here, outside the lock.
}

std::shared_ptr<const Index> SearcherPool::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

}  // namespace vitrine::query
