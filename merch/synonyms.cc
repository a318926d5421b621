#include "merch/synonyms.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"
#include "base/utf8.h"
#include "merch/rule.h"
#include "merch/rule_set.h"

namespace vitrine::merch {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// `text` with each invalid UTF-8 byte replaced by U+FFFD, so it can be parsed
// and the field holding the bad bytes named.
std::string Sanitized(std::string_view text) {
  std::string out;
  while (std::optional<size_t> bad = FindInvalidUtf8(text)) {
    out.append(text.substr(0, *bad));
    out.append(kReplacement);
    text.remove_prefix(*bad + 1);
  }
  out.append(text);
  return out;
}

// The path of the first string field holding U+FFFD, or "synonym_set".
std::string FieldWithReplacement(const Json& json) {
  auto has = [](const Json& value) {
    return value.is_string() &&
           value.get_ref<const std::string&>().find(kReplacement) != std::string::npos;
  };
  if (json.is_object()) {
    for (std::string_view key : {"id", "input"}) {
      if (json.contains(key) && has(json[std::string(key)])) return std::string(key);
    }
    if (json.contains("synonyms") && json["synonyms"].is_array()) {
      for (size_t i = 0; i < json["synonyms"].size(); ++i) {
        if (has(json["synonyms"][i])) return StrCat("synonyms[", i, "]");
      }
    }
  }
  return "synonym_set";
}

// One member: a non-empty word or phrase of at most kMaxSynonymWords words;
// returns its normalised form (for finding repeats).
absl::StatusOr<std::string> Member(const Json& value, const std::string& path) {
  if (!value.is_string()) return InvalidParameter(path, StrCat(path, " must be a string"));
  const std::string& text = value.get_ref<const std::string&>();
  if (text.size() > kMaxSynonymBytes) {
    return InvalidParameter(path, StrCat(path, " is longer than ", kMaxSynonymBytes, " bytes"));
  }
  std::string normalized = NormalizeQuery(text);
  if (normalized.empty()) return InvalidParameter(path, StrCat(path, " is empty"));
  if (std::count(normalized.begin(), normalized.end(), ' ') + 1 >
      static_cast<std::ptrdiff_t>(kMaxSynonymWords)) {
    return InvalidParameter(path, StrCat(path, " has more than ", kMaxSynonymWords, " words"));
  }
  return normalized;
}

std::string Joined(const std::vector<analyzers::Token>& tokens) {
  std::string key;
  for (const analyzers::Token& token : tokens) {
    if (!key.empty()) key.push_back(' ');
    key.append(token.term);
  }
  return key;
}

}  // namespace

absl::StatusOr<SynonymSet> ParseSynonymSet(std::string_view text) {
  if (!IsValidUtf8(text)) {
    const Json sanitized = Json::parse(Sanitized(text), nullptr, /*allow_exceptions=*/false);
    const std::string field = FieldWithReplacement(sanitized);
    return InvalidParameter(field, StrCat(field, " is not valid UTF-8"));
  }
  const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded())
    return InvalidParameter("synonym_set", "the synonym set is not valid JSON");
  if (!json.is_object()) {
    return InvalidParameter("synonym_set", "a synonym set must be a JSON object");
  }
  for (const auto& [key, value] : json.items()) {
    if (key != "id" && key != "input" && key != "synonyms") {
      return InvalidParameter(key, StrCat("unknown key '", key,
                                          "'; a synonym set has id, synonyms and (one-way) input"));
    }
  }
  SynonymSet set;
  if (!json.contains("id") || !json["id"].is_string() ||
      !IsValidRuleId(json["id"].get<std::string>())) {
    return InvalidParameter("id", "id must be 1-128 letters, digits, '-', '_' or '.'");
  }
  set.id = json["id"].get<std::string>();
  std::vector<std::string> seen;  // normalised members
  if (json.contains("input") && !json["input"].is_null()) {
    ASSIGN_OR_RETURN(std::string normalized, Member(json["input"], "input"));
    set.input = json["input"].get<std::string>();
    seen.push_back(std::move(normalized));
  }
  const size_t least = set.input.empty() ? 2 : 1;
  const size_t most = set.input.empty() ? kMaxSynonymsPerSet : kMaxSynonymsPerSet - 1;
  if (!json.contains("synonyms") || !json["synonyms"].is_array() ||
      json["synonyms"].size() < least || json["synonyms"].size() > most) {
    return InvalidParameter(
        "synonyms", StrCat("synonyms must list ", least, " to ", most, " words or phrases",
                           set.input.empty() ? " (a multi-way set needs two or more)" : ""));
  }
  for (size_t i = 0; i < json["synonyms"].size(); ++i) {
    const std::string at = StrCat("synonyms[", i, "]");
    ASSIGN_OR_RETURN(std::string normalized, Member(json["synonyms"][i], at));
    if (std::find(seen.begin(), seen.end(), normalized) != seen.end()) {
      return InvalidParameter(at, StrCat(at, " repeats '", normalized, "'"));
    }
    seen.push_back(std::move(normalized));
    set.synonyms.push_back(json["synonyms"][i].get<std::string>());
  }
  set.json = json.dump();
  return set;
}

std::shared_ptr<const Thesaurus> Thesaurus::Build(std::vector<SynonymSet> sets, uint64_t version) {
  auto thesaurus = std::shared_ptr<Thesaurus>(new Thesaurus());
  std::sort(sets.begin(), sets.end(),
            [](const SynonymSet& a, const SynonymSet& b) { return a.id < b.id; });
  thesaurus->sets_ = std::move(sets);
  thesaurus->version_ = version;
  return thesaurus;
}

const SynonymSet* Thesaurus::Find(std::string_view id) const {
  auto it =
      std::lower_bound(sets_.begin(), sets_.end(), id,
                       [](const SynonymSet& set, std::string_view key) { return set.id < key; });
  return it != sets_.end() && it->id == id ? &*it : nullptr;
}

const std::vector<Thesaurus::Analysed::Alternative>& Thesaurus::Analysed::Find(
    std::string_view terms) const {
  static const std::vector<Alternative> kNone;
  const auto it = by_key_.find(absl::string_view(terms.data(), terms.size()));
  return it == by_key_.end() ? kNone : it->second;
}

std::shared_ptr<const Thesaurus::Analysed> Thesaurus::For(
    const std::shared_ptr<const analyzers::Analyzer>& analyzer) const {
  std::shared_ptr<const Analysed> cached = analysed_.Get();
  if (cached != nullptr && cached->analyzer_.lock() == analyzer) return cached;
  auto analysed = std::make_shared<Analysed>();
  analysed->analyzer_ = analyzer;
  absl::flat_hash_set<std::string> pairs;  // key + '\n' + alternative's key, added once
  auto add = [&](const std::vector<analyzers::Token>& from, const std::string& key,
                 const std::vector<analyzers::Token>& to) {
    const std::string to_key = Joined(to);
    if (key.empty() || to.empty() || to_key == key ||
        !pairs.insert(StrCat(key, "\n", to_key)).second) {
      return;
    }
    analysed->by_key_[key].push_back(to);
    analysed->max_key_tokens_ = std::max(analysed->max_key_tokens_, from.size());
    for (const analyzers::Token& token : from) analysed->terms_.insert(token.term);
  };
  for (const SynonymSet& set : sets_) {
    std::vector<std::vector<analyzers::Token>> members;
    for (const std::string& member : set.synonyms) members.push_back(analyzer->Analyze(member));
    if (set.input.empty()) {
      for (const auto& from : members) {
        const std::string key = Joined(from);
        for (const auto& to : members) add(from, key, to);
      }
    } else {
      const std::vector<analyzers::Token> from = analyzer->Analyze(set.input);
      const std::string key = Joined(from);
      for (const auto& to : members) add(from, key, to);
    }
  }
  std::shared_ptr<const Analysed> built = std::move(analysed);
  analysed_.Set(built);
  return built;
}

}  // namespace vitrine::merch
