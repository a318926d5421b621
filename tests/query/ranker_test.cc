// The in-memory ranker (query/rank/ranker.h) and match sets (query/match/match_sets.h)
// against Xapian's matcher: the same documents in the same order with the same
// weights, for the text queries a search builds (strict, typing, relaxed, with
// colours, genders, sizes and field weights) and for random weighted query
// trees, on the 12-product fixture and on a generated catalog of 3,000 products
// (long posting lists: kept term sets, seeking, sets of many words); and variants
// collapsed in memory (query/rank/collapse.h) against Xapian's collapse key.
#include "query/rank/ranker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "catalog/index_schema.h"
#include "query/match/filters.h"
#include "query/rank/column_sort.h"
#include "query/text/text_query.h"
#include "tests/query/query_testing.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

// Ranks everything `query` matches both ways and compares; and the matches.
void ExpectRankedAsXapianDoes(const Xapian::Database& database_, const Xapian::Query& query) {
  Xapian::Enquire enquire(database_);
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  enquire.set_query(query);
  const Xapian::MSet expected = enquire.get_mset(0, database_.get_doccount());
  MatchSets sets(database_);
  Ranker ranker(database_, sets);
  const DocSet candidates = sets.Of(query);
  EXPECT_EQ(candidates.Count(), expected.size()) << query.get_description();
  const std::optional<std::vector<RankedDoc>> ranked =
      ranker.Top(query, candidates, database_.get_doccount());
  ASSERT_TRUE(ranked.has_value()) << query.get_description();
  ASSERT_EQ(ranked->size(), expected.size()) << query.get_description();
  size_t i = 0;
  for (Xapian::MSetIterator it = expected.begin(); it != expected.end(); ++it, ++i) {
    EXPECT_NEAR((*ranked)[i].weight, it.get_weight(), 1e-9 * (1 + it.get_weight()))
        << i << " of " << query.get_description();
    // Different documents of (mathematically) equal weight may sum in another
    // order; only then may the order differ.
    if ((*ranked)[i].docid != *it) {
      EXPECT_NEAR((*ranked)[i].weight, it.get_weight(), 1e-12 * (1 + it.get_weight()))
          << i << " of " << query.get_description();
    }
  }
  // A page from the middle is the same slice.
  if (ranked->size() > 3) {
    const std::optional<std::vector<RankedDoc>> top3 = ranker.Top(query, candidates, 3);
    ASSERT_TRUE(top3.has_value());
    ASSERT_EQ(top3->size(), 3u);
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ((*top3)[k].docid, (*ranked)[k].docid);
  }
}

Xapian::Query Text(const Index& index, const Xapian::Database& database, std::string_view q,
                   bool any, bool typing, const FieldWeights& weights = kDefaultFieldWeights) {
  const analyzers::Analyzer& analyzer = index.analyzer();
  const std::vector<analyzers::Token> tokens = analyzer.Analyze(q);
  return TextQuery(tokens, analyzer, any, typing ? UnfinishedWord(q, tokens, analyzer) : "",
                   CatalogForms(q, tokens, analyzer, database), weights);
}

class RankerTest : public FixtureCatalogTest {
 protected:
  void SetUp() override {
    FixtureCatalogTest::SetUp();
    database_ = Xapian::Database(index_->xapian_path());
  }
  void ExpectRankedAsXapianDoes(const Xapian::Query& query) {
    internal::ExpectRankedAsXapianDoes(database_, query);
  }
  Xapian::Query Text(std::string_view q, bool any, bool typing,
                     const FieldWeights& weights = kDefaultFieldWeights) {
    return internal::Text(*index_, database_, q, any, typing, weights);
  }

  Xapian::Database database_;
};

TEST_F(RankerTest, TextQueriesRankAsXapianRanksThem) {
  for (std::string_view q :
       {"jeans", "navy blue shirt", "men black", "women", "men's shoes", "leather handbag brown",
        "blue denim jacket", "t-shirt pink", "running shoes white", "kurta", "silver watch men",
        "clogs 3/4", "tee", "wrap dres", "sh", "nike men whi"}) {
    SCOPED_TRACE(q);
    ExpectRankedAsXapianDoes(Text(q, /*any=*/false, /*typing=*/true));
    ExpectRankedAsXapianDoes(Text(q, /*any=*/false, /*typing=*/false));
    ExpectRankedAsXapianDoes(Text(q, /*any=*/true, /*typing=*/true));
    FieldWeights weights = kDefaultFieldWeights;
    for (size_t i = 0; i < weights.size(); ++i) weights[i] = 0.5 + 1.5 * static_cast<double>(i);
    ExpectRankedAsXapianDoes(Text(q, /*any=*/false, /*typing=*/true, weights));
  }
}

