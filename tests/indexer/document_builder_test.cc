// Specification of BuildDocument: the Xapian document of a product follows the
// layout of catalog/index_schema.h.
#include "indexer/document_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <xapian.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/status.h"
#include "catalog/index_schema.h"
#include "tests/analyzers/fashion_testing.h"

namespace vitrine::indexer {
namespace {

namespace schema = catalog::schema;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::StartsWith;

// Product 1002 of tests/testdata/products.jsonl.
catalog::Product Jeans() {
  catalog::Product p;
  p.id = "1002";
  p.title = "Roadster Women Black Skinny Jeans";
  p.brand = "Roadster";
  p.category = {"Apparel", "Bottomwear", "Jeans"};
  p.gender = "Women";
  p.color = "Black";
  p.season = "Winter";
  p.sizes = {"28", "30"};
  p.price = 1599;
  p.currency = "INR";
  p.rating = 4.5;
  p.popularity = 820;
  p.created_at = 1795737600;
  p.in_stock = true;
  return p;
}

std::vector<std::string> Terms(const Xapian::Document& doc) {
  return {doc.termlist_begin(), doc.termlist_end()};
}

std::vector<Xapian::termpos> Positions(const Xapian::Document& doc, const std::string& term) {
  for (Xapian::TermIterator it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    if (*it == term) return {it.positionlist_begin(), it.positionlist_end()};
  }
  ADD_FAILURE() << "no term " << term;
  return {};
}

Xapian::termcount Wdf(const Xapian::Document& doc, const std::string& term) {
  Xapian::TermIterator it = doc.termlist_begin();
  it.skip_to(term);
  if (it == doc.termlist_end() || *it != term) {
    ADD_FAILURE() << "no term " << term;
    return 0;
  }
  return it.get_wdf();
}

const analyzers::Analyzer kAnalyzer;

TEST(BuildDocument, StoresTheIdAsDataAndAsTheUniqueIdTerm) {
  const Xapian::Document doc = BuildDocument(Jeans(), kAnalyzer);
  EXPECT_EQ(doc.get_data(), "1002");
  EXPECT_THAT(Terms(doc), Contains("Q1002"));
  EXPECT_EQ(schema::IdTerm("1002"), "Q1002");
}

TEST(BuildDocument, IndexesEachTextFieldUnderItsPrefix) {
  const Xapian::Document doc = BuildDocument(Jeans(), kAnalyzer);
  EXPECT_THAT(Terms(doc), IsSupersetOf({
                              "Sroadster", "Swomen", "Sblack", "Sskinni", "Sjean",  // title
                              "XBroadster",                                         // brand
                              "XCapparel", "XCbottomwear", "XCjean",                // category
                              "XCOLblack",                                          // colour
                              "XGwomen",                                            // gender
                          }));
}

TEST(BuildDocument, IndexesTheDescriptionUnderXD) {
  catalog::Product p = Jeans();
  p.description = "Stretchy cotton denim.";
  EXPECT_THAT(Terms(BuildDocument(p, kAnalyzer)),
              IsSupersetOf({"XDstretchi", "XDcotton", "XDdenim"}));
}

TEST(BuildDocument, GivesTitleTermsPositionsFromOne) {
  const Xapian::Document doc = BuildDocument(Jeans(), kAnalyzer);
  EXPECT_THAT(Positions(doc, "Sroadster"), ElementsAre(1));
  EXPECT_THAT(Positions(doc, "Sskinni"), ElementsAre(4));
  EXPECT_THAT(Positions(doc, "Sjean"), ElementsAre(5));
}

TEST(BuildDocument, GivesOtherTextFieldsNoPositions) {
  const Xapian::Document doc = BuildDocument(Jeans(), kAnalyzer);
  EXPECT_THAT(Positions(doc, "XBroadster"), IsEmpty());
  EXPECT_THAT(Positions(doc, "XCjean"), IsEmpty());
}

TEST(BuildDocument, CountsRepeatedWordsInWdf) {
  catalog::Product p = Jeans();
  p.title = "Jeans jeans JEANS";
  EXPECT_EQ(Wdf(BuildDocument(p, kAnalyzer), "Sjean"), 3u);
}

TEST(BuildDocument, AddsNormalisedFilterTerms) {
  const Xapian::Document doc = BuildDocument(Jeans(), kAnalyzer);
  EXPECT_THAT(Terms(doc), IsSupersetOf({
                              "XFBRAND:roadster",
                              "XFCOLOR:black",
                              "XFGENDER:women",
                              "XFSEASON:winter",
                              "XFCATEGORY:apparel",
                              "XFCATEGORY:bottomwear",
                              "XFCATEGORY:jeans",
                              "XFSIZE:28",
                              "XFSIZE:30",
                              "XFINSTOCK:true",
                          }));
}

TEST(BuildDocument, FilterTermsKeepWholeValuesCaseAndAccentFolded) {
  catalog::Product p = Jeans();
  p.brand = "Café Crème";
  p.color = "Navy Blue";
  p.material = "COTTON";
  p.in_stock = false;
  EXPECT_THAT(Terms(BuildDocument(p, kAnalyzer)),
              IsSupersetOf({"XFBRAND:cafe creme", "XFCOLOR:navy blue", "XFMATERIAL:cotton",
                            "XFINSTOCK:false"}));
  EXPECT_EQ(FilterValue("Navy Blue"), "navy blue");
  EXPECT_EQ(schema::FilterTerm("BRAND", FilterValue("Roadster")), "XFBRAND:roadster");
}

TEST(BuildDocument, FilterTermsDoNotCountAsWords) {
  const Xapian::Document doc = BuildDocument(Jeans(), kAnalyzer);
  EXPECT_EQ(Wdf(doc, "XFBRAND:roadster"), 0u);
  EXPECT_EQ(Wdf(doc, "Q1002"), 0u);
}

TEST(BuildDocument, AddsNoTermsForAbsentFields) {
  catalog::Product p;
  p.id = "7";
  p.title = "Cap";
  EXPECT_THAT(Terms(BuildDocument(p, kAnalyzer)), ElementsAre("Q7", "Scap"));
}

TEST(BuildDocument, StoresNumbersSortableSerialised) {
  const Xapian::Document doc = BuildDocument(Jeans(), kAnalyzer);
  EXPECT_EQ(doc.get_value(schema::kSlotPrice), Xapian::sortable_serialise(1599));
  EXPECT_EQ(doc.get_value(schema::kSlotRating), Xapian::sortable_serialise(4.5));
  EXPECT_EQ(doc.get_value(schema::kSlotPopularity), Xapian::sortable_serialise(820));
  EXPECT_EQ(doc.get_value(schema::kSlotCreatedAt), Xapian::sortable_serialise(1795737600.0));
  EXPECT_EQ(doc.get_value(schema::kSlotInStock), "1");
}

TEST(BuildDocument, StoresDisplayValuesForFacets) {
  const Xapian::Document doc = BuildDocument(Jeans(), kAnalyzer);
  EXPECT_EQ(doc.get_value(schema::kSlotBrand), "Roadster");
  EXPECT_EQ(doc.get_value(schema::kSlotColor), "Black");
  EXPECT_EQ(doc.get_value(schema::kSlotGender), "Women");
  EXPECT_EQ(doc.get_value(schema::kSlotSeason), "Winter");
  EXPECT_EQ(doc.get_value(schema::kSlotMaterial), "");
  EXPECT_EQ(doc.get_value(schema::kSlotCategoryLeaf), "Jeans");
}

TEST(BuildDocument, LeavesSlotsOfAbsentValuesEmpty) {
  catalog::Product p;
  p.id = "7";
  p.title = "Cap";
  const Xapian::Document doc = BuildDocument(p, kAnalyzer);
  EXPECT_EQ(doc.values_count(), 1u);  // only the id, which sort orders break ties by
  EXPECT_EQ(doc.get_value(schema::kSlotId), "7");
  EXPECT_THAT(Terms(doc), Not(Contains(StartsWith("XFINSTOCK:"))));
}

TEST(BuildDocument, StoresOutOfStockAsZero) {
  catalog::Product p = Jeans();
  p.in_stock = false;
  EXPECT_EQ(BuildDocument(p, kAnalyzer).get_value(schema::kSlotInStock), "0");
}

TEST(BuildDocument, SkipsTermsOverXapiansLengthLimit) {
  catalog::Product p = Jeans();
  p.title = "Tee " + std::string(300, 'x');
  p.brand = std::string(300, 'b');
  const std::vector<std::string> terms = Terms(BuildDocument(p, kAnalyzer));
  EXPECT_THAT(terms, Contains("Stee"));
  for (const std::string& term : terms) EXPECT_LE(term.size(), 240u) << term.substr(0, 20);
  EXPECT_THAT(terms, Not(Contains(StartsWith("XFBRAND:"))));
}

TEST(BuildDocument, StoresTheParentIdAsItIsForCollapsing) {
  catalog::Product p = Jeans();
  p.parent_id = "Style-42";
  const Xapian::Document doc = BuildDocument(p, kAnalyzer);
  EXPECT_EQ(doc.get_value(schema::kSlotParent), "Style-42");
  EXPECT_THAT(Terms(doc), Contains("XFPARENT:Style-42"));  // ids are case-sensitive
  EXPECT_EQ(doc.get_value(schema::kSlotSizes), "28|30");
  EXPECT_EQ(BuildDocument(Jeans(), kAnalyzer).get_value(schema::kSlotParent), "");
}

TEST(BuildDocument, StoresTheWholeSizeRunWhenStockIsGivenPerSize) {
  catalog::Product p = Jeans();
  p.size_stock = {{"28", 3}, {"30", 0}, {"32", 1}};
  p.sizes = {"28", "32"};
  const Xapian::Document doc = BuildDocument(p, kAnalyzer);
  EXPECT_EQ(doc.get_value(schema::kSlotSizeRun), "28|30|32");
  EXPECT_EQ(doc.get_value(schema::kSlotSizes), "28|32");  // what a size filter finds
  EXPECT_THAT(Terms(doc), Not(Contains("XFSIZE:30")));
  EXPECT_EQ(BuildDocument(Jeans(), kAnalyzer).get_value(schema::kSlotSizeRun), "");
}

TEST(BuildDocument, IndexesOnlyDeclaredAttributesInDeclarationOrder) {
  catalog::Product p = Jeans();
  p.attributes = {{"fit", "Skinny Fit"}, {"usage", "Casual"}, {"wash", "Dark"}};
  const std::vector<std::string> declared = {"usage", "fit", "rise"};
  const Xapian::Document doc = BuildDocument(p, kAnalyzer, declared);
  EXPECT_EQ(doc.get_value(schema::kSlotAttribute0), "Casual");
  EXPECT_EQ(doc.get_value(schema::kSlotAttribute0 + 1), "Skinny Fit");
  EXPECT_EQ(doc.get_value(schema::kSlotAttribute0 + 2), "");
  const std::vector<std::string> terms = Terms(doc);
  EXPECT_THAT(terms, Contains("XFATTR.usage:casual"));
  EXPECT_THAT(terms, Contains("XFATTR.fit:skinny fit"));
  for (const std::string& term : terms) EXPECT_EQ(term.find("dark"), std::string::npos) << term;
}

// Everything a document holds, to compare two builds of it.
struct Contents {
  std::string data;
  std::vector<std::tuple<std::string, Xapian::termcount, std::vector<Xapian::termpos>>> terms;
  std::vector<std::pair<Xapian::valueno, std::string>> values;
  friend bool operator==(const Contents&, const Contents&) = default;
};

Contents ContentsOf(const Xapian::Document& doc) {
  Contents contents{.data = doc.get_data()};
  for (Xapian::TermIterator it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
    contents.terms.emplace_back(
        *it, it.get_wdf(),
        std::vector<Xapian::termpos>(it.positionlist_begin(), it.positionlist_end()));
  }
  for (Xapian::ValueIterator it = doc.values_begin(); it != doc.values_end(); ++it) {
    contents.values.emplace_back(it.get_valueno(), *it);
  }
  return contents;
}

TEST(BuildDocument, BuildsTheSameDocumentFromAnAnalysisMemo) {
  // The fashion analyzer: colour families, genders, sizes and compounds.
  const analyzers::Analyzer& fashion = analyzers::fashion_spec::Fashion();
  // A bound of 64 values, which the brands pass: it starts over on the way.
  AnalysisMemo memo(fashion, 64);
  const std::vector<std::string> attributes = {"usage"};
  const std::vector<std::string> colors = {"Navy Blue", "Black", "Off White", "Crème"};
  for (size_t i = 0; i < 300; ++i) {
    catalog::Product p = Jeans();
    p.id = "p" + std::to_string(i);
    p.title = "Roadster Women " + colors[i % colors.size()] + " T-Shirt " + std::to_string(i);
    p.brand = i % 3 == 0 ? "Roadster" : "Brand " + std::to_string(i);  // repeated, and new
    p.color = colors[i % colors.size()];
    p.gender = i % 2 == 0 ? "Women" : "Men's";
    p.category = {"Apparel", i % 2 == 0 ? "Topwear" : "Bottomwear", "T-Shirts"};
    p.sizes = {"Extra Large", "W32 L34", std::to_string(i % 40)};
    p.attributes["usage"] = i % 5 == 0 ? "Casual" : "Sports";
    const Contents made = ContentsOf(BuildDocument(p, fashion, attributes));
    ASSERT_EQ(ContentsOf(BuildDocument(p, memo, attributes)), made) << "product " << i;
    ASSERT_EQ(memo.Words(p.brand), fashion.Words(p.brand)) << "product " << i;
  }
}

TEST(ValidateFilterableAttributes, AcceptsPlainDistinctKeys) {
  EXPECT_TRUE(ValidateFilterableAttributes(std::vector<std::string>{"fit", "usage_2"}).ok());
  EXPECT_TRUE(ValidateFilterableAttributes({}).ok());
}

TEST(ValidateFilterableAttributes, RejectsBadKeysNamingThem) {
  for (const std::vector<std::string>& keys : std::vector<std::vector<std::string>>{
           {"Fit"}, {""}, {"fit", "fit"}, {"brand"}, {"price"}, {"a.b"}, {std::string(65, 'a')}}) {
    const absl::Status status = ValidateFilterableAttributes(keys);
    EXPECT_EQ(ParameterOf(status), "filterable_attributes") << keys.back();
  }
  std::vector<std::string> many;
  for (int i = 0; i <= 16; ++i) many.push_back("k" + std::to_string(i));
  EXPECT_FALSE(ValidateFilterableAttributes(many).ok());
}

}  // namespace
}  // namespace vitrine::indexer
