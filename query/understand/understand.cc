#include "query/understand/understand.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_join.h"
#include "base/strings.h"
#include "catalog/index_schema.h"
#include "query/match/filters.h"
#include "query/understand/phrases.h"

namespace vitrine::query {

std::string_view AppliedName(UnderstoodPart::Applied applied) {
  switch (applied) {
    case UnderstoodPart::Applied::kFilter:
      return "filter";
    case UnderstoodPart::Applied::kBoost:
      return "boost";
    case UnderstoodPart::Applied::kNone:
      return "none";
  }
  return "none";
}

}  // namespace vitrine::query

namespace vitrine::query::internal {
namespace {

constexpr double kBoostFactor = 2.0;       // a demoted filter, a season, a material
constexpr double kExactShadeFactor = 1.2;  // "blue": blue before navy within the family

bool IsOff(const UnderstandContext& context, std::string_view field) {
  return std::find(context.off.begin(), context.off.end(), field) != context.off.end();
}

// Soft fields are boosts and keep their words as text: a season or a material
// is often unstated in the catalog, so a filter would hide what fits.
bool IsSoft(QueryField field) {
  return field == QueryField::kSeason || field == QueryField::kMaterial;
}

// What a filter on `field` does given the request's own: kFilter, or kNone
// with a note when the request already filters that field.
void Decide(UnderstoodPart& part, const UnderstandContext& context) {
  const bool own = part.field == "price" ? context.request.ranges.contains("price")
                                         : context.request.filters.contains(part.field);
  if (own) {
    part.applied = UnderstoodPart::Applied::kNone;
    part.note = StrCat("the request filters ", part.field, " itself");
  } else {
    part.applied = UnderstoodPart::Applied::kFilter;
  }
}

UnderstoodPart PricePart(const PricePhrase& phrase, std::string_view q) {
  UnderstoodPart part{
      .text = analyzers::NormalizeText(q.substr(phrase.begin, phrase.end - phrase.begin)),
      .field = "price",
      .gte = phrase.gte,
      .lte = phrase.lte};
  part.op = phrase.gte && phrase.lte ? "between" : phrase.lte ? "lte" : "gte";
  return part;
}

UnderstoodPart SizePart(const SizePhrase& phrase, std::string_view q,
                        const UnderstandContext& context) {
  UnderstoodPart part{
      .text = analyzers::NormalizeText(q.substr(phrase.begin, phrase.end - phrase.begin)),
      .field = "size",
      .op = "eq"};
  const std::string typed =
      phrase.system.empty() ? phrase.size : StrCat(phrase.system, " ", phrase.size);
  const std::vector<std::string>* values = context.lexicon.Sizes(context.analyzer.SizeTerm(typed));
  // "uk 8" is the catalog's "8" when it names no system.
  if (values == nullptr && !phrase.system.empty()) {
    values = context.lexicon.Sizes(context.analyzer.SizeTerm(phrase.size));
  }
  // "size 10" is the catalog's "UK 10" when it writes a system.
  if (values == nullptr && phrase.system.empty()) {
    values = context.lexicon.SizesInAnySystem(context.analyzer.SizeTerm(phrase.size));
  }
  if (values == nullptr) {
    part.value = typed;
    part.applied = UnderstoodPart::Applied::kNone;
    part.note = StrCat("no product comes in size ", typed);
    return part;
  }
  // Reported as the shopper wrote it when the catalog has that spelling too.
  part.value = values->front();
  for (const std::string& value : *values) {
    if (absl::StrJoin(context.analyzer.Words(value), " ") == phrase.size) part.value = value;
  }
  part.matches = *values;
  part.exact = *values;
  return part;
}

UnderstoodPart WordPart(const LexiconEntry& entry, std::string text) {
  return UnderstoodPart{.text = std::move(text),
                        .field = std::string(QueryFieldName(entry.field)),
                        .op = "eq",
                        .value = entry.value,
                        .matches = entry.values,
                        .exact = entry.exact};
}

// The entry of `entries` a reading takes: the first field in QueryField order
// not turned off.
const LexiconEntry* Pick(const std::vector<LexiconEntry>* entries,
                         const UnderstandContext& context) {
  if (entries == nullptr) return nullptr;
  const LexiconEntry* best = nullptr;
  for (const LexiconEntry& entry : *entries) {
    if (IsOff(context, QueryFieldName(entry.field))) continue;
    if (best == nullptr || entry.field < best->field) best = &entry;
  }
  return best;
}

// A word some product's text has (in any field), as the text query would search it.
bool KnownWord(const UnderstandContext& context, const std::string& word) {
  const std::string term = context.analyzer.TermFor(word);
  for (const catalog::schema::TextField& field : catalog::schema::kTextFields) {
    if (context.database.term_exists(StrCat(field.prefix, term))) return true;
  }
  return false;
}

}  // namespace

bool Understanding::filters() const {
  return std::any_of(parts.begin(), parts.end(), [](const UnderstoodPart& part) {
    return part.applied == UnderstoodPart::Applied::kFilter;
  });
}

Understanding Understand(std::string_view q, const UnderstandContext& context) {
  Understanding understanding{.q = std::string(q)};
  // 1. Prices and sizes, in the text as typed; their words are never text.
  const Phrases phrases = FindPhrases(q);
  std::string rest(q);
  // Parts in q's order: a phrase before the word (of those left) it precedes.
  struct Placed {
    size_t at;  // 2 x that word's index for a phrase, 2 x its own + 1 for a word part
    UnderstoodPart part;
    std::pair<size_t, size_t> span;  // its words
  };
  std::vector<Placed> placed;
  const auto blank = [&](size_t begin, size_t end) {
    std::fill(rest.begin() + static_cast<std::ptrdiff_t>(begin),
              rest.begin() + static_cast<std::ptrdiff_t>(end), ' ');
  };
  std::vector<std::pair<size_t, UnderstoodPart>> found;  // by where in q they begin
  if (!IsOff(context, "price")) {
    for (const PricePhrase& phrase : phrases.prices) {
      UnderstoodPart part = PricePart(phrase, q);
      Decide(part, context);
      found.emplace_back(phrase.begin, std::move(part));
      blank(phrase.begin, phrase.end);
    }
  }
  if (!IsOff(context, "size")) {
    for (const SizePhrase& phrase : phrases.sizes) {
      UnderstoodPart part = SizePart(phrase, q, context);
      if (!part.matches.empty()) Decide(part, context);
      found.emplace_back(phrase.begin, std::move(part));
      blank(phrase.begin, phrase.end);
    }
  }
  for (auto& [begin, part] : found) {
    const size_t words_before =
        context.analyzer.Words(std::string_view(rest).substr(0, begin)).size();
    placed.push_back({2 * words_before, std::move(part), {0, 0}});
  }

  // 2. Runs of words the catalog's values spell, longest first.
  understanding.words = context.analyzer.Words(rest);
  const std::vector<std::string>& words = understanding.words;
  const analyzers::Vocabulary* vocabulary = context.analyzer.vocabulary();
  // The terms q's words make together: a run read alone must read the same in
  // q ("runner" is a sports shoe, but not in "table runner": the vocabulary's scope).
  absl::flat_hash_set<std::string> in_context;
  for (const analyzers::Token& token : context.analyzer.Analyze(rest)) {
    in_context.insert(token.term);
    in_context.insert(token.also.begin(), token.also.end());
  }
  for (size_t i = 0; i < words.size();) {
    const LexiconEntry* entry = nullptr;
    std::optional<LexiconEntry> gender_entry;
    size_t length = 0;
    for (size_t n = std::min(context.lexicon.max_words(), words.size() - i); n >= 1 && !entry;
         --n) {
      if (n == 1 && vocabulary != nullptr && vocabulary->IsStopWord(words[i])) break;
      std::string key = words[i];
      for (size_t k = 1; k < n; ++k) key.append(" ").append(words[i + k]);
      entry = Pick(context.lexicon.ByWords(key), context);
      // Analysed, up to three words: "t shirts", "tee", "navy" (a colour term);
      // a type so read comes before a brand of the same words ("Kurti's by Menka").
      if ((entry == nullptr || entry->field != QueryField::kCategory) && n <= 3) {
        const LexiconEntry* by_words = entry;
        std::string terms;
        const analyzers::Token* gender = nullptr;
        size_t searched = 0;
        bool read_otherwise = false;  // some word means something else in q
        const std::vector<analyzers::Token> tokens = context.analyzer.Analyze(key);
        for (const analyzers::Token& token : tokens) {
          if (token.kind == analyzers::TokenKind::kStop) continue;
          ++searched;
          read_otherwise |= !in_context.contains(token.term);
          if (token.kind == analyzers::TokenKind::kGender) gender = &token;
          if (!terms.empty()) terms.push_back(' ');
          terms.append(token.term);
        }
        entry = read_otherwise ? nullptr : Pick(context.lexicon.ByTerms(terms), context);
        if (entry == nullptr || (by_words != nullptr && by_words->field < entry->field)) {
          entry = by_words;
        }
        // A gender word: "mens", "ladies", "kids".
        if (entry == nullptr && gender != nullptr && searched == 1 && !read_otherwise &&
            vocabulary != nullptr && !IsOff(context, "gender")) {
          gender_entry = context.lexicon.Gender(*gender, *vocabulary);
          if (gender_entry) entry = &*gender_entry;
        }
      }
      // A brand misspelt: only words the catalog does not know ("addidas").
      if (entry == nullptr && n <= 2 && !IsOff(context, "brand")) {
        bool unknown = false;
        for (size_t k = 0; k < n; ++k) unknown |= !KnownWord(context, words[i + k]);
        if (unknown) entry = context.lexicon.MisspeltBrand(key);
      }
      if (entry != nullptr) length = n;
    }
    if (entry == nullptr) {
      ++i;
      continue;
    }
    std::vector<std::string> span(words.begin() + static_cast<std::ptrdiff_t>(i),
                                  words.begin() + static_cast<std::ptrdiff_t>(i + length));
    UnderstoodPart part = WordPart(*entry, absl::StrJoin(span, " "));
    if (IsSoft(entry->field)) {
      part.applied = UnderstoodPart::Applied::kBoost;
    } else {
      Decide(part, context);
    }
    placed.push_back({2 * i + 1, std::move(part), {i, length}});
    i += length;
  }

  // A material word with a product type that states no material is a name or a
  // finish: "denim deodorant", "velvet matte lipstick".
  const auto type = std::find_if(placed.begin(), placed.end(),
                                 [](const Placed& one) { return one.part.field == "category"; });
  if (type != placed.end()) {
    const std::vector<std::string> types = type->part.matches;  // (erasing moves the parts)
    std::erase_if(placed, [&](const Placed& one) {
      return one.part.field == "material" &&
             std::none_of(types.begin(), types.end(), [&](const std::string& leaf) {
               return context.lexicon.TypeHasMaterials(leaf);
             });
    });
  }
  std::stable_sort(placed.begin(), placed.end(),
                   [](const Placed& a, const Placed& b) { return a.at < b.at; });
  for (Placed& one : placed) {
    understanding.parts.push_back(std::move(one.part));
    understanding.spans.push_back(one.span);
  }
  return understanding;
}

namespace {

// A season or material part applied as a boost: its words say least about what
// is wanted ("summer floral top" is a floral top first).
bool Soft(const UnderstoodPart& part) {
  return part.applied == UnderstoodPart::Applied::kBoost &&
         (part.field == "season" || part.field == "material");
}

}  // namespace

std::string Understanding::Text() const {
  // q as sent unless some words leave it: a price or size, or a filter's.
  const bool verbatim =
      std::none_of(spans.begin(), spans.end(), [](const auto& span) { return span.second == 0; }) &&
      !filters() && !loose;
  if (verbatim) return q;
  std::vector<bool> text(words.size(), true);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].applied != UnderstoodPart::Applied::kFilter && !(loose && Soft(parts[i]))) {
      continue;
    }
    for (size_t k = 0; k < spans[i].second; ++k) text[spans[i].first + k] = false;
  }
  std::string kept;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!text[i]) continue;
    if (!kept.empty()) kept.push_back(' ');
    kept.append(words[i]);
  }
  return kept;
}

