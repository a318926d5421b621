// Specification of Suggester: search-as-you-type suggestions over the generation
// built from tests/testdata/products.jsonl (12 products) and over hand-made
// product lists: word-start matching, normalisation, ranking, mixing, limits,
// highlighting and validation.
#include "query/suggest/suggest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/status.h"
#include "base/strings.h"
#include "tests/query/query_testing.h"

namespace vitrine::query {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// "type highlight count [#id]": one line says everything a suggestion shows.
std::string Render(const Suggestion& suggestion) {
  std::string out =
      StrCat(SuggestionTypeName(suggestion.type), " ", suggestion.highlight, " ", suggestion.count);
  if (!suggestion.id.empty()) out.append(StrCat(" #", suggestion.id));
  return out;
}

std::vector<std::string> Render(const Suggester& suggester, std::string q, int limit = 10) {
  absl::StatusOr<std::vector<Suggestion>> found =
      suggester.Suggest({.q = std::move(q), .limit = limit});
  EXPECT_TRUE(found.ok()) << found.status();
  std::vector<std::string> out;
  for (const Suggestion& suggestion : found.value_or(std::vector<Suggestion>())) {
    out.push_back(Render(suggestion));
  }
  return out;
}

class SuggestTest : public FixtureCatalogTest {
 protected:
  std::vector<std::string> Suggest(std::string q, int limit = 10) {
    return Render(index_->suggester(), std::move(q), limit);
  }
};

TEST_F(SuggestTest, IsBuiltWhenTheIndexOpens) {
  const Suggester& suggester = index_->suggester();
  EXPECT_EQ(suggester.size(SuggestionType::kBrand), 11u);
  // Every level of every path, once: Apparel, Topwear, Shirts, ... Dress, Dresses.
  EXPECT_EQ(suggester.size(SuggestionType::kCategory), 20u);
  EXPECT_EQ(suggester.size(SuggestionType::kTitle), 12u);
  EXPECT_GT(suggester.memory_bytes(), 0u);
}

TEST_F(SuggestTest, PrefixOfTheFirstWord) {
  EXPECT_THAT(Suggest("ro"),
              ElementsAre("brand <em>Ro</em>adster 2",
                          "title <em>Ro</em>adster Women Black Skinny Jeans 1 #1002",
                          "title <em>Ro</em>adster Men Navy Blue Denim Jacket 1 #1005"));
}

TEST_F(SuggestTest, PrefixOfALaterWord) {
  EXPECT_THAT(Suggest("dre"),
              ElementsAre("category <em>Dre</em>ss 1", "category <em>Dre</em>sses 1",
                          "title Café Crème Women Beige Summer <em>Dre</em>ss 1 #1012"));
  // A hyphen starts a word too: T-Shirt has the word "shirt".
  EXPECT_THAT(Suggest("sh"),
              ElementsAre("category <em>Sh</em>irts 1", "category <em>Sh</em>oes 1",
                          "category Sports <em>Sh</em>oes 1",
                          "title Nike Men White Running <em>Sh</em>oes 1 #1003",
                          "title Puma Women Pink T-<em>Sh</em>irt 1 #1004",
                          "title Turtle Check Men Navy Blue <em>Sh</em>irt 1 #1001"));
}

TEST_F(SuggestTest, NotInsideAWord) {
  // "men" starts no word of a women's product.
  EXPECT_THAT(Suggest("men"),
              ElementsAre("title Nike <em>Men</em> White Running Shoes 1 #1003",
                          "title Levi&#39;s <em>Men</em> Blue Slim Fit Jeans 1 #1011",
                          "title Adidas <em>Men</em> Black Track Pants 1 #1007",
                          "title Turtle Check <em>Men</em> Navy Blue Shirt 1 #1001",
                          "title Titan <em>Men</em> Silver Analogue Watch 1 #1010",
                          "title Roadster <em>Men</em> Navy Blue Denim Jacket 1 #1005"));
}

TEST_F(SuggestTest, IgnoresCaseAndAccents) {
  const std::vector<std::string> expected = {
      "brand <em>Café</em> <em>Cr</em>ème 1",
      "title <em>Café</em> <em>Cr</em>ème Women Beige Summer Dress 1 #1012"};
  EXPECT_EQ(Suggest("cafe cr"), expected);
  EXPECT_EQ(Suggest("CAFÉ CR"), expected);
  EXPECT_EQ(Suggest("Ｃａｆｅ cr"), expected);  // full-width forms
  // The mark covers the accented letters the typed prefix stands for.
  EXPECT_THAT(Suggest("cre"),
              ElementsAre("brand Café <em>Crè</em>me 1",
                          "title Café <em>Crè</em>me Women Beige Summer Dress 1 #1012"));
}

TEST_F(SuggestTest, EarlierWordsWholeAndInOrderLastAsPrefix) {
  EXPECT_THAT(Suggest("men bl"),
              ElementsAre("title Levi&#39;s <em>Men</em> <em>Bl</em>ue Slim Fit Jeans 1 #1011",
                          "title Adidas <em>Men</em> <em>Bl</em>ack Track Pants 1 #1007",
                          "title Turtle Check <em>Men</em> Navy <em>Bl</em>ue Shirt 1 #1001",
                          "title Roadster <em>Men</em> Navy <em>Bl</em>ue Denim Jacket 1 #1005"));
  EXPECT_THAT(Suggest("flip f"), ElementsAre("category <em>Flip</em> <em>F</em>lops 1"));
  EXPECT_THAT(Suggest("blue navy"), IsEmpty());  // out of order
  EXPECT_THAT(Suggest("nav blue"), IsEmpty());   // "nav" is not a whole word
}

TEST_F(SuggestTest, TrailingSpaceEndsTheLastWord) {
  EXPECT_THAT(Suggest("shoe"),
              ElementsAre("category <em>Shoe</em>s 1", "category Sports <em>Shoe</em>s 1",
                          "title Nike Men White Running <em>Shoe</em>s 1 #1003"));
  EXPECT_THAT(Suggest("shoe "), IsEmpty());
  EXPECT_THAT(Suggest("shoes "),
              ElementsAre("category <em>Shoes</em> 1", "category Sports <em>Shoes</em> 1",
                          "title Nike Men White Running <em>Shoes</em> 1 #1003"));
}

TEST_F(SuggestTest, BrandsAndCategoriesRankByProductsThenText) {
  // Apparel has 8 products, Accessories 2; one product under Watches > Watches counts once.
  EXPECT_THAT(Suggest("a"), ElementsAre("brand <em>A</em>didas 1", "category <em>A</em>pparel 8",
                                        "category <em>A</em>ccessories 2",
                                        "title <em>A</em>didas Men Black Track Pants 1 #1007",
                                        "title Titan Men Silver <em>A</em>nalogue Watch 1 #1010"));
  EXPECT_THAT(Suggest("j"),
              ElementsAre("category <em>J</em>eans 2", "category <em>J</em>ackets 1",
                          "title Levi&#39;s Men Blue Slim Fit <em>J</em>eans 1 #1011",
                          "title Roadster Women Black Skinny <em>J</em>eans 1 #1002",
                          "title Roadster Men Navy Blue Denim <em>J</em>acket 1 #1005"));
  EXPECT_THAT(Suggest("watc"),
              ElementsAre("category <em>Watc</em>hes 1",
                          "title Titan Men Silver Analogue <em>Watc</em>h 1 #1010"));
}

TEST_F(SuggestTest, TitlesRankByPopularity) {
  // Popularity: 1011 1100, 1009 900, 1002 820, 1008 700, 1007 640, 1001 310, 1005 260, 1012 210,
  // 1006 120.
  EXPECT_THAT(Suggest("b"),
              ElementsAre("brand <em>B</em>iba 1", "category <em>B</em>ottomwear 3",
                          "category <em>B</em>ags 1",
                          "title Levi&#39;s Men <em>B</em>lue Slim Fit Jeans 1 #1011",
                          "title Crocs Unisex <em>B</em>lue Clogs 1 #1009",
                          "title Roadster Women <em>B</em>lack Skinny Jeans 1 #1002",
                          "title <em>B</em>iba Women Red Printed Kurta 1 #1008",
                          "title Adidas Men <em>B</em>lack Track Pants 1 #1007",
                          "title Turtle Check Men Navy <em>B</em>lue Shirt 1 #1001",
                          "title Roadster Men Navy <em>B</em>lue Denim Jacket 1 #1005"));
}

TEST_F(SuggestTest, LimitCutsBrandsCategoriesThenTitles) {
  EXPECT_THAT(Suggest("b", 2),
              ElementsAre("brand <em>B</em>iba 1", "category <em>B</em>ottomwear 3"));
  EXPECT_THAT(Suggest("b", 4),
              ElementsAre("brand <em>B</em>iba 1", "category <em>B</em>ottomwear 3",
                          "category <em>B</em>ags 1",
                          "title Levi&#39;s Men <em>B</em>lue Slim Fit Jeans 1 #1011"));
  EXPECT_THAT(Suggest("m", 2),
              ElementsAre("title Nike <em>M</em>en White Running Shoes 1 #1003",
                          "title Levi&#39;s <em>M</em>en Blue Slim Fit Jeans 1 #1011"));
}

TEST_F(SuggestTest, ApostrophesJoinAWordAndAreEscaped) {
  EXPECT_THAT(Suggest("levi"),
              ElementsAre("brand <em>Levi</em>s 1",
                          "title <em>Levi</em>&#39;s Men Blue Slim Fit Jeans 1 #1011"));
  EXPECT_THAT(Suggest("levi's"),
              ElementsAre("brand <em>Levis</em> 1",
                          "title <em>Levi&#39;s</em> Men Blue Slim Fit Jeans 1 #1011"));
  EXPECT_EQ(Suggest("Levi’s"), Suggest("levis"));  // typographic apostrophe
}

TEST_F(SuggestTest, NoMatchIsAnEmptyList) {
  EXPECT_THAT(Suggest("xyz"), IsEmpty());
  EXPECT_THAT(Suggest("nike xyz"), IsEmpty());
  EXPECT_THAT(Suggest("!!"), IsEmpty());  // no words at all
}

TEST_F(SuggestTest, RejectsBadRequestsNamingTheParameter) {
  const Suggester& suggester = index_->suggester();
  for (const auto& [request, parameter] : std::vector<std::pair<SuggestRequest, std::string>>{
           {{.q = ""}, "q"},
           {{.q = "   "}, "q"},
           {{.q = std::string(101, 'a')}, "q"},
           {{.q = "ni\xFF"}, "q"},
           {{.q = "ni", .limit = 0}, "limit"},
           {{.q = "ni", .limit = 51}, "limit"},
       }) {
    absl::StatusOr<std::vector<Suggestion>> found = suggester.Suggest(request);
    if (found.ok()) {
      ADD_FAILURE() << "accepted q='" << request.q << "' limit=" << request.limit;
    } else {
      EXPECT_EQ(found.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(ParameterOf(found.status()), parameter) << found.status();
    }
  }
  EXPECT_TRUE(suggester.Suggest({.q = std::string(100, 'a'), .limit = 50}).ok());
}

TEST(SuggesterBuild, EscapesHtmlAroundTheMarks) {
  const std::vector<SuggestSource> products = {
      {.id = "7", .title = "Tom & Jerry <Kids> \"Tee\"", .popularity = 1}};
  const auto suggester = Suggester::Build(products);
  EXPECT_THAT(Render(*suggester, "tom"),
              ElementsAre("title <em>Tom</em> &amp; Jerry &lt;Kids&gt; &quot;Tee&quot; 1 #7"));
  EXPECT_THAT(Render(*suggester, "kid"),
              ElementsAre("title Tom &amp; Jerry &lt;<em>Kid</em>s&gt; &quot;Tee&quot; 1 #7"));
  EXPECT_THAT(Render(*suggester, "<kids>"),
              ElementsAre("title Tom &amp; Jerry &lt;<em>Kids</em>&gt; &quot;Tee&quot; 1 #7"));
}

TEST(SuggesterBuild, OneTitleSuggestionPerNormalisedTitle) {
  const std::vector<SuggestSource> products = {
      {.id = "1", .title = "Navy Tee", .brand = "Acme", .popularity = 5},
      {.id = "2", .title = "NAVY  tee", .brand = "ACME", .popularity = 9},
      {.id = "3", .title = "Navy Tee", .brand = "Acme", .popularity = 9, .rating = 4},
      {.id = "4", .title = "Navy Top", .brand = "Acme", .popularity = 9, .rating = 4},
  };
  const auto suggester = Suggester::Build(products);
  // The most popular product stands for its title (ties: rating, then id);
  // a brand is shown as most of its products spell it.
  EXPECT_THAT(Render(*suggester, "navy t"), ElementsAre("title <em>Navy</em> <em>T</em>ee 3 #3",
                                                        "title <em>Navy</em> <em>T</em>op 1 #4"));
  EXPECT_THAT(Render(*suggester, "acm"), ElementsAre("brand <em>Acm</em>e 4"));
}

TEST(SuggesterBuild, FindsTheBestAmongManyCandidates) {
  // 500 titles share the word "shirt"; the prefix "s" reaches all of them.
  std::vector<SuggestSource> products;
  for (int i = 0; i < 500; ++i) {
    products.push_back({.id = StrCat(i), .title = StrCat("Shirt ", i), .popularity = i % 37 * 1.0});
  }
  const auto suggester = Suggester::Build(products);
  // Popularity 36: ids 36, 73, 110, ...; ties by id as text.
  EXPECT_THAT(Render(*suggester, "s", 3),
              ElementsAre("title <em>S</em>hirt 110 1 #110", "title <em>S</em>hirt 147 1 #147",
                          "title <em>S</em>hirt 184 1 #184"));
  EXPECT_THAT(Render(*suggester, "shirt 40 "),
              ElementsAre("title <em>Shirt</em> <em>40</em> 1 #40"));
}

TEST(SuggesterBuild, EmptyCatalogSuggestsNothing) {
  const auto suggester = Suggester::Build({});
  EXPECT_THAT(Render(*suggester, "a"), IsEmpty());
}

}  // namespace
}  // namespace vitrine::query
