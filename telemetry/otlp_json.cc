// OTLP/HTTP JSON bodies, written by hand (no JSON library in the exporter): the
// field names and encodings are those of the proto3 JSON mapping that OTLP
// specifies, with OTLP's exceptions (trace and span ids as hex, not base64).
// https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
#include <cmath>
#include <string_view>
#include <type_traits>

#include "base/json_writer.h"
#include "base/strings.h"
#include "telemetry/trace.h"

namespace vitrine::telemetry {
namespace {

constexpr std::string_view kScopeName = "vitrine";
constexpr std::string_view kServiceNameKey = "service.name";

// proto3 JSON writes 64-bit integers (int64 intValue, fixed64 times) as decimal
// strings, since JavaScript numbers lose precision past 2^53.
template <typename Integer>
void AppendQuotedInteger(std::string& out, Integer value) {
  out.push_back('"');
  out.append(StrCat(value));
  out.push_back('"');
}

// proto3 JSON double: a number, or one of the strings it reserves for the
// values JSON numbers cannot hold.
void AppendProtoDouble(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append(R"("NaN")");
  } else if (std::isinf(value)) {
    out.append(value > 0 ? R"("Infinity")" : R"("-Infinity")");
  } else {
    AppendJsonNumber(out, value);
  }
}

// {"key":"...","value":{"<type>Value":...}}
void AppendAttribute(std::string& out, const Attribute& attribute) {
  out.append(R"({"key":)");
  AppendJsonString(out, attribute.key);
  out.append(R"(,"value":{)");
  std::visit(
      [&out](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          out.append(R"("stringValue":)");
          AppendJsonString(out, value);
        } else if constexpr (std::is_same_v<T, int64_t>) {
          out.append(R"("intValue":)");
          AppendQuotedInteger(out, value);
        } else if constexpr (std::is_same_v<T, double>) {
          out.append(R"("doubleValue":)");
          AppendProtoDouble(out, value);
        } else {
          static_assert(std::is_same_v<T, bool>);
          out.append(R"("boolValue":)").append(value ? "true" : "false");
        }
      },
      attribute.value);
  out.append("}}");
}

void AppendAttributes(std::string& out, const std::vector<Attribute>& attributes) {
  out.push_back('[');
  for (size_t i = 0; i < attributes.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendAttribute(out, attributes[i]);
  }
  out.push_back(']');
}

void AppendResource(std::string& out, const ExporterOptions& options) {
  out.append(R"({"attributes":[)");
  AppendAttribute(out, {std::string(kServiceNameKey), options.service_name});
  for (const Attribute& attribute : options.resource) {
    if (attribute.key == kServiceNameKey) continue;  // service_name is the one source
    out.push_back(',');
    AppendAttribute(out, attribute);
  }
  out.append("]}");
}

void AppendSpan(std::string& out, const Span& span) {
  out.append(R"({"traceId":)");
  AppendJsonString(out, span.trace_id);
  out.append(R"(,"spanId":)");
  AppendJsonString(out, span.span_id);
  // A root span has no parent: the field is left out rather than sent empty.
  if (!span.parent_span_id.empty()) {
    out.append(R"(,"parentSpanId":)");
    AppendJsonString(out, span.parent_span_id);
  }
  out.append(R"(,"name":)");
  AppendJsonString(out, span.name);
  out.append(R"(,"kind":)").append(StrCat(static_cast<int>(span.kind)));
  out.append(R"(,"startTimeUnixNano":)");
  AppendQuotedInteger(out, span.start_unix_nano);
  out.append(R"(,"endTimeUnixNano":)");
  AppendQuotedInteger(out, span.end_unix_nano);
  out.append(R"(,"attributes":)");
  AppendAttributes(out, span.attributes);
  // Status codes: 0 UNSET, 1 OK, 2 ERROR. A span that did not fail stays UNSET
  // (OK is for an explicit override by the application).
  if (span.error) {
    out.append(R"(,"status":{"code":2,"message":)");
    AppendJsonString(out, span.status_message);
    out.append("}}");
  } else {
    out.append(R"(,"status":{"code":0}})");
  }
}

}  // namespace

std::string EncodeOtlpJson(const std::vector<Span>& spans, const ExporterOptions& options) {
  std::string out;
  out.reserve(256 + spans.size() * 384);
  out.append(R"({"resourceSpans":[{"resource":)");
  AppendResource(out, options);
  out.append(R"(,"scopeSpans":[{"scope":{"name":)");
  AppendJsonString(out, kScopeName);
  out.append(R"(},"spans":[)");
  for (size_t i = 0; i < spans.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendSpan(out, spans[i]);
  }
  out.append("]}]}]}");
  return out;
}

}  // namespace vitrine::telemetry
