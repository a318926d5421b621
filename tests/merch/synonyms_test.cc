// Managed synonym sets: validation naming the field at fault, and the thesaurus
// as one generation's analyzer reads it (multi-way, one-way, phrases, layered on
// the built-in vocabulary).
#include "merch/synonyms.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::merch {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

TEST(SynonymSetParse, AcceptsMultiWayAndOneWaySets) {
  absl::StatusOr<SynonymSet> multi =
      ParseSynonymSet(R"({"id": "shoes", "synonyms": ["sneakers", "trainers", "running shoes"]})");
  ASSERT_TRUE(multi.ok()) << multi.status();
  EXPECT_EQ(multi->id, "shoes");
  EXPECT_EQ(multi->input, "");
  EXPECT_THAT(multi->synonyms, ElementsAre("sneakers", "trainers", "running shoes"));
  EXPECT_EQ(multi->json, R"({"id":"shoes","synonyms":["sneakers","trainers","running shoes"]})");
  absl::StatusOr<SynonymSet> one_way =
      ParseSynonymSet(R"({"id": "kicks", "input": "Kicks", "synonyms": ["sneakers"]})");
  ASSERT_TRUE(one_way.ok()) << one_way.status();
  EXPECT_EQ(one_way->input, "Kicks");
  EXPECT_THAT(one_way->synonyms, ElementsAre("sneakers"));
}

TEST(SynonymSetParse, ErrorsNameTheFieldAtFault) {
  const std::string long_word(kMaxSynonymBytes + 1, 'a');
  std::string many = R"({"id": "x", "synonyms": [)";
  for (size_t i = 0; i <= kMaxSynonymsPerSet; ++i) many += StrCat(i ? "," : "", "\"w", i, "\"");
  many += "]}";
  const struct {
    std::string json;
    std::string parameter;
  } kCases[] = {
      {"not json", "synonym_set"},
      {"[]", "synonym_set"},
      {R"({"id": "x", "synonyms": ["a", "b"], "weight": 2})", "weight"},
      {R"({"synonyms": ["a", "b"]})", "id"},
      {R"({"id": "bad id", "synonyms": ["a", "b"]})", "id"},
      {R"({"id": "x"})", "synonyms"},
      {R"({"id": "x", "synonyms": []})", "synonyms"},
      {R"({"id": "x", "synonyms": ["only"]})", "synonyms"},          // multi-way needs two
      {R"({"id": "x", "input": "a", "synonyms": []})", "synonyms"},  // one-way needs one
      {many, "synonyms"},
      {R"({"id": "x", "synonyms": ["a", "  "]})", "synonyms[1]"},
      {R"({"id": "x", "synonyms": ["a", 3]})", "synonyms[1]"},
      {StrCat(R"({"id": "x", "synonyms": ["a", ")", long_word, R"("]})"), "synonyms[1]"},
      {R"({"id": "x", "synonyms": ["a", "one two three four five six seven"]})", "synonyms[1]"},
      {R"({"id": "x", "synonyms": ["Tee", "tée"]})", "synonyms[1]"},  // repeated once folded
      {R"({"id": "x", "input": "tee", "synonyms": ["TEE"]})", "synonyms[0]"},
      {R"({"id": "x", "input": "", "synonyms": ["a"]})", "input"},
      {"{\"id\": \"x\", \"synonyms\": [\"a\", \"b\xC3\"]}", "synonyms[1]"},
      {"{\"id\": \"x\", \"input\": \"\xFF\", \"synonyms\": [\"a\"]}", "input"},
  };
  for (const auto& c : kCases) {
    absl::StatusOr<SynonymSet> set = ParseSynonymSet(c.json);
    ASSERT_FALSE(set.ok()) << c.json;
    EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_EQ(ParameterOf(set.status()).value_or(""), c.parameter)
        << c.json << ": " << set.status();
  }
}

class ThesaurusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto files = analyzers::ReadVocabularyFiles(analyzers::DefaultVocabularyDir());
    ASSERT_TRUE(files.ok()) << files.status();
    auto vocabulary = analyzers::Vocabulary::Parse(*files);
    ASSERT_TRUE(vocabulary.ok()) << vocabulary.status();
    analyzer_ = std::make_shared<const analyzers::Analyzer>(analyzers::AnalyzerOptions{},
                                                            *std::move(vocabulary));
  }
  static void TearDownTestSuite() { analyzer_.reset(); }

  static std::shared_ptr<const Thesaurus> Build(std::vector<std::string_view> sets) {
    std::vector<SynonymSet> parsed;
    for (std::string_view json : sets) parsed.push_back(ParseSynonymSet(json).value());
    return Thesaurus::Build(std::move(parsed), 7);
  }
  // The analysed terms of `text`, joined: how the thesaurus keys it.
  static std::string Key(std::string_view text) {
    std::string key;
    for (const analyzers::Token& token : analyzer_->Analyze(text)) {
      key += (key.empty() ? "" : " ") + token.term;
    }
    return key;
  }
  // The keys of the alternatives of `text`.
  static std::vector<std::string> AlternativesOf(const Thesaurus& thesaurus,
                                                 std::string_view text) {
    std::vector<std::string> keys;
    for (const auto& alternative : thesaurus.For(analyzer_)->Find(Key(text))) {
      std::string key;
      for (const analyzers::Token& token : alternative)
        key += (key.empty() ? "" : " ") + token.term;
      keys.push_back(key);
    }
    return keys;
  }

  static inline std::shared_ptr<const analyzers::Analyzer> analyzer_;
};

TEST_F(ThesaurusTest, MultiWayMembersMatchEachOther) {
  auto thesaurus = Build({R"({"id": "denim", "synonyms": ["jeans", "denims", "dungarees"]})"});
  EXPECT_THAT(AlternativesOf(*thesaurus, "jeans"),
              UnorderedElementsAre(Key("denims"), Key("dungarees")));
  EXPECT_THAT(AlternativesOf(*thesaurus, "Dungarees"),
              UnorderedElementsAre(Key("jeans"), Key("denims")));
  EXPECT_THAT(AlternativesOf(*thesaurus, "jean"),  // stems like the query does
              UnorderedElementsAre(Key("denims"), Key("dungarees")));
  EXPECT_EQ(thesaurus->version(), 7u);
  EXPECT_NE(thesaurus->Find("denim"), nullptr);
  EXPECT_EQ(thesaurus->Find("nope"), nullptr);
}

TEST_F(ThesaurusTest, OneWaySetsGoFromTheInputOnly) {
  auto thesaurus = Build({R"({"id": "k", "input": "kicks", "synonyms": ["sneakers"]})"});
  EXPECT_THAT(AlternativesOf(*thesaurus, "kicks"), ElementsAre(Key("sneakers")));
  EXPECT_THAT(AlternativesOf(*thesaurus, "sneakers"), IsEmpty());
}

TEST_F(ThesaurusTest, PhrasesAreKeyedByAllTheirTerms) {
  auto thesaurus = Build({R"({"id": "p", "input": "party wear", "synonyms": ["cocktail dress"]})"});
  const auto analysed = thesaurus->For(analyzer_);
  EXPECT_EQ(analysed->max_key_tokens(), 2u);
  EXPECT_THAT(AlternativesOf(*thesaurus, "party wear"), ElementsAre(Key("cocktail dress")));
  EXPECT_THAT(AlternativesOf(*thesaurus, "wear"), IsEmpty());
  EXPECT_TRUE(analysed->Knows(Key("wear")));
  EXPECT_FALSE(analysed->Knows(Key("cocktail")));
}

TEST_F(ThesaurusTest, MembersTheVocabularyAlreadyJoinsAddNothing) {
  // The built-in vocabulary makes sneakers and trainers one term already.
  ASSERT_EQ(Key("sneakers"), Key("trainers"));
  auto thesaurus = Build({R"({"id": "s", "synonyms": ["sneakers", "trainers", "kicks"]})"});
  EXPECT_THAT(AlternativesOf(*thesaurus, "sneakers"), ElementsAre(Key("kicks")));
  EXPECT_THAT(AlternativesOf(*thesaurus, "kicks"), ElementsAre(Key("sneakers")));
}

TEST_F(ThesaurusTest, SetsSharingAWordAddUpAndTheAnalysisIsKept) {
  auto thesaurus = Build({R"({"id": "a", "synonyms": ["jeans", "denims"]})",
                          R"({"id": "b", "input": "jeans", "synonyms": ["denims", "jeggings"]})"});
  EXPECT_THAT(AlternativesOf(*thesaurus, "jeans"),
              UnorderedElementsAre(Key("denims"), Key("jeggings")));
  EXPECT_EQ(thesaurus->For(analyzer_), thesaurus->For(analyzer_));  // computed once
  auto other = std::make_shared<const analyzers::Analyzer>();
  EXPECT_NE(thesaurus->For(other), thesaurus->For(analyzer_));
}

}  // namespace
}  // namespace vitrine::merch
