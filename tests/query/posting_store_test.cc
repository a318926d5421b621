// The posting lists a revision carries to the next one (PostingStore::Carried)
// are what the next revision's database holds, and the lists no change touched
// are shared rather than copied.
#include "query/match/posting_store.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <optional>
#include <string>
#include <vector>

#include "tests/query/tagged_documents.h"

namespace vitrine::query::internal {
namespace {

std::vector<std::optional<Xapian::Document>> Versions(const Xapian::Database& database,
                                                      const std::vector<Xapian::docid>& changed) {
  std::vector<std::optional<Xapian::Document>> documents;
  for (const Xapian::docid id : changed) {
    try {
      documents.emplace_back(database.get_document(id));
    } catch (const Xapian::DocNotFoundError&) {
      documents.emplace_back();
    }
  }
  return documents;
}

void ExpectAsRead(PostingStore& store, const Xapian::Database& database, const std::string& term) {
  const std::shared_ptr<const Postings> carried = store.Get(term, database);
  const Postings read = Postings::Read(database, term);
  EXPECT_EQ(carried->docids, read.docids) << term;
  EXPECT_EQ(carried->wdfs, read.wdfs) << term;
}

TEST(PostingStoreCarried, LongListsFollowTheChangedDocumentsAndUntouchedOnesAreShared) {
  Xapian::WritableDatabase database(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (Xapian::docid id = 1; id <= 3000; ++id) database.add_document(TaggedDocument(id));
  PostingStore store;
  for (const std::string term : {"Xall", "Xeven", "Xtail", "Xrare"}) store.Get(term, database);
  const std::shared_ptr<const Postings> tail = store.Get("Xtail", database);

  // Document 4 loses "Xeven" and gets "Xall" five times; 7 gains "Xeven" and
  // "Xnew"; 10 is deleted; 3001 is new; 8 is written again as it was (and
  // named twice).
  Xapian::Document four;
  four.add_term("Xall", 5);
  database.replace_document(4, four);
  Xapian::Document seven = TaggedDocument(7);
  seven.add_term("Xeven");
  seven.add_term("Xnew");
  database.replace_document(7, seven);
  database.delete_document(10);
  const Xapian::docid added = database.add_document(TaggedDocument(3001));
  database.replace_document(8, TaggedDocument(8));
  const std::vector<Xapian::docid> changed = {8, 4, 7, 10, added, 8};

  const std::shared_ptr<PostingStore> next = store.Carried(changed, Versions(database, changed));
  // Carried: the long lists (a short one is left to be read again).
  EXPECT_EQ(next->terms(), 3u);
  for (const std::string term : {"Xall", "Xeven", "Xtail", "Xrare", "Xnew"}) {
    ExpectAsRead(*next, database, term);
  }
  // No changed document was or is in "Xtail" but 3001: a new list. Then a
  // change outside it leaves it shared.
  const std::vector<Xapian::docid> outside = {3};
  database.replace_document(3, TaggedDocument(3));
  const std::shared_ptr<PostingStore> after = next->Carried(outside, Versions(database, outside));
  EXPECT_EQ(after->Get("Xtail", database), next->Get("Xtail", database));
  EXPECT_NE(next->Get("Xtail", database), tail);
  ExpectAsRead(*after, database, "Xall");

  // A bulk update (enough changed documents that each list is walked rather
  // than searched): 200 rewritten, those from 200 on without "Xeven".
  std::vector<Xapian::docid> bulk;
  for (Xapian::docid id = 100; id < 300; ++id) {
    Xapian::Document doc = TaggedDocument(id);
    if (id >= 200 && id % 2 == 0) doc.remove_term("Xeven");
    database.replace_document(id, doc);
    bulk.push_back(id);
  }
  const std::shared_ptr<PostingStore> bulked = after->Carried(bulk, Versions(database, bulk));
  for (const std::string term : {"Xall", "Xeven", "Xtail"}) ExpectAsRead(*bulked, database, term);
  EXPECT_EQ(bulked->Get("Xall", database), after->Get("Xall", database)) << "as it was";
  EXPECT_NE(bulked->Get("Xeven", database), after->Get("Xeven", database));
}

}  // namespace
}  // namespace vitrine::query::internal
