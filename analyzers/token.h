// Token: one term of analysed text, and what the fashion vocabulary recognised it
// as. Shared by the Analyzer and the Vocabulary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vitrine::analyzers {

// The query side treats the kinds differently: colours also match their family,
// genders are a preference rather than a requirement, sizes match product sizes,
// stop words ("for", "the") are indexed but only count when nothing else matches.
enum class TokenKind { kWord, kColor, kGender, kSize, kStop };

std::string_view TokenKindName(TokenKind kind);  // "word", "color", "gender", "size", "stop"

// Terms of one input word (or of one compound such as "t shirt") share a
// position, so a phrase query over positions sees the input's word order.
struct Token {
  std::string term;
  uint32_t position = 0;
  TokenKind kind = TokenKind::kWord;
  std::string family;  // colour family term ("blue" for navy); else empty
  // Other terms indexed beside `term`, never searched for: broader terms
  // ("shoe"), the joined form of hyphenated words ("rustoleum").
  std::vector<std::string> also;

  friend bool operator==(const Token&, const Token&) = default;
};

}  // namespace vitrine::analyzers
