// The in-memory ranker (query/ranker.h) against Xapian's matcher: the same
// documents in the same order with the same weights, for the text queries a
// search builds (strict, typing, relaxed, with colours, genders, sizes and
// managed synonyms) and for random weighted query trees.
#include "query/ranker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "catalog/index_schema.h"
#include "query/text_query.h"
#include "tests/query/query_testing.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

class RankerTest : public FixtureCatalogTest {
 protected:
  void SetUp() override {
    FixtureCatalogTest::SetUp();
    database_ = Xapian::Database(index_->xapian_path());
  }

  // Ranks everything `query` matches both ways and compares.
  void ExpectRankedAsXapianDoes(const Xapian::Query& query) {
    Xapian::Enquire enquire(database_);
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    enquire.set_query(query);
    const Xapian::MSet expected = enquire.get_mset(0, database_.get_doccount());
    MatchSets sets(database_);
    Ranker ranker(database_, sets);
    const DocSet candidates = sets.Of(query);
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

  Xapian::Query Text(std::string_view q, bool any, bool typing) {
    const analyzers::Analyzer& analyzer = index_->analyzer();
    const std::vector<analyzers::Token> tokens = analyzer.Analyze(q);
    return TextQuery(tokens, analyzer, any, typing ? UnfinishedWord(q, tokens, analyzer) : "",
                     CatalogForms(q, tokens, analyzer, database_));
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

}  // namespace
}  // namespace vitrine::query::internal
