#include "query/suggest/suggest.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "analyzers/analyzer.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "query/suggest/suggest_words.h"
#include "query/text/highlight.h"

namespace vitrine::query {
namespace {

constexpr std::string_view kHighlightOpen = "<em>";
constexpr std::string_view kHighlightClose = "</em>";
constexpr size_t kMaxWordEnd = UINT16_MAX;  // word spans are stored as 16-bit offsets

using internal::OriginalPrefixBytes;
using internal::SplitWords;
using internal::Words;

// The value of `key` in `map`, default-constructed if new; allocates the key
// only then.
template <typename Map>
typename Map::mapped_type& FindOrAdd(Map& map, std::string_view key) {
  auto it = map.find(ToAbsl(key));
  if (it == map.end()) it = map.emplace(std::string(key), typename Map::mapped_type()).first;
  return it->second;
}

struct StrRef {
  uint32_t offset = 0;
  uint32_t size = 0;
};

// A suggestion before indexing: deduplicated and ranked by its type's rules.
struct Candidate {
  std::string_view text;
  std::string_view id;
  uint64_t count = 0;
};

// The query: its words and whether the last is still being typed.
struct TypedQuery {
  Words words;
  bool last_is_prefix = true;
};

}  // namespace

struct Suggester::Section {
  struct EntryWord {
    uint32_t word;  // vocabulary index
    uint16_t begin;
    uint16_t end;
  };
  struct Entry {
    StrRef text;
    StrRef id;
    uint64_t count;
    uint32_t first_word;  // in entry_words
    uint32_t words;
  };
  // Vocabulary indexes [lo, hi) one typed word accepts.
  struct WordRange {
    uint32_t lo = 0;
    uint32_t hi = 0;
  };

  SuggestionType type = SuggestionType::kTitle;
  std::string pool;                     // texts, ids and vocabulary words
  std::vector<StrRef> vocabulary;       // distinct word keys, sorted
  std::vector<uint32_t> posting_start;  // per vocabulary word, plus the end
  std::vector<uint32_t> postings;       // entry indexes, ascending per word
  std::vector<Entry> entries;           // best first
  std::vector<EntryWord> entry_words;

  std::string_view View(StrRef ref) const {
    return std::string_view(pool).substr(ref.offset, ref.size);
  }
  StrRef Add(std::string_view text) {
    const StrRef ref{static_cast<uint32_t>(pool.size()), static_cast<uint32_t>(text.size())};
    pool.append(text);
    return ref;
  }

  static std::unique_ptr<Section> Build(SuggestionType type, const std::vector<Candidate>& ranked);
  bool Resolve(const TypedQuery& query, std::vector<WordRange>& ranges) const;
  bool Match(uint32_t entry, const std::vector<WordRange>& ranges, uint32_t* positions) const;
  void Find(const TypedQuery& query, size_t want, std::vector<Suggestion>& out) const;
  std::string Highlight(const Entry& entry, const TypedQuery& query,
                        const uint32_t* positions) const;
  size_t MemoryBytes() const {
    return sizeof(*this) + pool.capacity() + vocabulary.capacity() * sizeof(StrRef) +
           (posting_start.capacity() + postings.capacity()) * sizeof(uint32_t) +
           entries.capacity() * sizeof(Entry) + entry_words.capacity() * sizeof(EntryWord);
  }
};

std::unique_ptr<Suggester::Section> Suggester::Section::Build(
    SuggestionType type, const std::vector<Candidate>& ranked) {
  auto section = std::make_unique<Section>();
  section->type = type;
  absl::flat_hash_map<std::string, uint32_t> word_ids;  // key -> first-seen id
  Words words_of;
  for (const Candidate& candidate : ranked) {
    Entry entry{.text = section->Add(candidate.text),
                .id = section->Add(candidate.id),
                .count = candidate.count,
                .first_word = static_cast<uint32_t>(section->entry_words.size()),
                .words = 0};
    SplitWords(candidate.text, words_of);
    for (size_t i = 0; i < words_of.size(); ++i) {
      const Words::Span& word = words_of.spans[i];
      if (word.end > kMaxWordEnd) break;
      auto it = word_ids.find(ToAbsl(words_of.Key(i)));
      if (it == word_ids.end()) {
        const auto id = static_cast<uint32_t>(word_ids.size());
        it = word_ids.emplace(std::string(words_of.Key(i)), id).first;
      }
      section->entry_words.push_back(
          {it->second, static_cast<uint16_t>(word.begin), static_cast<uint16_t>(word.end)});
      ++entry.words;
    }
    section->entries.push_back(entry);
  }
  // flat_hash_map moves its keys on rehash: view them once it is complete.
  std::vector<std::string_view> words(word_ids.size());  // first-seen id -> key
  for (const auto& [key, id] : word_ids) words[id] = key;
  std::vector<uint32_t> order(words.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return words[a] < words[b]; });
  std::vector<uint32_t> sorted_id(words.size());
  section->vocabulary.reserve(words.size());
  for (uint32_t rank = 0; rank < order.size(); ++rank) {
    sorted_id[order[rank]] = rank;
    section->vocabulary.push_back(section->Add(words[order[rank]]));
  }
  for (EntryWord& word : section->entry_words) word.word = sorted_id[word.word];

