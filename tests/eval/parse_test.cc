// Reading queries.tsv and qrels.tsv: accepted forms, and errors that name the
// file and line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <string_view>

#include "base/status.h"
#include "eval/relevance.h"
#include "tests/testing/temp_dir.h"

namespace vitrine::eval {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using vitrine::testing::TempDir;

// The message of a failed parse, or a marker when it unexpectedly succeeded.
template <typename T>
std::string ErrorOf(const absl::StatusOr<T>& result) {
  if (result.ok()) return "<parsed without error>";
  EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
  return std::string(result.status().message());
}

TEST(ParseQueries, ReadsTabSeparatedLinesTrimmedAndSkipsBlankOnes) {
  absl::StatusOr<std::vector<EvalQuery>> queries =
      ParseQueries("q1\tmen's navy t-shirt\r\n\n  \nq2\t  red dress \nq3\ta\tb", "queries.tsv");
  ASSERT_TRUE(queries.ok()) << queries.status();
  EXPECT_THAT(*queries, ElementsAre(EvalQuery{"q1", "men's navy t-shirt"},
                                    EvalQuery{"q2", "red dress"}, EvalQuery{"q3", "a\tb"}));
}

TEST(ParseQueries, ErrorsNameTheFileAndLine) {
  const struct {
    std::string_view text;
    std::string_view error;
  } kCases[] = {
      {"q1\tok\nq2 no tab\n", "queries.tsv:2: expected qid<TAB>query, found no tab"},
      {"q1\tok\n\n\tshirt\n", "queries.tsv:3: empty qid"},
      {"q1\t  \n", "queries.tsv:1: empty query"},
      {"q1\tshirt\nq2\tdress\nq1\tjeans\n", "queries.tsv:3: qid 'q1' repeats line 1"},
  };
  for (const auto& c : kCases) {
    const absl::StatusOr<std::vector<EvalQuery>> result = ParseQueries(c.text, "queries.tsv");
    EXPECT_EQ(ErrorOf(result), c.error) << c.text;
    if (!result.ok()) {
      EXPECT_EQ(ParameterOf(result.status()), "queries");
    }
  }
}

TEST(ParseQrels, ReadsGradesByQueryAndProduct) {
  absl::StatusOr<Qrels> qrels = ParseQrels("q1\tp1\t2\nq1\tp2\t0\r\n\nq2\tp1\t1\n", "qrels.tsv");
  ASSERT_TRUE(qrels.ok()) << qrels.status();
  EXPECT_EQ(qrels->size(), 2u);
  EXPECT_EQ((*qrels)["q1"], (Judgments{{"p1", 2}, {"p2", 0}}));
  EXPECT_EQ((*qrels)["q2"], (Judgments{{"p1", 1}}));
}

TEST(ParseQrels, ErrorsNameTheFileAndLine) {
  const struct {
    std::string_view text;
    std::string_view error;
  } kCases[] = {
      {"q1\tp1\t2\nq1\tp2\n", "qrels.tsv:2: expected qid<TAB>product_id<TAB>grade, found 2 fields"},
      {"q1 p1 2\n", "qrels.tsv:1: expected qid<TAB>product_id<TAB>grade, found 1 field"},
      {"q1\tp1\t2\t0\n", "qrels.tsv:1: expected qid<TAB>product_id<TAB>grade, found 4 fields"},
      {"q1\tp1\t1\nq1\tp2\t3\n", "qrels.tsv:2: grade must be 0, 1 or 2, got '3'"},
      {"q1\tp1\t-1\n", "qrels.tsv:1: grade must be 0, 1 or 2, got '-1'"},
      {"q1\tp1\t1.0\n", "qrels.tsv:1: grade must be 0, 1 or 2, got '1.0'"},
      {"q1\tp1\t+1\n", "qrels.tsv:1: grade must be 0, 1 or 2, got '+1'"},
      {"q1\tp1\t\n", "qrels.tsv:1: grade must be 0, 1 or 2, got ''"},
      {"\tp1\t1\n", "qrels.tsv:1: empty qid"},
      {"q1\t\t1\n", "qrels.tsv:1: empty product_id"},
      {"q1\tp1\t1\nq2\tp1\t1\n\nq1\tp1\t2\n",
       "qrels.tsv:4: product 'p1' is judged twice for qid 'q1'"},
  };
  for (const auto& c : kCases) {
    const absl::StatusOr<Qrels> result = ParseQrels(c.text, "qrels.tsv");
    EXPECT_EQ(ErrorOf(result), c.error) << c.text;
    if (!result.ok()) {
      EXPECT_EQ(ParameterOf(result.status()), "qrels");
    }
  }
}

TEST(ReadFiles, MissingFileIsNotFoundNamingThePath) {
  TempDir dir;
  const absl::StatusOr<std::vector<EvalQuery>> queries = ReadQueries(dir.Sub("missing.tsv"));
  EXPECT_TRUE(absl::IsNotFound(queries.status())) << queries.status();
  EXPECT_THAT(queries.status().message(), HasSubstr(dir.Sub("missing.tsv")));
  EXPECT_TRUE(absl::IsNotFound(ReadQrels(dir.Sub("missing.tsv")).status()));
}

TEST(ReadFiles, ReadsPlainAndGzipFilesAndNamesThePathInErrors) {
  TempDir dir;
  const std::string plain = dir.WriteFile("qrels.tsv", "q1\tp1\t2\nq1\tp2\t5\n");
  EXPECT_EQ(ErrorOf(ReadQrels(plain)), plain + ":2: grade must be 0, 1 or 2, got '5'");

  const std::string gzipped = dir.Sub("qrels.tsv.gz");
  gzFile file = gzopen(gzipped.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  const std::string_view contents = "q1\tp1\t2\nq2\tp3\t1\n";
  ASSERT_EQ(gzwrite(file, contents.data(), static_cast<unsigned>(contents.size())),
            static_cast<int>(contents.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
  absl::StatusOr<Qrels> qrels = ReadQrels(gzipped);
  ASSERT_TRUE(qrels.ok()) << qrels.status();
  EXPECT_EQ((*qrels)["q2"], (Judgments{{"p3", 1}}));

  const std::string queries = dir.WriteFile("queries.tsv", "q1\tshirt\n");
  absl::StatusOr<std::vector<EvalQuery>> parsed = ReadQueries(queries);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(*parsed, ElementsAre(EvalQuery{"q1", "shirt"}));
}

}  // namespace
}  // namespace vitrine::eval
