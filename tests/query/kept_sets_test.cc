// The leaf sets a revision keeps for all its searchers (KeptSets): searchers
// read each other's sets, a set a search holds outlives its eviction, the
// bound holds, and the next revision carries the sets of the lists a write
// batch left as they were.
#include "query/match/kept_sets.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "query/match/match_sets.h"
#include "tests/query/tagged_documents.h"

namespace vitrine::query::internal {
namespace {

class KeptSetsTest : public ::testing::Test {
 protected:
  KeptSetsTest() : database_(std::string(), Xapian::DB_BACKEND_INMEMORY) {
    for (Xapian::docid id = 1; id <= 3000; ++id) database_.add_document(TaggedDocument(id));
  }
  size_t size() const { return static_cast<size_t>(database_.get_lastdocid()) + 1; }
  // `term`'s set as a searcher of its own makes it.
  DocSet Fresh(const std::string& term) const {
    MatchSets fresh(database_);
    return fresh.Of(Xapian::Query(term));
  }
  static bool Same(DocSet a, const DocSet& b) { return (a ^= b).empty(); }

  Xapian::WritableDatabase database_;
};

TEST_F(KeptSetsTest, SearchersOfARevisionReadTheSetsAnotherMade) {
  PostingStore store;
  KeptSets kept(KeptSets::DefaultBytes(size()));
  MatchSets first(database_);
  MatchSets second(database_);
  for (MatchSets* sets : {&first, &second}) {
    sets->UseStore(&store);
    sets->UseKept(&kept);
  }
  first.Of(Xapian::Query("Xeven"));
  ASSERT_EQ(kept.size(), 1u);
  const std::shared_ptr<const DocSet> made = kept.Find("TXeven");
  DocSet scratch;
  const DocSet& read = second.Ref(Xapian::Query("Xeven"), scratch);
  EXPECT_EQ(&read, made.get()) << "read where the first searcher kept it";
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_TRUE(Same(read, Fresh("Xeven")));
}

TEST_F(KeptSetsTest, ASetASearchReadsOutlivesItsEviction) {
  // Room for one set, which another searcher's keeping takes while this
  // search still reads it (under ASan, a use after free if it were not held).
  KeptSets kept(DocSet::BytesOf(size()));
  MatchSets reader(database_);
  MatchSets other(database_);
  reader.UseKept(&kept);
  other.UseKept(&kept);
  DocSet scratch;
  const DocSet& even = reader.Ref(Xapian::Query("Xeven"), scratch);
  other.Of(Xapian::Query("Xtail"));
  EXPECT_EQ(kept.Find("TXeven"), nullptr) << "evicted";
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_TRUE(Same(even, Fresh("Xeven")));
  EXPECT_EQ(even.Count(), 1500u);
  reader.NewSearch();  // lets go of it
}

TEST_F(KeptSetsTest, SearchersOnThreadsShareABoundedStore) {
  // Two searchers on threads of their own, a store with room for two of the
  // four sets they ask for: each set they read is right, and the bound holds.
  // (Run under TSan and ASan by scripts/test.sh.) The lists are read before
  // the threads start, so that they do not share the in-memory database.
  const std::vector<std::string> terms = {"Xall", "Xeven", "Xtail", "Xthird"};
  PostingStore store;
  std::vector<uint64_t> counts;
  for (const std::string& term : terms) {
    counts.push_back(store.Get(term, database_)->docids.size());
  }
  KeptSets kept(2 * DocSet::BytesOf(size()));
  std::vector<std::unique_ptr<MatchSets>> searchers;
  for (int t = 0; t < 2; ++t) searchers.push_back(std::make_unique<MatchSets>(database_));
  std::vector<int> wrong(2, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      MatchSets& sets = *searchers[t];
      for (size_t round = 0; round < 200; ++round) {
        sets.NewSearch();
        sets.UseStore(&store);
        sets.UseKept(&kept);
        const size_t i = (round + t) % terms.size();
        const size_t j = (round * 3 + t + 1) % terms.size();
        DocSet scratch;
        const DocSet& a = sets.Ref(Xapian::Query(terms[i]), scratch);
        const DocSet& b = sets.Ref(Xapian::Query(terms[j]), scratch);
        wrong[t] += a.Count() != counts[i];
        wrong[t] += b.Count() != counts[j];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(2, 0));
  EXPECT_LE(kept.bytes(), 2 * DocSet::BytesOf(size()));
}

TEST_F(KeptSetsTest, TheNextRevisionCarriesTheSetsOfListsLeftAsTheyWere) {
  PostingStore store;
  KeptSets kept(KeptSets::DefaultBytes(size()));
  MatchSets sets(database_);
  sets.UseStore(&store);
  sets.UseKept(&kept);
  for (const std::string term : {"Xall", "Xeven", "Xtail"}) sets.Of(Xapian::Query(term));
  ASSERT_EQ(kept.size(), 3u);

  // Document 4 loses "Xeven" and keeps "Xall" as it was; it was never in "Xtail".
  Xapian::Document four = TaggedDocument(4);
  four.remove_term("Xeven");
  database_.replace_document(4, four);
  std::vector<Xapian::docid> changed = {4};
  std::shared_ptr<PostingStore> postings = store.Carried(changed, {database_.get_document(4)});
  std::shared_ptr<KeptSets> next = kept.Carried(*postings, size());
  EXPECT_EQ(next->size(), 2u) << "the sets of Xall and Xtail are carried, Xeven's is not";
  EXPECT_EQ(next->Find("TXall"), kept.Find("TXall")) << "shared, not copied";
  MatchSets reopened(database_);
  reopened.UseStore(postings.get());
  reopened.UseKept(next.get());
  for (const std::string term : {"Xall", "Xeven", "Xtail"}) {
    EXPECT_TRUE(Same(reopened.Of(Xapian::Query(term)), Fresh(term))) << term;
  }

  // A document added with none of the terms: the carried sets grow to take
  // its docid, and still match what the database holds.
  Xapian::Document added;
  added.add_term("Xnew");
  changed = {database_.add_document(added)};
  postings = postings->Carried(changed, {database_.get_document(changed[0])});
  next = next->Carried(*postings, size());
  ASSERT_EQ(next->size(), 3u);
  ASSERT_NE(next->Find("TXtail"), nullptr);
  EXPECT_EQ(next->Find("TXtail")->bytes(), DocSet::BytesOf(size()));
  MatchSets grown(database_);
  grown.UseStore(postings.get());
  grown.UseKept(next.get());
  for (const std::string term : {"Xall", "Xeven", "Xtail"}) {
    EXPECT_TRUE(Same(grown.Of(Xapian::Query(term)), Fresh(term))) << term;
  }
}

}  // namespace
}  // namespace vitrine::query::internal
