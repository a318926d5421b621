// Specification of supplemental feeds in a reindex: partial records merged by id
// into the primary feeds' products, into a real index and snapshot store.
#include "indexer/supplemental_feed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog/index_schema.h"
#include "catalog/product_store.h"
#include "indexer/reindex.h"
#include "tests/indexer/feed_testing.h"
#include "tests/indexer/reindex_testing.h"

namespace vitrine::indexer {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Json = nlohmann::json;

class SupplementalFeedTest : public ReindexTest {
 protected:
  // Reindexes products.jsonl (12 products) with `supplemental` as the supplemental feeds.
  absl::StatusOr<ReindexSummary> ReindexWith(std::vector<std::string> supplemental) {
    ReindexOptions options = Options({Feed("products.jsonl")});
    options.supplemental_feeds = std::move(supplemental);
    return Reindex(options);
  }

  Json Snapshot(const std::string& id) const {
    absl::StatusOr<std::unique_ptr<catalog::ProductStore>> store =
        catalog::ProductStore::Open(CurrentGeneration().snapshot_path(), {});
    EXPECT_TRUE(store.ok()) << store.status();
    if (!store.ok()) return Json();
    const absl::StatusOr<std::string> snapshot = (*store)->Get(id);
    EXPECT_TRUE(snapshot.ok()) << snapshot.status();
    return snapshot.ok() ? Json::parse(*snapshot) : Json();
  }

  Xapian::doccount DocumentCount() const {
    return Xapian::Database(CurrentGeneration().xapian_path()).get_doccount();
  }
};

TEST_F(SupplementalFeedTest, AddsAndReplacesFieldsOfTheProductWithItsId) {
  const std::string overlay = temp_.WriteFile(
      "overlay.jsonl", R"({"id": "1001", "size_stock": {"S": 0, "M": 4, "L": 0}, "rating": 4.6, )"
                       R"("material": "Cotton", "attributes": {"demo_inventory": "synthetic"}})"
                       "\n");
  const absl::StatusOr<ReindexSummary> summary = ReindexWith({overlay});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->accepted, 12u);
  EXPECT_EQ(summary->rejected, 0u);
  EXPECT_EQ(summary->supplemented, 1u);
  const Json shirt = Snapshot("1001");
  EXPECT_EQ(shirt.at("title"), "Turtle Check Men Navy Blue Shirt");         // kept from the feed
  EXPECT_EQ(shirt.at("size_stock"), Json({{"S", 0}, {"M", 4}, {"L", 0}}));  // added
  EXPECT_EQ(shirt.at("sizes"), Json::array({"M"}));  // replaced: the sizes in stock
  EXPECT_EQ(shirt.at("stock"), 4);                   // their units
  EXPECT_EQ(shirt.at("rating"), 4.6);
  EXPECT_EQ(shirt.at("attributes"),
            Json({{"demo_inventory", "synthetic"}, {"usage", "Casual"}}));  // merged key by key
  EXPECT_FALSE(Snapshot("1002").contains("stock"));                         // others untouched
}

TEST_F(SupplementalFeedTest, IndexesTheMergedProductForFiltersAndSorts) {
  const std::string overlay = temp_.WriteFile(
      "overlay.jsonl", R"({"id": "1004", "sizes": ["XL"], "in_stock": true, "rating": 2.5})"
                       "\n");
  ASSERT_TRUE(ReindexWith({overlay}).ok());
  const Xapian::Database database(CurrentGeneration().xapian_path());
  Xapian::PostingIterator size =
      database.postlist_begin(std::string(catalog::schema::kSizePrefix) + "xl");
  ASSERT_NE(size, database.postlist_end(std::string(catalog::schema::kSizePrefix) + "xl"));
  const Xapian::Document tee = database.get_document(*size);
  EXPECT_EQ(tee.get_value(catalog::schema::kSlotInStock), "1");
  EXPECT_EQ(Xapian::sortable_unserialise(tee.get_value(catalog::schema::kSlotRating)), 2.5);
}

TEST_F(SupplementalFeedTest, NullRemovesAFieldOrAnAttribute) {
  const std::string overlay = temp_.WriteFile(
      "overlay.jsonl", R"({"id": "1001", "popularity": null, "attributes": {"usage": null}})"
                       "\n");
  ASSERT_TRUE(ReindexWith({overlay}).ok());
  const Json shirt = Snapshot("1001");
  EXPECT_FALSE(shirt.contains("popularity"));
  EXPECT_FALSE(shirt.contains("attributes"));
}

TEST_F(SupplementalFeedTest, AnIdNoFeedHasIsReportedAndCountedNotIndexed) {
  const std::string overlay =
      temp_.WriteFile("overlay.jsonl",
                      "{\"id\": \"1001\", \"stock\": 1}\n{\"id\": \"9999\", \"title\": \"New\"}\n");
  const absl::StatusOr<ReindexSummary> summary = ReindexWith({overlay});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->accepted, 12u);
  EXPECT_EQ(summary->rejected, 1u);
  EXPECT_EQ(DocumentCount(), 12u);
  EXPECT_THAT(ErrorLocations(), ElementsAre(Location{overlay, 2, "id"}));
  EXPECT_EQ(errors_[0].reason, "no product with id '9999' in the primary feeds");
}

