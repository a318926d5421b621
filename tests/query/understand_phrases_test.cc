// Prices and sizes found in the text a shopper types (query/understand/phrases.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "query/understand/phrases.h"

namespace vitrine::query::internal {
namespace {

// "lo..hi" of the one price phrase of `q` (an open side empty), its text after
// a '=': "..1000=under 1000"; "" when q has none.
std::string PriceOf(std::string_view q) {
  const Phrases phrases = FindPhrases(q);
  if (phrases.prices.size() != 1) return phrases.prices.empty() ? "" : "several";
  const PricePhrase& price = phrases.prices[0];
  const auto number = [](std::optional<double> value) {
    return value ? std::to_string(static_cast<long long>(*value)) : std::string();
  };
  return number(price.gte) + ".." + number(price.lte) + "=" +
         std::string(q.substr(price.begin, price.end - price.begin));
}

std::string SizeOf(std::string_view q) {
  const Phrases phrases = FindPhrases(q);
  if (phrases.sizes.size() != 1) return phrases.sizes.empty() ? "" : "several";
  const SizePhrase& size = phrases.sizes[0];
  return (size.system.empty() ? "" : size.system + ":") + size.size + "=" +
         std::string(q.substr(size.begin, size.end - size.begin));
}

TEST(PricePhrases, UpperBounds) {
  EXPECT_EQ(PriceOf("handbag under 1000"), "..1000=under 1000");
  EXPECT_EQ(PriceOf("shoes below ₹500"), "..500=below ₹500");
  EXPECT_EQ(PriceOf("tee less than 50"), "..50=less than 50");
  EXPECT_EQ(PriceOf("kurta upto Rs. 1,499"), "..1499=upto Rs. 1,499");
  EXPECT_EQ(PriceOf("jeans under rs500"), "..500=under rs500");
  EXPECT_EQ(PriceOf("watch under 2k"), "..2000=under 2k");
  EXPECT_EQ(PriceOf("dress price below 999 rupees"), "..999=price below 999 rupees");
  EXPECT_EQ(PriceOf("saree 1000 or less"), "..1000=1000 or less");
  EXPECT_EQ(PriceOf("bag <1500"), "..1500=<1500");
}

TEST(PricePhrases, LowerBoundsAndRanges) {
  EXPECT_EQ(PriceOf("watches over 2000"), "2000..=over 2000");
  EXPECT_EQ(PriceOf("shoes 3000 and above"), "3000..=3000 and above");
  EXPECT_EQ(PriceOf("shirts between 500 and 1000"), "500..1000=between 500 and 1000");
  EXPECT_EQ(PriceOf("shirts 500-1000"), "500..1000=500-1000");
  EXPECT_EQ(PriceOf("shirts ₹500 to ₹1000"), "500..1000=₹500 to ₹1000");
  EXPECT_EQ(PriceOf("kurta from 700 to 900"), "700..900=from 700 to 900");
  EXPECT_EQ(PriceOf("tops $20 - $40"), "20..40=$20 - $40");
}

TEST(PricePhrases, NumbersThatAreNotPrices) {
  EXPECT_EQ(PriceOf("Kalenji Kiprun 1000"), "");
  EXPECT_EQ(PriceOf("force 10 shoes"), "");
  EXPECT_EQ(PriceOf("under armour tshirt"), "");
  EXPECT_EQ(PriceOf("jeans 32-34"), "") << "sizes, not a price range";
  EXPECT_EQ(PriceOf("toys under 5 years"), "") << "an age";
  EXPECT_EQ(PriceOf("kurta ₹500"), "") << "an amount alone says neither more nor less";
  EXPECT_EQ(PriceOf("between 900 and 500"), "") << "an empty range";
}

TEST(SizePhrases, NamedSizes) {
  EXPECT_EQ(SizeOf("mens running shoes size 10"), "10=size 10");
  EXPECT_EQ(SizeOf("heels uk 5"), "uk:5=uk 5");
  EXPECT_EQ(SizeOf("sandals 4 uk"), "uk:4=4 uk");
  EXPECT_EQ(SizeOf("sneakers size eu 42"), "eu:42=size eu 42");
  EXPECT_EQ(SizeOf("shirt size m"), "m=size m");
  EXPECT_EQ(SizeOf("kurta size: large"), "l=size: large");
  EXPECT_EQ(SizeOf("jeans waist 32"), "32=waist 32");
  EXPECT_EQ(SizeOf("dress size 8.5"), "8.5=size 8.5");
}

TEST(SizePhrases, SizesThatAreNothingElse) {
  EXPECT_EQ(SizeOf("black tshirt xl"), "xl=xl");
  EXPECT_EQ(SizeOf("hoodie 2XL"), "2xl=2XL");
  EXPECT_EQ(SizeOf("levis jeans 32x34"), "32x34=32x34");
  EXPECT_EQ(SizeOf("chinos w32 l30"), "32x30=w32 l30");
  EXPECT_EQ(SizeOf("w40 jeans"), "40=w40");
  EXPECT_EQ(SizeOf("trousers 32 waist"), "32=32 waist");
  EXPECT_EQ(SizeOf("scarf free size"), "free size=free size");
}

TEST(SizePhrases, WordsThatAreNotSizes) {
  EXPECT_EQ(SizeOf("force 10 shoes"), "");
  EXPECT_EQ(SizeOf("large handbag"), "") << "large, alone, is a size of bag, not a size";
  EXPECT_EQ(SizeOf("m&s shirt"), "");
  EXPECT_EQ(SizeOf("2x4 frame"), "");
  EXPECT_EQ(SizeOf("us polo shirt"), "") << "a system needs a number";
}

TEST(Phrases, BothInOneQueryInOrder) {
  const Phrases phrases = FindPhrases("nike shoes size 9 under 5000");
  ASSERT_EQ(phrases.sizes.size(), 1u);
  ASSERT_EQ(phrases.prices.size(), 1u);
  EXPECT_EQ(phrases.sizes[0].size, "9");
  EXPECT_EQ(phrases.prices[0].lte, 5000);
  EXPECT_LT(phrases.sizes[0].end, phrases.prices[0].begin);
}

TEST(Phrases, OddInputIsHarmless) {
  for (std::string_view q :
       {"", " ", "₹", "under", "size", "between 5 and", "1,", "9999999999999999999 under", "<<>>--",
        "\xe2\x82", "under \xff\xfe 100", "size uk", "from to 5"}) {
    (void)FindPhrases(q);  // no crash, no read past the end (ASan)
  }
  EXPECT_EQ(PriceOf("under \xff 100"), "");
}

}  // namespace
}  // namespace vitrine::query::internal
