#include "analyzers/vocabulary.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "analyzers/analyzer.h"
#include "base/status.h"
#include "base/strings.h"

namespace vitrine::analyzers {

using Json = nlohmann::json;

// Builds a Vocabulary from parsed JSON, remembering where each phrase came from
// so that a phrase claimed by two groups is reported with both places.
class VocabularyBuilder {
 public:
  VocabularyBuilder() : vocabulary_(std::make_shared<Vocabulary>()) {}

  absl::Status AddFile(const std::string& name, const Json& root) {
    if (!root.is_object()) return Error(name, "", "the file must hold a JSON object");
    for (const auto& [key, value] : root.items()) {
      if (key == "description") continue;
      if (key == "synonyms") {
        RETURN_IF_ERROR(AddGroups(name, key, value, TokenKind::kWord));
      } else if (key == "colors") {
        RETURN_IF_ERROR(AddGroups(name, key, value, TokenKind::kColor));
      } else if (key == "genders") {
        RETURN_IF_ERROR(AddGroups(name, key, value, TokenKind::kGender));
      } else if (key == "sizes") {
        RETURN_IF_ERROR(AddGroups(name, key, value, TokenKind::kSize));
      } else if (key == "stopwords") {
        RETURN_IF_ERROR(AddStopWords(name, value));
      } else if (key == "units") {
        RETURN_IF_ERROR(AddUnits(name, value));
      } else {
        return Error(
            name, key,
            "unknown section (expected synonyms, colors, genders, sizes, units, stopwords)");
      }
    }
    return absl::OkStatus();
  }

  // Gender matches name canonical genders, which are only known once every file
  // is read.
  absl::StatusOr<std::shared_ptr<const Vocabulary>> Finish() {
    // Broader terms name phrases ("t-shirt"): use their group's term when they
    // have one, so "also" points at the same term a query for them produces.
    // So do the words a scoped member must not appear with.
    const auto resolve = [&](std::string& phrase) {
      const Vocabulary::Entry* target = vocabulary_->Find(phrase);
      if (target != nullptr) {
        phrase = target->term;
      } else {
        std::erase(phrase, ' ');
      }
    };
    for (auto& [phrase, entry] : vocabulary_->entries_) {
      for (std::string& also : entry.also) resolve(also);
      for (std::string& word : entry.not_with) resolve(word);
    }
    for (auto& [term, matches] : pending_matches_) {
      std::vector<std::string>& resolved = vocabulary_->gender_matches_[term];
      for (const auto& [where, phrase] : matches) {
        const Vocabulary::Entry* entry = vocabulary_->Find(phrase);
        if (entry == nullptr || entry->kind != TokenKind::kGender) {
          return Error(where, "matches",
                       StrCat("'", phrase, "' is not a gender of the vocabulary"));
        }
        resolved.push_back(entry->term);
      }
    }
    return std::shared_ptr<const Vocabulary>(std::move(vocabulary_));
  }

 private:
  static absl::Status Error(std::string_view file, std::string_view where,
                            std::string_view message) {
    return absl::InvalidArgumentError(
        StrCat("vocabulary ", file, where.empty() ? "" : ": ", where, ": ", message));
  }

  // The analysed form of a member: stems joined by spaces ("t shirt").
  std::string Stems(std::string_view text) const {
    std::string joined;
    for (const Token& token : base_.Analyze(text)) {
      if (!joined.empty()) joined.push_back(' ');
      joined.append(token.term);
    }
    return joined;
  }

