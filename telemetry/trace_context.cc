// W3C Trace Context level 1 (https://www.w3.org/TR/trace-context/, section 3.2):
// the traceparent header, random ids and span times.
#include <chrono>
#include <random>

#include "telemetry/trace.h"

namespace vitrine::telemetry {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// The fixed layout of version 00, which later versions keep as their prefix:
// "vv-" + 32 + "-" + 16 + "-" + "ff".
constexpr size_t kTraceIdAt = 3;
constexpr size_t kTraceIdLength = 32;
constexpr size_t kSpanIdAt = kTraceIdAt + kTraceIdLength + 1;  // 36
constexpr size_t kSpanIdLength = 16;
constexpr size_t kFlagsAt = kSpanIdAt + kSpanIdLength + 1;  // 53
constexpr size_t kVersion00Length = kFlagsAt + 2;           // 55

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

int HexValue(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

// Lowercase hex (uppercase is invalid in traceparent) and not all zeros.
bool IsValidId(std::string_view id) {
  bool nonzero = false;
  for (const char c : id) {
    if (!IsLowerHex(c)) return false;
    nonzero |= c != '0';
  }
  return nonzero;
}

std::string_view TrimOptionalWhitespace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The per-thread generator: seeded once per thread from the OS, so threads
// never share state (no lock) and never repeat each other's sequences.
std::mt19937_64& ThreadGenerator() {
  thread_local std::mt19937_64 generator = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(),
                       device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  return generator;
}

// `words` random 64-bit words as hex, drawn again in the (2^-64) case of all zeros.
std::string RandomHexId(size_t words) {
  std::mt19937_64& generator = ThreadGenerator();
  std::string id(words * 16, '0');
  bool nonzero = false;
  while (!nonzero) {
    for (size_t w = 0; w < words; ++w) {
      uint64_t value = generator();
      nonzero |= value != 0;
      for (size_t i = 0; i < 16; ++i) {
        id[w * 16 + 15 - i] = kHexDigits[value & 0xF];
        value >>= 4;
      }
    }
  }
  return id;
}

}  // namespace

std::optional<SpanContext> ParseTraceparent(std::string_view header) {
  header = TrimOptionalWhitespace(header);
  if (header.size() < kVersion00Length) return std::nullopt;
  if (!IsLowerHex(header[0]) || !IsLowerHex(header[1])) return std::nullopt;
  const std::string_view version = header.substr(0, 2);
  if (version == "ff") return std::nullopt;
  // Version 00 is exactly 55 characters. A later version may append fields after
  // a '-'; this parser reads the 00 fields it shares and ignores the rest.
  if (version == "00" ? header.size() != kVersion00Length
                      : header.size() > kVersion00Length && header[kVersion00Length] != '-') {
    return std::nullopt;
  }
  if (header[2] != '-' || header[kSpanIdAt - 1] != '-' || header[kFlagsAt - 1] != '-') {
    return std::nullopt;
  }
  const std::string_view trace_id = header.substr(kTraceIdAt, kTraceIdLength);
  const std::string_view span_id = header.substr(kSpanIdAt, kSpanIdLength);
  const char flags_high = header[kFlagsAt];
  const char flags_low = header[kFlagsAt + 1];
  if (!IsValidId(trace_id) || !IsValidId(span_id)) return std::nullopt;
  if (!IsLowerHex(flags_high) || !IsLowerHex(flags_low)) return std::nullopt;
  return SpanContext{.trace_id = std::string(trace_id),
                     .span_id = std::string(span_id),
                     .sampled = (HexValue(flags_low) & 1) != 0};
}

std::string FormatTraceparent(const SpanContext& context) {
  std::string out;
  out.reserve(kVersion00Length);
  out.append("00-").append(context.trace_id).append("-").append(context.span_id);
  out.append(context.sampled ? "-01" : "-00");
  return out;
}

std::string NewTraceId() { return RandomHexId(2); }

std::string NewSpanId() { return RandomHexId(1); }

uint64_t UnixNanosNow() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace vitrine::telemetry
