#include "analyzers/analyzer.h"

#include <unicode/uchar.h>
#include <xapian.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/algorithm/container.h"
#include "analyzers/internal/baseline.h"
#include "analyzers/internal/unicode.h"

namespace vitrine::analyzers {
namespace {

// Xapian::Stem keeps per-call state; each thread gets its own.
const Xapian::Stem& ThreadEnglishStemmer() {
  thread_local const Xapian::Stem stemmer("english");
  return stemmer;
}

// "men's" -> "men", "levi's" -> "levi", "o'neill" -> "oneill".
std::string StripApostrophes(std::string word) {
  if (word.size() > 2 && word.compare(word.size() - 2, 2, "'s") == 0) {
    word.resize(word.size() - 2);
  }
  std::erase(word, '\'');
  return word;
}

bool IsDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "w32" followed by "l34": a waist and length size.
bool IsWaistLength(std::string_view waist, std::string_view length) {
  return waist.size() > 1 && waist[0] == 'w' && IsDigits(waist.substr(1)) && length.size() > 1 &&
         length[0] == 'l' && IsDigits(length.substr(1));
}

// "32x34" (waist x length), "2x4x8" (dimensions): numbers joined by "x".
bool IsDimensions(std::string_view word) {
  size_t parts = 0;
  for (size_t start = 0; start <= word.size(); ++parts) {
    const size_t x = std::min(word.find('x', start), word.size());
    if (!IsDigits(word.substr(start, x - start))) return false;
    start = x + 1;
  }
  return parts >= 2;
}

std::vector<std::string> SplitOnUnderscore(std::string_view text) {
  std::vector<std::string> parts;
  for (size_t start = 0; start <= text.size();) {
    const size_t end = std::min(text.find('_', start), text.size());
    if (end > start) parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// "r.a.k", "u.s.a": single letters joined by dots.
bool IsDottedAcronym(std::string_view word) {
  if (word.size() < 3) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    const bool letter = word[i] >= 'a' && word[i] <= 'z';
    if (i % 2 == 0 ? !letter : word[i] != '.') return false;
  }
  return true;
}

// "12", "10.5", "3/4".
bool IsNumber(std::string_view text) {
  return !text.empty() && text[0] >= '0' && text[0] <= '9' &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || c == '.' || c == '/'; });
}

// Where a number ends and a unit of the vocabulary starts in one word ("36in"
// -> 2), or 0 when the word is not a number glued to a unit.
size_t UnitSplit(std::string_view word, const Vocabulary* vocabulary) {
  if (vocabulary == nullptr) return 0;
  // (Also dimensions: "4x9ft" -> "4x9", "ft".)
  auto in_number = [word](size_t k) {
    const char c = word[k];
    return (c >= '0' && c <= '9') || c == '.' || c == '/' ||
           (c == 'x' && k > 0 && k + 1 < word.size() && word[k + 1] >= '0' && word[k + 1] <= '9');
  };
  size_t digits = 0;
  while (digits < word.size() && in_number(digits)) ++digits;
  if (digits == 0 || digits == word.size() || word[0] == '.' || word[0] == '/') return 0;
  return vocabulary->Unit(word.substr(digits)) != nullptr ? digits : 0;
}

// A word of fractions and numbers joined by "x", fractions written with "_"
// ("3_4x2", "5_4x10", "3_4x3_4"), or one fraction glued to letters ("1_2in"):
// its pieces, fractions with their slash back ("3/4", "2"; "1/2in"). Letters
// only after the last piece's number. False for any other word.
bool FractionPieces(std::string_view word, std::vector<std::string>& pieces) {
  pieces.clear();
  for (size_t start = 0; start <= word.size();) {
    size_t end = start;  // the next "x" before a digit
    while (end < word.size() && !(word[end] == 'x' && end + 1 < word.size() &&
                                  word[end + 1] >= '0' && word[end + 1] <= '9')) {
      ++end;
    }
    std::string piece(word.substr(start, end - start));
    const size_t underscore = piece.find('_');
    std::string number = piece.substr(0, underscore);
    std::string letters;
    if (underscore != std::string::npos) {
      size_t digits = underscore + 1;
      while (digits < piece.size() && piece[digits] >= '0' && piece[digits] <= '9') ++digits;
      if (digits == underscore + 1 || !IsDigits(number)) return false;
      letters = piece.substr(digits);
      number += "/" + piece.substr(underscore + 1, digits - underscore - 1);
    } else if (!IsDigits(number)) {
      return false;
    }
    if (!letters.empty() &&
        (end != word.size() || !std::all_of(letters.begin(), letters.end(),
                                            [](char c) { return c >= 'a' && c <= 'z'; }))) {
      return false;
    }
    pieces.push_back(number + letters);
    start = end + 1;
  }
  return true;
}

// Analyzer::Words; `hyphenated`, when given, says for each word whether a hyphen
// joins it to the word before ("rust-oleum").
std::vector<std::string> NormalizedWords(std::string_view text, std::vector<bool>* hyphenated) {
  std::vector<std::string> words;
  icu::UnicodeString normalized = internal::NormalizeUnicode(text);
  // "3/4 sleeve": a fraction stays one word. Word breaking keeps "3_4" together;
  // the slash comes back below.
  bool fraction = false;
  // (Only when the text has no underscore of its own, so "_" means a fraction.)
  const bool has_underscore = normalized.indexOf(u'_') >= 0;
  for (int32_t i = 1; i + 1 < normalized.length() && !has_underscore; ++i) {
    if (normalized[i] == u'/' && u_isdigit(normalized[i - 1]) && u_isdigit(normalized[i + 1])) {
      normalized.setCharAt(i, u'_');
      fraction = true;
    }
  }
  internal::ForEachWord(normalized, [&](const icu::UnicodeString& word, bool joined) {
    std::string utf8;
    word.toUTF8String(utf8);
    if (fraction && utf8.find('_') != std::string::npos) {
      // A word that is exactly a fraction stays whole ("3/4"); so do fractions
      // joined by "x" or glued to a unit (below); any other word splits back at
      // the slash, as it would have without the rule.
      const size_t underscore = utf8.find('_');
      std::vector<std::string> pieces;
      if (IsDigits(utf8.substr(0, underscore)) && IsDigits(utf8.substr(underscore + 1))) {
        utf8[underscore] = '/';
      } else if (FractionPieces(utf8, pieces)) {
        // "3/4x2", "1/2in": the fractions and numbers as words ("3/4", "2"), a
        // unit glued to the last left to the analyzer ("1/2in" -> "1/2", "in").
        for (std::string& piece : pieces) {
          words.push_back(std::move(piece));
          if (hyphenated != nullptr) hyphenated->push_back(false);
        }
        return;
      } else {
        for (std::string& part : SplitOnUnderscore(utf8)) {
          words.push_back(StripApostrophes(std::move(part)));
          if (hyphenated != nullptr) hyphenated->push_back(false);
        }
        return;
      }
    }
    utf8 = StripApostrophes(std::move(utf8));
    if (IsDottedAcronym(utf8)) std::erase(utf8, '.');  // "u.s.a" -> "usa"
    if (utf8.empty()) return;
    words.push_back(std::move(utf8));
    if (hyphenated != nullptr) hyphenated->push_back(joined);
  });
  return words;
}

// "one" .. "twelve" as digits ("two handle" = "2-handle", "one piece" =
// "1-piece"): numbers are written both ways, in the index and in queries.
void SpelledNumberToDigits(std::string& word) {
  static constexpr std::pair<std::string_view, std::string_view> kNumbers[] = {
      {"one", "1"},  {"two", "2"},  {"three", "3"},   {"four", "4"},
      {"five", "5"}, {"six", "6"},  {"seven", "7"},   {"eight", "8"},
      {"nine", "9"}, {"ten", "10"}, {"eleven", "11"}, {"twelve", "12"}};
  if (word.size() < 3 || word.size() > 6) return;
  for (const auto& [spelled, digits] : kNumbers) {
    if (word == spelled) {
      word = digits;
      return;
    }
  }
}

// One normalised word on its way to becoming a token.
struct Word {
  std::string text;  // normalised, apostrophes stripped
  std::string stem;
  uint32_t position;
  bool stop = false;
  bool hyphenated = false;  // joined to the word before by a hyphen
};

// True when the word at `i` has one of `stems` beside it: the word either side,
// or the nearest one that is no stop word ("tie and dye").
bool Beside(const std::vector<Word>& words, size_t i, const std::vector<std::string>& stems) {
  if (stems.empty()) return false;
  const auto listed = [&](const Word& word) { return absl::c_linear_search(stems, word.stem); };
  for (size_t k = i; k-- > 0;) {
    if (listed(words[k])) return true;
    if (!words[k].stop) break;
  }
  for (size_t k = i + 1; k < words.size(); ++k) {
    if (listed(words[k])) return true;
    if (!words[k].stop) break;
  }
  return false;
}

// Letters only: no digits, no punctuation ("oleum", "crème"); a word that can be
// written joined to its neighbour.
bool IsLetters(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
  });
}

