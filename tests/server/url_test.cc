#include "server/url.h"

#include <gtest/gtest.h>

#include "base/status.h"

namespace vitrine::server {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

TEST(ParseTarget, SplitsPathAndDecodesParametersInOrder) {
  absl::StatusOr<Target> target = ParseTarget("/v1/search?q=navy+tee&page=2&q=%C3%A9t%C3%A9");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(target->path, "/v1/search");
  EXPECT_EQ(target->params, (Params{{"q", "navy tee"}, {"page", "2"}, {"q", "été"}}));
}

TEST(ParseTarget, PathWithoutQueryHasNoParameters) {
  absl::StatusOr<Target> target = ParseTarget("/v1/products/15970");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->path, "/v1/products/15970");
  EXPECT_TRUE(target->params.empty());
}

TEST(ParseTarget, PlusIsASpaceOnlyInTheQuery) {
  absl::StatusOr<Target> target = ParseTarget("/a+b?x=a+b%2Bc");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->path, "/a+b");
  EXPECT_EQ(target->params, (Params{{"x", "a b+c"}}));
}

TEST(ParseTarget, EmptyPairsAreSkippedAndBareNamesHaveEmptyValues) {
  absl::StatusOr<Target> target = ParseTarget("/s?&&q&page=");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->params, (Params{{"q", ""}, {"page", ""}}));
}

TEST(ParseTarget, MalformedEscapeNamesTheParameter) {
  absl::StatusOr<Target> target = ParseTarget("/v1/search?q=%zz");
  ASSERT_FALSE(target.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(target.status()));
  EXPECT_EQ(ParameterOf(target.status()), "q");
}

TEST(ParseTarget, TruncatedEscapeIsAnError) {
  EXPECT_FALSE(ParseTarget("/v1/search?q=abc%2").ok());
  EXPECT_FALSE(ParseTarget("/v1/search?q=abc%").ok());
  EXPECT_EQ(ParameterOf(ParseTarget("/bad%g0path").status()), "path");
}

TEST(PercentDecode, DecodesEveryByteValue) {
  EXPECT_EQ(PercentDecode("%00%7f%FF", false).value(), std::string("\0\x7f\xff", 3));
}

}  // namespace
}  // namespace vitrine::server
