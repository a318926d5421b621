// Specification of Reindex's determinism: the same feed always gives the same
// document ids, terms, values and snapshot bytes, however many threads analyse
// it and however many partial databases it is written in, and rejected records
// are reported in feed order across chunk boundaries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/product_store.h"
#include "indexer/reindex.h"
#include "tests/indexer/reindex_testing.h"

namespace vitrine::indexer {
namespace {

using ::testing::ElementsAre;

// Everything observable about one document.
struct TermDump {
  Xapian::termcount wdf = 0;
  std::vector<Xapian::termpos> positions;
  friend bool operator==(const TermDump&, const TermDump&) = default;
};
struct DocumentDump {
  std::string data;
  std::map<std::string, TermDump> terms;
  std::map<Xapian::valueno, std::string> values;
  friend bool operator==(const DocumentDump&, const DocumentDump&) = default;
};

// Every document of the database at `path`, by docid from 1.
std::vector<DocumentDump> DumpIndex(const std::string& path) {
  const Xapian::Database db(path);
  std::vector<DocumentDump> dump;
  for (Xapian::docid id = 1; id <= db.get_lastdocid(); ++id) {
    const Xapian::Document doc = db.get_document(id);
    DocumentDump& out = dump.emplace_back();
    out.data = doc.get_data();
    for (Xapian::TermIterator t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
      out.terms[*t] = {t.get_wdf(), {t.positionlist_begin(), t.positionlist_end()}};
    }
    for (Xapian::ValueIterator v = doc.values_begin(); v != doc.values_end(); ++v) {
      out.values[v.get_valueno()] = *v;
    }
  }
  return dump;
}

// The database's spelling data and user metadata.
std::map<std::string, Xapian::doccount> DumpSpelling(const std::string& path) {
  const Xapian::Database db(path);
  std::map<std::string, Xapian::doccount> spelling;
  for (Xapian::TermIterator t = db.spellings_begin(); t != db.spellings_end(); ++t) {
    spelling[*t] = t.get_termfreq();
  }
  return spelling;
}
std::map<std::string, std::string> DumpMetadata(const std::string& path) {
  const Xapian::Database db(path);
  std::map<std::string, std::string> metadata;
  for (Xapian::TermIterator t = db.metadata_keys_begin(); t != db.metadata_keys_end(); ++t) {
    metadata[*t] = db.get_metadata(*t);
  }
  return metadata;
}

std::vector<std::string> DocumentIds(const std::vector<DocumentDump>& dump) {
  std::vector<std::string> ids;
  for (const DocumentDump& doc : dump) ids.push_back(doc.data);
  return ids;
}

std::vector<std::optional<std::string>> Snapshots(const Generation& generation,
                                                  const std::vector<std::string>& ids) {
  absl::StatusOr<std::unique_ptr<catalog::ProductStore>> store =
      catalog::ProductStore::Open(generation.snapshot_path(), {});
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return {};
  return (*store)->MultiGet(ids).value_or(std::vector<std::optional<std::string>>());
}

TEST_F(ReindexTest, GivesDocumentIdsInFeedOrder) {
  ASSERT_TRUE(Reindex(Options({Feed("products.jsonl")})).ok());
  EXPECT_THAT(DocumentIds(DumpIndex(CurrentGeneration().xapian_path())),
              ElementsAre("1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009",
                          "1010", "1011", "1012"));
}

TEST_F(ReindexTest, IsDeterministicForTheSameFeed) {
  ASSERT_TRUE(Reindex(Options({Feed("products.jsonl")})).ok());
  const Generation first = CurrentGeneration();
  ASSERT_TRUE(Reindex(Options({Feed("products.jsonl")})).ok());
  const Generation second = CurrentGeneration();
  ASSERT_NE(first.id, second.id);

  const std::vector<DocumentDump> dump = DumpIndex(first.xapian_path());
  EXPECT_EQ(DumpIndex(second.xapian_path()), dump);
  const std::vector<std::string> ids = DocumentIds(dump);
  EXPECT_EQ(Snapshots(second, ids), Snapshots(first, ids));
}

TEST_F(ReindexTest, IsDeterministicAcrossChunksAndThreadCounts) {
  const std::string feed = temp_.WriteFile("large.jsonl", LargeFeed(1500, {700, 1300}));
  ReindexOptions options = Options({feed});
  options.threads = 1;
  ASSERT_TRUE(Reindex(options).ok());
  const Generation one_thread = CurrentGeneration();
  options.threads = 4;
  ASSERT_TRUE(Reindex(options).ok());
  const Generation four_threads = CurrentGeneration();

  const std::vector<DocumentDump> dump = DumpIndex(one_thread.xapian_path());
  ASSERT_EQ(dump.size(), 1498u);
  EXPECT_EQ(DumpIndex(four_threads.xapian_path()), dump);
  const std::vector<std::string> ids = DocumentIds(dump);
  EXPECT_EQ(ids[698], "p699");
  EXPECT_EQ(ids[699], "p701");  // p700 was rejected
  EXPECT_EQ(Snapshots(four_threads, ids), Snapshots(one_thread, ids));
}

TEST_F(ReindexTest, IsTheSameDatabaseHoweverManyPartialDatabasesItIsWrittenIn) {
  // 1,498 accepted products: 1 partial database, 15 of 100 (the last one not
  // full), 7 of exactly 214 (and one of no products for the spelling).
  const std::string feed = temp_.WriteFile("large.jsonl", LargeFeed(1500, {700, 1300}));
  ReindexOptions options = Options({feed});
  options.filterable_attributes = {"usage"};
  std::vector<Generation> built;
  for (const size_t segment : {100000, 100, 214}) {
    options.segment_documents = segment;
    ASSERT_TRUE(Reindex(options).ok()) << segment;
    built.push_back(CurrentGeneration());
    // The partial databases are gone.
    EXPECT_FALSE(std::filesystem::exists(built.back().xapian_path() + ".parts"));
  }
  const std::vector<DocumentDump> dump = DumpIndex(built[0].xapian_path());
  ASSERT_EQ(dump.size(), 1498u);
  const std::vector<std::string> ids = DocumentIds(dump);
  EXPECT_EQ(ids[100], "p101");  // the first product of the second of 100
  EXPECT_EQ(ids[699], "p701");
  const std::map<std::string, Xapian::doccount> spelling = DumpSpelling(built[0].xapian_path());
  EXPECT_EQ(spelling.at("shirts"), 375u);  // counted across every partial database
  const std::map<std::string, std::string> metadata = DumpMetadata(built[0].xapian_path());
  EXPECT_EQ(metadata.size(), 2u);
  for (size_t i = 1; i < built.size(); ++i) {
    const std::string path = built[i].xapian_path();
    EXPECT_EQ(DumpIndex(path), dump) << i;
    EXPECT_EQ(DumpSpelling(path), spelling) << i;
    EXPECT_EQ(DumpMetadata(path), metadata) << i;
    const Xapian::Database db(path);
    EXPECT_EQ(db.get_doccount(), 1498u);
    EXPECT_EQ(db.get_lastdocid(), 1498u);
    EXPECT_EQ(db.get_termfreq("XFCOLOR:black"), 375u);
  }
}

TEST_F(ReindexTest, ReportsRejectionsInFeedOrderAcrossChunks) {
  const std::string feed = temp_.WriteFile("large.jsonl", LargeFeed(1500, {1300, 3, 700}));
  ReindexOptions options = Options({feed});
  options.threads = 4;
  ASSERT_TRUE(Reindex(options).ok());
  EXPECT_THAT(ErrorLocations(),
              ElementsAre(Location{feed, 3, "price"}, Location{feed, 700, "price"},
                          Location{feed, 1300, "price"}));
}

}  // namespace
}  // namespace vitrine::indexer
