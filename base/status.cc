#include "base/status.h"

#include "absl/strings/cord.h"

namespace vitrine {
namespace {
constexpr std::string_view kParameterPayload = "vitrine.dev/parameter";
constexpr std::string_view kErrorCodePayload = "vitrine.dev/error-code";
}  // namespace

absl::Status InvalidParameter(std::string_view name, std::string_view message) {
  absl::Status status = absl::InvalidArgumentError(ToAbsl(message));
  status.SetPayload(ToAbsl(kParameterPayload), absl::Cord(ToAbsl(name)));
  return status;
}

std::optional<std::string> ParameterOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(ToAbsl(kParameterPayload));
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

absl::Status WithErrorCode(absl::Status status, std::string_view code) {
  status.SetPayload(ToAbsl(kErrorCodePayload), absl::Cord(ToAbsl(code)));
  return status;
}

std::optional<std::string> ErrorCodeOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(ToAbsl(kErrorCodePayload));
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

absl::Status Annotate(const absl::Status& status, std::string_view context) {
  if (status.ok()) return status;
  absl::Status annotated(status.code(), StrCat(context, ": ", status.message()));
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    annotated.SetPayload(url, payload);
  });
  return annotated;
}

}  // namespace vitrine
