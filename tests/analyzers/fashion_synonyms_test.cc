// Specification of the fashion analyzer: words a shopper and a retailer use for
// the same product type meet on one term; neighbouring product types stay apart;
// specific types also index their broader type ("casual shoes" is also "shoe").
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

TEST(FashionSynonyms, FootwearWordsMeetOnOneTerm) {
  ExpectSameTerms({
      {"trainers", "sneakers"},
      {"trainer", "sneakers"},
      {"sneaker", "sneakers"},
      {"casual shoes", "sneakers"},
      {"plimsolls", "sneakers"},
      {"canvas shoes", "sneakers"},
      {"running shoes", "sports shoes"},
      {"runners", "sports shoes"},
      {"gym shoes", "sports shoes"},
      {"oxfords", "formal shoes"},
      {"brogues", "formal shoes"},
      {"dress shoes", "formal shoes"},
      {"stilettos", "heels"},
      {"high heels", "heels"},
      {"pumps", "heels"},
      {"booties", "boots"},
      {"chelsea boots", "boots"},
      {"sliders", "flip flops"},
      {"ballet flats", "flats"},
      {"sandal", "sandals"},
  });
}

TEST(FashionSynonyms, ClothingWordsMeetOnOneTerm) {
  ExpectSameTerms({
      {"jumper", "sweater"},      {"jumpers", "sweaters"},  {"pullover", "sweater"},
      {"trousers", "slacks"},     {"chinos", "trousers"},   {"formal pants", "trousers"},
      {"joggers", "track pants"}, {"jogger", "joggers"},    {"sweatpants", "track pants"},
      {"frock", "dress"},         {"gown", "dress"},        {"dresses", "dress"},
      {"coat", "jacket"},         {"bomber", "jacket"},     {"sport coat", "blazer"},
      {"blouse", "top"},          {"crop top", "top"},      {"jean", "jeans"},
      {"kurti", "kurtis"},        {"pyjamas", "pajamas"},   {"pjs", "night suits"},
      {"sari", "saree"},          {"swimsuit", "swimwear"}, {"bikini", "swimwear"},
      {"boxer shorts", "boxers"}, {"bralette", "bra"},      {"undershirt", "vest"},
  });
}

TEST(FashionSynonyms, AccessoryWordsMeetOnOneTerm) {
  ExpectSameTerms({
      {"handbag", "purse"},
      {"purses", "handbags"},
      {"tote", "handbag"},
      {"hand bag", "handbag"},
      {"shades", "sunglasses"},
      {"sun glasses", "sunglasses"},
      {"aviators", "sunglasses"},
      {"rucksack", "backpack"},
      {"rucksacks", "backpacks"},
      {"school bag", "backpack"},
      {"duffle bag", "duffel bag"},
      {"gym bag", "duffel bag"},
      {"billfold", "wallet"},
      {"cardholder", "card holder"},
      {"wristwatch", "watch"},
      {"beanie", "cap"},
      {"hat", "cap"},
      {"scarf", "scarves"},
      {"shawl", "stole"},
      {"necktie", "tie"},
      {"fragrance", "perfume"},
  });
}

TEST(FashionSynonyms, GroupTermsAreTheFirstMembersStems) {
  ExpectContentTerms({
      {"sneakers", {"casualshoe"}},
      {"running shoes", {"sportshoe"}},
      {"brogues", {"formalshoe"}},
      {"jumper", {"sweater"}},
      {"chinos", {"trouser"}},
      {"joggers", {"trackpant"}},
      {"purse", {"handbag"}},
      {"shades", {"sunglass"}},
      {"rucksack", {"backpack"}},
      {"frock", {"dress"}},
      {"coat", {"jacket"}},
      {"pjs", {"nightsuit"}},
  });
}

// Product types a shopper tells apart must not be merged.
TEST(FashionSynonyms, NeighbouringProductTypesStayApart) {
  for (const SameRow& row : std::vector<SameRow>{
           {"jeans", "jeggings"},
           {"sweater", "sweatshirt"},
           {"shirt", "t-shirt"},
           {"jacket", "blazer"},
           {"sneakers", "formal shoes"},
           {"sneakers", "running shoes"},
           {"backpack", "handbag"},
           {"shorts", "trousers"},
           {"track pants", "trousers"},
           {"dress", "top"},
           {"heels", "flats"},
           {"kurta", "kurti"},
           {"polo", "t-shirt"},
       }) {
    EXPECT_NE(ContentTerms(row.input), ContentTerms(row.same_as))
        << "input: \"" << row.input << "\" vs \"" << row.same_as << "\"";
  }
}

