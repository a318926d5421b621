#include "query/understand/phrases.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace vitrine::query::internal {
namespace {

// A piece of the query: a number ("1,000", "2.5", "2k"), a lower-cased word
// ("under", "2xl", "32x34") or a sign ("₹", "-", "<").
struct Lexeme {
  enum class Kind { kNumber, kWord, kSign };
  Kind kind;
  std::string text;
  double number = 0;
  size_t begin = 0;
  size_t end = 0;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr std::array<std::string_view, 14> kCurrencyWords = {
    "rs",  "inr",  "rupees", "rupee", "usd",    "dollars", "dollar",
    "eur", "euro", "euros",  "gbp",   "pounds", "bucks",   "rps"};
constexpr std::array<std::string_view, 4> kCurrencySigns = {"₹", "$", "€", "£"};

bool IsCurrencyWord(std::string_view word) {
  return std::find(kCurrencyWords.begin(), kCurrencyWords.end(), word) != kCurrencyWords.end();
}

// Words after a number that make it a measure, not an amount ("under 5 years").
constexpr std::array<std::string_view, 24> kUnits = {
    "mm", "cm", "m",  "inch", "inches", "in",    "ft",  "feet", "ml",     "l",   "litre",  "kg",
    "g",  "gm", "gb", "tb",   "year",   "years", "yrs", "yr",   "months", "pcs", "pieces", "pack"};

bool IsUnit(std::string_view word) {
  return std::find(kUnits.begin(), kUnits.end(), word) != kUnits.end();
}

// "1,000", "2.5" (digits, thousands separators, one decimal point) as a number;
// nullopt otherwise.
std::optional<double> ParseAmount(std::string_view text) {
  std::string digits;
  bool point = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsDigit(c)) {
      digits.push_back(c);
    } else if (c == ',' && i > 0 && i + 3 < text.size() + 1 && IsDigit(text[i - 1])) {
      continue;
    } else if (c == '.' && !point && i + 1 < text.size()) {
      point = true;
      digits.push_back(c);
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty() || digits.size() > 12) return std::nullopt;
  return std::stod(digits);
}

class Lexer {
 public:
  explicit Lexer(std::string_view q) : q_(q) {}

  std::vector<Lexeme> Run() {
    while (i_ < q_.size()) {
      const char c = q_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i_;
      } else if (IsDigit(c) || IsAsciiLetter(c)) {
        Run(i_);
      } else if (const std::string_view sign = SignAt(i_); !sign.empty()) {
        Push(Lexeme::Kind::kSign, std::string(sign), i_, i_ + sign.size());
        i_ += sign.size();
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        // Another script's word: kept whole, so nothing inside it is mistaken.
        const size_t begin = i_;
        while (i_ < q_.size() && static_cast<unsigned char>(q_[i_]) >= 0x80 && SignAt(i_).empty()) {
          ++i_;
        }
        Push(Lexeme::Kind::kWord, std::string(q_.substr(begin, i_ - begin)), begin, i_);
      } else {
        ++i_;  // other punctuation separates ("500/-", "rs.", "size:")
      }
    }
    return std::move(out_);
  }

 private:
  std::string_view SignAt(size_t at) const {
    for (std::string_view sign : kCurrencySigns) {
      if (q_.substr(at).starts_with(sign)) return sign;
    }
    if (q_.substr(at).starts_with("–")) return "–";  // en dash
    const char c = q_[at];
    if (c == '<' || c == '>' || c == '=' || c == '-' || c == '+' || c == '~') {
      return q_.substr(at, 1);
    }
    return {};
  }

  void Push(Lexeme::Kind kind, std::string text, size_t begin, size_t end, double number = 0) {
    out_.push_back(
        {.kind = kind, .text = std::move(text), .number = number, .begin = begin, .end = end});
  }

