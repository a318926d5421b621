// Specification of base/status.h: errors that name the parameter at fault, context
// annotation, and the early-return macros.
#include "base/status.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "absl/strings/cord.h"

namespace vitrine {
namespace {

TEST(InvalidParameter, IsInvalidArgumentWithTheMessage) {
  const absl::Status status = InvalidParameter("per_page", "per_page must be between 1 and 100");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "per_page must be between 1 and 100");
}

TEST(InvalidParameter, NamesTheParameter) {
  EXPECT_EQ(ParameterOf(InvalidParameter("per_page", "too large")), "per_page");
  EXPECT_EQ(ParameterOf(InvalidParameter("attributes.usage", "bad")), "attributes.usage");
}

TEST(InvalidParameter, MayNameNoParameter) {
  // A record-level error (malformed JSON) names the empty field.
  EXPECT_EQ(ParameterOf(InvalidParameter("", "malformed JSON")), std::string());
}

TEST(ParameterOf, IsNulloptForStatusesWithoutAParameter) {
  EXPECT_EQ(ParameterOf(absl::OkStatus()), std::nullopt);
  EXPECT_EQ(ParameterOf(absl::InvalidArgumentError("bad")), std::nullopt);
  EXPECT_EQ(ParameterOf(absl::NotFoundError("no such product")), std::nullopt);
}

TEST(Annotate, PrependsContextToTheMessage) {
  const absl::Status status = Annotate(absl::NotFoundError("no such file"), "opening snapshots");
  EXPECT_EQ(status.message(), "opening snapshots: no such file");
}

TEST(Annotate, KeepsTheCode) {
  EXPECT_EQ(Annotate(absl::UnavailableError("busy"), "ctx").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Annotate(InvalidParameter("q", "too long"), "ctx").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Annotate, KeepsTheParameterAndOtherPayloads) {
  absl::Status status = InvalidParameter("price", "price must be a number");
  status.SetPayload("example.com/other", absl::Cord("kept"));
  const absl::Status annotated = Annotate(status, "feed.jsonl line 2");
  EXPECT_EQ(ParameterOf(annotated), "price");
  EXPECT_EQ(annotated.GetPayload("example.com/other"), absl::Cord("kept"));
  EXPECT_EQ(annotated.message(), "feed.jsonl line 2: price must be a number");
}

TEST(Annotate, LeavesOkAlone) { EXPECT_TRUE(Annotate(absl::OkStatus(), "ctx").ok()); }

absl::Status FailIfNegative(int value) {
  if (value < 0) return InvalidParameter("value", "negative");
  return absl::OkStatus();
}

absl::StatusOr<int> Halve(int value) {
  RETURN_IF_ERROR(FailIfNegative(value));
  if (value % 2 != 0) return absl::InvalidArgumentError("odd");
  return value / 2;
}

absl::StatusOr<int> Quarter(int value) {
  ASSIGN_OR_RETURN(int half, Halve(value));
  ASSIGN_OR_RETURN(int quarter, Halve(half));
  return quarter;
}

TEST(StatusMacros, ReturnIfErrorReturnsTheErrorUnchanged) {
  const absl::StatusOr<int> result = Halve(-2);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(ParameterOf(result.status()), "value");
}

TEST(StatusMacros, ReturnIfErrorContinuesOnOk) { EXPECT_EQ(Halve(8).value_or(-1), 4); }

TEST(StatusMacros, AssignOrReturnAssignsValuesAndReturnsErrors) {
  EXPECT_EQ(Quarter(8).value_or(-1), 2);
  EXPECT_EQ(Quarter(6).status().message(), "odd");  // 6 / 2 = 3 is odd
  EXPECT_EQ(Quarter(-8).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitrine
