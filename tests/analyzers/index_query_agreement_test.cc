// Index/query agreement: a product title as a retailer writes it, indexed by
// indexer::BuildDocument, holds the term of every word of the query a shopper
// types for it; and a title does not hold terms it has nothing to do with.
#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/index_schema.h"
#include "catalog/product.h"
#include "indexer/document_builder.h"
#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

namespace schema = catalog::schema;

catalog::Product ProductTitled(std::string_view title) {
  catalog::Product product;
  product.id = "p1";
  product.title = std::string(title);
  return product;
}

// The terms of `document` with `prefix` (a prefix owns a term when a
// non-capital follows it, Xapian's convention), prefix removed.
std::vector<std::string> TermsWithPrefix(const Xapian::Document& document,
                                         std::string_view prefix) {
  std::vector<std::string> terms;
  for (Xapian::TermIterator it = document.termlist_begin(); it != document.termlist_end(); ++it) {
    const std::string term = *it;
    if (term.starts_with(prefix) && (term.size() == prefix.size() ||
                                     !(term[prefix.size()] >= 'A' && term[prefix.size()] <= 'Z'))) {
      terms.push_back(term.substr(prefix.size()));
    }
  }
  return terms;
}

std::vector<std::string> TitleTerms(std::string_view title) {
  return TermsWithPrefix(indexer::BuildDocument(ProductTitled(title), Fashion()),
                         schema::kTextFields[0].prefix);
}

bool Contains(const std::vector<std::string>& terms, std::string_view term) {
  return std::find(terms.begin(), terms.end(), term) != terms.end();
}

struct PairRow {
  std::string_view title;  // as a retailer writes it
  std::string_view query;  // as a shopper types it
};

void ExpectQueryTermsInTitle(const std::vector<PairRow>& table) {
  for (const PairRow& row : table) {
    SCOPED_TRACE(std::string("title: \"") + std::string(row.title) + "\" query: \"" +
                 std::string(row.query) + "\"");
    const std::vector<std::string> title_terms = TitleTerms(row.title);
    const std::vector<Token> query = ContentTokens(row.query);
    EXPECT_FALSE(query.empty());
    for (const Token& token : query) {
      EXPECT_TRUE(Contains(title_terms, token.term))
          << "query term \"" << token.term << "\" is not among the title terms "
          << ::testing::PrintToString(title_terms);
    }
  }
}

TEST(IndexQueryAgreement, ShoppersQueriesMatchRetailersTitles) {
  ExpectQueryTermsInTitle({
      {"Puma Women Pink T-Shirt", "womens pink tee"},
      {"Nike Men Black Running Shoes", "mens black sports shoes"},
      {"Nike Men Black Running Shoes", "shoes for men"},
      {"Roadster Men Navy Blue Hooded Sweatshirt", "navy hoodie men"},
      {"Levi's Men 511 Slim Fit Jeans", "levis slim-fit jeans"},
      {"Adidas Women White Sneakers", "ladies white trainers"},
      {"Adidas Women White Sneakers", "women's shoes"},
      {"United Colors of Benetton Men Grey Crew Neck Sweater", "gray crewneck jumper mens"},
      {"Allen Solly Men Beige Chinos", "men's beige trousers"},
      {"Fastrack Unisex Black Sunglasses", "black shades"},
      {"Wildcraft Unisex Olive Rucksack", "olive green backpack"},
      {"Mast & Harbour Women Maroon Handbag", "burgundy purse"},
      {"HRX Men Charcoal Grey Track Pants", "charcoal joggers for men"},
      {"Crocs Unisex Navy Flip-Flops", "navy flip flops"},
      {"ONLY Women Off-White V-Neck Top", "off white vneck tops"},
      {"Jack & Jones Men Blue Denim Jacket", "blue denim jackets"},
      {"Vero Moda Women Cream Maxi Dress", "ivory dresses women"},
      {"Fabindia Women Teal Kurta", "teal blue kurtas"},
      {"Peter England Men Full Sleeve Formal Shirt", "long sleeve shirts for men"},
      {"Men's Straight Fit Jeans W32 L34", "jeans 32x34"},
      {"Crème Brûlée Café Women's Blouse", "creme brulee cafe top"},
      {"ＴＳＨＩＲＴ for Boys", "boys tshirts"},
      {"Girls Pink Frock", "girls dress"},
      {"Kids' Black School Bag", "childrens backpack"},
  });
}

