// ConfigStore: the merchandising config (rules, synonym sets and the ranking
// weights) persisted in its own RocksDB (<data-dir>/config), versioned and audited. Every change is
// one synced write batch holding the new state and an audit event, and yields a new version; the
// live config is an immutable snapshot swapped atomically, read without a lock on the search path.
//
//   ASSIGN_OR_RETURN(auto config, merch::ConfigStore::Open(dir + "/config", {}));
//   ASSIGN_OR_RETURN(uint64_t version,
//                    config->Write(rule_json, merch::WriteMode::kUpsert, "alice", std::nullopt));
//   std::shared_ptr<const merch::ConfigSnapshot> live = config->snapshot();
//
// Thread-safe: writes are serialised; snapshot(), live() and reads may run concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/shared_snapshot.h"
#include "merch/ranking.h"
#include "merch/rule_set.h"
#include "merch/synonyms.h"

namespace vitrine::merch {

struct ConfigStoreOptions {
  Clock clock = absl::Now;         // for event times and rule windows
  size_t max_rules = 5000;         // creating more is ResourceExhausted
  size_t max_synonym_sets = 5000;  // likewise
};

// What a config entry is. Rules and synonym sets have separate id spaces; the
// ranking weights are one entry (id "ranking"; absent: the defaults).
enum class ConfigKind { kRule, kSynonyms, kRanking };
std::string_view ConfigKindName(ConfigKind kind);  // "rule", "synonyms", "ranking"

// One entry's change within an event: its JSON before and after ("" when absent).
struct ConfigChange {
  ConfigKind kind = ConfigKind::kRule;
  std::string id;
  std::string before;
  std::string after;
};

// The whole config at one version, as searches use it. Immutable.
struct ConfigSnapshot {
  uint64_t version = 0;
  std::shared_ptr<const RuleSet> rules;       // never null
  std::shared_ptr<const Thesaurus> synonyms;  // never null
  std::shared_ptr<const Ranking> ranking;     // never null; DefaultRanking() until set
};

struct ConfigEvent {
  uint64_t version = 0;  // the version this event produced
  std::string who;       // the name of the API key that made it ("admin", "alice")
  absl::Time when;
  std::string action;  // "create", "update", "delete", "rollback", "ranking"
  std::vector<ConfigChange> changes;
  uint64_t rolled_back_to = 0;  // rollback: the version restored
};

// The event as stored and as GET /v1/config/history lists it: {"version", "who",
// "when" (RFC 3339), "action", "changes": [{"kind", "id", "before", "after"}], and
// for a rollback "rolled_back_to"}. Events stored before synonyms existed have no
// "kind" and are rule changes.
std::string EventToJson(const ConfigEvent& event);

enum class WriteMode {
  kCreate,  // AlreadyExists when the id is taken
  kUpsert,  // create or replace
};

class ConfigStore {
 public:
  static absl::StatusOr<std::unique_ptr<ConfigStore>> Open(const std::string& path,
                                                           ConfigStoreOptions options = {});
  ~ConfigStore();
  ConfigStore(const ConfigStore&) = delete;
  ConfigStore& operator=(const ConfigStore&) = delete;

  // The config to search with now: rules and synonyms of one version. Never null.
  std::shared_ptr<const ConfigSnapshot> snapshot() const { return live_.Get(); }
  // The live rules (of snapshot()). Never null.
  std::shared_ptr<const RuleSet> live() const { return snapshot()->rules; }
  uint64_t version() const { return snapshot()->version; }
  // The live ranking weights (of snapshot()). Never null.
  std::shared_ptr<const Ranking> ranking() const { return snapshot()->ranking; }

  // A draft config for a preview, never stored: `rules`, `synonyms` and
  // `ranking` replace the live ones when given, else the live ones are kept.
  // Rule windows follow the store's clock. Its version is 0.
  std::shared_ptr<const ConfigSnapshot> Draft(std::optional<std::vector<Rule>> rules,
                                              std::optional<std::vector<SynonymSet>> synonyms,
                                              std::optional<Ranking> ranking = {}) const;

  // Writes a rule (ParseRule's errors for bad JSON). `if_match`: the version the
  // caller last saw; Aborted when the config has moved on since. Returns the new
  // version. Writing a rule identical to the stored one still makes a version.
  absl::StatusOr<uint64_t> Write(std::string_view rule_json, WriteMode mode, std::string_view who,
                                 std::optional<uint64_t> if_match);
  // NotFound for an unknown id.
  absl::StatusOr<uint64_t> Delete(std::string_view id, std::string_view who,
                                  std::optional<uint64_t> if_match);
  // The same for synonym sets (ParseSynonymSet's errors for bad JSON).
  absl::StatusOr<uint64_t> WriteSynonyms(std::string_view set_json, WriteMode mode,
                                         std::string_view who, std::optional<uint64_t> if_match);
  absl::StatusOr<uint64_t> DeleteSynonyms(std::string_view id, std::string_view who,
                                          std::optional<uint64_t> if_match);
  // Replaces the ranking weights (ParseRanking's errors for bad JSON).
  absl::StatusOr<uint64_t> SetRanking(std::string_view ranking_json, std::string_view who,
                                      std::optional<uint64_t> if_match);
  // Makes the rules, synonyms and ranking what they were at `version` (a new version, audited like
  // any change). NotFound for a version that never existed.
  absl::StatusOr<uint64_t> Rollback(uint64_t version, std::string_view who,
                                    std::optional<uint64_t> if_match);

  // Events newest first, at most `limit`, older than `before` when given.
  absl::StatusOr<std::vector<ConfigEvent>> History(size_t limit,
                                                   std::optional<uint64_t> before = {}) const;

 private:
  struct Impl;
  explicit ConfigStore(std::unique_ptr<Impl> impl);
  // Reads the stored version and entries into `impl` (at open).
  static absl::Status LoadState(Impl& impl);
  // Under the write lock: checks if_match, writes the event and changes, swaps live.
  absl::StatusOr<uint64_t> Commit(ConfigEvent event, std::optional<uint64_t> if_match);

  // Under the write lock: a create/update event for `json` of `kind` (id `id`).
  absl::StatusOr<uint64_t> WriteEntry(ConfigKind kind, const std::string& id,
                                      const std::string& json, WriteMode mode, std::string_view who,
                                      std::optional<uint64_t> if_match);
  absl::StatusOr<uint64_t> DeleteEntry(ConfigKind kind, std::string_view id, std::string_view who,
                                       std::optional<uint64_t> if_match);

  std::unique_ptr<Impl> impl_;
  SharedSnapshot<ConfigSnapshot> live_;
};

}  // namespace vitrine::merch
