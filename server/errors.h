// absl::Status -> HTTP error responses. The only place canonical codes become
// HTTP statuses: InvalidArgument 400, Unauthenticated 401, PermissionDenied 403,
// NotFound 404, AlreadyExists/Aborted 409, ResourceExhausted 429, Unavailable 503,
// DeadlineExceeded 503 (timed_out), anything else 500; error codes attached with
// WithErrorCode: insufficient_storage 507, idempotency_key_reused 422. 503 and 507
// carry Retry-After.
#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "server/http.h"

namespace vitrine::server {

// {"error": {"code": ..., "message": ..., "parameter": ...}} with the mapped status.
HttpResponse ErrorResponse(const absl::Status& status);

// An error response with an explicit HTTP status and code.
HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message,
                           std::string_view parameter = {});

// 405 with an Allow header listing the methods the route takes ("GET, POST").
HttpResponse MethodNotAllowed(std::string_view allowed);

}  // namespace vitrine::server
