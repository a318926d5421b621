// Match sets (query/match/match_sets.h) against Xapian's own matcher: every operator
// our queries use, random query trees over the fixture's terms, and a set as a
// posting source (ranker_test.cc covers kept sets on a larger catalog); and
// column-sorted pages
// (query/rank/column_sort.h) against Xapian's sort by value.
#include "query/match/match_sets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "catalog/index_schema.h"
#include "query/facets/facet_columns.h"
#include "query/match/filters.h"
#include "query/rank/column_sort.h"
#include "tests/query/query_testing.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;
using ::testing::ElementsAreArray;

std::vector<Xapian::docid> XapianMatches(const Xapian::Database& database,
                                         const Xapian::Query& query) {
  Xapian::Enquire enquire(database);
  enquire.set_weighting_scheme(Xapian::BoolWeight());
  enquire.set_query(query);
  const Xapian::MSet matches = enquire.get_mset(0, database.get_doccount());
  std::vector<Xapian::docid> ids(matches.begin(), matches.end());
  std::sort(ids.begin(), ids.end());
  return ids;
}

Xapian::Query Phrase(const std::string& first, const std::string& second) {
  const Xapian::Query words[] = {Xapian::Query(first), Xapian::Query(second)};
  return Xapian::Query(Xapian::Query::OP_PHRASE, std::begin(words), std::end(words), 2);
}

std::vector<Xapian::docid> Docids(const std::vector<StyleHit>& hits) {
  std::vector<Xapian::docid> ids;
  for (const StyleHit& hit : hits) ids.push_back(hit.docid);
  return ids;
}

std::vector<Xapian::docid> Members(const DocSet& set) {
  std::vector<Xapian::docid> ids;
  set.ForEach([&](Xapian::docid id) { ids.push_back(id); });
  return ids;
}

class MatchSetsTest : public FixtureCatalogTest {
 protected:
  void SetUp() override {
    FixtureCatalogTest::SetUp();
    database_ = Xapian::Database(index_->xapian_path());
  }
  void ExpectSameMatches(const Xapian::Query& query) {
    MatchSets sets(database_);
    EXPECT_THAT(Members(sets.Of(query)), ElementsAreArray(XapianMatches(database_, query)))
        << query.get_description();
    // Again, from the kept leaves.
    EXPECT_THAT(Members(sets.Of(query)), ElementsAreArray(XapianMatches(database_, query)))
        << query.get_description();
  }
  std::string TermOf(std::string_view field, std::string_view word) {
    return std::string(schema::TextFieldNamed(field).prefix) + std::string(word);
  }
  Xapian::Database database_;
};

TEST_F(MatchSetsTest, EveryOperatorMatchesAsXapianDoes) {
  const Xapian::Query jeans(TermOf("title", "jean"));
  const Xapian::Query men(TermOf("gender", "men"));
  const Xapian::Query blue(TermOf("title", "blue"));
  const Xapian::Query fixed((new Xapian::FixedWeightPostingSource(50))->release());
  ASSERT_GT(database_.get_termfreq(jeans.get_terms_begin().operator*()), 0u);
  for (const Xapian::Query& query : {
           jeans,
           Xapian::Query::MatchAll,
           Xapian::Query::MatchNothing,
           Xapian::Query(Xapian::Query::OP_AND, jeans, men),
           Xapian::Query(Xapian::Query::OP_OR, jeans, blue),
           Xapian::Query(Xapian::Query::OP_AND_NOT, blue, men),
           Xapian::Query(Xapian::Query::OP_AND_MAYBE, blue, men),
           Xapian::Query(Xapian::Query::OP_FILTER, fixed, men),
           Xapian::Query(Xapian::Query::OP_XOR, blue, men),
           Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, blue, 0.5),
           Xapian::Query(Xapian::Query::OP_SYNONYM, jeans, blue),
           Xapian::Query(Xapian::Query::OP_MAX, jeans, men),
           Xapian::Query(Xapian::Query::OP_WILDCARD, TermOf("title", "b"), 20,
                         Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT),
           Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotPrice,
                         Xapian::sortable_serialise(1000), Xapian::sortable_serialise(3000)),
           Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotPrice,
                         Xapian::sortable_serialise(2000)),
           Phrase(TermOf("title", "navi"), TermOf("title", "blue")),
       }) {
    ExpectSameMatches(query);
  }
}