  absl::Status AddGroups(const std::string& file, const std::string& section, const Json& groups,
                         TokenKind kind) {
    if (!groups.is_array()) return Error(file, section, "must be an array of groups");
    for (size_t i = 0; i < groups.size(); ++i) {
      const std::string where = StrCat(section, "[", i, "]");
      const Json& group = groups[i];
      // A group is ["a", "b"] or {"terms": [...], "family": ..., "also": [...], "matches": [...]}.
      const Json& terms = group.is_object() ? group.value("terms", Json()) : group;
      if (!terms.is_array() || terms.empty()) {
        return Error(file, where, "needs a non-empty array of terms");
      }
      Vocabulary::Entry entry;
      entry.kind = kind;
      if (group.is_object()) {
        for (const auto& [key, value] : group.items()) {
          if (key == "terms") continue;
          if (key == "family" && kind == TokenKind::kColor && value.is_string()) {
            entry.family = Stems(value.get<std::string>());
          } else if (key == "also" && value.is_array()) {
            for (const Json& also : value) {
              if (!also.is_string()) return Error(file, where, "also must hold strings");
              entry.also.push_back(Stems(also.get<std::string>()));
            }
          } else if (key == "matches" && kind == TokenKind::kGender && value.is_array()) {
            // Resolved in Finish(), once every gender is known.
          } else if (key == "scope" && value.is_object()) {
            // Read below, once the members are known.
          } else {
            return Error(file, StrCat(where, ".", key), "unknown or malformed key");
          }
        }
      }
      std::vector<std::string> phrases;
      for (const Json& term : terms) {
        if (!term.is_string()) return Error(file, where, "terms must be strings");
        std::string phrase = Stems(term.get<std::string>());
        if (phrase.empty()) {
          return Error(file, where, StrCat("'", term.get<std::string>(), "' has no words"));
        }
        phrases.push_back(std::move(phrase));
      }
      entry.term = phrases.front();
      std::erase(entry.term, ' ');
      if (kind == TokenKind::kColor && entry.family.empty()) entry.family = entry.term;
      absl::flat_hash_map<std::string, Vocabulary::Entry> scoped;
      if (group.is_object() && group.contains("scope")) {
        ASSIGN_OR_RETURN(scoped, Scoped(file, where, group["scope"], phrases, entry));
      }
      for (const std::string& phrase : phrases) {
        const auto it = scoped.find(phrase);
        RETURN_IF_ERROR(AddPhrase(file, where, phrase, it == scoped.end() ? entry : it->second));
      }
      if (group.is_object() && group.contains("matches")) {
        for (const Json& match : group["matches"]) {
          if (!match.is_string()) return Error(file, where, "matches must hold strings");
          pending_matches_[entry.term].emplace_back(file, Stems(match.get<std::string>()));
        }
      }
    }
    return absl::OkStatus();
  }

  // A group's "scope": {"member": {"not_with": [words], "not_next_to": [words]}}.
  // Members are one word of the group; the entries of those members.
  absl::StatusOr<absl::flat_hash_map<std::string, Vocabulary::Entry>> Scoped(
      const std::string& file, const std::string& where, const Json& scope,
      const std::vector<std::string>& phrases, const Vocabulary::Entry& entry) const {
    absl::flat_hash_map<std::string, Vocabulary::Entry> scoped;
    for (const auto& [member, rules] : scope.items()) {
      const std::string here = StrCat(where, ".scope.", member);
      const std::string stem = Stems(member);
      if (std::find(phrases.begin(), phrases.end(), stem) == phrases.end()) {
        return Error(file, here, "is not a member of the group");
      }
      if (stem.find(' ') != std::string::npos) {
        return Error(file, here, "a scoped member must be one word");
      }
      if (stem == entry.term) {
        return Error(file, here,
                     "is the group's own term, so it cannot stay its own word: list another "
                     "member first");
      }
      if (!rules.is_object() || rules.empty()) {
        return Error(file, here, "needs not_with or not_next_to");
      }
      Vocabulary::Entry& narrowed = scoped.try_emplace(stem, entry).first->second;
      for (const auto& [key, words] : rules.items()) {
        std::vector<std::string>* into = key == "not_with"      ? &narrowed.not_with
                                         : key == "not_next_to" ? &narrowed.not_next_to
                                                                : nullptr;
        if (into == nullptr || !words.is_array() || words.empty()) {
          return Error(file, StrCat(here, ".", key), "unknown key or not a non-empty array");
        }
        for (const Json& word : words) {
          if (!word.is_string() || Stems(word.get<std::string>()).empty()) {
            return Error(file, StrCat(here, ".", key), "must hold words");
          }
          into->push_back(Stems(word.get<std::string>()));
        }
      }
    }
    return scoped;
  }

  absl::Status AddPhrase(const std::string& file, const std::string& where,
                         const std::string& phrase, const Vocabulary::Entry& entry) {
    auto [it, inserted] = vocabulary_->entries_.try_emplace(phrase, entry);
    const std::string here = StrCat(file, " ", where);
    auto [origin, first] = origins_.try_emplace(phrase, here);
    // The same phrase twice in one group ("t-shirt", "t shirt") is fine.
    if (!inserted && origin->second != here) {
      return Error(file, where,
                   StrCat("'", phrase, "' is already in ", origin->second, " (as '",
                          it->second.term, "'); a word may belong to one group only"));
    }
    const std::vector<std::string> words = SplitTrimmed(phrase, ' ');
    if (words.size() > 1) {
      vocabulary_->phrase_starts_.insert(words.front());
      vocabulary_->max_phrase_words_ = std::max(vocabulary_->max_phrase_words_, words.size());
    }
    return absl::OkStatus();
  }

