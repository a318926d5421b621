// Counting facets by style on hand-made columns: every way a field's values fall
// across a style's products (shared, all different, mixed; several per product)
// counts a style once per value, and the cheap paths agree with the general one.
#include "query/facets/facet_tally.h"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "catalog/index_schema.h"
#include "query/text/text_plan.h"

namespace vitrine::query::internal {
namespace {

// Docids 1..6: styles A (1, 2, 3) and B (4, 5); 6 has no parent.
struct Catalog {
  FacetColumn parents{.values = {"", "A", "B"}, .by_docid = {0, 1, 1, 1, 2, 2, 0}};
  DocSet variants = [] {
    DocSet set(7);
    for (Xapian::docid id : {1, 2, 3, 4, 5}) set.Add(id);
    return set;
  }();
  // brand: one per style; colour: all different within a style; fit: mixed.
  FacetColumn brand{.values = {"", "Roadster", "Levis"}, .by_docid = {0, 1, 1, 1, 2, 2, 1}};
  FacetColumn color{.values = {"", "Red", "Black", "Navy"}, .by_docid = {0, 1, 2, 3, 3, 2, 1}};
  FacetColumn fit{.values = {"", "Regular", "Slim"}, .by_docid = {0, 1, 1, 2, 2, 2, 1}};
  // sizes: 1 {S, M}, 2 {M, L}, 3 {XL}, 4 {30}, 5 {30, 32}, 6 {M}
  FacetColumn sizes{.values = {"", "S", "M", "L", "XL", "30", "32"},
                    .offsets = {0, 0, 2, 4, 5, 6, 8, 9},
                    .ids = {1, 2, 2, 3, 4, 5, 5, 6, 2}};
  NumberColumn price{.by_docid = {0, 1999, 1999, 2199, 2999, 2999, 1499}};
  StyleScratch scratch;
};

// With `adjacent`, the tally also knows where the styles' products lie.
std::vector<uint64_t> Counts(Catalog& catalog, FacetColumn& column, bool styles,
                             const std::vector<Xapian::docid>& matched, bool adjacent = false) {
  DocSet docs(catalog.parents.by_docid.size());
  for (Xapian::docid id : matched) docs.Add(id);
  FacetTally tally;
  const size_t entry = tally.AddTerms(column);
  const FacetColumns::StyleAdjacency adjacency = FacetColumns::StyleAdjacency::Of(catalog.parents);
  const StyleCounting counting{catalog.parents, catalog.variants, catalog.scratch,
                               adjacent ? &adjacency : nullptr};
  tally.Add(docs, styles ? &counting : nullptr);
  return tally.terms()[entry].counts;
}

TEST(FacetTally, AStyleCountsOncePerValueHoweverItsValuesFall) {
  Catalog catalog;
  const std::vector<Xapian::docid> all = {1, 2, 3, 4, 5, 6};
  catalog.brand.across_style = FacetColumn::AcrossStyle::kSame;
  EXPECT_EQ(Counts(catalog, catalog.brand, true, all), (std::vector<uint64_t>{0, 2, 1}));
  EXPECT_EQ(Counts(catalog, catalog.brand, false, all), (std::vector<uint64_t>{0, 4, 2}));
  catalog.color.across_style = FacetColumn::AcrossStyle::kDistinct;
  EXPECT_EQ(Counts(catalog, catalog.color, true, all), (std::vector<uint64_t>{0, 2, 2, 2}));
  // Regular: A (1, 2) and 6; Slim: A (3) and B.
  EXPECT_EQ(Counts(catalog, catalog.fit, true, all), (std::vector<uint64_t>{0, 2, 2}));
  // M: A (1 and 2) and 6; 30: B (4 and 5).
  EXPECT_EQ(Counts(catalog, catalog.sizes, true, all),
            (std::vector<uint64_t>{0, 1, 2, 1, 1, 1, 1}));
  EXPECT_EQ(Counts(catalog, catalog.sizes, true, {2, 5}),
            (std::vector<uint64_t>{0, 0, 1, 1, 0, 1, 1}));
}

TEST(FacetTally, TheCheapPathsAgreeWithTheGeneralOne) {
  Catalog catalog;
  for (const std::vector<Xapian::docid>& matched :
       std::vector<std::vector<Xapian::docid>>{{1, 2, 3, 4, 5, 6}, {2, 3}, {1, 4}, {5, 6}, {}}) {
    for (FacetColumn* column : {&catalog.brand, &catalog.color}) {
      column->across_style = FacetColumn::AcrossStyle::kMixed;
      const std::vector<uint64_t> general = Counts(catalog, *column, true, matched);
      column->across_style = column == &catalog.brand ? FacetColumn::AcrossStyle::kSame
                                                      : FacetColumn::AcrossStyle::kDistinct;
      EXPECT_EQ(Counts(catalog, *column, true, matched), general);
      // Knowing where the styles lie, without gathering their products.
      EXPECT_EQ(Counts(catalog, *column, true, matched, /*adjacent=*/true), general);
    }
  }
}

// A column of few values counts from a byte per product, and that byte
// follows the value ids through updates; a column of more, from two bytes.
TEST(FacetColumn, NarrowIdsFollowTheValueIdsAndCountAlike) {
  for (const bool styles : {false, true}) {
    Catalog catalog;
    const std::vector<Xapian::docid> all = {1, 2, 3, 4, 5, 6};
    const std::vector<uint64_t> wide = Counts(catalog, catalog.color, styles, all);
    catalog.color.Narrow();
    ASSERT_EQ(catalog.color.narrow.size(), catalog.color.by_docid.size());
    EXPECT_EQ(Counts(catalog, catalog.color, styles, all), wide);
    // From two bytes a product, as a column of more values counts.
    catalog.color.narrow.clear();
    catalog.color.narrow16.assign(catalog.color.by_docid.begin(), catalog.color.by_docid.end());
    EXPECT_EQ(Counts(catalog, catalog.color, styles, all), wide);
    // And as a column of too many values to count in lanes.
    const size_t values = catalog.color.values.size();
    catalog.color.values.resize(FacetTally::kMaxLaneValues + 1);
    const std::vector<uint64_t> many = Counts(catalog, catalog.color, styles, all);
    EXPECT_EQ(std::vector<uint64_t>(many.begin(), many.begin() + values), wide);
    EXPECT_EQ(static_cast<size_t>(std::count(many.begin() + values, many.end(), 0u)),
              many.size() - values);
  }
  FacetColumn column{.values = {"", "Red", "Black"}, .by_docid = {0, 1, 2, 2, 1}};
  column.Narrow();
  EXPECT_EQ(column.narrow, (std::vector<uint8_t>{0, 1, 2, 2, 1}));
  column.by_docid[3] = 1;
  column.Narrow(std::vector<Xapian::docid>{3});
  EXPECT_EQ(column.narrow, (std::vector<uint8_t>{0, 1, 2, 1, 1}));
  column.by_docid.push_back(2);  // a new product: in full again
  column.Narrow(std::vector<Xapian::docid>{5});
  EXPECT_EQ(column.narrow, (std::vector<uint8_t>{0, 1, 2, 1, 1, 2}));
  // More values than `limit`, the last one given to product `id`.
  const auto past = [&column](size_t limit, Xapian::docid id) {
    while (column.values.size() <= limit) {
      column.values.push_back("v" + std::to_string(column.values.size()));
    }
    column.by_docid[id] = static_cast<uint32_t>(column.values.size() - 1);
    column.Narrow(std::vector<Xapian::docid>{id});
  };
  past(FacetColumn::kNarrowValues, 1);
  EXPECT_TRUE(column.narrow.empty());
  EXPECT_EQ(column.narrow16, (std::vector<uint16_t>{0, 256, 2, 1, 1, 2}));
  column.by_docid[4] = 256;
  column.Narrow(std::vector<Xapian::docid>{4});
  EXPECT_EQ(column.narrow16, (std::vector<uint16_t>{0, 256, 2, 1, 256, 2}));
  past(FacetColumn::kNarrow16Values, 2);
  EXPECT_TRUE(column.narrow.empty());
  EXPECT_TRUE(column.narrow16.empty());
}

// Counts by style the slow way: per value, the styles one of whose matched
// products has it, and the matched products without a parent that have it.
std::vector<uint64_t> CountedByHand(const FacetColumn& parents, const FacetColumn& column,
                                    const std::vector<Xapian::docid>& matched) {
  std::vector<uint64_t> counts(column.values.size(), 0);
  for (uint32_t value = 1; value < column.values.size(); ++value) {
    std::vector<uint32_t> styles;
    for (const Xapian::docid id : matched) {
      if (column.by_docid[id] != value) continue;
      const uint32_t parent = parents.by_docid[id];
      if (parent == 0) {
        ++counts[value];
      } else if (std::find(styles.begin(), styles.end(), parent) == styles.end()) {
        styles.push_back(parent);
        ++counts[value];
      }
    }
  }
  return counts;
}

TEST(FacetTally, StylesWhoseProductsAreApartOrNumberedOutOfOrderCountOnce) {
  // Styles read in bulk list their products together, numbered in order; the
  // first three do not (products added to a style later, a style renumbered):
  // A is 1, 4 and 7, B is 2, 3 and 6, C is 5; 8 has no parent. The others
  // list each style's products together, or all but one style's. Each is
  // counted with and without knowing where the styles' products lie.
  for (const std::vector<uint32_t>& parent_of :
       std::vector<std::vector<uint32_t>>{{0, 1, 2, 2, 1, 3, 2, 1, 0},
                                          {0, 3, 1, 1, 3, 2, 1, 3, 0},
                                          {0, 2, 2, 1, 1, 3, 3, 2, 0},
                                          {0, 1, 1, 2, 2, 2, 3, 3, 0},
                                          {0, 3, 3, 3, 1, 2, 2, 1, 0},
                                          {0, 2, 1, 1, 1, 1, 3, 3, 0}}) {
    Catalog catalog;
    catalog.parents = {.values = {"", "A", "B", "C"}, .by_docid = parent_of};
    catalog.variants = DocSet(9);
    for (Xapian::docid id = 1; id <= 7; ++id) catalog.variants.Add(id);
    FacetColumn brand{.values = {"", "Roadster", "Levis", "Puma"},
                      .by_docid = {0, 1, 2, 2, 1, 3, 2, 1, 3}};
    FacetColumn fit{.values = {"", "Regular", "Slim"}, .by_docid = {0, 1, 2, 1, 2, 2, 1, 1, 2}};
    // Every subset of the products as the match.
    for (uint32_t subset = 0; subset < (1u << 8); ++subset) {
      std::vector<Xapian::docid> matched;
      for (Xapian::docid id = 1; id <= 8; ++id) {
        if ((subset >> (id - 1) & 1) != 0) matched.push_back(id);
      }
      for (FacetColumn* column : {&brand, &fit}) {
        const std::vector<uint64_t> expected = CountedByHand(catalog.parents, *column, matched);
        column->across_style = FacetColumn::AcrossStyle::kMixed;
        EXPECT_EQ(Counts(catalog, *column, true, matched), expected) << subset;
        EXPECT_EQ(Counts(catalog, *column, true, matched, /*adjacent=*/true), expected) << subset;
        // (Whether or not a style's products share the value, the cheap path
        // for shared values counts one product per style.)
        column->across_style = FacetColumn::AcrossStyle::kSame;
        std::vector<uint64_t> firsts(column->values.size(), 0);
        std::vector<uint32_t> seen;
        for (const Xapian::docid id : matched) {
          const uint32_t parent = catalog.parents.by_docid[id];
          if (parent != 0 && std::find(seen.begin(), seen.end(), parent) != seen.end()) continue;
          if (parent != 0) seen.push_back(parent);
          ++firsts[column->by_docid[id]];
        }
        EXPECT_EQ(Counts(catalog, *column, true, matched), firsts) << subset;
        EXPECT_EQ(Counts(catalog, *column, true, matched, /*adjacent=*/true), firsts) << subset;
        // The one for values a style's products never share counts every product.
        column->across_style = FacetColumn::AcrossStyle::kDistinct;
        std::vector<uint64_t> every(column->values.size(), 0);
        for (const Xapian::docid id : matched) ++every[column->by_docid[id]];
        EXPECT_EQ(Counts(catalog, *column, true, matched), every) << subset;
        EXPECT_EQ(Counts(catalog, *column, true, matched, /*adjacent=*/true), every) << subset;
      }
    }
  }
}

TEST(FacetTally, BucketsCountStylesAndStatsProducts) {
  Catalog catalog;
  DocSet docs(7);
  for (Xapian::docid id : {1, 2, 3, 4, 5, 6}) docs.Add(id);
  FacetTally tally;
  tally.AddBuckets(catalog.price, {2000});
  const StyleCounting counting{catalog.parents, catalog.variants, catalog.scratch};
  tally.Add(docs, &counting);
  // ..2000: A (1, 2) and 6; 2000..: A (3) and B.
  EXPECT_EQ(tally.buckets()[0].counts, (std::vector<uint64_t>{2, 2}));
  EXPECT_EQ(tally.buckets()[0].stats.count, 6u);
  EXPECT_EQ(tally.buckets()[0].stats.min, 1499);
}

namespace schema = catalog::schema;

// A product of a Xapian database as the indexer writes the fields read here.
Xapian::Document Product(const std::string& parent, const std::string& brand,
                         const std::string& color) {
  Xapian::Document doc;
  if (!parent.empty()) {
    doc.add_boolean_term(schema::FilterTerm("PARENT", parent));
    doc.add_value(schema::kSlotParent, parent);
  }
  doc.add_value(schema::kSlotBrand, brand);
  doc.add_value(schema::kSlotColor, color);
  return doc;
}

TEST(FacetColumnsAcrossStyle, LoadedFromTheCatalogAndKeptOrMadeMixedByUpdates) {
  Xapian::WritableDatabase database(std::string(), Xapian::DB_BACKEND_INMEMORY);
  database.add_document(Product("A", "Roadster", "Red"));    // 1
  database.add_document(Product("A", "Roadster", "Black"));  // 2
  database.add_document(Product("B", "Levis", "Red"));       // 3
  database.add_document(Product("", "Biba", "Red"));         // 4
  const std::vector<Xapian::valueno> single = {schema::kSlotParent, schema::kSlotBrand,
                                               schema::kSlotColor};
  const FacetColumns loaded = FacetColumns::Load(database, single, {}, {});
  const auto across = [](const FacetColumns& columns, Xapian::valueno slot) {
    return columns.slots.at(slot).across_style;
  };
  EXPECT_EQ(across(loaded, schema::kSlotBrand), FacetColumn::AcrossStyle::kSame);
  EXPECT_EQ(across(loaded, schema::kSlotColor), FacetColumn::AcrossStyle::kDistinct);

  // A new colour in style B keeps both; a second Red in style A mixes colours.
  database.add_document(Product("B", "Levis", "Blue"));  // 5
  const FacetColumns kept = loaded.Updated(database, {5});
  EXPECT_EQ(across(kept, schema::kSlotBrand), FacetColumn::AcrossStyle::kSame);
  EXPECT_EQ(across(kept, schema::kSlotColor), FacetColumn::AcrossStyle::kDistinct);
  // (A colour's byte per product follows, the new product's too.)
  const FacetColumn& colors = kept.slots.at(schema::kSlotColor);
  ASSERT_EQ(colors.narrow.size(), colors.by_docid.size());
  for (size_t id = 0; id < colors.by_docid.size(); ++id) {
    EXPECT_EQ(colors.narrow[id], colors.by_docid[id]) << id;
  }
  database.replace_document(2, Product("A", "Roadster", "Red"));
  const FacetColumns mixed = kept.Updated(database, {2});
  EXPECT_EQ(across(mixed, schema::kSlotBrand), FacetColumn::AcrossStyle::kSame);
  EXPECT_EQ(across(mixed, schema::kSlotColor), FacetColumn::AcrossStyle::kMixed);
  // Another brand in style B: brands are no longer shared within every style.
  database.replace_document(5, Product("B", "Wrangler", "Blue"));
  EXPECT_EQ(across(mixed.Updated(database, {5}), schema::kSlotBrand),
            FacetColumn::AcrossStyle::kMixed);
}

TEST(FacetColumnsUpdated, AMultiValuedColumnIsWhatAFreshLoadReads) {
  Xapian::WritableDatabase database(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const auto sized = [](const std::string& sizes) {
    Xapian::Document doc;
    if (!sizes.empty()) doc.add_value(schema::kSlotSizes, sizes);
    return doc;
  };
  database.add_document(sized("S|M"));  // 1
  database.add_document(sized(""));     // 2
  database.add_document(sized("L"));    // 3
  const FacetColumns loaded = FacetColumns::Load(database, {}, {schema::kSlotSizes}, {});
  database.replace_document(1, sized("M|XL"));  // changed
  database.replace_document(2, sized("M"));     // had none
  database.delete_document(3);
  database.add_document(sized("XS|S"));  // 4, new
  // Each document's sizes in order, a line per docid.
  const auto lists = [](const FacetColumns& columns) {
    const FacetColumn& column = columns.slots.at(schema::kSlotSizes);
    std::vector<std::string> lines;
    for (size_t id = 0; id + 1 < column.offsets.size(); ++id) {
      std::string line;
      for (uint32_t k = column.offsets[id]; k < column.offsets[id + 1]; ++k) {
        line += column.values[column.ids[k]] + ",";
      }
      lines.push_back(line);
    }
    return lines;
  };
  const FacetColumns updated = loaded.Updated(database, {1, 2, 3, 4});
  EXPECT_EQ(lists(updated), (std::vector<std::string>{"", "M,XL,", "M,", "", "XS,S,"}));
  EXPECT_EQ(lists(updated), lists(FacetColumns::Load(database, {}, {schema::kSlotSizes}, {})));
  // Unchanged documents keep their lists through a later update.
  database.replace_document(4, sized("XS"));
  EXPECT_EQ(lists(updated.Updated(database, {4})),
            (std::vector<std::string>{"", "M,XL,", "M,", "", "XS,"}));
}

TEST(FacetColumnsUpdated, SignalsAndLengthsAreWhatAFreshLoadReads) {
  Xapian::WritableDatabase database(std::string(), Xapian::DB_BACKEND_INMEMORY);
  const auto product = [](double price, double popularity, double created, double rating,
                          const std::string& in_stock, const std::string& weight) {
    Xapian::Document doc;
    doc.add_value(schema::kSlotPrice, Xapian::sortable_serialise(price));
    if (popularity >= 0) {
      doc.add_value(schema::kSlotPopularity, Xapian::sortable_serialise(popularity));
    }
    doc.add_value(schema::kSlotCreatedAt, Xapian::sortable_serialise(created));
    doc.add_value(schema::kSlotRating, Xapian::sortable_serialise(rating));
    doc.add_value(schema::kSlotInStock, in_stock);
    doc.add_value(schema::kSlotAttribute0, weight);
    doc.add_term("Xword", 1 + static_cast<Xapian::termcount>(price) % 7);  // a length
    return doc;
  };
  for (int i = 1; i <= 6; ++i) {
    database.add_document(product(100 * i, i % 4, 1000 + i, 1 + i % 5, i % 2 ? "1" : "0", "2"));
  }
  const std::vector<Xapian::valueno> single = {schema::kSlotInStock, schema::kSlotAttribute0};
  const std::vector<Xapian::valueno> numbers = {schema::kSlotPrice, schema::kSlotPopularity,
                                                schema::kSlotCreatedAt, schema::kSlotRating};
  const auto expect_fresh = [&](const FacetColumns& updated, const std::string& step) {
    const FacetColumns loaded = FacetColumns::Load(database, single, {}, numbers);
    const SignalColumns& fresh = loaded.signals;
    // (The documents and their lengths, too.)
    EXPECT_EQ(updated.lengths->by_docid, loaded.lengths->by_docid) << step;
    DocSet differ = updated.lengths->all;
    differ ^= loaded.lengths->all;
    EXPECT_TRUE(differ.empty()) << step;
    EXPECT_EQ(updated.lengths->all.Count(), database.get_doccount()) << step;
    EXPECT_EQ(updated.signals.popularity, fresh.popularity) << step;
    EXPECT_EQ(updated.signals.recency, fresh.recency) << step;
    EXPECT_EQ(updated.signals.rating, fresh.rating) << step;
    EXPECT_EQ(updated.signals.in_stock, fresh.in_stock) << step;
    EXPECT_EQ(updated.signals.attributes, fresh.attributes) << step;
  };
  FacetColumns columns = FacetColumns::Load(database, single, {}, numbers);
  // Each step changes the catalog, then the columns follow it.
  const std::vector<std::pair<std::string, std::function<std::vector<Xapian::docid>()>>> steps = {
      {"a price",
       [&] {
         database.replace_document(2, product(999, 2, 1002, 3, "0", "2"));
         return std::vector<Xapian::docid>{2};
       }},
      {"stock",
       [&] {
         database.replace_document(3, product(300, 3, 1003, 4, "0", "2"));
         return std::vector<Xapian::docid>{3};
       }},
      {"popularity and rating",
       [&] {
         database.replace_document(1, product(100, 9, 1001, 5, "1", "2"));
         return std::vector<Xapian::docid>{1};
       }},
      {"popularity dropped, a new weight",
       [&] {
         database.replace_document(4, product(400, -1, 1004, 5, "1", "7"));
         return std::vector<Xapian::docid>{4};
       }},
      {"deleted",
       [&] {
         database.delete_document(5);
         return std::vector<Xapian::docid>{5};
       }},
      {"added",
       [&] {
         return std::vector<Xapian::docid>{database.add_document(product(50, 1, 999, 2, "1", "2"))};
       }},
  };
  for (const auto& [step, change] : steps) {
    columns = columns.Updated(database, change());
    expect_fresh(columns, step);
  }
}

TEST(FacetColumnsUpdated, ColumnsMadeOtherwiseThanByLoadReadTheLengthsOnce) {
  Xapian::WritableDatabase database(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::Document doc;
  doc.add_term("Xword", 3);
  database.add_document(doc);
  database.add_document(doc);
  const FacetColumns updated = FacetColumns().Updated(database, {2});
  ASSERT_NE(updated.lengths, nullptr);
  EXPECT_EQ(updated.lengths->all.Count(), 2u);
  EXPECT_EQ(updated.lengths->by_docid, (std::vector<Xapian::termcount>{0, 3, 3}));
}

// StyleAdjacency::Firsts, a word at a time, against the firsts found one
// product at a time.
TEST(StyleAdjacency, FirstsAreTheFirstMatchedProductOfEachStyle) {
  std::mt19937 random(11);
  // Styles of 1 to 150 products one after another (runs across words, some
  // over whole words), and products without one between them.
  FacetColumn parents{.values = {""}, .by_docid = {0}};
  std::uniform_int_distribution<int> length(1, 150);
  while (parents.by_docid.size() < 5000) {
    const int run = length(random);
    const auto parent = static_cast<uint32_t>(parents.values.size());
    parents.values.push_back("S" + std::to_string(parent));
    for (int i = 0; i < run; ++i) parents.by_docid.push_back(parent);
    if (random() % 4 == 0) parents.by_docid.push_back(0);
  }
  const FacetColumns::StyleAdjacency adjacency = FacetColumns::StyleAdjacency::Of(parents);
  ASSERT_TRUE(adjacency.scattered.words().empty());
  for (const double density : {0.01, 0.2, 0.7, 1.0}) {
    std::bernoulli_distribution in(density);
    DocSet matched(parents.by_docid.size());
    for (Xapian::docid id = 1; id < parents.by_docid.size(); ++id) {
      if (in(random)) matched.Add(id);
    }
    // One by one: a product of a style is first when no product before it
    // in the set is of its style; one without a style never is.
    std::vector<Xapian::docid> expected;
    std::set<uint32_t> seen;
    matched.ForEach([&](Xapian::docid id) {
      const uint32_t parent = parents.by_docid[id];
      if (parent != 0 && seen.insert(parent).second) expected.push_back(id);
    });
    std::vector<Xapian::docid> firsts;
    uint64_t carry = 0;
    const std::span<const uint64_t> words = matched.words();
    for (size_t k = 0; k < words.size(); ++k) {
      uint64_t styled = 0;  // the products of the word with a style (none lies apart)
      for (uint64_t word = words[k]; word != 0; word &= word - 1) {
        const int bit = std::countr_zero(word);
        if (parents.by_docid[k * 64 + static_cast<size_t>(bit)] != 0) {
          styled |= uint64_t{1} << bit;
        }
      }
      for (uint64_t word = adjacency.Firsts(k, styled, carry); word != 0; word &= word - 1) {
        firsts.push_back(static_cast<Xapian::docid>(k * 64 + std::countr_zero(word)));
      }
    }
    EXPECT_EQ(firsts, expected) << "density " << density;
  }
}

// A match's styles counted from where the styles' products lie (64 products at
// a time) are those counted product by product, and those of a set: styles of
// one to seventy adjacent products (runs across words, and past a word's
// length), products of no style, and styles whose products lie apart, at
// first and after variants are added at the end.
TEST(HitCount, StylesCountedAWordAtATimeAreThoseCountedOneByOne) {
  Xapian::WritableDatabase database(std::string(), Xapian::DB_BACKEND_INMEMORY);
  std::mt19937 random(5);
  std::uniform_int_distribution<int> length(1, 6);
  std::bernoulli_distribution alone(0.15), long_run(0.02), apart(0.03);
  std::vector<std::string> parent_of = {""};  // by docid
  const auto add = [&](const std::string& parent) {
    database.add_document(Product(parent, "Roadster", "Red"));
    parent_of.push_back(parent);
  };
  for (int style = 0; parent_of.size() < 4000; ++style) {
    if (alone(random)) add("");
    const std::string parent = "S" + std::to_string(style);
    for (int n = long_run(random) ? 70 : length(random); n > 0; --n) add(parent);
    // A product of an earlier style now and then: that style lies apart.
    if (apart(random)) add("S" + std::to_string(style / 2));
  }
  const auto expect_counts = [&](const FacetColumns& columns, const std::string& step) {
    const FacetColumn& parents = columns.slots.at(schema::kSlotParent);
    EXPECT_GT(columns.adjacency.scattered.Count(), 0u) << step;
    for (const double density : {1.0, 0.6, 0.1, 0.01}) {
      std::bernoulli_distribution has(density);
      DocSet matched(parent_of.size());
      std::set<std::string> styles;
      uint64_t expected = 0;
      for (Xapian::docid id = 1; id < parent_of.size(); ++id) {
        if (!has(random)) continue;
        matched.Add(id);
        expected += parent_of[id].empty() || styles.insert(parent_of[id]).second;
      }
      EXPECT_EQ(HitCount(matched, &parents, &columns.adjacency), expected) << step << density;
      EXPECT_EQ(HitCount(matched, &parents), expected) << step << density;
      EXPECT_EQ(HitCount(matched, nullptr, &columns.adjacency), matched.Count());
      // Facets of a field a style's products share (a value per style) and of
      // one they never share, over the match without the styles apart: found
      // a word at a time, they are what counting product by product gives.
      DocSet adjacent = matched;
      adjacent.Subtract(columns.adjacency.scattered);
      FacetColumn brand{.values = {"", "a", "b", "c", "d", "e"}};
      FacetColumn color{.values = {"", "1", "2", "3", "4", "5", "6", "7"}};
      brand.across_style = FacetColumn::AcrossStyle::kSame;
      color.across_style = FacetColumn::AcrossStyle::kDistinct;
      std::vector<uint64_t> brands(brand.values.size(), 0), colors(color.values.size(), 0);
      std::set<uint32_t> counted;
      for (Xapian::docid id = 0; id < parents.by_docid.size(); ++id) {
        const uint32_t parent = parents.by_docid[id];
        brand.by_docid.push_back((parent != 0 ? parent : id) % 5 + 1);
        color.by_docid.push_back(id % 7 + 1);
        if (!adjacent.Contains(id)) continue;
        ++colors[color.by_docid[id]];
        if (parent == 0 || counted.insert(parent).second) ++brands[brand.by_docid[id]];
      }
      for (const bool knowing_where : {true, false}) {
        FacetTally tally;
        const size_t b = tally.AddTerms(brand);
        const size_t c = tally.AddTerms(color);
        StyleScratch scratch;
        const StyleCounting counting{parents, columns.variants, scratch,
                                     knowing_where ? &columns.adjacency : nullptr};
        tally.Add(adjacent, &counting);
        EXPECT_EQ(tally.terms()[b].counts, brands) << step << density << knowing_where;
        EXPECT_EQ(tally.terms()[c].counts, colors) << step << density << knowing_where;
      }
    }
  };
  const std::vector<Xapian::valueno> single = {schema::kSlotParent};
  const FacetColumns loaded = FacetColumns::Load(database, single, {}, {});
  expect_counts(loaded, "loaded");
  // New variants of the first styles, at the end; one product moved to another style.
  std::vector<Xapian::docid> changed;
  for (int style = 0; style < 40; ++style) {
    add("S" + std::to_string(style));
    changed.push_back(static_cast<Xapian::docid>(parent_of.size() - 1));
  }
  database.replace_document(2, Product("S7", "Roadster", "Red"));
  parent_of[2] = "S7";
  changed.push_back(2);
  const FacetColumns updated = loaded.Updated(database, changed);
  expect_counts(updated, "updated");
  const FacetColumns fresh = FacetColumns::Load(database, single, {}, {});
  // (Built as the catalog was before the products apart: none lies apart.)
  FacetColumn adjacent{.values = {"", "A", "B", "C"}, .by_docid = {0, 1, 1, 0, 2, 2, 2, 3}};
  const FacetColumns::StyleAdjacency none_apart = FacetColumns::StyleAdjacency::Of(adjacent);
  EXPECT_TRUE(none_apart.scattered.words().empty());
  for (uint32_t subset = 0; subset < (1u << 7); ++subset) {
    DocSet matched(adjacent.by_docid.size());
    for (Xapian::docid id = 1; id <= 7; ++id) {
      if ((subset >> (id - 1) & 1) != 0) matched.Add(id);
    }
    EXPECT_EQ(HitCount(matched, &adjacent, &none_apart), HitCount(matched, &adjacent)) << subset;
  }
  DocSet differ = updated.adjacency.continues;
  differ ^= fresh.adjacency.continues;
  EXPECT_TRUE(differ.empty());
  differ = updated.adjacency.scattered;
  differ ^= fresh.adjacency.scattered;
  EXPECT_TRUE(differ.empty());
}

}  // namespace
}  // namespace vitrine::query::internal
