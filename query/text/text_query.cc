#include "query/text/text_query.h"

#include <algorithm>

#include "base/strings.h"
#include "catalog/index_schema.h"
#include "query/text/synonyms.h"

namespace vitrine::query::internal {
namespace {

namespace schema = catalog::schema;

constexpr double kColorFamilyWeight = 0.5;  // "blue" finds navy, after blue
constexpr double kGenderBoost = 50.0;       // a stated gender ranks its products first
// Relaxed matches: per query word a product has, about one title match's BM25,
// so products with more of the words rank first without ignoring BM25.
constexpr double kMatchedWordWeight = 10.0;
constexpr double kPrefixWeight = 0.5;  // a typed prefix counts half a word
constexpr Xapian::termcount kPrefixExpansions = 20;
constexpr size_t kMinPrefixBytes = 2;

// ASCII letters or any non-ASCII letter: a word with no digits or punctuation.
bool IsLetters(std::string_view word) {
  return std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
  });
}

Xapian::Query Term(std::string_view prefix, std::string_view term) {
  std::string text(prefix);
  text.append(term);
  return Xapian::Query(text);
}

// A word matches in any text field; each field scales its BM25 contribution, so
// a title match outranks the same word in a description.
Xapian::Query WordQuery(const std::string& term, const FieldWeights& weights) {
  std::vector<Xapian::Query> fields;
  fields.reserve(schema::kTextFields.size());
  for (size_t i = 0; i < schema::kTextFields.size(); ++i) {
    fields.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Term(schema::kTextFields[i].prefix, term),
                        weights[i]);
  }
  return Xapian::Query(Xapian::Query::OP_OR, fields.begin(), fields.end());
}

// The query for one analysed token, by what the vocabulary recognised it as.
Xapian::Query TokenQuery(const analyzers::Token& token, const analyzers::Analyzer& analyzer,
                         const FieldWeights& weights) {
  switch (token.kind) {
    case analyzers::TokenKind::kColor:
      // The exact colour anywhere, or (weighted lower) the product's colour family.
      return Xapian::Query(
          Xapian::Query::OP_OR, WordQuery(token.term, weights),
          Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                        Term(schema::kColorFamilyPrefix, token.family), kColorFamilyWeight));
    case analyzers::TokenKind::kGender: {
      // Products of a matching gender (a unisex product fits men and women), or
      // the word in the title when a product has no gender.
      std::vector<Xapian::Query> genders = {
          Term(schema::TextFieldNamed("title").prefix, token.term)};
      const analyzers::Vocabulary* vocabulary = analyzer.vocabulary();
      if (vocabulary != nullptr) {
        for (const std::string& match : vocabulary->GenderMatches(token.term)) {
          genders.push_back(Term(schema::TextFieldNamed("gender").prefix, match));
        }
      }
      // A constant boost for every product of a matching gender, so a men's and a
      // unisex product earn the same, whatever their terms' frequencies. Combined
      // with AND_MAYBE below it puts the stated gender first without dropping the
      // rest; it never adds a product that misses a required word.
      return Xapian::Query(
          Xapian::Query::OP_FILTER,
          Xapian::Query((new Xapian::FixedWeightPostingSource(kGenderBoost))->release()),
          Xapian::Query(Xapian::Query::OP_OR, genders.begin(), genders.end()));
    }
    case analyzers::TokenKind::kSize: {
      // A product that comes in that size, or the size written in its text,
      // whole ("2x4") or as its numbers ("2 in. x 4 in.").
      std::vector<Xapian::Query> ways = {WordQuery(token.term, weights),
                                         Term(schema::kSizePrefix, token.term)};
      if (const std::vector<std::string> numbers = SplitTrimmed(token.term, 'x');
          numbers.size() > 1 && std::all_of(numbers.begin(), numbers.end(), [](const auto& n) {
            return !n.empty() && n.find_first_not_of("0123456789") == std::string::npos;
          })) {
        std::vector<Xapian::Query> parts;
        for (const std::string& number : numbers) parts.push_back(WordQuery(number, weights));
        ways.emplace_back(Xapian::Query::OP_AND, parts.begin(), parts.end());
      }
      return Xapian::Query(Xapian::Query::OP_OR, ways.begin(), ways.end());
    }
    case analyzers::TokenKind::kWord:
    case analyzers::TokenKind::kStop:
      break;
  }
  if (const size_t slash = token.term.find('/'); slash != std::string::npos) {
    // A fraction ("3/4") also matches its numbers written apart ("3 4").
    return Xapian::Query(
        Xapian::Query::OP_OR, WordQuery(token.term, weights),
        Xapian::Query(Xapian::Query::OP_AND, WordQuery(token.term.substr(0, slash), weights),
                      WordQuery(token.term.substr(slash + 1), weights)));
  }
  return WordQuery(token.term, weights);
}