  // A run of letters and digits (with the commas and point of a number):
  // a number, a word, or a currency glued to a number ("rs500", "500rs", "2k").
  void Run(size_t begin) {
    size_t end = begin;
    while (end < q_.size()) {
      const char c = q_[end];
      const bool inside_number = (c == ',' || c == '.') && end > begin && IsDigit(q_[end - 1]) &&
                                 end + 1 < q_.size() && IsDigit(q_[end + 1]);
      if (!IsDigit(c) && !IsAsciiLetter(c) && !inside_number) break;
      ++end;
    }
    i_ = end;
    std::string text(q_.substr(begin, end - begin));
    std::transform(text.begin(), text.end(), text.begin(), Lower);
    size_t digits = 0;
    while (digits < text.size() &&
           (IsDigit(text[digits]) || text[digits] == ',' || text[digits] == '.')) {
      ++digits;
    }
    size_t letters = 0;
    while (letters < text.size() && IsAsciiLetter(text[letters])) ++letters;
    if (digits == text.size()) {
      if (const std::optional<double> amount = ParseAmount(text)) {
        Push(Lexeme::Kind::kNumber, text, begin, end, *amount);
        return;
      }
    } else if (digits > 0) {
      const std::string_view rest = std::string_view(text).substr(digits);
      if (const std::optional<double> amount = ParseAmount(text.substr(0, digits))) {
        if (rest == "k") {
          Push(Lexeme::Kind::kNumber, text, begin, end, *amount * 1000);
          return;
        }
        if (IsCurrencyWord(rest)) {
          Push(Lexeme::Kind::kNumber, text.substr(0, digits), begin, begin + digits, *amount);
          Push(Lexeme::Kind::kWord, std::string(rest), begin + digits, end);
          return;
        }
      }
    } else if (letters > 0 && letters < text.size() &&
               IsCurrencyWord(std::string_view(text).substr(0, letters))) {
      if (const std::optional<double> amount = ParseAmount(text.substr(letters))) {
        Push(Lexeme::Kind::kWord, text.substr(0, letters), begin, begin + letters);
        Push(Lexeme::Kind::kNumber, text.substr(letters), begin + letters, end, *amount);
        return;
      }
    }
    Push(Lexeme::Kind::kWord, std::move(text), begin, end);
  }

  std::string_view q_;
  size_t i_ = 0;
  std::vector<Lexeme> out_;
};

bool IsCurrency(const Lexeme& lexeme) {
  return (lexeme.kind == Lexeme::Kind::kWord && IsCurrencyWord(lexeme.text)) ||
         (lexeme.kind == Lexeme::Kind::kSign &&
          std::find(kCurrencySigns.begin(), kCurrencySigns.end(), lexeme.text) !=
              kCurrencySigns.end());
}

// Up to three words a phrase starts with ("less", "than"); the rest empty.
using Sequence = std::array<std::string_view, 3>;

class Matcher {
 public:
  explicit Matcher(const std::vector<Lexeme>& lexemes) : lexemes_(lexemes) {}

  // The words (or signs) of `sequence` start at `at`: the index after them.
  std::optional<size_t> Words(size_t at, const Sequence& sequence) const {
    for (std::string_view word : sequence) {
      if (word.empty()) break;
      if (at >= lexemes_.size() || lexemes_[at].kind == Lexeme::Kind::kNumber ||
          lexemes_[at].text != word) {
        return std::nullopt;
      }
      ++at;
    }
    return at;
  }

  // One of `alternatives` starts at `at`: the index after the longest.
  template <size_t N>
  std::optional<size_t> AnyOf(size_t at, const Sequence (&alternatives)[N]) const {
    std::optional<size_t> best;
    for (const Sequence& sequence : alternatives) {
      const std::optional<size_t> after = Words(at, sequence);
      if (after && (!best || *after > *best)) best = after;
    }
    return best;
  }

  struct Amount {
    double value;
    size_t after;
    bool currency;  // a symbol or currency word came with it
  };
  // [currency] number [currency], the number not followed by a unit.
  std::optional<Amount> AmountAt(size_t at) const {
    bool currency = false;
    if (at < lexemes_.size() && IsCurrency(lexemes_[at])) {
      currency = true;
      ++at;
    }
    if (at >= lexemes_.size() || lexemes_[at].kind != Lexeme::Kind::kNumber) return std::nullopt;
    const double value = lexemes_[at].number;
    ++at;
    if (at < lexemes_.size() && IsCurrency(lexemes_[at])) {
      currency = true;
      ++at;
    } else if (at < lexemes_.size() && lexemes_[at].kind == Lexeme::Kind::kWord &&
               IsUnit(lexemes_[at].text)) {
      return std::nullopt;
    }
    if (!(value > 0) || value > 1e9) return std::nullopt;
    return Amount{.value = value, .after = at, .currency = currency};
  }

  size_t size() const { return lexemes_.size(); }
  const Lexeme& operator[](size_t i) const { return lexemes_[i]; }

 private:
  const std::vector<Lexeme>& lexemes_;
};