struct BroaderRow {
  std::string_view input;
  std::string term;
  std::vector<std::string> also;
};

TEST(FashionSynonyms, SpecificTypesAlsoIndexTheirBroaderType) {
  const std::string shoe = ContentTerms("shoes").at(0);
  EXPECT_EQ(shoe, "shoe");
  for (const BroaderRow& row : std::vector<BroaderRow>{
           {"casual shoes", "casualshoe", {shoe}},
           {"sneakers", "casualshoe", {shoe}},
           {"trainers", "casualshoe", {shoe}},
           {"running shoes", "sportshoe", {shoe}},
           {"sports shoes", "sportshoe", {shoe}},
           {"formal shoes", "formalshoe", {shoe}},
           {"oxfords", "formalshoe", {shoe}},
           {"shoes", "shoe", {}},  // the broad word itself adds nothing
           {"jacket", "jacket", {}},
       }) {
    SCOPED_TRACE(std::string("input: \"") + std::string(row.input) + "\"");
    const std::vector<Token> tokens = ContentTokens(row.input);
    EXPECT_EQ(tokens.size(), 1u) << " tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_EQ(tokens[0].term, row.term);
    EXPECT_EQ(tokens[0].also, row.also);
    EXPECT_EQ(tokens[0].kind, TokenKind::kWord);
  }
}

// A group applies where its words mean the same thing: one test per group whose
// word the catalog also uses for something else.
TEST(FashionSynonymScope, ATableRunnerIsNoShoe) {
  ExpectContentTerms({
      {"table runner", {"tabl", "runner"}},
      {"Printed Table Runner", {"print", "tabl", "runner"}},
      {"Saral Home Green Striped Runner", {"saral", "home", "green", "stripe", "runner"}},
      {"runners", {"sportshoe"}},
      {"ADIDAS Men FL Runner Black Sports Shoes",
       {"adida", "men", "fl", "sportshoe", "black", "sportshoe"}},
  });
}

TEST(FashionSynonymScope, JoggerShoesAreNoTrackPants) {
  ExpectContentTerms({
      {"adidas neo men jogger plus white shoes",
       {"adida", "neo", "men", "jogger", "plus", "white", "shoe"}},
      {"men blue slim fit joggers", {"men", "blue", "slimfit", "trackpant"}},
  });
}

TEST(FashionSynonymScope, TheBrandUSPoloAssnIsNoPolo) {
  const std::vector<std::string> brand = ContentTerms("U.S. Polo Assn. Men White Shirt");
  EXPECT_THAT(brand, testing::Contains("polo"));
  EXPECT_THAT(brand, testing::Not(testing::Contains(ContentTerms("polo").at(0))));
  // Their polo T-shirts still are.
  EXPECT_THAT(ContentTerms("U.S. Polo Assn. Men Black Polo T-shirt"),
              testing::Contains(ContentTerms("polo").at(0)));
}

TEST(FashionSynonymScope, EyeshadowShadesAreNoSunglasses) {
  ExpectContentTerms({
      {"9 shades eyeshadow palette", {"9", "shade", "eyeshadow", "palett"}},
      {"black shades", {"black", "sunglass"}},
  });
}

TEST(FashionSynonymScope, ACapSleeveIsNoCap) {
  ExpectContentTerms({
      {"women cap sleeve top", {"women", "cap", "sleev", "top"}},
      {"cap sleeves dress", {"cap", "sleev", "dress"}},
  });
  EXPECT_EQ(ContentTerms("men black cap"), ContentTerms("men black hat"));
  EXPECT_NE(ContentTerms("cap sleeve").at(0), ContentTerms("baseball cap").at(0));
}

TEST(FashionSynonymScope, TieAndDyeIsNoTie) {
  ExpectContentTerms({
      {"grey tie & dye saree", {"grey", "tie", "dye", "sare"}},
      {"tie dye t-shirt", {"tie", "dye", "tshirt"}},
      {"dress with tie-up", {"dress", "tie", "up"}},
  });
  EXPECT_EQ(ContentTerms("silk tie"), ContentTerms("silk necktie"));
}

TEST(FashionSynonymScope, ADeodorantIsNoPerfume) {
  EXPECT_NE(ContentTerms("deo"), ContentTerms("perfume"));
  EXPECT_EQ(ContentTerms("deo"), ContentTerms("deodorant"));
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