// A brand or word a retailer hyphenates is found typed as one word, and typed
// with its hyphen; a number glued to a word is found spaced and glued.
TEST(IndexQueryAgreement, HyphenatedAndGluedWords) {
  ExpectQueryTermsInTitle({
      {"Rust-Oleum Stops Rust Spray Paint", "rustoleum spray paint"},
      {"JELD-WEN 36 in. Door", "jeldwen door"},
      {"JELD-WEN 36 in. Door", "jeld-wen door"},
      {"Pre-Cut Vinyl Siding", "precut siding"},
      {"4-Shelf Steel Shelving Unit", "4shelf shelving"},
      {"Troy-Bilt 4-Cycle Gas Trimmer", "4cycle trimmer"},
  });
}

// A polo shirt is sold as a "Polo T-Shirt" and searched for as a "polo shirt";
// a tank top is a top (retailers list it under Topwear > Tops).
TEST(IndexQueryAgreement, PoloShirtsAndTankTops) {
  ExpectQueryTermsInTitle({
      {"Puma Men Navy Polo T-Shirt", "polo shirt"},
      {"Women White Tank Top", "white tops"},
  });
}

// Words that only look related must not make a product match a query for
// something else: a title does not hold the query's term. (Known gap: Snowball
// stems both "leggings" and "leg" to "leg", so "wide leg jeans" meets "leggings".)
TEST(IndexQueryAgreement, FalseFriendsDoNotMatch) {
  for (const PairRow& row : std::vector<PairRow>{
           {"Women Black Studded Ankle Boots", "earrings"},  // studded is not studs
           {"Women Blue Boyfriend Jeans", "mens"},           // a women's fit, not a man
           {"Women Blue Kick Flare Jeans", "shoes"},         // kick flare is a jeans cut
           {"Men Navy Blue Shirt", "t-shirt"},               // a shirt is not a t-shirt
           {"Women Pink Sweatshirt", "sweater"},             //
           {"Men Black Formal Shoes", "sneakers"},           //
       }) {
    SCOPED_TRACE(std::string("title: \"") + std::string(row.title) + "\" query: \"" +
                 std::string(row.query) + "\"");
    const std::vector<std::string> title_terms = TitleTerms(row.title);
    for (const Token& token : ContentTokens(row.query)) {
      EXPECT_FALSE(Contains(title_terms, token.term))
          << "query term \"" << token.term << "\" is among the title terms "
          << ::testing::PrintToString(title_terms);
    }
  }
}

TEST(IndexQueryAgreement, BroaderTermsAreIndexedAtTheSamePosition) {
  const Xapian::Document document =
      indexer::BuildDocument(ProductTitled("Men Casual Shoes"), Fashion());
  std::vector<Xapian::termpos> specific, broader;
  for (Xapian::TermIterator it = document.termlist_begin(); it != document.termlist_end(); ++it) {
    if (*it == "Scasualshoe") specific.assign(it.positionlist_begin(), it.positionlist_end());
    if (*it == "Sshoe") broader.assign(it.positionlist_begin(), it.positionlist_end());
  }
  EXPECT_EQ(specific, (std::vector<Xapian::termpos>{2}));
  EXPECT_EQ(broader, specific);
}