// The price phrase starting at `at`, and the index after it.
std::optional<std::pair<PricePhrase, size_t>> PriceAt(const Matcher& m, size_t at) {
  size_t start = at;
  // "price under 500", "priced below 500": the word that names the price goes too.
  if (const std::optional<size_t> after = m.AnyOf(at, {{"price"}, {"prices"}, {"priced"}})) {
    at = *after;
  }
  const auto phrase = [&](size_t end, std::optional<double> gte, std::optional<double> lte) {
    return std::make_pair(
        PricePhrase{.begin = m[start].begin, .end = m[end - 1].end, .gte = gte, .lte = lte}, end);
  };
  // between A and B, from A to B
  if (const std::optional<size_t> after = m.AnyOf(at, {{"between"}, {"from"}})) {
    if (const auto low = m.AmountAt(*after)) {
      if (const std::optional<size_t> joined =
              m.AnyOf(low->after, {{"and"}, {"to"}, {"-"}, {"–"}})) {
        if (const auto high = m.AmountAt(*joined); high && high->value >= low->value) {
          return phrase(high->after, low->value, high->value);
        }
      }
    }
  }
  static constexpr Sequence kAtMost[] = {{"under"},
                                         {"below"},
                                         {"less", "than"},
                                         {"lesser", "than"},
                                         {"lower", "than"},
                                         {"cheaper", "than"},
                                         {"upto"},
                                         {"up", "to"},
                                         {"within"},
                                         {"max"},
                                         {"maximum"},
                                         {"at", "most"},
                                         {"not", "more", "than"},
                                         {"no", "more", "than"},
                                         {"till"},
                                         {"<"},
                                         {"<", "="},
                                         {"for", "under"},
                                         {"for", "below"},
                                         {"for", "less", "than"}};
  static constexpr Sequence kAtLeast[] = {
      {"over"},    {"above"},       {"more", "than"},   {"greater", "than"},  {"min"},
      {"minimum"}, {"at", "least"}, {"starting", "at"}, {"starting", "from"}, {"starting"},
      {"from"},    {">"},           {">", "="},         {"upwards", "of"},    {"costlier", "than"}};
  if (const std::optional<size_t> after = m.AnyOf(at, kAtMost)) {
    if (const auto amount = m.AmountAt(*after))
      return phrase(amount->after, std::nullopt, amount->value);
  }
  if (const std::optional<size_t> after = m.AnyOf(at, kAtLeast)) {
    if (const auto amount = m.AmountAt(*after))
      return phrase(amount->after, amount->value, std::nullopt);
  }
  // A - B, A to B: two amounts make a range when one has a currency or the
  // larger is at least 100 (so "32-34" stays a size).
  if (const auto low = m.AmountAt(at)) {
    if (const std::optional<size_t> joined = m.AnyOf(low->after, {{"-"}, {"–"}, {"to"}})) {
      if (const auto high = m.AmountAt(*joined);
          high && high->value > low->value &&
          (low->currency || high->currency || high->value >= 100)) {
        return phrase(high->after, low->value, high->value);
      }
    }
    // "500 and above", "1000 or less", "500+"
    if (const std::optional<size_t> after = m.AnyOf(low->after, {{"and", "above"},
                                                                 {"and", "over"},
                                                                 {"and", "up"},
                                                                 {"or", "more"},
                                                                 {"plus"},
                                                                 {"+"},
                                                                 {"onwards"},
                                                                 {"upwards"}})) {
      return phrase(*after, low->value, std::nullopt);
    }
    if (const std::optional<size_t> after = m.AnyOf(low->after, {{"and", "below"},
                                                                 {"and", "under"},
                                                                 {"or", "less"},
                                                                 {"or", "below"},
                                                                 {"or", "under"}})) {
      return phrase(*after, std::nullopt, low->value);
    }
    // An amount with its currency alone: "kurta ₹500" is not a range; leave it.
  }
  return std::nullopt;
}

// Letter sizes that are nothing else when written alone.
constexpr std::array<std::string_view, 14> kLoneSizes = {"xxs", "2xs",  "xs",     "xl",    "xxl",
                                                         "2xl", "xxxl", "3xl",    "xxxxl", "4xl",
                                                         "5xl", "6xl",  "xxxxxl", "3xs"};
// Every letter size, after "size".
constexpr std::array<std::string_view, 8> kLetterSizes = {"s",      "m",     "l",    "small",
                                                          "medium", "large", "free", "one"};

bool IsLoneSize(std::string_view word) {
  return std::find(kLoneSizes.begin(), kLoneSizes.end(), word) != kLoneSizes.end();
}

// 32x34: waist by length, each 20..60.
bool IsWaistByLength(std::string_view word) {
  const size_t x = word.find('x');
  if (x == std::string_view::npos || x == 0 || x + 1 >= word.size()) return false;
  const auto number = [](std::string_view digits) -> int {
    if (digits.size() > 2 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
      return -1;
    }
    return std::stoi(std::string(digits));
  };
  const int waist = number(word.substr(0, x));
  const int length = number(word.substr(x + 1));
  return waist >= 20 && waist <= 60 && length >= 20 && length <= 60;
}

std::string NumberText(double value) {
  if (value == std::floor(value)) return std::to_string(static_cast<long long>(value));
  std::string text = std::to_string(value);
  text.erase(text.find_last_not_of('0') + 1);
  return text;
}