TEST_F(RankerTest, RandomWeightedTreesRankAsXapianRanksThem) {
  std::vector<Xapian::Query> leaves;
  for (Xapian::TermIterator it = database_.allterms_begin(); it != database_.allterms_end(); ++it) {
    leaves.emplace_back(*it);
  }
  const std::string title(schema::TextFieldNamed("title").prefix);
  for (const char* prefix : {"s", "b", "m", "w"}) {
    leaves.emplace_back(Xapian::Query::OP_WILDCARD, title + prefix, 2,
                        Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  }
  leaves.emplace_back((new Xapian::FixedWeightPostingSource(7.5))->release());
  std::mt19937 random(1125);
  const Xapian::Query::op ops[] = {Xapian::Query::OP_AND, Xapian::Query::OP_OR,
                                   Xapian::Query::OP_AND_NOT, Xapian::Query::OP_AND_MAYBE,
                                   Xapian::Query::OP_FILTER};
  std::function<Xapian::Query(int)> tree = [&](int depth) -> Xapian::Query {
    if (depth == 0 || random() % 4 == 0) return leaves[random() % leaves.size()];
    if (random() % 5 == 0) {
      return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, tree(depth - 1),
                           0.25 * static_cast<double>(1 + random() % 12));
    }
    std::vector<Xapian::Query> parts;
    for (size_t i = 0, n = 2 + random() % 3; i < n; ++i) parts.push_back(tree(depth - 1));
    return Xapian::Query(ops[random() % std::size(ops)], parts.begin(), parts.end());
  };
  int ranked = 0;
  for (int i = 0; i < 300; ++i) {
    const Xapian::Query query = tree(3);
    MatchSets sets(database_);
    if (sets.Of(query).empty()) continue;
    ++ranked;
    ExpectRankedAsXapianDoes(query);
  }
  EXPECT_GT(ranked, 100);
}

TEST_F(RankerTest, DeclinesWhatItDoesNotWeigh) {
  MatchSets sets(database_);
  Ranker ranker(database_, sets);
  const Xapian::Query max(Xapian::Query::OP_MAX,
                          Xapian::Query(database_.allterms_begin().operator*()),
                          Xapian::Query::MatchAll);
  EXPECT_FALSE(ranker.Top(max, sets.Of(max), 5).has_value());
}

// 3,000 products whose titles draw words from a small vocabulary, most often
// its first words, so some terms index thousands of products.
class RankerLargeCatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    temp_ = std::make_unique<testing::TempDir>();
    const std::string feed = temp_->Sub("feed.jsonl");
    std::ofstream out(feed);
    const char* words[] = {"shirt", "blue",  "cotton", "slim",  "jeans",  "dress", "black",
                           "shoes", "red",   "summer", "linen", "sports", "white", "denim",
                           "wool",  "green", "kurta",  "tee",   "jacket", "navy"};
    const char* brands[] = {"Nike", "Puma", "Biba", "Levis", "Roadster"};
    std::mt19937 random(3000);
    std::geometric_distribution<int> pick(0.2);
    for (int i = 0; i < 3000; ++i) {
      std::string title = brands[i % 5];
      for (int w = 0, n = 2 + i % 4; w < n; ++w) {
        title += std::string(" ") + words[std::min(pick(random), 19)];
      }
      out << "{\"id\": \"p" << i << "\", \"title\": \"" << title << "\", \"brand\": \""
          << brands[i % 5] << "\", \"gender\": \"" << (i % 3 == 0 ? "Men" : "Women")
          << "\", \"price\": " << 100 + (i * 37) % 900 << ", \"popularity\": " << (i * 53) % 101;
      // Three styles in four have variants (1 to 4 products each, not adjacent).
      if (i % 4 != 0) out << ", \"parent_id\": \"style" << (i * 7) % 1000 << "\"";
      out << "}\n";
    }
    out.close();
    indexer::ReindexOptions options;
    options.feeds = {feed};
    options.data_dir = temp_->Sub("data");
    options.threads = 1;
    ASSERT_TRUE(indexer::Reindex(options).ok());
    const indexer::Generation generation =
        indexer::DataDir::Open(options.data_dir)->Current().value();
    index_ = OpenIndex({.generation = generation.id,
                        .xapian_path = generation.xapian_path(),
                        .snapshot_path = generation.snapshot_path(),
                        .analyzers_path = generation.analyzers_path()})
                 .value();
  }
  static void TearDownTestSuite() {
    index_.reset();
    temp_.reset();
  }

  static inline std::unique_ptr<testing::TempDir> temp_;
  static inline std::shared_ptr<const Index> index_;
};

