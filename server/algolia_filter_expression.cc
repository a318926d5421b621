// Algolia's `filters` expression: tests joined by AND / OR, NOT, parentheses.
// Parsed by recursive descent into a tree, then flattened into AND-of-ORs; a
// shape with no such form ((a AND b) OR c) is refused, as Algolia refuses it.
#include <memory>

#include "base/status.h"
#include "base/strings.h"
#include "server/algolia_filters.h"

namespace vitrine::server::algolia {
namespace {

constexpr std::string_view kParameter = "filters";
constexpr int kMaxDepth = 16;

absl::Status Bad(std::string_view why) {
  return InvalidParameter(kParameter, StrCat("filters: ", why));
}

struct Node {
  enum class Kind { kTest, kAnd, kOr };
  Kind kind = Kind::kTest;
  Predicate test;
  std::vector<std::unique_ptr<Node>> children;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  absl::StatusOr<std::unique_ptr<Node>> Parse() {
    ASSIGN_OR_RETURN(std::unique_ptr<Node> node, Expression(0));
    SkipSpaces();
    if (at_ < text_.size()) return Bad(StrCat("unexpected '", text_.substr(at_), "'"));
    return node;
  }

 private:
  void SkipSpaces() {
    while (at_ < text_.size() && text_[at_] == ' ') ++at_;
  }

  // The keyword at the cursor (AND, OR, NOT) followed by a space or '(' .
  bool Keyword(std::string_view word) {
    SkipSpaces();
    if (text_.substr(at_, word.size()) != word) return false;
    const size_t end = at_ + word.size();
    if (end < text_.size() && text_[end] != ' ' && text_[end] != '(') return false;
    at_ = end;
    return true;
  }

  // unit ((AND|OR) unit)*, one operator per level: mixing them needs parentheses.
  absl::StatusOr<std::unique_ptr<Node>> Expression(int depth) {
    if (depth > kMaxDepth) return Bad("nested too deeply");
    ASSIGN_OR_RETURN(std::unique_ptr<Node> first, Unit(depth));
    auto node = std::make_unique<Node>();
    node->kind = Node::Kind::kAnd;
    node->children.push_back(std::move(first));
    bool seen_and = false, seen_or = false;
    while (true) {
      const bool is_and = Keyword("AND");
      const bool is_or = !is_and && Keyword("OR");
      if (!is_and && !is_or) break;
      (is_and ? seen_and : seen_or) = true;
      if (seen_and && seen_or) return Bad("mixing AND and OR needs parentheses");
      ASSIGN_OR_RETURN(std::unique_ptr<Node> next, Unit(depth));
      node->children.push_back(std::move(next));
    }
    if (node->children.size() == 1) return std::move(node->children.front());
    if (seen_or) node->kind = Node::Kind::kOr;
    return node;
  }

  absl::StatusOr<std::unique_ptr<Node>> Unit(int depth) {
    SkipSpaces();
    if (Keyword("NOT")) {
      ASSIGN_OR_RETURN(std::unique_ptr<Node> inner, Unit(depth + 1));
      if (inner->kind != Node::Kind::kTest) return Bad("NOT applies to one test only");
      inner->test.negated = !inner->test.negated;
      return inner;
    }
    if (at_ < text_.size() && text_[at_] == '(') {
      ++at_;
      ASSIGN_OR_RETURN(std::unique_ptr<Node> inner, Expression(depth + 1));
      SkipSpaces();
      if (at_ >= text_.size() || text_[at_] != ')') return Bad("a '(' is not closed");
      ++at_;
      return inner;
    }
    return Test();
  }

  // A bare word (up to a space, ':', an operator or a parenthesis) or a quoted string.
  absl::StatusOr<std::string> Word(std::string_view stops) {
    SkipSpaces();
    std::string word;
    if (at_ < text_.size() && (text_[at_] == '"' || text_[at_] == '\'')) {
      const char quote = text_[at_++];
      while (at_ < text_.size() && text_[at_] != quote) {
        if (text_[at_] == '\\' && at_ + 1 < text_.size()) ++at_;
        word.push_back(text_[at_++]);
      }
      if (at_ >= text_.size()) return Bad("a quoted string is not closed");
      ++at_;
      return word;
    }
    while (at_ < text_.size() && stops.find(text_[at_]) == std::string_view::npos) {
      word.push_back(text_[at_++]);
    }
    if (word.empty()) return Bad(StrCat("expected an attribute or value at offset ", at_));
    return word;
  }

  absl::StatusOr<std::unique_ptr<Node>> Test() {
    auto node = std::make_unique<Node>();
    Predicate& test = node->test;
    ASSIGN_OR_RETURN(test.attribute, Word(" :<>=!()"));
    SkipSpaces();
    if (at_ >= text_.size()) return Bad(StrCat("'", test.attribute, "' is not compared with"));
    if (text_[at_] != ':') {
      const size_t start = at_;
      while (at_ < text_.size() && std::string_view("<>=!").find(text_[at_]) != std::string::npos)
        ++at_;
      test.op = std::string(text_.substr(start, at_ - start));
      ASSIGN_OR_RETURN(const std::string number, Word(" ()"));
      const std::optional<double> value = ParseDouble(number);
      if (!value || (test.op != "<" && test.op != "<=" && test.op != "=" && test.op != "!=" &&
                     test.op != ">" && test.op != ">=")) {
        return Bad(StrCat("'", test.attribute, test.op, number, "' is not a numeric comparison"));
      }
      test.kind = Predicate::Kind::kNumeric;
      test.number = *value;
      return node;
    }
    ++at_;
    ASSIGN_OR_RETURN(test.value, Word(" ()"));
    const size_t before_to = at_;
    if (Keyword("TO")) {
      ASSIGN_OR_RETURN(const std::string upper_text, Word(" ()"));
      const std::optional<double> lower = ParseDouble(test.value);
      const std::optional<double> upper = ParseDouble(upper_text);
      if (!lower || !upper) return Bad(StrCat("'", test.attribute, "' range needs two numbers"));
      test.kind = Predicate::Kind::kNumeric;
      test.op = "TO";
      test.number = *lower;
      test.upper = *upper;
    } else {
      at_ = before_to;
    }
    return node;
  }

  std::string_view text_;
  size_t at_ = 0;
};

// An OR node's children must be single tests: their OR is one clause.
absl::StatusOr<Clause> ClauseOf(const Node& node) {
  if (node.kind == Node::Kind::kTest) return Clause{node.test};
  if (node.kind == Node::Kind::kAnd) return Bad("(a AND b) OR c is not supported");
  Clause clause;
  for (const std::unique_ptr<Node>& child : node.children) {
    ASSIGN_OR_RETURN(Clause part, ClauseOf(*child));
    clause.insert(clause.end(), part.begin(), part.end());
  }
  return clause;
}

absl::Status Flatten(const Node& node, Conjunction& out) {
  if (node.kind != Node::Kind::kAnd) {
    ASSIGN_OR_RETURN(Clause clause, ClauseOf(node));
    out.push_back(std::move(clause));
    return absl::OkStatus();
  }
  for (const std::unique_ptr<Node>& child : node.children) RETURN_IF_ERROR(Flatten(*child, out));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Conjunction> ParseFilterExpression(std::string_view text) {
  Conjunction conjunction;
  if (Trim(text).empty()) return conjunction;
  if (text.size() > 4096) return Bad("longer than 4096 bytes");
  ASSIGN_OR_RETURN(std::unique_ptr<Node> root, Parser(text).Parse());
  RETURN_IF_ERROR(Flatten(*root, conjunction));
  return conjunction;
}

}  // namespace vitrine::server::algolia
