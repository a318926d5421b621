#include "server/errors.h"

#include "base/json_writer.h"
#include "base/status.h"
#include "base/strings.h"

namespace vitrine::server {
namespace {

struct Mapped {
  int http_status;
  std::string_view code;
};

Mapped Map(const absl::Status& status) {
  // Codes the component attached for cases the canonical code does not tell apart.
  if (const std::optional<std::string> code = ErrorCodeOf(status)) {
    if (*code == "insufficient_storage") return {507, "insufficient_storage"};
    if (*code == "idempotency_key_reused") return {422, "idempotency_key_reused"};
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return {400, ParameterOf(status) ? "invalid_parameter" : "invalid_request"};
    case absl::StatusCode::kUnauthenticated:
      return {401, "unauthorized"};
    case absl::StatusCode::kPermissionDenied:
      return {403, "forbidden"};
    case absl::StatusCode::kNotFound:
      return {404, "not_found"};
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return {409, "conflict"};
    case absl::StatusCode::kFailedPrecondition:
      return {409, "failed_precondition"};
    case absl::StatusCode::kResourceExhausted:
      return {429, "resource_exhausted"};
    case absl::StatusCode::kUnavailable:
      return {503, "unavailable"};
    case absl::StatusCode::kDeadlineExceeded:  // a search's time budget (query/request.h)
      return {503, "timed_out"};
    default:
      return {500, "internal"};
  }
}

}  // namespace

HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message,
                           std::string_view parameter) {
  HttpResponse response;
  response.status = http_status;
  std::string& body = response.body;
  body.append(R"({"error":{"code":)");
  AppendJsonString(body, code);
  body.append(R"(,"message":)");
  AppendJsonString(body, message);
  if (!parameter.empty()) {
    body.append(R"(,"parameter":)");
    AppendJsonString(body, parameter);
  }
  body.append("}}");
  return response;
}

HttpResponse MethodNotAllowed(std::string_view allowed) {
  HttpResponse response =
      ErrorResponse(405, "method_not_allowed", StrCat("use ", allowed, " on this route"));
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

HttpResponse ErrorResponse(const absl::Status& status) {
  const Mapped mapped = Map(status);
  // Internal details stay in the log; clients get a stable, short message.
  const std::string_view message =
      mapped.http_status == 500 ? std::string_view("internal error") : FromAbsl(status.message());
  const std::optional<std::string> parameter = ParameterOf(status);
  HttpResponse response =
      ErrorResponse(mapped.http_status, mapped.code, message, parameter.value_or(""));
  // Unavailable and out of space are passing states: a client may retry.
  if (mapped.http_status == 503 || mapped.http_status == 507) {
    response.headers.emplace_back("Retry-After", "1");
  }
  return response;
}

}  // namespace vitrine::server