TEST_F(RankerLargeCatalogTest, TextQueriesRankAsXapianRanksThem) {
  const Xapian::Database database(index_->xapian_path());
  ASSERT_EQ(database.get_doccount(), 3000u);
  for (std::string_view q : {"shirt", "blue shirt", "men cotton shirt", "navy wool jacket",
                             "women summer dress", "tee", "red sho", "black linen kurta"}) {
    SCOPED_TRACE(q);
    ExpectRankedAsXapianDoes(database, Text(*index_, database, q, false, true));
    ExpectRankedAsXapianDoes(database, Text(*index_, database, q, true, true));
  }
}

TEST_F(RankerLargeCatalogTest, KeptSetsAndSeekingGiveTheSameRanking) {
  const Xapian::Database database(index_->xapian_path());
  MatchSets sets(database);
  Ranker ranker(database, sets);
  // A frequent word among few candidates: its list is searched, not read through.
  const Xapian::Query query = Text(*index_, database, "shirt navy", false, false);
  DocSet few = sets.Of(query);
  ASSERT_GT(few.Count(), 0u);
  ASSERT_LT(few.Count() * 16, sets.PostingsOf("Sshirt").docids.size() + 1);
  EXPECT_GT(sets.kept(), 0u);                // "shirt" is in hundreds of titles: its set is kept
  for (int again = 0; again < 2; ++again) {  // cold, then from what was kept
    const std::vector<RankedDoc> top = ranker.Top(query, few, 5).value();
    Xapian::Enquire enquire(database);
    enquire.set_query(query);
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    const Xapian::MSet expected = enquire.get_mset(0, 5);
    ASSERT_EQ(top.size(), expected.size());
    for (size_t i = 0; i < top.size(); ++i) EXPECT_EQ(top[i].docid, *expected[i]);
  }
}

TEST_F(RankerLargeCatalogTest, KeptSetsStayWithinTheirBound) {
  const Xapian::Database database(index_->xapian_path());
  const size_t set_bytes = DocSet(database.get_lastdocid() + 1).bytes();
  MatchSets sets(database, /*max_kept_bytes=*/2 * set_bytes);
  for (int round = 0; round < 2; ++round) {
    for (const char* word : {"Sshirt", "Sblue", "Scotton", "Sslim", "Sjean"}) {
      const Xapian::Query query(word);
      ASSERT_GE(database.get_termfreq(word), MatchSets::kCacheFrom) << word;
      EXPECT_EQ(sets.Of(query).Count(), database.get_termfreq(word)) << word;
      EXPECT_LE(sets.kept(), 2u);
    }
  }
  EXPECT_EQ(sets.kept(), 2u);
}

// Xapian's matcher over `listed`, collapsed by the parent slot: the docids of
// [first, first + count).
std::vector<Xapian::docid> XapianCollapsed(const Xapian::Database& database,
                                           const Xapian::Query& query, const DocSet& listed,
                                           SortOrder sort, bool weighted, size_t first,
                                           size_t count) {
  Xapian::Enquire enquire(database);
  enquire.set_docid_order(Xapian::Enquire::ASCENDING);
  if (!weighted) enquire.set_weighting_scheme(Xapian::BoolWeight());
  if (sort != SortOrder::kRelevance) SetSortOrder(enquire, sort);
  enquire.set_collapse_key(schema::kSlotParent);
  DocSetSource source(listed);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, query, Xapian::Query(&source)));
  const Xapian::MSet matches =
      enquire.get_mset(static_cast<Xapian::doccount>(first), static_cast<Xapian::doccount>(count));
  return std::vector<Xapian::docid>(matches.begin(), matches.end());
}

