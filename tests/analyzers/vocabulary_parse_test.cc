// Specification of Vocabulary::Parse and ReadVocabularyFiles: the bundled
// vocabulary loads, and every mistake in a vocabulary file is an error that
// names the file and the place in it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/vocabulary.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::analyzers {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

TEST(VocabularyParse, BundledVocabularyLoads) {
  absl::StatusOr<std::vector<VocabularyFile>> files = ReadVocabularyFiles(DefaultVocabularyDir());
  ASSERT_TRUE(files.ok()) << files.status();
  std::vector<std::string> names;
  for (const auto& [name, contents] : *files) names.push_back(name);
  EXPECT_THAT(names, ElementsAre("colors.json", "genders.json", "sizes.json", "stopwords.json",
                                 "synonyms.json", "units.json"));
  absl::StatusOr<std::shared_ptr<const Vocabulary>> vocabulary = Vocabulary::Parse(*files);
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.status();
  EXPECT_GT((*vocabulary)->size(), 300u);
}

TEST(VocabularyParse, AcceptsTheDocumentedForms) {
  absl::StatusOr<std::shared_ptr<const Vocabulary>> vocabulary = Vocabulary::Parse({
      {"a.json", R"({"description": "anything",
                     "synonyms": [["sweaters", "sweater", "jumper"],
                                  {"terms": ["sneakers"], "also": ["shoes"]}],
                     "stopwords": ["for"]})"},
      {"b.json", R"({"colors": [["blue"], {"terms": ["navy"], "family": "blue"}],
                     "genders": [{"terms": ["men"], "matches": ["men", "unisex"]},
                                 ["unisex"]]})"},
  });
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.status();
  const Vocabulary& v = **vocabulary;
  ASSERT_NE(v.Find("jumper"), nullptr);
  EXPECT_EQ(v.Find("jumper")->term, "sweater");
  ASSERT_NE(v.Find("sneaker"), nullptr);
  EXPECT_THAT(v.Find("sneaker")->also, ElementsAre("shoe"));
  ASSERT_NE(v.Find("navi"), nullptr);
  EXPECT_EQ(v.Find("navi")->family, "blue");
  EXPECT_EQ(v.Find("navi")->kind, TokenKind::kColor);
  EXPECT_TRUE(v.IsStopWord("for"));
  // Matches name genders of any file, resolved once all are read.
  EXPECT_THAT(v.GenderMatches("men"), UnorderedElementsAre("men", "unisex"));
}

struct ErrorRow {
  std::string_view name;  // what the row checks
  std::vector<VocabularyFile> files;
  std::vector<std::string> mentions;  // substrings of the error message
};