void AddFilters(const Understanding& understanding, SearchRequest& request) {
  for (const UnderstoodPart& part : understanding.parts) {
    if (part.applied != UnderstoodPart::Applied::kFilter) continue;
    if (part.field == "price") {
      Range& range = request.ranges["price"];
      if (part.gte) range.gte = range.gte ? std::max(*range.gte, *part.gte) : *part.gte;
      if (part.lte) range.lte = range.lte ? std::min(*range.lte, *part.lte) : *part.lte;
      continue;
    }
    std::vector<std::string>& values = request.filters[part.field];
    for (const std::string& value : part.matches) {
      if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
    }
  }
}

std::vector<Boost> Boosts(const Understanding& understanding) {
  std::vector<Boost> boosts;
  const auto add = [&](const UnderstoodPart& part, const std::vector<std::string>& values,
                       double factor) {
    SearchRequest only;
    if (part.field == "price") {
      only.ranges["price"] = Range{.gte = part.gte, .lte = part.lte};
    } else if (!values.empty()) {
      only.filters[part.field] = values;
    } else {
      return;
    }
    if (std::optional<Xapian::Query> filter = FilterQuery(only)) {
      boosts.push_back({.filter = std::move(*filter), .factor = factor});
    }
  };
  for (const UnderstoodPart& part : understanding.parts) {
    if (part.applied == UnderstoodPart::Applied::kBoost) add(part, part.matches, kBoostFactor);
    // Within a colour family, the shade named first.
    if (part.applied != UnderstoodPart::Applied::kNone && part.field == "color" &&
        part.exact.size() < part.matches.size()) {
      add(part, part.exact, kExactShadeFactor);
    }
  }
  return boosts;
}

