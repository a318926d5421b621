// The collector address of ExporterOptions::endpoint, checked and split for the
// HTTP client. Internal to telemetry/ (SpanExporter::Start calls it); public only
// so tests can read the parts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vitrine::telemetry {

struct HttpEndpoint {
  std::string host;         // for the resolver: a name or an address, no brackets
  uint16_t port = 80;       // 80 when the endpoint names none
  std::string target;       // the request target: the path (and query), "/v1/traces" if none
  std::string host_header;  // "host:port" as the Host header ("[::1]:4318" for IPv6)
};

// Splits "http://host[:port][/path]". InvalidArgument naming the parameter
// "endpoint" (base/status.h) with what is wrong: empty, not http (https gets
// advice: send to a local collector over http), credentials, no host, a bad port,
// whitespace or a fragment.
absl::StatusOr<HttpEndpoint> ParseHttpEndpoint(std::string_view endpoint);

}  // namespace vitrine::telemetry
