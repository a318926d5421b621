// SegmentedIndex (indexer/internal/segmented_index.h): documents written as
// partial databases on several threads and joined, in groups when there are
// more than one join may open, keep the order they were added in; the spelling
// data and metadata reach the joined database; the parts are removed; and a
// part that cannot be written is an error, not a database missing documents.
#include "indexer/internal/segmented_index.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <filesystem>
#include <string>

#include "tests/testing/temp_dir.h"

namespace vitrine::indexer::internal {
namespace {

Xapian::Document Numbered(int i) {
  Xapian::Document document;
  document.set_data("d" + std::to_string(i));
  document.add_term("Tall");
  document.add_term("Tmod3-" + std::to_string(i % 3), static_cast<Xapian::termcount>(i));
  document.add_value(0, std::to_string(i));
  return document;
}

Xapian::doccount SpellingFrequency(const Xapian::Database& db, const std::string& word) {
  Xapian::TermIterator it = db.spellings_begin();
  it.skip_to(word);
  return it != db.spellings_end() && *it == word ? it.get_termfreq() : 0;
}

TEST(SegmentedIndex, KeepsTheOrderOfAddAcrossPartsAndGroupsOfParts) {
  for (const size_t fan_in : {0, 2, 3}) {  // 0: from the open-file limit (one join)
    SCOPED_TRACE(fan_in);
    testing::TempDir dir;
    const std::string path = dir.Sub("xapian");
    {
      // 20 documents in parts of 3: 6 full parts and a last one of 2.
      SegmentedIndex index(path, {.writers = 2, .segment_documents = 3, .join_fan_in = fan_in});
      for (int i = 1; i <= 20; ++i) ASSERT_TRUE(index.Add(Numbered(i)).ok()) << i;
      index.AddSpelling("shirt", 7);
      index.SetMetadata("key", "value");
      const absl::Status finished = index.Finish();
      ASSERT_TRUE(finished.ok()) << finished;
    }
    EXPECT_FALSE(std::filesystem::exists(path + ".parts"));
    const Xapian::Database db(path);
    ASSERT_EQ(db.get_doccount(), 20u);
    EXPECT_EQ(db.get_lastdocid(), 20u);
    for (Xapian::docid id = 1; id <= 20; ++id) {
      const Xapian::Document document = db.get_document(id);
      EXPECT_EQ(document.get_data(), "d" + std::to_string(id));
      EXPECT_EQ(document.get_value(0), std::to_string(id));
    }
    EXPECT_EQ(db.get_termfreq("Tall"), 20u);
    EXPECT_EQ(db.get_termfreq("Tmod3-0"), 6u);
    EXPECT_EQ(db.get_collection_freq("Tmod3-0"), 3u + 6 + 9 + 12 + 15 + 18);
    EXPECT_EQ(SpellingFrequency(db, "shirt"), 7u);
    EXPECT_EQ(db.get_metadata("key"), "value");
  }
}

TEST(SegmentedIndex, NoDocumentsGiveAnEmptyDatabaseWithItsSpellingAndMetadata) {
  testing::TempDir dir;
  const std::string path = dir.Sub("xapian");
  SegmentedIndex index(path, {.writers = 2, .segment_documents = 4});
  index.AddSpelling("kurta", 2);
  index.SetMetadata("key", "value");
  ASSERT_TRUE(index.Finish().ok());
  const Xapian::Database db(path);
  EXPECT_EQ(db.get_doccount(), 0u);
  EXPECT_EQ(SpellingFrequency(db, "kurta"), 2u);
  EXPECT_EQ(db.get_metadata("key"), "value");
}

TEST(SegmentedIndex, APartThatCannotBeWrittenIsAnError) {
  testing::TempDir dir;
  const std::string path = dir.Sub("xapian");
  dir.WriteFile("xapian.parts", "a file where the parts would go");
  SegmentedIndex index(path, {.writers = 1, .segment_documents = 2});
  absl::Status status = index.Add(Numbered(1));
  ASSERT_TRUE(status.ok());
  status = index.Add(Numbered(2));  // the first part starts
  if (status.ok()) status = index.Finish();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("xapian.parts"), std::string::npos) << status;
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace vitrine::indexer::internal