TEST_F(RankerLargeCatalogTest, CollapsedTopsAreXapiansCollapsedMatches) {
  const Xapian::Database database(index_->xapian_path());
  ASSERT_TRUE(index_->has_variants());
  const FacetColumn& parents = index_->facet_columns()->slots.at(schema::kSlotParent);
  MatchSets sets(database);
  Ranker ranker(database, sets);
  for (std::string_view q : {"shirt", "blue shirt", "women summer dress", "red sho", "nike"}) {
    SCOPED_TRACE(q);
    const Xapian::Query query = Text(*index_, database, q, false, true);
    const DocSet listed = sets.Of(query);
    const std::vector<RankedDoc> top = ranker.Top(query, listed, 40, &parents).value();
    std::vector<Xapian::docid> docids;
    for (const RankedDoc& doc : top) docids.push_back(doc.docid);
    EXPECT_EQ(docids, XapianCollapsed(database, query, listed, SortOrder::kRelevance, true, 0, 40));
    ASSERT_FALSE(top.empty());
    for (const RankedDoc& doc : top) {
      EXPECT_EQ(doc.parent, ParentOf(parents, doc.docid));
    }
  }
}

TEST_F(RankerLargeCatalogTest, CollapsedTopsFetchDeeperWhenStylesCrowdTheTop) {
  // Only the products of styles with three or more matching products: the best
  // few times `count` products then hold fewer than `count` styles, and the
  // ranker must read further down.
  const Xapian::Database database(index_->xapian_path());
  const FacetColumn& parents = index_->facet_columns()->slots.at(schema::kSlotParent);
  MatchSets sets(database);
  Ranker ranker(database, sets);
  const Xapian::Query query = Text(*index_, database, "shirt", false, true);
  const DocSet matched = sets.Of(query);
  std::map<uint32_t, std::vector<Xapian::docid>> styles;
  matched.ForEach([&](Xapian::docid id) {
    if (const uint32_t parent = ParentOf(parents, id); parent != 0) styles[parent].push_back(id);
  });
  DocSet listed(static_cast<size_t>(database.get_lastdocid()) + 1);
  size_t crowded = 0;
  for (const auto& [parent, ids] : styles) {
    if (ids.size() < 3) continue;
    ++crowded;
    for (const Xapian::docid id : ids) listed.Add(id);
  }
  ASSERT_GE(crowded, 40u);
  for (const size_t count : {size_t{10}, size_t{40}, crowded, crowded + 5}) {
    SCOPED_TRACE(count);
    const std::vector<RankedDoc> top = ranker.Top(query, listed, count, &parents).value();
    std::vector<Xapian::docid> docids;
    for (const RankedDoc& doc : top) docids.push_back(doc.docid);
    EXPECT_EQ(docids.size(), std::min(count, crowded));
    EXPECT_EQ(docids,
              XapianCollapsed(database, query, listed, SortOrder::kRelevance, true, 0, count));
  }
}

TEST_F(RankerLargeCatalogTest, CollapsedSortedPagesFollowXapiansCollapse) {
  const Xapian::Database database(index_->xapian_path());
  const std::shared_ptr<const FacetColumns> columns = index_->facet_columns();
  const FacetColumn& parents = columns->slots.at(schema::kSlotParent);
  MatchSets sets(database);
  StyleScratch styles;
  for (std::string_view q : {"", "shirt", "blue jeans"}) {
    const Xapian::Query query =
        q.empty() ? MatchAllQuery() : Text(*index_, database, q, false, false);
    const DocSet listed = sets.Of(query);
    for (const SortOrder sort : {SortOrder::kRelevance, SortOrder::kPriceAsc, SortOrder::kPriceDesc,
                                 SortOrder::kPopularity}) {
      for (size_t first : {0u, 7u, 60u}) {
        SCOPED_TRACE(::testing::Message()
                     << "q=" << q << " sort=" << SortOrderName(sort) << " first=" << first);
        std::vector<Xapian::docid> docids;
        for (const StyleHit& hit :
             SortedPage(listed, *columns, sort, first, 12, &parents, &styles)) {
          docids.push_back(hit.docid);
        }
        // (Relevance here is a browse's docid order: no weights.)
        EXPECT_EQ(docids, XapianCollapsed(database, query, listed, sort, false, first, 12));
      }
    }
  }
}

}  // namespace
}  // namespace vitrine::query::internal