TEST_F(MatchSetsTest, RandomQueryTreesMatchAsXapianDoes) {
  std::vector<Xapian::Query> leaves = {Xapian::Query::MatchAll, Xapian::Query::MatchNothing};
  for (Xapian::TermIterator it = database_.allterms_begin(); it != database_.allterms_end(); ++it) {
    leaves.emplace_back(*it);
  }
  leaves.emplace_back(Xapian::Query::OP_VALUE_LE, schema::kSlotPrice,
                      Xapian::sortable_serialise(2500));
  leaves.emplace_back(Xapian::Query::OP_WILDCARD, TermOf("title", "s"), 3,
                      Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  ASSERT_GT(leaves.size(), 50u);
  std::mt19937 random(20261125);
  const Xapian::Query::op ops[] = {Xapian::Query::OP_AND,     Xapian::Query::OP_OR,
                                   Xapian::Query::OP_AND_NOT, Xapian::Query::OP_AND_MAYBE,
                                   Xapian::Query::OP_FILTER,  Xapian::Query::OP_XOR,
                                   Xapian::Query::OP_SYNONYM};
  std::function<Xapian::Query(int)> tree = [&](int depth) -> Xapian::Query {
    if (depth == 0 || random() % 4 == 0) return leaves[random() % leaves.size()];
    if (random() % 6 == 0) {
      return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, tree(depth - 1), 2.0);
    }
    std::vector<Xapian::Query> subqueries;
    for (size_t i = 0, n = 2 + random() % 3; i < n; ++i) subqueries.push_back(tree(depth - 1));
    return Xapian::Query(ops[random() % std::size(ops)], subqueries.begin(), subqueries.end());
  };
  MatchSets sets(database_);
  for (int i = 0; i < 400; ++i) {
    const Xapian::Query query = tree(3);
    ASSERT_THAT(Members(sets.Of(query)), ElementsAreArray(XapianMatches(database_, query)))
        << query.get_description();
  }
  // Trees of parts whose sets are remembered (evaluated before in this
  // search), which combine from where they are kept.
  std::vector<Xapian::Query> parts;
  for (int i = 0; i < 40; ++i) {
    parts.push_back(tree(2));
    sets.Of(parts.back());
  }
  parts.push_back(Xapian::Query::MatchAll);
  for (int i = 0; i < 200; ++i) {
    std::vector<Xapian::Query> subqueries;
    for (size_t k = 0, n = 2 + random() % 3; k < n; ++k) {
      subqueries.push_back(random() % 4 == 0 ? tree(1) : parts[random() % parts.size()]);
    }
    const Xapian::Query query(ops[random() % std::size(ops)], subqueries.begin(), subqueries.end());
    ASSERT_THAT(Members(sets.Of(query)), ElementsAreArray(XapianMatches(database_, query)))
        << query.get_description();
  }
}

