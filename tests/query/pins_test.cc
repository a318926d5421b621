// Pins across pages, on the 12-product fixture: a pinned product lands on the
// page of its position, and organic hits shift across page boundaries so that
// paging through every page shows each product exactly once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/strings.h"
#include "merch/rule_set.h"
#include "tests/query/query_testing.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class PinsTest : public FixtureCatalogTest {
 protected:
  // Page `page` of `per_page` for `request` with one rule pinning `pins_json`.
  SearchResponse Page(SearchRequest request, int page, int per_page, std::string_view pins_json) {
    request.page = page;
    request.per_page = per_page;
    request.rules = merch::RuleSet::Build(
        {merch::ParseRule(StrCat(R"({"id": "p", "consequences": {"pin": )", pins_json, "}}"))
             .value()});
    absl::StatusOr<SearchResponse> response = searcher_->Search(request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? *std::move(response) : SearchResponse();
  }
};

// Browse order without pins: 1001, 1002, ..., 1012.
constexpr std::string_view kBrowsePins =
    R"([{"id": "1012", "position": 2}, {"id": "1001", "position": 5},
        {"id": "1008", "position": 7}, {"id": "1006", "position": 30}])";

TEST_F(PinsTest, PagesOfABrowseShiftOrganicHitsAroundPins) {
  EXPECT_THAT(Ids(Page({.q = ""}, 1, 3, kBrowsePins)), ElementsAre("1002", "1012", "1003"));
  EXPECT_THAT(Ids(Page({.q = ""}, 2, 3, kBrowsePins)), ElementsAre("1004", "1001", "1005"));
  EXPECT_THAT(Ids(Page({.q = ""}, 3, 3, kBrowsePins)), ElementsAre("1008", "1007", "1009"));
  // A pin past the end closes up behind the last organic hit.
  const SearchResponse last = Page({.q = ""}, 4, 3, kBrowsePins);
  EXPECT_THAT(Ids(last), ElementsAre("1010", "1011", "1006"));
  EXPECT_EQ(last.total, 12u);
  EXPECT_THAT(Ids(Page({.q = ""}, 5, 3, kBrowsePins)), IsEmpty());
}

TEST_F(PinsTest, EveryPageSizeShowsEachProductOnce) {
  const std::vector<std::string> whole = Ids(Page({.q = ""}, 1, 12, kBrowsePins));
  EXPECT_THAT(whole, ElementsAre("1002", "1012", "1003", "1004", "1001", "1005", "1008", "1007",
                                 "1009", "1010", "1011", "1006"));
  for (int per_page : {1, 2, 4, 5, 7}) {
    std::vector<std::string> paged;
    for (int page = 1; (page - 1) * per_page < 12; ++page) {
      const SearchResponse response = Page({.q = ""}, page, per_page, kBrowsePins);
      EXPECT_EQ(response.total, 12u);
      for (const std::string& id : Ids(response)) paged.push_back(id);
    }
    EXPECT_EQ(paged, whole) << "per_page " << per_page;
  }
}

TEST_F(PinsTest, AnUnmatchedPinOnPageTwoPushesTheNextHitToPageThree) {
  constexpr std::string_view kPins = R"([{"id": "1006", "position": 2}])";
  EXPECT_THAT(Ids(Page({.q = "jeans"}, 1, 1, kPins)), ElementsAre("1002"));
  EXPECT_THAT(Ids(Page({.q = "jeans"}, 2, 1, kPins)), ElementsAre("1006"));
  const SearchResponse third = Page({.q = "jeans"}, 3, 1, kPins);
  EXPECT_THAT(Ids(third), ElementsAre("1011"));
  EXPECT_EQ(third.total, 3u);
  EXPECT_THAT(Ids(Page({.q = "jeans"}, 4, 1, kPins)), IsEmpty());
}

TEST_F(PinsTest, AMatchedProductPinnedLaterLeavesItsOrganicPlace) {
  // 1002 ranks first for jeans; pinned to position 2 it swaps with 1011.
  constexpr std::string_view kPins = R"([{"id": "1002", "position": 2}])";
  EXPECT_THAT(Ids(Page({.q = "jeans"}, 1, 1, kPins)), ElementsAre("1011"));
  EXPECT_THAT(Ids(Page({.q = "jeans"}, 2, 1, kPins)), ElementsAre("1002"));
  EXPECT_THAT(Ids(Page({.q = "jeans"}, 3, 1, kPins)), IsEmpty());
  EXPECT_EQ(Page({.q = "jeans"}, 1, 1, kPins).total, 2u);
}

TEST_F(PinsTest, PinsTheFiltersExcludeTakeNoPlace) {
  // Women only: 1002, 1004, 1006, 1008, 1012; the men's 1001 is not shown.
  constexpr std::string_view kPins =
      R"([{"id": "1001", "position": 1}, {"id": "1012", "position": 2}])";
  SearchRequest women{.q = "", .filters = {{"gender", {"Women"}}}};
  EXPECT_THAT(Ids(Page(women, 1, 2, kPins)), ElementsAre("1002", "1012"));
  EXPECT_THAT(Ids(Page(women, 2, 2, kPins)), ElementsAre("1004", "1006"));
  EXPECT_THAT(Ids(Page(women, 3, 2, kPins)), ElementsAre("1008"));
}

}  // namespace
}  // namespace vitrine::query
