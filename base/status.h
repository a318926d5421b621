// Status helpers shared by every component: early-return macros (Abseil 20220623
// has none) and a way to say which request parameter or record field is at fault.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/strings.h"

namespace vitrine {

// InvalidArgument naming the offending parameter or field; server/ turns it into
// {"error": {"code": "invalid_parameter", "parameter": name, ...}}.
absl::Status InvalidParameter(std::string_view name, std::string_view message);

// The parameter attached by InvalidParameter, if any.
std::optional<std::string> ParameterOf(const absl::Status& status);

// A status that carries the API's error code for cases the canonical code alone
// does not tell apart ("idempotency_key_reused", "insufficient_storage"); server/
// maps those codes to their HTTP statuses.
absl::Status WithErrorCode(absl::Status status, std::string_view code);
// The code attached by WithErrorCode, if any.
std::optional<std::string> ErrorCodeOf(const absl::Status& status);

// Prepends context ("opening snapshots: ") to a status message, keeping its code
// and payloads.
absl::Status Annotate(const absl::Status& status, std::string_view context);

}  // namespace vitrine

#define VITRINE_CONCAT_INNER_(a, b) a##b
#define VITRINE_CONCAT_(a, b) VITRINE_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when it is not OK.
#define RETURN_IF_ERROR(expr)                           \
  do {                                                  \
    if (absl::Status status_ = (expr); !status_.ok()) { \
      return status_;                                   \
    }                                                   \
  } while (false)

// ASSIGN_OR_RETURN(auto x, MakeX()); returns the error status of MakeX().
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL_(VITRINE_CONCAT_(statusor_, __LINE__), lhs, rexpr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                           \
  if (!tmp.ok()) {                              \
    return tmp.status();                        \
  }                                             \
  lhs = std::move(tmp).value()