// Where a number glued to a word ends ("4shelves" -> 1, "2.5ton" -> 3), or 0
// when `word` is not digits followed by three or more letters. (Two letters are
// too often ordinals or model codes: "2nd", "3d".)
size_t NumberSplit(std::string_view word) {
  size_t digits = 0;
  while (digits < word.size() && ((word[digits] >= '0' && word[digits] <= '9') ||
                                  word[digits] == '.' || word[digits] == '/')) {
    ++digits;
  }
  if (digits == 0 || word[0] == '.' || word[0] == '/' || word[digits - 1] == '.' ||
      word[digits - 1] == '/' || word.size() - digits < 3) {
    return 0;
  }
  return std::all_of(word.begin() + digits, word.end(), [](char c) { return c >= 'a' && c <= 'z'; })
             ? digits
             : 0;
}

// Words joined by hyphens ("Rust-Oleum", "Jeld-Wen", "pre-cut") are also indexed
// as the one word shoppers often type ("rustoleum"): the joined word's term is
// added beside the first word's. Letters only, so "2-in-1" or "4-light" stay
// numbers and words.
void AddHyphenJoins(const Analyzer& analyzer, const std::vector<Word>& words,
                    std::vector<Token>& tokens) {
  for (size_t first = 0; first < words.size();) {
    size_t last = first;
    while (last + 1 < words.size() && words[last + 1].hyphenated) ++last;
    if (last > first && std::all_of(words.begin() + first, words.begin() + last + 1,
                                    [](const Word& word) { return IsLetters(word.text); })) {
      std::string joined;
      for (size_t k = first; k <= last; ++k) joined.append(words[k].text);
      std::string term = analyzer.TermFor(joined);
      if (const Vocabulary::Entry* entry = analyzer.vocabulary()->Find(term)) term = entry->term;
      const auto token = std::find_if(tokens.begin(), tokens.end(), [&](const Token& t) {
        return t.position == words[first].position;
      });
      if (token != tokens.end() && token->term != term &&
          std::find(token->also.begin(), token->also.end(), term) == token->also.end()) {
        token->also.push_back(std::move(term));
      }
    }
    first = last + 1;
  }
}

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kWord:
      return "word";
    case TokenKind::kColor:
      return "color";
    case TokenKind::kGender:
      return "gender";
    case TokenKind::kSize:
      return "size";
    case TokenKind::kStop:
      return "stop";
  }
  return "word";
}