  // Postings by counting: each entry once per distinct word, in entry order.
  // Two passes over (entry, distinct word): count, then fill.
  const uint32_t none = UINT32_MAX;
  std::vector<uint32_t> last_entry(words.size(), none);
  auto for_each_posting = [&](auto&& visit) {
    std::fill(last_entry.begin(), last_entry.end(), none);
    for (uint32_t e = 0; e < section->entries.size(); ++e) {
      const Entry& entry = section->entries[e];
      for (uint32_t w = entry.first_word; w < entry.first_word + entry.words; ++w) {
        const uint32_t word = section->entry_words[w].word;
        if (last_entry[word] == e) continue;
        last_entry[word] = e;
        visit(word, e);
      }
    }
  };
  section->posting_start.assign(words.size() + 1, 0);
  for_each_posting([&](uint32_t word, uint32_t) { ++section->posting_start[word + 1]; });
  std::partial_sum(section->posting_start.begin(), section->posting_start.end(),
                   section->posting_start.begin());
  section->postings.resize(section->posting_start.back());
  std::vector<uint32_t> fill(section->posting_start.begin(), section->posting_start.end() - 1);
  for_each_posting([&](uint32_t word, uint32_t e) { section->postings[fill[word]++] = e; });
  section->pool.shrink_to_fit();
  section->entry_words.shrink_to_fit();
  section->entries.shrink_to_fit();
  return section;
}

// The vocabulary range of each typed word; false when one matches no word.
bool Suggester::Section::Resolve(const TypedQuery& query, std::vector<WordRange>& ranges) const {
  ranges.clear();
  for (size_t i = 0; i < query.words.size(); ++i) {
    const std::string_view key = query.words.Key(i);
    const auto begin =
        std::lower_bound(vocabulary.begin(), vocabulary.end(), key,
                         [&](StrRef word, std::string_view typed) { return View(word) < typed; });
    auto end = begin;
    if (i + 1 == query.words.size() && query.last_is_prefix) {
      end = std::partition_point(begin, vocabulary.end(),
                                 [&](StrRef word) { return View(word).starts_with(key); });
    } else if (begin != vocabulary.end() && View(*begin) == key) {
      end = begin + 1;
    }
    if (begin == end) return false;
    ranges.push_back({static_cast<uint32_t>(begin - vocabulary.begin()),
                      static_cast<uint32_t>(end - vocabulary.begin())});
  }
  return true;
}

// Whether the entry has the typed words in order; `positions` (one per typed
// word, may be null) receives the entry words they matched.
bool Suggester::Section::Match(uint32_t entry, const std::vector<WordRange>& ranges,
                               uint32_t* positions) const {
  const Entry& e = entries[entry];
  size_t next = 0;
  for (uint32_t w = 0; w < e.words && next < ranges.size(); ++w) {
    const uint32_t word = entry_words[e.first_word + w].word;
    if (word >= ranges[next].lo && word < ranges[next].hi) {
      if (positions != nullptr) positions[next] = w;
      ++next;
    }
  }
  return next == ranges.size();
}

std::string Suggester::Section::Highlight(const Entry& entry, const TypedQuery& query,
                                          const uint32_t* positions) const {
  const std::string_view text = View(entry.text);
  std::string out;
  out.reserve(text.size() + 16 * query.words.size());
  size_t at = 0;
  for (size_t i = 0; i < query.words.size(); ++i) {
    const EntryWord& word = entry_words[entry.first_word + positions[i]];
    const std::string_view original = text.substr(word.begin, word.end - word.begin);
    size_t marked = original.size();
    if (i + 1 == query.words.size() && query.last_is_prefix) {
      marked = OriginalPrefixBytes(original, query.words.Key(i).size());
    }
    internal::AppendHtmlEscaped(out, text.substr(at, word.begin - at));
    out.append(kHighlightOpen);
    internal::AppendHtmlEscaped(out, original.substr(0, marked));
    out.append(kHighlightClose);
    at = word.begin + marked;
  }
  internal::AppendHtmlEscaped(out, text.substr(at));
  return out;
}

