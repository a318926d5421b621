#include "server/url.h"

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::server {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) return absl::InvalidArgumentError("malformed percent escape");
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<Target> ParseTarget(std::string_view target) {
  Target parsed;
  const size_t question = target.find('?');
  absl::StatusOr<std::string> path = PercentDecode(target.substr(0, question), false);
  if (!path.ok()) return InvalidParameter("path", StrCat("path: ", path.status().message()));
  parsed.path = std::move(*path);
  if (question == std::string_view::npos) return parsed;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    absl::StatusOr<std::string> name = PercentDecode(pair.substr(0, equals), true);
    const std::string_view raw_value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    absl::StatusOr<std::string> value = PercentDecode(raw_value, true);
    if (!name.ok() || !value.ok()) {
      const std::string shown = name.ok() ? *name : std::string(pair.substr(0, equals));
      return InvalidParameter(shown, StrCat("parameter '", shown, "' has a malformed % escape"));
    }
    parsed.params.emplace_back(std::move(*name), std::move(*value));
  }
  return parsed;
}

}  // namespace vitrine::server
