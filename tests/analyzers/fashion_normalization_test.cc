// Specification of the fashion analyzer (Profile::kFashion, bundled vocabulary):
// however a retailer or shopper writes a word (case, full-width forms, ligatures,
// accents, apostrophes, punctuation), it becomes the same term.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"
#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

TEST(FashionNormalization, FoldsCase) {
  ExpectContentTerms({
      {"NAVY", {"navi"}},
      {"Navy", {"navi"}},
      {"nAvY", {"navi"}},
      {"T-SHIRT", {"tshirt"}},
      {"JEANS", {"jean"}},
      {"SNEAKERS", {"casualshoe"}},
      {"MEN", {"men"}},
      {"Men", {"men"}},
      {"XL", {"xl"}},
      {"ÉTÉ", {"ete"}},
  });
}

TEST(FashionNormalization, FoldsFullWidthFormsAndLigatures) {
  ExpectContentTerms({
      {"ＴＳＨＩＲＴ", {"tshirt"}},                      // full-width Latin
      {"Ｔ－ＳＨＩＲＴ", {"tshirt"}},                    // full-width hyphen-minus too
      {"ｔ－ｓｈｉｒｔ", {"tshirt"}},                    //
      {"Ｍｅｎ’ｓ ＮＡＶＹ", {"men", "navi"}},           //
      {"ＸＬ", {"xl"}},                                  //
      {"size １０", {"10"}},                             // full-width digits
      {"\xEF\xAC\x82ip-\xEF\xAC\x82ops", {"flipflop"}},  // U+FB02 LATIN SMALL LIGATURE FL
      {"slim \xEF\xAC\x81t", {"slimfit"}},               // U+FB01 LATIN SMALL LIGATURE FI
      {"\xEF\xAC\x81tted", {"fit"}},                     //
      {"Straße", {"strass"}},                            // full case folding
  });
}

TEST(FashionNormalization, RemovesAccents) {
  ExpectContentTerms({
      {"Crème Brûlée", {"creme", "brule"}},
      {"crème brûlée", {"creme", "brule"}},
      {"Creme Brulee", {"creme", "brule"}},
      {"Café", {"cafe"}},
      {"Beigé", {"beig"}},
      {"Rosé", {"rose"}},
      {"Niño", {"nino"}},
      {"Zoë", {"zoe"}},
      {"Résumé", {"resum"}},
      {"naïve", {"naiv"}},
      {"Pâle", {"pale"}},
  });
}

TEST(FashionNormalization, TreatsTypographicApostrophesLikeAsciiOnes) {
  ExpectSameTerms({
      {"men’s", "men's"},          // U+2019 RIGHT SINGLE QUOTATION MARK
      {"MEN’S", "men's"},          //
      {"men\xCA\xBCs", "men's"},   // U+02BC MODIFIER LETTER APOSTROPHE
      {"Levi’s", "levi's"},        //
      {"women’s", "women's"},      //
      {"kids’", "kids'"},          //
      {"O’Neill", "O'Neill"},      //
      {"t-shirt’s", "t-shirt's"},  //
      {"Men’s Navy T-Shirts", "Men's Navy T-Shirts"},
  });
}

TEST(FashionNormalization, DropsPossessives) {
  ExpectContentTerms({
      {"men's", {"men"}},
      {"Men's", {"men"}},
      {"women's", {"women"}},
      {"kid's", {"kid"}},
      {"kids'", {"kid"}},
      {"mens’", {"men"}},
      {"levi's", {"levi"}},
      {"levis", {"levi"}},
      {"LEVI'S 501", {"levi", "501"}},
      {"O'Neill", {"oneil"}},  // an inner apostrophe is removed
      {"t-shirt's", {"tshirt"}},
      {"Men's, Women's & Kids'", {"men", "women", "kid"}},
  });
}

TEST(FashionNormalization, PunctuationOnlySeparatesWords) {
  ExpectContentTerms({
      {"T-Shirt!!!", {"tshirt"}},
      {"(navy)", {"navi"}},
      {"red/blue", {"red", "blue"}},
      {"black & white", {"black", "white"}},
      {"\"slim-fit\"", {"slimfit"}},
      {"navy...blue", {"navi"}},
      {"#tshirt", {"tshirt"}},
      {"jeans, shirts; tees", {"jean", "shirt", "tshirt"}},
      {"  tee  ", {"tshirt"}},
      {"\xF0\x9F\x91\x95 tee", {"tshirt"}},  // U+1F455 T-SHIRT emoji is no word
      {"", {}},
      {"   ", {}},
      {" ... -- !? ", {}},
  });
}

// Callers validate UTF-8 first, but the analyzer must still not fail, read out of
// bounds or loop on bad input: invalid bytes act as word breaks.
TEST(FashionNormalization, InvalidUtf8DoesNotCrash) {
  ExpectContentTerms({
      {"ab\xFF"
       "cd",
       {"ab", "cd"}},
      {"t\xC3-shirt", {"tshirt"}},  // truncated two-byte sequence
      {"\xE2\x82", {}},             // truncated three-byte sequence at the end
      {"navy\xC0\xAF"
       "blue",
       {"navi"}},                    // overlong "/"
      {"\xED\xA0\x80men", {"men"}},  // encoded UTF-16 surrogate
      {"\xFF\xFE\xFD", {}},
      {"tee\x80", {"tshirt"}},  // stray continuation byte
  });
  for (std::string_view text : {"\xFF", "\xC3", "men\xE2\x80", "\xF4\x90\x80\x80 xl"}) {
    SCOPED_TRACE(::testing::PrintToString(std::string(text)));
    Fashion().Words(text);
    Fashion().SizeTerm(text);
    NormalizeText(text);
  }
}

TEST(FashionNormalization, WordsAreNormalisedButNotStemmedNorMapped) {
  EXPECT_EQ(Fashion().Words("Men’s ＮＡＶＹ T-Shirts, Crème"),
            (std::vector<std::string>{"men", "navy", "t", "shirts", "creme"}));
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