std::string_view ProfileName(Profile profile) {
  return profile == Profile::kBaseline ? "baseline" : "fashion";
}

bool ParseProfile(std::string_view name, Profile& profile) {
  if (name == "fashion") {
    profile = Profile::kFashion;
  } else if (name == "baseline") {
    profile = Profile::kBaseline;
  } else {
    return false;
  }
  return true;
}

Analyzer::Analyzer(AnalyzerOptions options, std::shared_ptr<const Vocabulary> vocabulary)
    : options_(options), vocabulary_(std::move(vocabulary)) {
  internal::LoadNormalizers();
}

std::vector<std::string> Analyzer::Words(std::string_view text) const {
  return NormalizedWords(text, nullptr);
}

std::string Analyzer::TermFor(std::string_view word) const {
  switch (options_.stemming) {
    case Stemming::kNone:
      return std::string(word);
    case Stemming::kEnglish:
      // Plurals in "-ves" the stemmer leaves apart from their singular
      // ("shelves" -> "shelv", "shelf" -> "shelf").
      if (word.ends_with("ves")) {
        static constexpr std::pair<std::string_view, std::string_view> kVesPlurals[] = {
            {"calves", "calf"},   {"elves", "elf"},     {"halves", "half"},   {"hooves", "hoof"},
            {"knives", "knife"},  {"leaves", "leaf"},   {"loaves", "loaf"},   {"scarves", "scarf"},
            {"sheaves", "sheaf"}, {"shelves", "shelf"}, {"thieves", "thief"}, {"wharves", "wharf"},
            {"wives", "wife"},    {"wolves", "wolf"}};
        for (const auto& [plural, singular] : kVesPlurals) {
          if (word == plural) return ThreadEnglishStemmer()(std::string(singular));
        }
      }
      return ThreadEnglishStemmer()(std::string(word));
  }
  return std::string(word);
}