TEST(MatchSets, APartsKeptSetOutlivesTheKeepingOfTheNext) {
  // Terms of enough documents to have their sets kept, and room for one: a
  // composite whose first part's set is kept reads it after making the
  // second's, whose keeping would forget the first's (under ASan, a use after
  // free), unless the first is held while the second is made.
  Xapian::WritableDatabase database(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const std::vector<std::pair<std::string, Xapian::docid>> terms = {
      {"Sa", 2}, {"Sb", 3}, {"Sc", 5}};
  for (Xapian::docid id = 1; id <= 3000; ++id) {
    Xapian::Document document;
    for (const auto& [term, every] : terms) {
      if (id % every == 0) document.add_term(term);
    }
    database.add_document(document);
  }
  database.commit();
  ASSERT_GE(database.get_termfreq("Sc"), MatchSets::kCacheFrom);
  MatchSets sets(database, DocSet(database.get_lastdocid() + 1).bytes());
  for (const Xapian::Query::op op : {Xapian::Query::OP_AND, Xapian::Query::OP_OR,
                                     Xapian::Query::OP_AND_NOT, Xapian::Query::OP_XOR}) {
    for (size_t first = 0; first < terms.size(); ++first) {
      const Xapian::Query query(op, Xapian::Query(terms[first].first),
                                Xapian::Query(terms[(first + 1) % terms.size()].first));
      sets.Of(Xapian::Query(terms[first].first));  // kept, and the only one
      ASSERT_EQ(sets.kept(), 1u);
      ASSERT_THAT(Members(sets.Of(query)), ElementsAreArray(XapianMatches(database, query)))
          << query.get_description();
      sets.NewSearch();
    }
  }
  EXPECT_EQ(sets.kept(), 1u);  // the pass over the bound lasted the composite only
}

TEST_F(MatchSetsTest, FiltersOfARequestMatchAsXapianDoes) {
  SearchRequest request;
  request.filters["gender"] = {"Men", "Unisex"};
  request.filters["color"] = {"Blue", "Navy Blue"};
  request.ranges["price"] = {.gte = 500, .lte = std::nullopt};
  const std::optional<Xapian::Query> filter = FilterQuery(request);
  ASSERT_TRUE(filter.has_value());
  ExpectSameMatches(*filter);
  MatchSets sets(database_);
  EXPECT_GT(sets.Of(*filter).Count(), 0u);
}

TEST_F(MatchSetsTest, DocSetOperationsAndNext) {
  DocSet a(200), b(200);
  for (Xapian::docid id : {1u, 5u, 64u, 130u, 199u}) a.Add(id);
  for (Xapian::docid id : {5u, 64u, 65u}) b.Add(id);
  EXPECT_EQ(a.Count(), 5u);
  EXPECT_TRUE(a.Contains(130));
  EXPECT_FALSE(a.Contains(131));
  EXPECT_FALSE(a.Contains(5000));  // beyond the set
  EXPECT_EQ(a.Next(0), 1u);
  EXPECT_EQ(a.Next(6), 64u);
  EXPECT_EQ(a.Next(65), 130u);
  EXPECT_EQ(a.Next(200), 0u);
  DocSet both = a;
  both &= b;
  EXPECT_THAT(Members(both), ::testing::ElementsAre(5u, 64u));
  DocSet either = a;
  either |= b;
  EXPECT_EQ(either.Count(), 6u);
  DocSet only_a = a;
  only_a.Subtract(b);
  EXPECT_THAT(Members(only_a), ::testing::ElementsAre(1u, 130u, 199u));
  DocSet odd = a;
  odd ^= b;
  EXPECT_THAT(Members(odd), ::testing::ElementsAre(1u, 65u, 130u, 199u));
  // The same made in one pass.
  EXPECT_THAT(Members(DocSet::Intersection(a, b)), ElementsAreArray(Members(both)));
  EXPECT_THAT(Members(DocSet::Union(a, b)), ElementsAreArray(Members(either)));
  EXPECT_THAT(Members(DocSet::Difference(a, b)), ElementsAreArray(Members(only_a)));
  EXPECT_TRUE(DocSet(200).empty());
}

TEST(DocSet, BlocksHoldEveryDocumentInOrderWhateverTheDensity) {
  std::mt19937 random(7);
  // Sparse to full words, over several blocks, and a set with nothing.
  for (const double density : {0.0, 0.001, 0.05, 0.3, 0.9, 1.0}) {
    DocSet set(20000);
    std::bernoulli_distribution in(density);
    for (Xapian::docid id = 0; id < 20000; ++id) {
      if (in(random)) set.Add(id);
    }
    std::vector<Xapian::docid> blocked;
    size_t largest = 0;
    set.ForEachBlock([&](std::span<const Xapian::docid> block) {
      EXPECT_FALSE(block.empty());
      largest = std::max(largest, block.size());
      blocked.insert(blocked.end(), block.begin(), block.end());
    });
    EXPECT_EQ(blocked, Members(set)) << "density " << density;
    EXPECT_LT(largest, DocSet::kBlockDocs + 64) << "density " << density;
  }
  // Words combined on the way: the documents of one set not in another.
  DocSet a(1000), b(1000);
  for (Xapian::docid id = 0; id < 1000; id += 3) a.Add(id);
  for (Xapian::docid id = 0; id < 1000; id += 2) b.Add(id);
  std::vector<Xapian::docid> only_a;
  DocSet::ForEachBlockOf(
      a.words().size(), [&](size_t k) { return a.words()[k] & ~b.words()[k]; },
      [&](std::span<const Xapian::docid> block) {
        only_a.insert(only_a.end(), block.begin(), block.end());
      });
  DocSet expected = a;
  expected.Subtract(b);
  EXPECT_EQ(only_a, Members(expected));
}

TEST_F(MatchSetsTest, ASetAsAPostingSourceFiltersAMatch) {
  MatchSets sets(database_);
  DocSet some = sets.Of(Xapian::Query(TermOf("gender", "women")));
  ASSERT_GT(some.Count(), 1u);
  DocSetSource source(some);
  const Xapian::Query query(Xapian::Query::OP_FILTER, Xapian::Query::MatchAll,
                            Xapian::Query(&source));
  EXPECT_THAT(XapianMatches(database_, query), ElementsAreArray(Members(some)));
  const DocSet none(some.bytes() * 8);
  DocSetSource empty(none);
  EXPECT_TRUE(XapianMatches(database_, Xapian::Query(&empty)).empty());
}

TEST_F(MatchSetsTest, ValueRangesReadFromTheColumnsMatchAsXapianDoes) {
  const std::shared_ptr<const FacetColumns> columns = index_->facet_columns();
  std::mt19937 random(7);
  std::uniform_real_distribution<double> price(0, 5000);
  std::vector<Xapian::Query> ranges;
  for (int i = 0; i < 40; ++i) {
    double low = price(random), high = price(random);
    if (low > high) std::swap(low, high);
    for (const Xapian::valueno slot : {schema::kSlotPrice, schema::kSlotRating}) {
      const double scale = slot == schema::kSlotRating ? 1000 : 1;
      ranges.emplace_back(Xapian::Query::OP_VALUE_RANGE, slot,
                          Xapian::sortable_serialise(low / scale),
                          Xapian::sortable_serialise(high / scale));
      ranges.emplace_back(Xapian::Query::OP_VALUE_GE, slot,
                          Xapian::sortable_serialise(low / scale));
      ranges.emplace_back(Xapian::Query::OP_VALUE_LE, slot,
                          Xapian::sortable_serialise(high / scale));
    }
  }
  // Exact bounds: a product's own price is in [price, price].
  ranges.emplace_back(Xapian::Query::OP_VALUE_RANGE, schema::kSlotPrice,
                      Xapian::sortable_serialise(columns->numbers.at(schema::kSlotPrice).at(1)),
                      Xapian::sortable_serialise(columns->numbers.at(schema::kSlotPrice).at(1)));
  size_t nonempty = 0;
  MatchSets sets(database_);
  sets.UseNumbers(&columns->numbers);
  for (const Xapian::Query& range : ranges) {
    const std::vector<Xapian::docid> expected = XapianMatches(database_, range);
    nonempty += !expected.empty();
    EXPECT_THAT(Members(sets.Of(range)), ElementsAreArray(expected)) << range.get_description();
  }
  EXPECT_GT(nonempty, ranges.size() / 2);
  // The sets come from the columns given, not from Xapian: with every price 42,
  // [40, 45] holds every product.
  std::map<Xapian::valueno, NumberColumn> numbers = columns->numbers;
  for (double& value : numbers.at(schema::kSlotPrice).by_docid) value = 42;
  MatchSets from_columns(database_);
  from_columns.UseNumbers(&numbers);
  EXPECT_EQ(from_columns
                .Of(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotPrice,
                                  Xapian::sortable_serialise(40), Xapian::sortable_serialise(45)))
                .Count(),
            database_.get_doccount());
}

TEST_F(MatchSetsTest, ColumnSortedPagesFollowXapiansSortByValue) {
  const std::shared_ptr<const FacetColumns> columns = index_->facet_columns();
  MatchSets sets(database_);
  const DocSet all = sets.All();
  for (const SortOrder sort : {SortOrder::kPriceAsc, SortOrder::kPriceDesc, SortOrder::kNewest,
                               SortOrder::kRating, SortOrder::kPopularity}) {
    Xapian::Enquire enquire(database_);
    enquire.set_query(Xapian::Query::MatchAll);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    SetSortOrder(enquire, sort);
    for (size_t first : {0u, 3u, 11u}) {
      const Xapian::MSet expected = enquire.get_mset(static_cast<Xapian::doccount>(first), 4);
      EXPECT_THAT(Docids(SortedPage(all, *columns, sort, first, 4)),
                  ElementsAreArray(std::vector<Xapian::docid>(expected.begin(), expected.end())))
          << SortOrderName(sort) << " from " << first;
    }
  }
  EXPECT_THAT(Docids(SortedPage(all, *columns, SortOrder::kRelevance, 2, 3)),
              ::testing::ElementsAre(3u, 4u, 5u));
}

}  // namespace
}  // namespace vitrine::query::internal
