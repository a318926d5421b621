#include "query/text/highlight.h"

#include "base/strings.h"

namespace vitrine::query::internal {
namespace {

// A word of the original text: bytes [begin, end).
struct Span {
  size_t begin;
  size_t end;
};

bool IsWordByte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80 ||
         c == '\'';
}

std::vector<Span> WordSpans(std::string_view text) {
  std::vector<Span> spans;
  for (size_t i = 0; i < text.size();) {
    if (!IsWordByte(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    const size_t begin = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i]))) ++i;
    spans.push_back({begin, i});
  }
  return spans;
}

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out.append("&amp;");
        break;
      case '<':
        out.append("&lt;");
        break;
      case '>':
        out.append("&gt;");
        break;
      case '"':
        out.append("&quot;");
        break;
      case '\'':
        out.append("&#39;");
        break;
      default:
        out.push_back(c);
    }
  }
}

bool Matches(std::string_view words, const analyzers::Analyzer& analyzer,
             const HighlightTerms& terms, TermMemo& memo) {
  const std::string& term = memo.TermOf(words, analyzer);
  return !term.empty() &&
         (terms.terms.contains(term) || (!terms.prefix.empty() && term.starts_with(terms.prefix)));
}

}  // namespace

const std::string& TermMemo::TermOf(std::string_view words, const analyzers::Analyzer& analyzer) {
  // (Debian's Abseil has its own string_view for heterogeneous lookup.)
  if (const auto it = terms_.find(absl::string_view(words.data(), words.size()));
      it != terms_.end()) {
    return it->second;
  }
  if (terms_.size() >= kMaxEntries) terms_.clear();
  const std::vector<analyzers::Token> tokens = analyzer.Analyze(words);
  std::string term;
  if (tokens.size() == 1 && tokens[0].kind != analyzers::TokenKind::kStop) term = tokens[0].term;
  return terms_.try_emplace(std::string(words), std::move(term)).first->second;
}

void AppendHtmlEscaped(std::string& out, std::string_view text) { AppendEscaped(out, text); }

std::string Highlight(std::string_view text, const analyzers::Analyzer& analyzer,
                      const HighlightTerms& terms, std::string_view tag, TermMemo& memo) {
  const std::vector<Span> spans = WordSpans(text);
  std::vector<bool> marked(spans.size(), false);
  bool any = false;
  for (size_t i = 0; i < spans.size(); ++i) {
    // A compound of two words ("T-Shirt", "flip flops") first, then the word.
    if (i + 1 < spans.size() &&
        Matches(text.substr(spans[i].begin, spans[i + 1].end - spans[i].begin), analyzer, terms,
                memo)) {
      marked[i] = marked[i + 1] = any = true;
      ++i;
      continue;
    }
    if (Matches(text.substr(spans[i].begin, spans[i].end - spans[i].begin), analyzer, terms,
                memo)) {
      marked[i] = any = true;
    }
  }
  if (!any) return {};
  std::string out;
  out.reserve(text.size() + 32);
  size_t at = 0;
  for (size_t i = 0; i < spans.size(); ++i) {
    if (!marked[i]) continue;
    // Consecutive marked words share one tag pair ("<em>T-Shirt</em>").
    size_t last = i;
    while (last + 1 < spans.size() && marked[last + 1] &&
           spans[last + 1].begin - spans[last].end <= 1) {
      ++last;
    }
    AppendEscaped(out, text.substr(at, spans[i].begin - at));
    out.append(StrCat("<", tag, ">"));
    AppendEscaped(out, text.substr(spans[i].begin, spans[last].end - spans[i].begin));
    out.append(StrCat("</", tag, ">"));
    at = spans[last].end;
    i = last;
  }
  AppendEscaped(out, text.substr(at));
  return out;
}

}  // namespace vitrine::query::internal
