// `vitrine eval` as a user runs it: the printed figures, and exit codes 2 for
// usage errors and 1 for unreadable or malformed input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "tests/testing/temp_dir.h"

namespace vitrine {
namespace {

using ::testing::HasSubstr;
using vitrine::testing::TempDir;
using vitrine::testing::TestData;

struct CommandRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `vitrine eval ARGS` (arguments are plain paths and words, no quoting needed).
CommandRun Eval(const std::string& args) {
  const std::string command = std::string(VITRINE_BINARY) + " eval " + args + " 2>&1";
  CommandRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.output.append(buffer, n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class EvalCommandTest : public ::testing::Test {
 protected:
  TempDir dir_;
  const std::string queries_ = dir_.WriteFile("queries.tsv", "e1\thandbag\ne2\txyzzy\n");
  const std::string qrels_ = dir_.WriteFile("qrels.tsv", "e1\t1006\t2\ne2\t1001\t1\n");
  const std::string products_ = TestData("products.jsonl");
};

TEST_F(EvalCommandTest, PrintsTheFiguresAndTheWorstQueries) {
  const CommandRun run = Eval("--products " + products_ + " --queries " + queries_ + " --qrels " +
                              qrels_ + " --analyzer baseline --threads 1");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("12 products (0 rejected), baseline analyzer"));
  EXPECT_THAT(run.output, HasSubstr("\nnDCG@10              0.5000\n"));
  EXPECT_THAT(run.output, HasSubstr("\nMRR                  0.5000\n"));
  EXPECT_THAT(run.output, HasSubstr("\nzero-result rate     0.5000  (1 of 2 queries)\n"));
  EXPECT_THAT(run.output, HasSubstr("worst 2 of 2 scored queries by nDCG@10"));
  EXPECT_THAT(run.output, HasSubstr("1. g2  Fossil Women Brown Leather Handbag"));
}

TEST_F(EvalCommandTest, WritesTheRankedListsToTheRunFile) {
  const std::string run_file = dir_.Sub("run.tsv");
  const CommandRun run = Eval("--products " + products_ + " --queries " + queries_ + " --qrels " +
                              qrels_ + " --analyzer baseline --threads 1 --run " + run_file);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(vitrine::testing::ReadFile(run_file), "e1\t1\t1006\t2\n");
}

TEST_F(EvalCommandTest, UsageErrorsExitWithTwo) {
  for (const std::string& args : {
           "--products " + products_ + " --queries " + queries_,
           "--queries " + queries_ + " --qrels " + qrels_,
           "--products " + products_ + " --queries " + queries_ + " --qrels " + qrels_ +
               " --analyzer fancy",
           "--products " + products_ + " --queries " + queries_ + " --qrels " + qrels_ + " --k 0",
       }) {
    const CommandRun run = Eval(args);
    EXPECT_EQ(run.exit_code, 2) << args << "\n" << run.output;
    EXPECT_THAT(run.output, HasSubstr("usage: vitrine eval")) << args;
  }
}

TEST_F(EvalCommandTest, InputErrorsExitWithOneNamingFileAndLine) {
  const std::string bad = dir_.WriteFile("bad.tsv", "e1\t1006\t2\ne2\t1001\t3\n");
  CommandRun run = Eval("--products " + products_ + " --queries " + queries_ + " --qrels " + bad);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr(bad + ":2: grade must be 0, 1 or 2, got '3'"));

  run =
      Eval("--products " + products_ + " --queries " + dir_.Sub("none.tsv") + " --qrels " + qrels_);
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("cannot open " + dir_.Sub("none.tsv")));
}

}  // namespace
}  // namespace vitrine