// The first element of the sorted [at, end) not below `target`, by galloping:
// cheap when it is near `at`, as for the ascending candidates of one word.
const uint32_t* Gallop(const uint32_t* at, const uint32_t* end, uint32_t target) {
  const uint32_t* lo = at;
  size_t step = 1;
  while (at < end && *at < target) {
    lo = at + 1;
    at = static_cast<size_t>(end - at) > step ? at + step : end;
    step <<= 1;
  }
  return std::lower_bound(lo, at, target);
}

// The best `want` entries with the typed words, best first. Walks the postings
// of the typed word with the fewest; postings are in rank order, so each word's
// list stops at the first entry ranked below the worst kept so far. A candidate
// must be in the postings of every other whole typed word (an intersection
// that reads no entry) before its words are compared in order.
void Suggester::Section::Find(const TypedQuery& query, size_t want,
                              std::vector<Suggestion>& out) const {
  if (want == 0 || query.words.empty()) return;
  std::vector<WordRange> ranges;
  ranges.reserve(query.words.size());
  if (!Resolve(query, ranges)) return;
  const WordRange* driver = &ranges[0];
  for (const WordRange& range : ranges) {
    if (posting_start[range.hi] - posting_start[range.lo] <
        posting_start[driver->hi] - posting_start[driver->lo]) {
      driver = &range;
    }
  }
  struct List {
    const uint32_t* begin;
    const uint32_t* end;
    const uint32_t* at;
  };
  std::vector<List> required;  // postings of the other single-word ranges
  for (const WordRange& range : ranges) {
    if (&range == driver || range.hi != range.lo + 1) continue;
    const uint32_t* begin = postings.data() + posting_start[range.lo];
    required.push_back({begin, postings.data() + posting_start[range.hi], begin});
  }
  const auto in_required = [&](uint32_t entry) {
    for (List& list : required) {
      list.at = Gallop(list.at, list.end, entry);
      if (list.at == list.end || *list.at != entry) return false;
    }
    return true;
  };
  std::vector<uint32_t> best;  // a max-heap of entry indexes (lower is better)
  best.reserve(want + 1);
  for (uint32_t word = driver->lo; word < driver->hi; ++word) {
    for (List& list : required) list.at = list.begin;  // candidates ascend again
    for (uint32_t p = posting_start[word]; p < posting_start[word + 1]; ++p) {
      const uint32_t entry = postings[p];
      if (best.size() == want && entry >= best.front()) break;
      if (!in_required(entry)) continue;
      if (std::find(best.begin(), best.end(), entry) != best.end()) continue;
      if (!Match(entry, ranges, nullptr)) continue;
      best.push_back(entry);
      std::push_heap(best.begin(), best.end());
      if (best.size() > want) {
        std::pop_heap(best.begin(), best.end());
        best.pop_back();
      }
    }
  }
  std::sort_heap(best.begin(), best.end());
  std::vector<uint32_t> positions(query.words.size());
  for (const uint32_t index : best) {
    const Entry& entry = entries[index];
    Match(index, ranges, positions.data());
    Suggestion& suggestion = out.emplace_back();
    suggestion.type = type;
    suggestion.text = View(entry.text);
    suggestion.highlight = Highlight(entry, query, positions.data());
    suggestion.count = entry.count;
    suggestion.id = View(entry.id);
  }
}

std::string_view SuggestionTypeName(SuggestionType type) {
  switch (type) {
    case SuggestionType::kBrand:
      return "brand";
    case SuggestionType::kCategory:
      return "category";
    case SuggestionType::kTitle:
      break;
  }
  return "title";
}

absl::Status ValidateSuggestRequest(const SuggestRequest& request, const SuggestLimits& limits) {
  if (request.q.size() > limits.max_query_bytes) {
    return InvalidParameter("q", StrCat("q is longer than ", limits.max_query_bytes, " bytes"));
  }
  if (!IsValidUtf8(request.q)) return InvalidParameter("q", "q is not valid UTF-8");
  if (Trim(request.q).empty()) return InvalidParameter("q", "q is required and may not be blank");
  if (request.limit < 1 || request.limit > limits.max_limit) {
    return InvalidParameter("limit", StrCat("limit must be between 1 and ", limits.max_limit));
  }
  return absl::OkStatus();
}

Suggester::Suggester() = default;
Suggester::~Suggester() = default;