// The size phrase starting at `at`, and the index after it.
std::optional<std::pair<SizePhrase, size_t>> SizeAt(const Matcher& m, size_t at) {
  const size_t start = at;
  const auto phrase = [&](size_t end, std::string size, std::string system) {
    return std::make_pair(SizePhrase{.begin = m[start].begin,
                                     .end = m[end - 1].end,
                                     .size = std::move(size),
                                     .system = std::move(system)},
                          end);
  };
  if (const std::optional<size_t> after =
          m.AnyOf(at, {{"free", "size"}, {"one", "size"}, {"freesize"}, {"onesize"}})) {
    return phrase(*after, "free size", "");
  }
  bool named = false;  // "size", "waist"
  if (const std::optional<size_t> after = m.AnyOf(at, {{"size"}, {"sz"}, {"waist"}})) {
    named = true;
    at = *after;
  }
  std::string system;
  if (const std::optional<size_t> after = m.AnyOf(at, {{"uk"}, {"eu"}, {"us"}, {"euro"}})) {
    if (*after < m.size() && m[*after].kind == Lexeme::Kind::kNumber) {
      system = m[at].text == "euro" ? "eu" : m[at].text;
      at = *after;
    }
  }
  if (at >= m.size()) return std::nullopt;
  const Lexeme& value = m[at];
  if (value.kind == Lexeme::Kind::kNumber) {
    // A shoe, waist or dress size: "size 10", "uk 8", "eu 42", "waist 32".
    const bool plausible =
        value.number >= 1 && value.number <= 60 && value.number * 2 == std::floor(value.number * 2);
    if ((named || !system.empty()) && plausible) {
      return phrase(at + 1, NumberText(value.number), system);
    }
    if (named || !system.empty()) return std::nullopt;
    // The system or the word after the number: "8 uk", "42 eu", "32 waist" (not
    // "euro": after a number, that is a price).
    if (const std::optional<size_t> after = m.AnyOf(at + 1, {{"uk"}, {"eu"}, {"us"}});
        after && plausible && value.number <= 50) {
      return phrase(*after, NumberText(value.number), m[at + 1].text);
    }
    if (m.AnyOf(at + 1, {{"waist"}}) && value.number >= 20 &&
        value.number == std::floor(value.number)) {
      return phrase(at + 2, NumberText(value.number), "");
    }
    return std::nullopt;
  }
  if (value.kind != Lexeme::Kind::kWord || !system.empty()) return std::nullopt;
  if (IsLoneSize(value.text) || IsWaistByLength(value.text)) return phrase(at + 1, value.text, "");
  if (named) {
    if (const std::optional<size_t> after = m.AnyOf(at, {{"extra", "large"}, {"extra", "small"}})) {
      return phrase(*after, m[at + 1].text == "large" ? "xl" : "xs", "");
    }
    if (std::find(kLetterSizes.begin(), kLetterSizes.end(), value.text) != kLetterSizes.end() &&
        value.text != "free" && value.text != "one") {
      return phrase(at + 1, std::string(1, value.text[0]), "");
    }
  }
  // "w32" alone: a waist
  if (value.text.size() == 3 && value.text[0] == 'w' && IsDigit(value.text[1]) &&
      IsDigit(value.text[2]) &&
      !(at + 1 < m.size() && m[at + 1].text.size() == 3 && m[at + 1].text[0] == 'l')) {
    const int waist = std::stoi(value.text.substr(1));
    if (waist >= 20 && waist <= 60) return phrase(at + 1, value.text.substr(1), "");
    return std::nullopt;
  }
  // "w32 l34"
  if (value.text.size() == 3 && value.text[0] == 'w' && at + 1 < m.size() &&
      m[at + 1].kind == Lexeme::Kind::kWord && m[at + 1].text.size() == 3 &&
      m[at + 1].text[0] == 'l') {
    const std::string joined = value.text.substr(1) + "x" + m[at + 1].text.substr(1);
    if (IsWaistByLength(joined)) return phrase(at + 2, joined, "");
  }
  return std::nullopt;
}

}  // namespace

Phrases FindPhrases(std::string_view q) {
  const std::vector<Lexeme> lexemes = Lexer(q).Run();
  const Matcher matcher(lexemes);
  Phrases phrases;
  for (size_t i = 0; i < lexemes.size();) {
    if (auto price = PriceAt(matcher, i)) {
      phrases.prices.push_back(price->first);
      i = price->second;
    } else if (auto size = SizeAt(matcher, i)) {
      phrases.sizes.push_back(std::move(size->first));
      i = size->second;
    } else {
      ++i;
    }
  }
  return phrases;
}

}  // namespace vitrine::query::internal