TEST(VocabularyParse, MistakesAreErrorsNamingFileAndPlace) {
  for (const ErrorRow& row : std::vector<ErrorRow>{
           {"malformed JSON",
            {{"broken.json", R"({"synonyms": [["tee", "t-shirt"])"}},
            {"broken.json", "malformed JSON"}},
           {"empty file", {{"empty.json", ""}}, {"empty.json", "malformed JSON"}},
           {"not an object", {{"list.json", R"([["tee"]])"}}, {"list.json", "object"}},
           {"unknown section",
            {{"extra.json", R"({"shoes": [["sneakers"]]})"}},
            {"extra.json", "shoes", "unknown section"}},
           {"section not an array",
            {{"s.json", R"({"synonyms": {"tee": "t-shirt"}})"}},
            {"s.json", "synonyms", "array"}},
           {"empty group",
            {{"groups.json", R"({"synonyms": [["tee"], []]})"}},
            {"groups.json", "synonyms[1]", "non-empty"}},
           {"object group without terms",
            {{"colors.json", R"({"colors": [["blue"], {"family": "blue"}]})"}},
            {"colors.json", "colors[1]", "terms"}},
           {"object group with empty terms",
            {{"sizes.json", R"({"sizes": [{"terms": []}]})"}},
            {"sizes.json", "sizes[0]"}},
           {"group that is a string",
            {{"s.json", R"({"synonyms": ["tee"]})"}},
            {"s.json", "synonyms[0]"}},
           {"term without words",
            {{"s.json", R"({"synonyms": [["tee", "!!!"]]})"}},
            {"s.json", "synonyms[0]", "'!!!'"}},
           {"term not a string",
            {{"s.json", R"({"synonyms": [["tee", 5]]})"}},
            {"s.json", "synonyms[0]", "strings"}},
           {"unknown key in a group",
            {{"s.json", R"({"synonyms": [{"terms": ["tee"], "colour": "blue"}]})"}},
            {"s.json", "synonyms[0].colour"}},
           {"family on a synonym group",
            {{"s.json", R"({"synonyms": [{"terms": ["tee"], "family": "top"}]})"}},
            {"s.json", "synonyms[0].family"}},
           {"matches on a colour group",
            {{"c.json", R"({"colors": [{"terms": ["navy"], "matches": ["blue"]}]})"}},
            {"c.json", "colors[0].matches"}},
           {"also that is not strings",
            {{"s.json", R"({"synonyms": [{"terms": ["sneakers"], "also": [1]}]})"}},
            {"s.json", "synonyms[0]", "also"}},
           {"stop words not an array",
            {{"stop.json", R"({"stopwords": "the"})"}},
            {"stop.json", "stopwords"}},
           {"a word in two groups of one file",
            {{"s.json", R"({"synonyms": [["t-shirt", "tee"], ["top", "tees"]]})"}},
            {"s.json synonyms[0]", "synonyms[1]", "'tee'"}},
           {"a word in two groups of two files",
            {{"a.json", R"({"synonyms": [["t-shirt", "tee"]]})"},
             {"b.json", R"({"synonyms": [["top", "tee"]]})"}},
            {"b.json", "synonyms[0]", "a.json synonyms[0]", "'tee'"}},
           {"a word in a colour and a size group",
            {{"colors.json", R"({"colors": [["navy", "small"]]})"},
             {"sizes.json", R"({"sizes": [["s", "small"]]})"}},
            {"sizes.json", "sizes[0]", "colors.json colors[0]", "'small'"}},
           {"matches naming an unknown gender",
            {{"genders.json",
              R"({"genders": [{"terms": ["men"], "matches": ["men", "martians"]}]})"}},
            {"genders.json", "matches", "martian"}},
           {"matches naming a word that is no gender",
            {{"colors.json", R"({"colors": [["navy"]]})"},
             {"genders.json", R"({"genders": [{"terms": ["men"], "matches": ["navy"]}]})"}},
            {"genders.json", "matches", "navi"}},
           {"a scope naming no member",
            {{"s.json", R"({"synonyms": [{"terms": ["trainers", "runners"],
                                           "scope": {"shoes": {"not_with": ["table"]}}}]})"}},
            {"s.json", "synonyms[0].scope.shoes", "not a member"}},
           {"a scope of several words",
            {{"s.json", R"({"synonyms": [{"terms": ["trainers", "running shoes"],
                                           "scope": {"running shoes": {"not_with": ["t"]}}}]})"}},
            {"s.json", "synonyms[0].scope.running shoes", "one word"}},
           {"a scope on the group's own term",
            {{"s.json", R"({"synonyms": [{"terms": ["caps", "cap", "hat"],
                                           "scope": {"cap": {"not_next_to": ["sleeve"]}}}]})"}},
            {"s.json", "synonyms[0].scope.cap", "list another member first"}},
           {"a scope with an unknown rule",
            {{"s.json", R"({"synonyms": [{"terms": ["trainers", "runners"],
                                           "scope": {"runners": {"only_with": ["shoe"]}}}]})"}},
            {"s.json", "synonyms[0].scope.runners.only_with"}},
           {"a scope without rules",
            {{"s.json", R"({"synonyms": [{"terms": ["trainers", "runners"],
                                           "scope": {"runners": {}}}]})"}},
            {"s.json", "synonyms[0].scope.runners", "not_with"}},
           {"matches that are not strings",
            {{"genders.json", R"({"genders": [{"terms": ["men"], "matches": [1]}]})"}},
            {"genders.json", "genders[0]"}},
       }) {
    SCOPED_TRACE(std::string("row: ") + std::string(row.name));
    absl::StatusOr<std::shared_ptr<const Vocabulary>> vocabulary = Vocabulary::Parse(row.files);
    EXPECT_FALSE(vocabulary.ok());
    if (vocabulary.ok()) continue;
    EXPECT_EQ(vocabulary.status().code(), absl::StatusCode::kInvalidArgument);
    for (const std::string& mention : row.mentions) {
      EXPECT_THAT(vocabulary.status().message(), HasSubstr(mention));
    }
  }
}

// "A word may belong to one group only" holds even when the two groups happen
// to share their first member: here "gold" would silently stay a colour and the
// synonym group would lose it.
TEST(VocabularyParse, AWordInGroupsOfDifferentKindsIsAnErrorEvenWithTheSameTerm) {
  absl::StatusOr<std::shared_ptr<const Vocabulary>> vocabulary = Vocabulary::Parse({
      {"colors.json", R"({"colors": [["gold"]]})"},
      {"synonyms.json", R"({"synonyms": [["gold", "jewellery"]]})"},
  });
  EXPECT_FALSE(vocabulary.ok());
  if (!vocabulary.ok()) {
    EXPECT_THAT(vocabulary.status().message(), HasSubstr("synonyms.json"));
    EXPECT_THAT(vocabulary.status().message(), HasSubstr("colors.json"));
  }
}

TEST(VocabularyParse, PluralsInOneGroupAreNoConflict) {
  absl::StatusOr<std::shared_ptr<const Vocabulary>> vocabulary = Vocabulary::Parse({
      {"s.json", R"({"synonyms": [["sweaters", "sweater", "Sweaters", "jumper", "jumpers"]]})"},
  });
  EXPECT_TRUE(vocabulary.ok()) << vocabulary.status();
}

TEST(VocabularyParse, ReadVocabularyFilesReadsJsonFilesInNameOrder) {
  vitrine::testing::TempDir dir;
  dir.WriteFile("b.json", R"({"colors": [["navy"]]})");
  dir.WriteFile("a.json", R"({"synonyms": [["tee"]]})");
  dir.WriteFile("notes.txt", "not a vocabulary file");
  absl::StatusOr<std::vector<VocabularyFile>> files = ReadVocabularyFiles(dir.path());
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].first, "a.json");
  EXPECT_EQ((*files)[0].second, R"({"synonyms": [["tee"]]})");
  EXPECT_EQ((*files)[1].first, "b.json");
}

TEST(VocabularyParse, ReadVocabularyFilesNamesAMissingOrEmptyDirectory) {
  vitrine::testing::TempDir dir;
  const std::string missing = dir.Sub("missing");
  absl::StatusOr<std::vector<VocabularyFile>> files = ReadVocabularyFiles(missing);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(files.status().message(), HasSubstr(missing));

  files = ReadVocabularyFiles(dir.path());
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(files.status().message(), HasSubstr(dir.path()));
}

}  // namespace
}  // namespace vitrine::analyzers