  // Units are matched on normalised words, as written ("in", "ft"): stemming
  // would merge "in" with "inn" and "ft" is no English word.
  absl::Status AddUnits(const std::string& file, const Json& groups) {
    if (!groups.is_array()) return Error(file, "units", "must be an array of groups");
    for (size_t i = 0; i < groups.size(); ++i) {
      const std::string where = StrCat("units[", i, "]");
      if (!groups[i].is_array() || groups[i].empty()) {
        return Error(file, where, "needs a non-empty array of unit names");
      }
      std::string canonical;
      for (const Json& name : groups[i]) {
        if (!name.is_string()) return Error(file, where, "unit names must be strings");
        const std::vector<std::string> words = base_.Words(name.get<std::string>());
        if (words.size() != 1) {
          return Error(file, where, StrCat("'", name.get<std::string>(), "' must be one word"));
        }
        if (canonical.empty()) canonical = words.front();
        auto [it, inserted] = vocabulary_->units_.try_emplace(words.front(), canonical);
        if (!inserted && it->second != canonical) {
          return Error(file, where,
                       StrCat("'", words.front(), "' is already the unit '", it->second, "'"));
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status AddStopWords(const std::string& file, const Json& words) {
    if (!words.is_array()) return Error(file, "stopwords", "must be an array of words");
    for (const Json& word : words) {
      if (!word.is_string()) return Error(file, "stopwords", "must hold strings");
      for (const std::string& normalized : base_.Words(word.get<std::string>())) {
        vocabulary_->stop_words_.insert(normalized);
      }
    }
    return absl::OkStatus();
  }

  const Analyzer base_;  // no vocabulary: normalise, break, stem
  std::shared_ptr<Vocabulary> vocabulary_;
  absl::flat_hash_map<std::string, std::string> origins_;
  absl::flat_hash_map<std::string, std::vector<std::pair<std::string, std::string>>>
      pending_matches_;
};

const Vocabulary::Entry* Vocabulary::Find(std::string_view stems) const {
  const auto it = entries_.find(absl::string_view(stems.data(), stems.size()));
  return it == entries_.end() ? nullptr : &it->second;
}

const std::vector<std::string>& Vocabulary::GenderMatches(std::string_view term) const {
  static const std::vector<std::string> kNone;
  const auto it = gender_matches_.find(absl::string_view(term.data(), term.size()));
  return it == gender_matches_.end() ? kNone : it->second;
}

absl::StatusOr<std::shared_ptr<const Vocabulary>> Vocabulary::Parse(
    const std::vector<VocabularyFile>& files) {
  VocabularyBuilder builder;
  for (const auto& [name, contents] : files) {
    Json root = Json::parse(contents, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) {
      return absl::InvalidArgumentError(StrCat("vocabulary ", name, ": malformed JSON"));
    }
    RETURN_IF_ERROR(builder.AddFile(name, root));
  }
  return builder.Finish();
}

absl::StatusOr<std::vector<VocabularyFile>> ReadVocabularyFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code error;
  std::vector<fs::path> paths;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().extension() == ".json") paths.push_back(entry.path());
  }
  if (error) {
    return absl::NotFoundError(
        StrCat("cannot read vocabulary directory ", dir, ": ", error.message()));
  }
  if (paths.empty()) return absl::NotFoundError(StrCat("no *.json vocabulary files in ", dir));
  std::sort(paths.begin(), paths.end());
  std::vector<VocabularyFile> files;
  for (const fs::path& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    if (!in) return absl::NotFoundError(StrCat("cannot read ", path.string()));
    files.emplace_back(path.filename().string(), contents.str());
  }
  return files;
}

std::string DefaultVocabularyDir() {
  if (const char* dir = std::getenv("VITRINE_ANALYZERS_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
#ifdef VITRINE_SOURCE_ANALYZERS_DIR
  if (std::filesystem::exists(VITRINE_SOURCE_ANALYZERS_DIR)) return VITRINE_SOURCE_ANALYZERS_DIR;
#endif
  return "data/analyzers";
}

}  // namespace vitrine::analyzers
