// Specification of units of measure: a unit is read right after a number, in
// any of its spellings and glued to the number or not; elsewhere the same word
// keeps its usual meaning ("in" stays a stop word).
#include <gtest/gtest.h>

#include "tests/analyzers/fashion_testing.h"

namespace vitrine::analyzers::fashion_spec {
namespace {

TEST(FashionUnits, SpellingsAfterANumberAreOneUnit) {
  ExpectSameTerms({
      {"36 in.", "36 inches"},
      {"36 inch", "36in"},
      {"10 ft.", "10 feet"},
      {"10 foot", "10ft"},
      {"100 ml", "100 millilitres"},
      {"100ml", "100 ml"},
      {"5 Gal.", "5 gallons"},
      {"2 lbs", "2 pounds"},
      {"40 cm", "40 centimeters"},
      {"60 W", "60 watts"},
      {"3 pcs", "3 pieces"},
      {"10.5 oz", "10.5 ounces"},
  });
}

TEST(FashionUnits, AreTermsOnlyAfterANumber) {
  ExpectContentTerms({
      {"36 in. x 80 in. door", {"36", "inch", "x", "80", "inch", "door"}},
      {"made in italy", {"made", "itali"}},     // "in" is a stop word here
      {"2-in-1 jacket", {"2", "1", "jacket"}},  // between numbers: not a unit
      {"heel height 10 cm", {"heel", "height", "10", "cm"}},
      {"feet", {"feet"}},  // no number: an ordinary word
      {"perfume 100ml", {"perfum", "100", "ml"}},
  });
}

// A number glued to a word that is no unit is the number and the word, as if
// spaced ("4shelves" = "4 shelves"); two letters or fewer stay glued ("2nd", "3d").
TEST(FashionUnits, NumbersGluedToWordsAreSplit) {
  ExpectSameTerms({
      {"4shelves", "4 shelves"},
      {"4cycle engine", "4 cycle engine"},
      {"18gauge", "18 gauge"},
      {"2.5ton", "2.5 ton"},
      {"8ft", "8 feet"},
  });
  ExpectContentTerms({
      {"2nd floor", {"2nd", "floor"}},
      {"3d", {"3d"}},
      {"5w30", {"5w30"}},
  });
}

// A fraction glued to a unit or a word is the fraction and the unit or word
// ("1-1/2in." = "1-1/2 in."); fractions and numbers joined by "x" are each a
// number ("3/4x2" = "3/4 x 2").
TEST(FashionUnits, FractionsGluedToUnitsAndDimensionsAreSplit) {
  ExpectContentTerms({
      {"1-1/2in. pipe", {"1", "1/2", "inch", "pipe"}},
      {"3/4in spring", {"3/4", "inch", "spring"}},
      {"5/16hex nuts", {"5/16", "hex", "nut"}},
      {"3/4x2 nipple", {"3/4", "2", "nippl"}},
      {"3/4x3/4 valve", {"3/4", "3/4", "valv"}},
      {"3/4x4x8 plywood", {"3/4", "4", "8", "plywood"}},
      {"5/4x10", {"5/4", "10"}},
      {"1/8th", {"1/8th"}},  // two letters: not split, as "2nd"
      {"1/2x", {"1/2x"}},    // no number after the "x"
  });
  ExpectSameTerms({
      {"1-1/2in. pipe", "1-1/2 in. pipe"},
      {"3/4in", "3/4 inches"},
  });
}

// Numbers from one to twelve spelled out are their digits, so units follow
// them as they follow digits; other number words stay words.
TEST(FashionUnits, SpelledOutNumbersAreDigits) {
  ExpectSameTerms({
      {"two handle faucet", "2-handle faucet"},
      {"five gallon paint", "5 gal. paint"},
      {"one piece", "1-piece"},
      {"Three Light", "3 light"},
      {"twelve", "12"},
  });
  ExpectContentTerms({
      {"two tone", {"2", "tone"}},
      {"ten", {"10"}},
      {"twenty", {"twenti"}},
      {"tenth", {"tenth"}},
      {"three quarter pants", {"capri"}},  // vocabulary phrases read the same way
  });
}

// Dimensions glued to a unit are the dimensions (a size) and the unit.
TEST(FashionUnits, DimensionsGluedToAUnitAreSplit) {
  ExpectContentTerms({
      {"1x6x6ft", {"1x6x6", "ft"}},
      {"kick plate 8x30in", {"kick", "plate", "8x30", "inch"}},
      {"2x4", {"2x4"}},
      {"5w30", {"5w30"}},
  });
  EXPECT_EQ(ContentTokens("8x30in")[0].kind, TokenKind::kSize);
}

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
