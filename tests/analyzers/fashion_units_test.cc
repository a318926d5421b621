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

}  // namespace
}  // namespace vitrine::analyzers::fashion_spec
