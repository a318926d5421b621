#include "query/facets/size_order.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>

#include "absl/strings/ascii.h"
#include "base/strings.h"

namespace vitrine::query::internal {
namespace {

// Where a size sorts: its kind, then one or two numbers within it.
enum class Kind { kLetters, kOneSize, kNumber, kWaistLength, kBra, kAge, kUk, kUs, kEu, kOther };

struct SizeKey {
  Kind kind = Kind::kOther;
  double first = 0;
  double second = 0;
  auto tie() const { return std::tie(kind, first, second); }
};

// A number at the start of `text`, consumed.
std::optional<double> TakeNumber(std::string_view& text) {
  double number = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<size_t>(end - text.data()));
  return number;
}

bool Take(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// Letter sizes: s, m, l, with x's (or a count and one x) before s or l.
std::optional<double> LetterRank(std::string_view size) {
  if (size == "small") size = "s";
  if (size == "medium") size = "m";
  if (size == "large") size = "l";
  if (size == "m") return 0;
  int xs = 0;
  if (!size.empty() && size[0] >= '2' && size[0] <= '9' && size.size() >= 2 && size[1] == 'x') {
    xs = size[0] - '0';
    size.remove_prefix(2);
  } else {
    while (size.starts_with("x")) {
      ++xs;
      size.remove_prefix(1);
    }
  }
  if (size == "s") return -1 - xs;
  if (size == "l") return 1 + xs;
  return std::nullopt;
}

SizeKey KeyOf(std::string_view written) {
  std::string lowered = AsciiLower(written);
  std::erase(lowered, ' ');
  std::erase(lowered, '-');
  std::string_view size = lowered;
  if (const std::optional<double> rank = LetterRank(size)) return {Kind::kLetters, *rank};
  if (size == "onesize" || size == "freesize" || size == "free") return {Kind::kOneSize};
  for (const auto& [prefix, kind] :
       {std::pair<std::string_view, Kind>{"uk", Kind::kUk}, {"us", Kind::kUs}, {"eu", Kind::kEu}}) {
    std::string_view rest = size;
    if (!Take(rest, prefix)) continue;
    const std::optional<double> number = TakeNumber(rest);
    // Children's sizes (UK 10K .. 13K) come before the adults' 1.
    if (number && (rest.empty() || rest == "k" || rest == "c")) {
      return {kind, rest.empty() ? *number : *number - 100};
    }
  }
  std::string_view rest = size;
  const bool waist = Take(rest, "w");
  const std::optional<double> number = TakeNumber(rest);
  if (!number) return {};
  if (rest.empty() && !waist) return {Kind::kNumber, *number};
  if (waist && rest.empty()) return {Kind::kWaistLength, *number};
  if (Take(rest, "x") || Take(rest, "/") || Take(rest, "l")) {
    Take(rest, "l");
    if (const std::optional<double> length = TakeNumber(rest); length && rest.empty()) {
      return {Kind::kWaistLength, *number, *length};
    }
    return {};
  }
  // Ages: "2-3y" (hyphen gone: "23y" would misread, so the number before the
  // hyphen is read from the written form), "6m", "3-6m".
  if (rest == "y" || rest == "m" || rest == "yrs" || rest == "years" || rest == "months") {
    std::string_view first = written;
    const std::optional<double> from = TakeNumber(first);
    const double months = rest == "m" || rest == "months" ? 1 : 12;
    return {Kind::kAge, (from ? *from : *number) * months};
  }
  // Bra sizes: band then cup ("34b", "36dd").
  if (!waist && rest.size() <= 3 && rest.find_first_not_of("abcdefgh") == std::string_view::npos &&
      !rest.empty()) {
    return {Kind::kBra, *number, static_cast<double>(rest[0] - 'a') * 4 + rest.size()};
  }
  return {};
}

}  // namespace

bool SizeLess(std::string_view a, std::string_view b) {
  const SizeKey x = KeyOf(a);
  const SizeKey y = KeyOf(b);
  if (x.tie() != y.tie()) return x.tie() < y.tie();
  return NaturalLess(a, b);
}

bool NaturalLess(std::string_view a, std::string_view b) {
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const bool digit_a = a[i] >= '0' && a[i] <= '9';
    const bool digit_b = b[j] >= '0' && b[j] <= '9';
    if (digit_a && digit_b) {
      uint64_t x = 0;
      uint64_t y = 0;
      const auto end_a = std::from_chars(a.data() + i, a.data() + a.size(), x).ptr;
      const auto end_b = std::from_chars(b.data() + j, b.data() + b.size(), y).ptr;
      if (x != y) return x < y;
      i = static_cast<size_t>(end_a - a.data());
      j = static_cast<size_t>(end_b - b.data());
      continue;
    }
    const char x = absl::ascii_tolower(static_cast<unsigned char>(a[i]));
    const char y = absl::ascii_tolower(static_cast<unsigned char>(b[j]));
    if (x != y) return x < y;
    ++i;
    ++j;
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;
}

}  // namespace vitrine::query::internal