// Every non-gender token must match; stated genders re-order the matches rather
// than exclude the rest (a shopper asking for "boys jeans" still sees other jeans
// after the boys' ones). `any` relaxes to products matching any token.
// Search as you type: the last word as a prefix of title, brand and category
// words ("dre" finds dresses), weighted below whole words so an exact match
// ranks first. Expands to the most frequent matching words only.
Xapian::Query PrefixQuery(std::string_view word) {
  std::vector<Xapian::Query> fields;
  for (const schema::TextField& field : schema::kTextFields) {
    if (field.name != "title" && field.name != "brand" && field.name != "category") continue;
    fields.emplace_back(Xapian::Query::OP_WILDCARD, StrCat(field.prefix, word), kPrefixExpansions,
                        Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
  }
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                       Xapian::Query(Xapian::Query::OP_OR, fields.begin(), fields.end()),
                       kPrefixWeight);
}

// A word the catalog also writes as two ("lawnmower" as "lawn mower"): the two
// words next to each other in a title (titles are the positional field).
Xapian::Query SplitQuery(const std::vector<std::string>& terms) {
  const std::string_view title = schema::TextFieldNamed("title").prefix;
  const Xapian::Query words[] = {Term(title, terms[0]), Term(title, terms[1])};
  return Xapian::Query(Xapian::Query::OP_PHRASE, std::begin(words), std::end(words), 2);
}

}  // namespace

// `typing`: the unfinished last word of the query, matched as a prefix too.
// `forms.joined[i]`, when not empty, is the term of tokens i and i + 1 written
// as one word ("deck over" -> "deckover"): the pair matches either way.
// `forms.split[i]`, when not empty, are the terms of token i written as two
// words ("lawnmower" -> "lawn mower"): the word matches either way.
Xapian::Query TextQuery(const std::vector<analyzers::Token>& tokens,
                        const analyzers::Analyzer& analyzer, bool any, std::string_view typing,
                        const WrittenForms& forms, const FieldWeights& weights,
                        const merch::Thesaurus::Analysed* synonyms) {
  const std::vector<std::string>& joined = forms.joined;
  std::vector<Xapian::Query> queries;
  queries.reserve(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    queries.push_back(TokenQuery(tokens[i], analyzer, weights));
    if (i < forms.split.size() && forms.split[i].size() == 2) {
      queries.back() =
          Xapian::Query(Xapian::Query::OP_OR, queries.back(), SplitQuery(forms.split[i]));
    }
    if (!typing.empty() && i + 1 == tokens.size()) {
      queries.back() = Xapian::Query(Xapian::Query::OP_OR, queries.back(), PrefixQuery(typing));
    }
  }
  // Managed synonyms: a run of tokens with synonyms becomes one unit (span[i]
  // tokens from i; 0: inside an earlier unit).
  std::vector<size_t> span(tokens.size(), 1);
  if (synonyms != nullptr) {
    ExpandSynonyms(
        *synonyms, tokens,
        [&](const analyzers::Token& t) { return TokenQuery(t, analyzer, weights); }, queries, span);
  }
  std::vector<Xapian::Query> required, preferred, stop;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (span[i] == 0) continue;
    const analyzers::Token& token = tokens[i];
    const bool gender = span[i] == 1 && token.kind == analyzers::TokenKind::kGender;
    const bool stop_word = span[i] == 1 && token.kind == analyzers::TokenKind::kStop;
    // Partial matches: each matched word earns a constant, so products with
    // more of the words come first and BM25 orders those with as many.
    auto counted = [any](Xapian::Query query, double words) {
      if (!any) return query;
      return Xapian::Query(
          Xapian::Query::OP_OR, query,
          Xapian::Query(
              Xapian::Query::OP_FILTER,
              Xapian::Query(
                  (new Xapian::FixedWeightPostingSource(kMatchedWordWeight * words))->release()),
              query));
    };
    Xapian::Query query = std::move(queries[i]);
    if (i < joined.size() && !joined[i].empty() && i + 1 < tokens.size() && span[i] == 1 &&
        span[i + 1] == 1) {
      // The two words, or the one word they make (worth both). A product with
      // both words scores as such, whether or not it also has the joined word
      // ("Jeld-Wen" is indexed as "jeld", "wen" and "jeldwen"), so writing a
      // word both ways ranks no higher than writing it either way.
      const Xapian::Query both(Xapian::Query::OP_AND, query, queries[i + 1]);
      Xapian::Query split =
          any ? Xapian::Query(Xapian::Query::OP_OR, counted(query, 1), counted(queries[i + 1], 1))
              : both;
      query = Xapian::Query(Xapian::Query::OP_OR, split,
                            Xapian::Query(Xapian::Query::OP_AND_NOT,
                                          counted(WordQuery(joined[i], weights), 2), both));
      ++i;
    } else if (!stop_word) {
      query = counted(query, 1);
    }
    (stop_word && !any ? stop : gender && !any ? preferred : required).push_back(std::move(query));
  }
  if (required.empty()) required.swap(preferred);
  if (required.empty()) required.swap(stop);  // a query of stop words only
  Xapian::Query query(any ? Xapian::Query::OP_OR : Xapian::Query::OP_AND, required.begin(),
                      required.end());
  if (preferred.empty()) return query;
  return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                       Xapian::Query(Xapian::Query::OP_OR, preferred.begin(), preferred.end()));
}

