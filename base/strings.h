// Small string utilities over std::string_view. Debian's Abseil has its own
// absl::string_view type, so absl's string helpers do not accept std::string_view;
// these do, and keep the rest of the code free of conversions.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"

namespace vitrine {

inline absl::string_view ToAbsl(std::string_view text) { return {text.data(), text.size()}; }
inline std::string_view FromAbsl(absl::string_view text) { return {text.data(), text.size()}; }

namespace strings_internal {
inline void Append(std::string& out, std::string_view text) { out.append(text); }
inline void Append(std::string& out, absl::string_view text) {
  out.append(text.data(), text.size());
}
inline void Append(std::string& out, const char* text) { out.append(text); }
inline void Append(std::string& out, const std::string& text) { out.append(text); }
inline void Append(std::string& out, char c) { out.push_back(c); }
inline void Append(std::string& out, bool value) { out.append(value ? "true" : "false"); }
template <typename T>
requires(std::integral<T> || std::floating_point<T>) void Append(std::string& out, T value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}
}  // namespace strings_internal

// Concatenates text and numbers (shortest round-trip form for floating point).
template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (strings_internal::Append(out, args), ...);
  return out;
}

// Without leading and trailing ASCII whitespace.
std::string_view Trim(std::string_view text);

// Pieces between separators, each trimmed; "a > b" split on '>' is {"a", "b"}.
std::vector<std::string> SplitTrimmed(std::string_view text, char separator);

// 64-bit FNV-1a of `bytes`, continuing from `hash`: the same on every build and
// machine (request fingerprints, digests that replicas compare).
inline constexpr uint64_t kFnv1a64Offset = 14695981039346656037ull;
inline uint64_t Fnv1a64(std::string_view bytes, uint64_t hash = kFnv1a64Offset) {
  for (const unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}
// `value` as 16 lower-case hex digits (how digests are shown).
std::string Hex64(uint64_t value);

// Whole-string numeric parsing; nullopt on any stray character or overflow.
std::optional<int64_t> ParseInt64(std::string_view text);
std::optional<double> ParseDouble(std::string_view text);  // finite values only
// true/false, 1/0, yes/no (case-insensitive).
std::optional<bool> ParseBool(std::string_view text);

// ASCII lower case.
std::string AsciiLower(std::string_view text);
bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix);

}  // namespace vitrine