std::vector<Token> Analyzer::Analyze(std::string_view text) const {
  if (options_.profile == Profile::kBaseline) return internal::BaselineAnalyze(text);
  std::vector<Word> words;
  uint32_t position = 0;
  std::vector<bool> hyphenated;
  std::vector<std::string> texts = NormalizedWords(text, &hyphenated);
  for (size_t w = 0; w < texts.size(); ++w) {
    std::string& word = texts[w];
    SpelledNumberToDigits(word);
    // "36in", "100ml": a number and its unit, as two words; and a number glued
    // to any other word ("4shelves", "2cycle") as the number and the word.
    size_t split = UnitSplit(word, vocabulary_.get());
    const bool unit = split != 0;
    if (!unit && vocabulary_ != nullptr) split = NumberSplit(word);
    if (split != 0) {
      std::string rest = word.substr(split);
      word.resize(split);
      words.push_back(Word{word, word, position++});
      const bool stop = !unit && vocabulary_->IsStopWord(rest);
      std::string stem = unit ? *vocabulary_->Unit(rest) : TermFor(rest);
      words.push_back(Word{std::move(rest), std::move(stem), position++, stop});
      continue;
    }
    const bool stop = vocabulary_ != nullptr && vocabulary_->IsStopWord(word);
    std::string stem = TermFor(word);
    words.push_back(Word{std::move(word), std::move(stem), position++, stop, hyphenated[w]});
  }

  std::vector<Token> tokens;
  tokens.reserve(words.size());
  // Tokens of scoped members, checked against the whole text at the end.
  struct Scoped {
    size_t index;
    const Vocabulary::Entry* entry;
    std::string stem;
  };
  std::vector<Scoped> scoped;
  std::string phrase;
  bool next_is_size = false;
  // Every token pushed below (bar stop words) passes through here.
  auto push = [&](Token token) {
    if (next_is_size) token.kind = TokenKind::kSize;
    next_is_size = false;
    tokens.push_back(std::move(token));
  };
  for (size_t i = 0; i < words.size(); ++i) {
    Token token{.term = words[i].stem, .position = words[i].position};
    // A unit after a number: "36 in." and "36 inches" are both "36 inch"; but
    // not between two numbers ("2-in-1").
    if (vocabulary_ != nullptr && i > 0 && IsNumber(words[i - 1].text) &&
        !(i + 1 < words.size() && IsNumber(words[i + 1].text))) {
      if (const std::string* unit = vocabulary_->Unit(words[i].text)) {
        token.term = *unit;
        push(std::move(token));
        continue;
      }
    }
    if (words[i].stop) {
      token.kind = TokenKind::kStop;
      tokens.push_back(std::move(token));
      continue;
    }
    if (vocabulary_ == nullptr) {
      push(std::move(token));
      continue;
    }
    // Sizes written as waist and length: "w32 l34" and "32x34" are both "32x34".
    if (i + 1 < words.size() && IsWaistLength(words[i].text, words[i + 1].text)) {
      token.term = words[i].text.substr(1) + "x" + words[i + 1].text.substr(1);
      token.kind = TokenKind::kSize;
      push(std::move(token));
      ++i;
      continue;
    }
    // "size 6", "size xl", "size extra large": what follows "size" is a size,
    // whatever it is; "size" itself is not a term.
    if (words[i].text == "size" && i + 1 < words.size() && !words[i + 1].stop) {
      next_is_size = true;
      continue;
    }
    if (IsDimensions(words[i].text)) {
      token.term = words[i].text;
      token.kind = TokenKind::kSize;
      push(std::move(token));
      continue;
    }
    // The longest vocabulary phrase starting here wins ("navy blue" over "navy").
    const Vocabulary::Entry* entry = nullptr;
    size_t length = 1;
    if (vocabulary_->StartsPhrase(words[i].stem)) {
      for (size_t n = std::min(vocabulary_->max_phrase_words(), words.size() - i); n > 1; --n) {
        phrase = words[i].stem;
        bool crosses_stop_word = false;
        for (size_t k = 1; k < n; ++k) {
          crosses_stop_word |= words[i + k].stop;
          phrase.append(" ").append(words[i + k].stem);
        }
        if (crosses_stop_word) continue;
        if ((entry = vocabulary_->Find(phrase)) != nullptr) {
          length = n;
          break;
        }
      }
    }
    if (entry == nullptr) entry = vocabulary_->Find(words[i].stem);
    if (entry != nullptr && Beside(words, i, entry->not_next_to)) entry = nullptr;
    if (entry != nullptr && !entry->not_with.empty()) {
      scoped.push_back({.index = tokens.size(), .entry = entry, .stem = words[i].stem});
    }
    if (entry != nullptr) {
      token.term = entry->term;
      token.kind = entry->kind;
      token.family = entry->family;
      token.also = entry->also;
    }
    push(std::move(token));
    i += length - 1;
  }
  // A scoped member in a text with a word it must not be with is its own word.
  for (Scoped& member : scoped) {
    Token& token = tokens[member.index];
    const auto with = [&](const Token& other) {
      if (&other == &token) return false;
      return absl::c_any_of(member.entry->not_with, [&](const std::string& word) {
        return other.term == word || absl::c_linear_search(other.also, word);
      });
    };
    if (absl::c_any_of(tokens, with)) {
      token = Token{.term = std::move(member.stem), .position = token.position};
    }
  }
  if (vocabulary_ != nullptr) AddHyphenJoins(*this, words, tokens);
  return tokens;
}

std::string Analyzer::SizeTerm(std::string_view size) const {
  std::string term;
  for (const Token& token : Analyze(size)) term.append(token.term);
  return term;
}

}  // namespace vitrine::analyzers