namespace {

// The word a token was made of, when it is one plain word of its own (no
// digits, 2+ bytes); else null. `words`: the normalised words of the query.
const std::string* PlainWordOf(const analyzers::Token& token, const std::vector<std::string>& words,
                               const analyzers::Analyzer& analyzer) {
  if (token.kind != analyzers::TokenKind::kWord || token.position >= words.size()) {
    return nullptr;
  }
  const std::string& word = words[token.position];
  if (word.size() < 2 ||
      std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return nullptr;
  }
  // (Positions count the words of `q` unless a unit split one: check.)
  const std::vector<analyzers::Token> again = analyzer.Analyze(word);
  return again.size() == 1 && again[0].term == token.term ? &word : nullptr;
}

// For each pair of adjacent plain words that titles also write as one word
// ("deck over", "closet maid", "lawn mower" -> "deckover", "closetmaid",
// "lawnmower"), the term of that word at the first token's index; else empty.
// A compound must be in the titles of two or more products.
// `plain[i]`: the plain word of token i, or null.
std::vector<std::string> JoinedWords(const std::vector<const std::string*>& plain,
                                     const std::vector<analyzers::Token>& tokens,
                                     const analyzers::Analyzer& analyzer,
                                     const Xapian::Database& database) {
  std::vector<std::string> joined(tokens.size());
  const std::string_view title = schema::TextFieldNamed("title").prefix;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i + 1].position != tokens[i].position + 1) continue;
    const std::string* head = plain[i];
    const std::string* tail = plain[i + 1];
    if (head == nullptr || tail == nullptr) continue;
    const std::vector<analyzers::Token> compound = analyzer.Analyze(StrCat(*head, *tail));
    if (compound.size() != 1 || compound[0].kind != analyzers::TokenKind::kWord) continue;
    if (database.get_termfreq(StrCat(title, compound[0].term)) < 2) continue;
    joined[i] = compound[0].term;
    ++i;  // pairs do not overlap
  }
  return joined;
}

// The title word `text` makes ("mowers" -> "mower") and how many titles have
// it; {"", 0} when it is not one plain word.
std::pair<std::string, Xapian::doccount> TitleWord(std::string_view text,
                                                   const analyzers::Analyzer& analyzer,
                                                   const Xapian::Database& database) {
  std::vector<analyzers::Token> tokens = analyzer.Analyze(text);
  if (tokens.size() != 1 || tokens[0].kind != analyzers::TokenKind::kWord) return {};
  const Xapian::doccount titles =
      database.get_termfreq(StrCat(schema::TextFieldNamed("title").prefix, tokens[0].term));
  return {std::move(tokens[0].term), titles};
}

// For each plain word of 6+ letters that titles also write as two words
// ("lawnmower" -> "lawn mower", "doorbell" -> "door bell"), the terms of those
// words at its token's index; else empty. Of the ways to cut the word into two
// title words of 3+ letters, the one whose rarer half is most common wins, if
// that half is in two or more titles and in at least as many as the whole word
// (so "american" never becomes "ameri can").
std::vector<std::vector<std::string>> SplitWords(const std::vector<const std::string*>& plain,
                                                 const std::vector<analyzers::Token>& tokens,
                                                 const analyzers::Analyzer& analyzer,
                                                 const Xapian::Database& database) {
  constexpr size_t kMinSplitBytes = 6, kMinHalfBytes = 3;
  std::vector<std::vector<std::string>> split(tokens.size());
  const std::string_view title = schema::TextFieldNamed("title").prefix;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string* word = plain[i];
    if (word == nullptr || word->size() < kMinSplitBytes || !IsLetters(*word)) continue;
    Xapian::doccount best =
        std::max<Xapian::doccount>(2, database.get_termfreq(StrCat(title, tokens[i].term)));
    for (size_t cut = kMinHalfBytes; cut + kMinHalfBytes <= word->size(); ++cut) {
      auto [head, head_titles] =
          TitleWord(std::string_view(*word).substr(0, cut), analyzer, database);
      if (head_titles < best) continue;
      auto [tail, tail_titles] = TitleWord(std::string_view(*word).substr(cut), analyzer, database);
      if (tail_titles < best) continue;
      best = std::min(head_titles, tail_titles) + 1;  // a later cut must beat this one
      split[i] = {std::move(head), std::move(tail)};
    }
  }
  return split;
}

}  // namespace