TEST_F(SupplementalFeedTest, AMalformedLineIsReportedWithFileAndLineAndTheRestApplies) {
  const std::string overlay = temp_.WriteFile("overlay.jsonl",
                                              "{\"id\": \"1001\", \"stock\": 1\n"
                                              "\n"
                                              "[\"1002\"]\n"
                                              "{\"stock\": 3}\n"
                                              "{\"id\": \"1003\", \"stock\": 2}\n");
  const absl::StatusOr<ReindexSummary> summary = ReindexWith({overlay});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->rejected, 3u);
  EXPECT_EQ(summary->supplemented, 1u);
  EXPECT_THAT(ErrorLocations(), ElementsAre(Location{overlay, 1, ""}, Location{overlay, 3, ""},
                                            Location{overlay, 4, "id"}));
  EXPECT_THAT(errors_[0].reason, HasSubstr("malformed JSON"));
  EXPECT_EQ(errors_[1].reason, "a supplemental record must be a JSON object, got array");
  EXPECT_EQ(errors_[2].reason, "id is required");
  EXPECT_EQ(Snapshot("1003").at("stock"), 2);
}

TEST_F(SupplementalFeedTest, ARecordThatMakesAProductInvalidIsBlamedAndTheProductRejected) {
  const std::string overlay = temp_.WriteFile("overlay.jsonl",
                                              "{\"id\": \"1001\", \"stock\": 1}\n"
                                              "{\"id\": \"1002\", \"rating\": 9}\n");
  const absl::StatusOr<ReindexSummary> summary = ReindexWith({overlay});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->accepted, 11u);
  EXPECT_EQ(summary->rejected, 1u);
  EXPECT_THAT(ErrorLocations(), ElementsAre(Location{overlay, 2, "rating"}));
  EXPECT_EQ(errors_[0].reason, "rating must be between 0 and 5");
}

TEST_F(SupplementalFeedTest, SeveralFeedsApplyInTheirOrder) {
  const std::string first =
      temp_.WriteFile("first.jsonl", R"({"id": "1001", "stock": 1, "material": "Cotton"})"
                                     "\n");
  const std::string second = temp_.Sub("second.jsonl.gz");
  WriteGzip(second, R"({"id": "1001", "stock": 5})"
                    "\n");
  const absl::StatusOr<ReindexSummary> summary = ReindexWith({first, second});
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->supplemented, 1u);
  EXPECT_EQ(Snapshot("1001").at("stock"), 5);
  EXPECT_EQ(Snapshot("1001").at("material"), "Cotton");
}

TEST_F(SupplementalFeedTest, AnIdTwiceInOneFeedIsAnError) {
  const std::string overlay = temp_.WriteFile("overlay.jsonl",
                                              "{\"id\": \"1001\", \"stock\": 1}\n"
                                              "{\"id\": 1001, \"stock\": 2}\n");
  ASSERT_TRUE(ReindexWith({overlay}).ok());
  EXPECT_THAT(ErrorLocations(), ElementsAre(Location{overlay, 2, "id"}));
  EXPECT_THAT(errors_[0].reason, HasSubstr("duplicate id '1001' (first seen at"));
  EXPECT_EQ(Snapshot("1001").at("stock"), 1);
}

TEST_F(SupplementalFeedTest, ItsRejectionsCountTowardsMaxErrors) {
  const std::string overlay =
      temp_.WriteFile("overlay.jsonl", "{\"id\": \"a\"}\n{\"id\": \"b\"}\n");
  ReindexOptions options = Options({Feed("products.jsonl")});
  options.supplemental_feeds = {overlay};
  options.max_errors = 1;
  const absl::StatusOr<ReindexSummary> summary = Reindex(options);
  EXPECT_TRUE(absl::IsAborted(summary.status())) << summary.status();
  EXPECT_EQ(CurrentStatus().code(), absl::StatusCode::kNotFound);  // nothing became current
}

TEST_F(SupplementalFeedTest, ACsvSupplementalFeedOrAMissingFileFailsTheReindex) {
  const std::string csv = temp_.WriteFile("overlay.csv", "id,stock\n1001,1\n");
  EXPECT_THAT(ReindexWith({csv}).status().message(), HasSubstr("JSON Lines, not CSV"));
  EXPECT_FALSE(ReindexWith({temp_.Sub("absent.jsonl")}).ok());
}

TEST_F(SupplementalFeedTest, TheManifestNamesTheSupplementalFeeds) {
  const std::string overlay = temp_.WriteFile("overlay.jsonl", "{\"id\": \"1001\"}\n");
  ASSERT_TRUE(ReindexWith({overlay}).ok());
  const Json manifest = Json::parse(testing::ReadFile(CurrentGeneration().manifest_path()));
  EXPECT_EQ(manifest.at("supplemental_feeds"), Json::array({overlay}));
  EXPECT_THAT(errors_, IsEmpty());
}

}  // namespace
}  // namespace vitrine::indexer