void Confirm(Understanding& understanding,
             const std::function<Statement(const UnderstoodPart& part)>& stated) {
  for (size_t i = 0; i < understanding.parts.size(); ++i) {
    UnderstoodPart& part = understanding.parts[i];
    // Prices and sizes are no words a product's text says.
    if (part.applied != UnderstoodPart::Applied::kFilter || understanding.spans[i].second == 0) {
      continue;
    }
    const Statement statement = stated(part);
    if (statement.missing * 10 <= statement.said) continue;
    part.applied = UnderstoodPart::Applied::kBoost;
    part.note = StrCat(statement.missing, " of the ", statement.said, " products that say '",
                       part.text, "' have no such ", part.field, "; ranked first instead");
  }
}

bool Loosen(Understanding& understanding) {
  if (understanding.loose) return false;
  bool any = false;
  for (UnderstoodPart& part : understanding.parts) {
    if (!Soft(part)) continue;
    part.note = "left out of the text so that the other words all match; ranked first instead";
    any = true;
  }
  understanding.loose = any;
  return any;
}

bool Demote(Understanding& understanding, uint64_t total, int per_page) {
  // Words first: theirs go back to the text, which still asks for them.
  for (const bool words : {true, false}) {
    bool demoted = false;
    for (size_t i = 0; i < understanding.parts.size(); ++i) {
      UnderstoodPart& part = understanding.parts[i];
      if (part.applied != UnderstoodPart::Applied::kFilter) continue;
      if ((understanding.spans[i].second > 0) != words) continue;
      part.applied = UnderstoodPart::Applied::kBoost;
      part.note = StrCat("as a filter it left ", total, " products, fewer than a page of ",
                         per_page, "; ranked first instead");
      demoted = true;
    }
    if (demoted) return true;
  }
  return false;
}

}  // namespace vitrine::query::internal
