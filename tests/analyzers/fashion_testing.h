// Helpers for the table-driven specifications of the fashion analyzer: the
// bundled vocabulary, the analyzers built on it, and row checks that name the
// input of every failing row.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/analyzer.h"
#include "analyzers/token.h"
#include "analyzers/vocabulary.h"

namespace vitrine::analyzers::fashion_spec {

// The vocabulary of data/analyzers, parsed once per test binary.
inline std::shared_ptr<const Vocabulary> BundledVocabulary() {
  static const std::shared_ptr<const Vocabulary> vocabulary =
      []() -> std::shared_ptr<const Vocabulary> {
    absl::StatusOr<std::vector<VocabularyFile>> files = ReadVocabularyFiles(DefaultVocabularyDir());
    if (!files.ok()) {
      ADD_FAILURE() << "reading the bundled vocabulary: " << files.status();
      return nullptr;
    }
    absl::StatusOr<std::shared_ptr<const Vocabulary>> parsed = Vocabulary::Parse(*files);
    if (!parsed.ok()) {
      ADD_FAILURE() << "parsing the bundled vocabulary: " << parsed.status();
      return nullptr;
    }
    return *parsed;
  }();
  return vocabulary;
}

// Profile::kFashion with English stemming and the bundled vocabulary.
inline const Analyzer& Fashion() {
  static const Analyzer analyzer(AnalyzerOptions{}, BundledVocabulary());
  return analyzer;
}

inline bool IsStop(const Token& token) { return token.kind == TokenKind::kStop; }

// The tokens that carry meaning: stop words ("for", "the") are left out, since
// they only count when nothing else matches.
inline std::vector<Token> ContentTokens(std::string_view text) {
  std::vector<Token> tokens;
  for (Token& token : Fashion().Analyze(text)) {
    if (!IsStop(token)) tokens.push_back(std::move(token));
  }
  return tokens;
}

inline std::vector<std::string> ContentTerms(std::string_view text) {
  std::vector<std::string> terms;
  for (const Token& token : ContentTokens(text)) terms.push_back(token.term);
  return terms;
}

// "tshirt@2", "men@0/gender": a token's term and position, and its kind when it
// is not a plain word.
inline std::string Describe(const Token& token, bool with_kind) {
  std::string out = token.term + "@" + std::to_string(token.position);
  if (with_kind && token.kind != TokenKind::kWord) {
    out.append("/").append(TokenKindName(token.kind));
  }
  return out;
}

inline std::string DescribeAll(const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& token : tokens)
    out.append(out.empty() ? "" : " ").append(Describe(token, true));
  return out;
}

// Input -> the terms of its content tokens, in order.
struct TermsRow {
  std::string_view input;
  std::vector<std::string> expected;
};

inline void ExpectContentTerms(const std::vector<TermsRow>& table) {
  for (const TermsRow& row : table) {
    EXPECT_EQ(ContentTerms(row.input), row.expected) << "input: \"" << row.input << "\"";
  }
}

// Two ways of writing one thing: both give the same, non-empty terms.
struct SameRow {
  std::string_view input;
  std::string_view same_as;
};

inline void ExpectSameTerms(const std::vector<SameRow>& table) {
  for (const SameRow& row : table) {
    SCOPED_TRACE(std::string("input: \"") + std::string(row.input) + "\" vs \"" +
                 std::string(row.same_as) + "\"");
    const std::vector<std::string> terms = ContentTerms(row.input);
    EXPECT_FALSE(terms.empty());
    EXPECT_EQ(terms, ContentTerms(row.same_as));
  }
}

// A single token of a given kind.
struct KindRow {
  std::string_view input;
  std::string term;
};

inline void ExpectSingleToken(const std::vector<KindRow>& table, TokenKind kind) {
  for (const KindRow& row : table) {
    SCOPED_TRACE(std::string("input: \"") + std::string(row.input) + "\"");
    const std::vector<Token> tokens = ContentTokens(row.input);
    EXPECT_EQ(tokens.size(), 1u) << "tokens: " << DescribeAll(tokens);
    if (tokens.size() != 1) continue;
    EXPECT_EQ(tokens[0].term, row.term);
    EXPECT_EQ(TokenKindName(tokens[0].kind), TokenKindName(kind));
    // "size 6": the size is the second word ("size" itself is not a term).
    EXPECT_EQ(tokens[0].position, row.input.substr(0, 5) == "size " ||
                                          row.input.substr(0, 5) == "Size " ||
                                          row.input.substr(0, 5) == "SIZE "
                                      ? 1u
                                      : 0u);
  }
}

}  // namespace vitrine::analyzers::fashion_spec
