// Specification of ValidateSearchRequest: the limits of a search request, each
// error naming the parameter at fault.
#include <gtest/gtest.h>

#include <string>

#include "base/status.h"
#include "query/search.h"

namespace vitrine::query {
namespace {

SearchRequest Request(std::string q, int page = 1, int per_page = 24) {
  SearchRequest request;
  request.q = std::move(q);
  request.page = page;
  request.per_page = per_page;
  return request;
}

// The parameter blamed for `request` under the default limits, or "<ok>".
std::string ParameterAtFault(const SearchRequest& request) {
  const absl::Status status = ValidateSearchRequest(request, SearchLimits());
  if (status.ok()) return "<ok>";
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  return ParameterOf(status).value_or("<none>");
}

TEST(ValidateSearchRequest, AcceptsTheDefaults) {
  EXPECT_EQ(ParameterAtFault(SearchRequest()), "<ok>");
}

TEST(ValidateSearchRequest, LimitsQueryLength) {
  EXPECT_EQ(ParameterAtFault(Request(std::string(512, 'a'))), "<ok>");
  EXPECT_EQ(ParameterAtFault(Request(std::string(513, 'a'))), "q");
}

TEST(ValidateSearchRequest, RejectsInvalidUtf8InTheQuery) {
  EXPECT_EQ(ParameterAtFault(Request("navy \xFF shirt")), "q");
  EXPECT_EQ(ParameterAtFault(Request("caf\xC3")), "q");
  EXPECT_EQ(ParameterAtFault(Request("café")), "<ok>");
}

TEST(ValidateSearchRequest, RequiresAPositivePage) {
  EXPECT_EQ(ParameterAtFault(Request("", 0)), "page");
  EXPECT_EQ(ParameterAtFault(Request("", -3)), "page");
}

TEST(ValidateSearchRequest, BoundsPerPage) {
  EXPECT_EQ(ParameterAtFault(Request("", 1, 0)), "per_page");
  EXPECT_EQ(ParameterAtFault(Request("", 1, 1)), "<ok>");
  EXPECT_EQ(ParameterAtFault(Request("", 1, 100)), "<ok>");
  EXPECT_EQ(ParameterAtFault(Request("", 1, 101)), "per_page");
}

TEST(ValidateSearchRequest, BoundsTheResultWindow) {
  EXPECT_EQ(ParameterAtFault(Request("", 100, 100)), "<ok>");
  EXPECT_EQ(ParameterAtFault(Request("", 101, 100)), "page");
  EXPECT_EQ(ParameterAtFault(Request("", 10001, 1)), "page");
}

TEST(ValidateSearchRequest, DoesNotOverflowOnHugePages) {
  EXPECT_EQ(ParameterAtFault(Request("", 2147483647, 100)), "page");
}

TEST(ValidateSearchRequest, AppliesTheGivenLimits) {
  SearchLimits limits;
  limits.max_per_page = 10;
  limits.max_result_window = 50;
  limits.max_query_bytes = 4;
  EXPECT_EQ(ParameterOf(ValidateSearchRequest(Request("", 1, 11), limits)), "per_page");
  EXPECT_EQ(ParameterOf(ValidateSearchRequest(Request("", 6, 10), limits)), "page");
  EXPECT_EQ(ParameterOf(ValidateSearchRequest(Request("jeans"), limits)), "q");
  EXPECT_TRUE(ValidateSearchRequest(Request("tee", 5, 10), limits).ok());
}

}  // namespace
}  // namespace vitrine::query