std::shared_ptr<const Suggester> Suggester::Build(std::span<const SuggestSource> products,
                                                  SuggestLimits limits) {
  // Brands and categories: products per normalised value, shown in the spelling
  // most of their products use (ties: the smaller string).
  struct Group {
    uint64_t products = 0;
    std::map<std::string, uint64_t> spellings;
  };
  absl::flat_hash_map<std::string, Group> brands, categories;
  // Titles: the most popular product of each normalised title represents it.
  struct Title {
    const SuggestSource* best = nullptr;
    uint64_t products = 0;
  };
  absl::flat_hash_map<std::string, Title> titles;
  const auto better = [](const SuggestSource& a, const SuggestSource& b) {
    return std::tie(b.popularity, b.rating, a.id) < std::tie(a.popularity, a.rating, b.id);
  };
  std::vector<std::string> seen;  // one product's category keys
  Words words;
  for (const SuggestSource& product : products) {
    if (SplitWords(product.brand, words); !words.empty()) {
      Group& group = FindOrAdd(brands, words.keys);
      ++group.products;
      ++group.spellings[product.brand];
    }
    seen.clear();
    for (const std::string& category : product.categories) {
      SplitWords(category, words);
      if (words.empty() || std::find(seen.begin(), seen.end(), words.keys) != seen.end()) continue;
      seen.push_back(words.keys);
      Group& group = FindOrAdd(categories, words.keys);
      ++group.products;
      ++group.spellings[category];
    }
    if (SplitWords(product.title, words); !words.empty()) {
      Title& title = FindOrAdd(titles, words.keys);
      ++title.products;
      if (title.best == nullptr || better(product, *title.best)) title.best = &product;
    }
  }
  const auto rank_groups = [](const absl::flat_hash_map<std::string, Group>& groups) {
    std::vector<std::pair<std::string_view, Candidate>> ranked;  // key, candidate
    for (const auto& [key, group] : groups) {
      const auto spelling = std::max_element(
          group.spellings.begin(), group.spellings.end(),
          [](const auto& a, const auto& b) { return a.second < b.second; });  // first of ties
      ranked.push_back(
          {key, Candidate{.text = spelling->first, .id = {}, .count = group.products}});
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
      return std::tie(b.second.count, a.first) < std::tie(a.second.count, b.first);
    });
    std::vector<Candidate> out;
    out.reserve(ranked.size());
    for (const auto& [key, candidate] : ranked) out.push_back(candidate);
    return out;
  };
  // Sorted by copies of the keys, not through pointers: fewer cache misses.
  struct RankedTitle {
    double popularity, rating;
    std::string_view id;
    const Title* title;
  };
  std::vector<RankedTitle> ranked_titles;
  ranked_titles.reserve(titles.size());
  for (const auto& [key, title] : titles) {
    ranked_titles.push_back({title.best->popularity, title.best->rating, title.best->id, &title});
  }
  std::sort(ranked_titles.begin(), ranked_titles.end(), [](const auto& a, const auto& b) {
    return std::tie(b.popularity, b.rating, a.id) < std::tie(a.popularity, a.rating, b.id);
  });
  std::vector<Candidate> title_candidates;
  title_candidates.reserve(ranked_titles.size());
  for (const RankedTitle& ranked : ranked_titles) {
    const Title& title = *ranked.title;
    title_candidates.push_back(
        {.text = title.best->title, .id = title.best->id, .count = title.products});
  }

  std::shared_ptr<Suggester> suggester(new Suggester());
  suggester->limits_ = limits;
  suggester->brands_ = Section::Build(SuggestionType::kBrand, rank_groups(brands));
  suggester->categories_ = Section::Build(SuggestionType::kCategory, rank_groups(categories));
  suggester->titles_ = Section::Build(SuggestionType::kTitle, title_candidates);
  return suggester;
}

absl::StatusOr<std::vector<Suggestion>> Suggester::Suggest(const SuggestRequest& request) const {
  RETURN_IF_ERROR(ValidateSuggestRequest(request, limits_));
  TypedQuery query;
  SplitWords(request.q, query.words);
  query.last_is_prefix = !query.words.empty() && query.words.spans.back().end == request.q.size();
  std::vector<Suggestion> out;
  if (query.words.empty()) return out;  // punctuation only
  const size_t limit = static_cast<size_t>(request.limit);
  out.reserve(limit);
  brands_->Find(query, std::min<size_t>(limit, limits_.max_brands), out);
  categories_->Find(query, std::min<size_t>(limit - out.size(), limits_.max_categories), out);
  titles_->Find(query, limit - out.size(), out);
  return out;
}

size_t Suggester::size(SuggestionType type) const {
  switch (type) {
    case SuggestionType::kBrand:
      return brands_->entries.size();
    case SuggestionType::kCategory:
      return categories_->entries.size();
    case SuggestionType::kTitle:
      break;
  }
  return titles_->entries.size();
}

size_t Suggester::memory_bytes() const {
  return sizeof(*this) + brands_->MemoryBytes() + categories_->MemoryBytes() +
         titles_->MemoryBytes();
}

}  // namespace vitrine::query