// A query colour finds a product of the same shade through the colour field,
// and a product of another shade of its family through the family term.
TEST(IndexQueryAgreement, QueryColoursMeetProductColourFamilies) {
  for (const auto& [product_color, query] :
       std::vector<std::pair<std::string_view, std::string_view>>{
           {"Navy Blue", "blue"},
           {"Navy Blue", "navy"},
           {"Burgundy", "red"},
           {"Burgundy", "maroon"},
           {"Off White", "white"},
           {"Cream", "white"},
           {"Ivory", "cream"},
           {"Olive", "green"},
           {"Charcoal", "grey"},
           {"Charcoal", "gray"},
           {"Tan", "brown"},
           {"Beige", "brown"},
           {"Gray", "grey"},
           {"Mustard", "yellow"},
       }) {
    SCOPED_TRACE(std::string("colour: \"") + std::string(product_color) + "\" query: \"" +
                 std::string(query) + "\"");
    catalog::Product product = ProductTitled("Shirt");
    product.color = std::string(product_color);
    const Xapian::Document document = indexer::BuildDocument(product, Fashion());
    const std::vector<Token> tokens = ContentTokens(query);
    EXPECT_EQ(tokens.size(), 1u) << " tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_EQ(tokens[0].kind, TokenKind::kColor);
    EXPECT_TRUE(
        Contains(TermsWithPrefix(document, schema::kTextFields[3].prefix), tokens[0].term) ||
        Contains(TermsWithPrefix(document, schema::kColorFamilyPrefix), tokens[0].family));
  }
}

TEST(IndexQueryAgreement, QuerySizesMeetProductSizeTerms) {
  for (const auto& [product_size, query] :
       std::vector<std::pair<std::string_view, std::string_view>>{
           {"XL", "extra large"},
           {"XL", "size xl"},
           {"Extra Large", "xl"},
           {"XXL", "2xl"},
           {"2XL", "xxl"},
           {"W32 L34", "32x34"},
           {"32x34", "w32 l34"},
           {"6", "size 6"},
           {"Free Size", "one size"},
       }) {
    SCOPED_TRACE(std::string("size: \"") + std::string(product_size) + "\" query: \"" +
                 std::string(query) + "\"");
    catalog::Product product = ProductTitled("Shirt");
    product.sizes = {"S", std::string(product_size)};
    const Xapian::Document document = indexer::BuildDocument(product, Fashion());
    const std::vector<Token> tokens = ContentTokens(query);
    EXPECT_EQ(tokens.size(), 1u) << " tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_EQ(tokens[0].kind, TokenKind::kSize);
    EXPECT_TRUE(Contains(TermsWithPrefix(document, schema::kSizePrefix), tokens[0].term));
  }
}

TEST(IndexQueryAgreement, QueryGendersMeetProductGenders) {
  const Vocabulary& vocabulary = *BundledVocabulary();
  for (const auto& [product_gender, query] :
       std::vector<std::pair<std::string_view, std::string_view>>{
           {"Men", "mens"},
           {"Men", "gents"},
           {"Unisex", "men's"},
           {"Unisex", "ladies"},
           {"Women", "womens"},
           {"Boys", "kids"},
           {"Girls", "children"},
           {"Boys", "boy"},
           {"Women", "her"},
       }) {
    SCOPED_TRACE(std::string("gender: \"") + std::string(product_gender) + "\" query: \"" +
                 std::string(query) + "\"");
    catalog::Product product = ProductTitled("Shirt");
    product.gender = std::string(product_gender);
    const std::vector<std::string> genders =
        TermsWithPrefix(indexer::BuildDocument(product, Fashion()), schema::kTextFields[4].prefix);
    const std::vector<Token> tokens = ContentTokens(query);
    EXPECT_EQ(tokens.size(), 1u) << " tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_EQ(tokens[0].kind, TokenKind::kGender);
    const std::vector<std::string>& fits = vocabulary.GenderMatches(tokens[0].term);
    EXPECT_TRUE(std::any_of(fits.begin(), fits.end(),
                            [&](const std::string& fit) { return Contains(genders, fit); }))
        << "fits " << ::testing::PrintToString(fits) << " product genders "
        << ::testing::PrintToString(genders);
  }
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