WrittenForms CatalogForms(std::string_view q, const std::vector<analyzers::Token>& tokens,
                          const analyzers::Analyzer& analyzer, const Xapian::Database& database) {
  const std::vector<std::string> words = analyzer.Words(q);
  std::vector<const std::string*> plain(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) plain[i] = PlainWordOf(tokens[i], words, analyzer);
  return {.joined = JoinedWords(plain, tokens, analyzer, database),
          .split = SplitWords(plain, tokens, analyzer, database)};
}

// The last word of `q` when the shopper may still be typing it: no space after
// it, a plain word (not a colour, size, stop word...) of 2+ bytes. Else empty.
std::string UnfinishedWord(std::string_view q, const std::vector<analyzers::Token>& tokens,
                           const analyzers::Analyzer& analyzer) {
  if (q.empty() || q.back() == ' ' || tokens.empty() ||
      tokens.back().kind != analyzers::TokenKind::kWord) {
    return {};
  }
  std::vector<std::string> words = analyzer.Words(q);
  if (words.empty() || words.back().size() < kMinPrefixBytes) return {};
  return std::move(words.back());
}

namespace {

// A word written without its space ("kitchenfaucet") as the two title words it
// is made of ("kitchen faucet"), preferring the split whose rarer half is most
// common; empty when no split has two known halves of 3+ letters.
std::string SplitCompound(const std::string& word, const analyzers::Analyzer& analyzer,
                          const Xapian::Database& database) {
  auto frequency = [&](std::string_view part) -> Xapian::doccount {
    const std::vector<analyzers::Token> tokens = analyzer.Analyze(part);
    if (tokens.size() != 1) return 0;
    return database.get_termfreq(StrCat(schema::TextFieldNamed("title").prefix, tokens[0].term));
  };
  std::string best;
  Xapian::doccount best_frequency = 0;
  for (size_t split = 3; split + 3 <= word.size(); ++split) {
    const std::string_view head = std::string_view(word).substr(0, split);
    const std::string_view tail = std::string_view(word).substr(split);
    const Xapian::doccount rarer = std::min(frequency(head), frequency(tail));
    if (rarer > best_frequency) {
      best_frequency = rarer;
      best = StrCat(head, " ", tail);
    }
  }
  return best;
}

}  // namespace

// Words that the index does not know, replaced by the closest word of its
// spelling data (titles and brands): "addidas sneekers" -> "adidas sneakers".
// Words shorter than 4 bytes, numbers and words the vocabulary or the index knows
// are kept. Empty when nothing changed.
std::string CorrectSpelling(std::string_view q, const analyzers::Analyzer& analyzer,
                            const Xapian::Database& database,
                            const merch::Thesaurus::Analysed* synonyms) {
  std::vector<std::string> words = analyzer.Words(q);
  bool changed = false;
  for (std::string& word : words) {
    if (word.size() < 4 || !std::all_of(word.begin(), word.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
        })) {
      continue;
    }
    bool known = false;
    for (const analyzers::Token& token : analyzer.Analyze(word)) {
      known |= token.kind != analyzers::TokenKind::kWord;  // colours, genders, ...
      known |= synonyms != nullptr && synonyms->Knows(token.term);
      for (const schema::TextField& field : schema::kTextFields) {
        known = known || database.term_exists(StrCat(field.prefix, token.term));
      }
    }
    if (known) continue;
    std::string suggestion = database.get_spelling_suggestion(word, word.size() < 7 ? 1 : 2);
    if (suggestion.empty()) suggestion = SplitCompound(word, analyzer, database);
    if (!suggestion.empty() && suggestion != word) {
      word = suggestion;
      changed = true;
    }
  }
  if (!changed) return {};
  std::string corrected;
  for (const std::string& word : words) {
    if (!corrected.empty()) corrected.push_back(' ');
    corrected.append(word);
  }
  return corrected;
}

}  // namespace vitrine::query::internal
