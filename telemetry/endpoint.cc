#include "telemetry/endpoint.h"

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::telemetry {
namespace {

constexpr std::string_view kParameter = "endpoint";
// The path of OTLP/HTTP trace exports (OTLP specification, "OTLP/HTTP Request").
constexpr std::string_view kDefaultTarget = "/v1/traces";

absl::Status Invalid(std::string_view endpoint, std::string_view problem) {
  return InvalidParameter(kParameter, StrCat("endpoint '", endpoint, "': ", problem));
}

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool IsIpv6LiteralChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.' || c == '%';
}

}  // namespace

absl::StatusOr<HttpEndpoint> ParseHttpEndpoint(std::string_view endpoint) {
  if (endpoint.empty()) {
    return InvalidParameter(kParameter,
                            "endpoint is empty: give the collector's OTLP/HTTP address, "
                            "e.g. http://127.0.0.1:4318");
  }
  for (const char c : endpoint) {
    // They would end up in the request line or the Host header.
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Invalid(endpoint, "contains whitespace or control characters");
    }
  }
  const size_t scheme_end = endpoint.find("://");
  if (scheme_end == std::string_view::npos) {
    return Invalid(endpoint, "must start with http:// (http://host:port[/path])");
  }
  const std::string scheme = AsciiLower(endpoint.substr(0, scheme_end));
  if (scheme == "https") {
    return Invalid(endpoint,
                   "https is not supported: run an OpenTelemetry Collector on this host or "
                   "network and send to it over http (e.g. http://127.0.0.1:4318); it can "
                   "forward over TLS");
  }
  if (scheme != "http") {
    return Invalid(endpoint, StrCat("scheme '", scheme, "' is not supported, only http"));
  }
  std::string_view rest = endpoint.substr(scheme_end + 3);
  const size_t authority_end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view path =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return Invalid(endpoint, "must not contain credentials (user@host)");
  }
  if (!path.empty() && path.front() != '/') {
    return Invalid(endpoint, "the path must start with '/'");
  }
  if (path.find('#') != std::string_view::npos) {
    return Invalid(endpoint, "must not contain a fragment ('#')");
  }

  HttpEndpoint parsed;
  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid(endpoint, "'[' without ']'");
    host = authority.substr(1, close - 1);
    for (const char c : host) {
      if (!IsIpv6LiteralChar(c)) return Invalid(endpoint, "not an IPv6 address inside [...]");
    }
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') {
      return Invalid(endpoint, "expected ':port' after the IPv6 address");
    }
    has_port = !after.empty();
    if (has_port) port_text = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    has_port = colon != std::string_view::npos;
    if (has_port) port_text = authority.substr(colon + 1);
    for (const char c : host) {
      if (!IsHostNameChar(c)) {
        return Invalid(endpoint, "the host must be a name or an address ([...] for IPv6)");
      }
    }
  }
  if (host.empty()) return Invalid(endpoint, "has no host");
  if (has_port) {
    const std::optional<int64_t> port = ParseInt64(port_text);
    if (!port || port_text.front() == '+' || port_text.front() == '-' || *port < 1 ||
        *port > 65535) {
      return Invalid(endpoint, "the port must be a number from 1 to 65535");
    }
    parsed.port = static_cast<uint16_t>(*port);
  }
  parsed.host = std::string(host);
  parsed.target = path.empty() ? std::string(kDefaultTarget) : std::string(path);
  const bool bracketed = host.find(':') != std::string_view::npos;
  parsed.host_header = StrCat(bracketed ? "[" : "", host, bracketed ? "]" : "", ":", parsed.port);
  return parsed;
}

}  // namespace vitrine::telemetry
