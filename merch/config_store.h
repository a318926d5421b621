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
// In a cluster every replica's store follows one ConfigLog (a JetStream key-value bucket,
// writes/jetstream_config_log.h): a change is published there as the next version first, then
// applied; another replica's changes are applied as they arrive, in version order.
//
// Thread-safe: writes are serialised; snapshot(), live() and reads may run concurrently.
#pragma once

#include <functional>
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

// The config events of a cluster, shared by its replicas: event N (its JSON, EventToJson) is the
// change that made version N. Each version is published once; the first replica to publish it wins.
class ConfigLog {
 public:
  virtual ~ConfigLog() = default;
  // Publishes `event_json` as `version`. Aborted when that version exists
  // (another replica changed the config first); Unavailable when the log
  // cannot be reached (the event may or may not have been published).
  virtual absl::Status Publish(uint64_t version, const std::string& event_json) = 0;
  // Event `version`, or nullopt when it does not exist (yet).
  virtual absl::StatusOr<std::optional<std::string>> Get(uint64_t version) = 0;
  // Calls `changed`, from a thread of the log, when another replica
  // published. Null stops the calls (returning once none runs).
  virtual void Watch(std::function<void()> changed) = 0;
};

struct ConfigStoreOptions {
  Clock clock = absl::Now;         // for event times and rule windows
  size_t max_rules = 5000;         // creating more is ResourceExhausted
  size_t max_synonym_sets = 5000;  // likewise
  // A cluster's shared config (not owned; outlives the store); null: this node's alone.
  ConfigLog* log = nullptr;
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
  uint64_t digest = 0;                        // ConfigStore::digest()
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
  // An order-independent hash of every entry (kind, id, JSON) of the live
  // config: replicas at the same version have the same digest.
  uint64_t digest() const;
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

  // With a ConfigLog: applies the versions other replicas published since the
  // last call (Open and the log's watch call it; tests may).
  absl::Status CatchUp();

  // Events newest first, at most `limit`, older than `before` when given.
  absl::StatusOr<std::vector<ConfigEvent>> History(size_t limit,
                                                   std::optional<uint64_t> before = {}) const;

 private:
  struct Impl;
  explicit ConfigStore(std::unique_ptr<Impl> impl);
  // Reads the stored version and entries into `impl` (at open).
  static absl::Status LoadState(Impl& impl);
  // Under the write lock: checks if_match, publishes the event to the log (if
  // any) and Store()s it. Aborted with kLostRace when another replica took the
  // version first (it has been applied: prepare the change again).
  absl::StatusOr<uint64_t> Commit(ConfigEvent event, std::optional<uint64_t> if_match);
  // Under the write lock: writes the event and its changes, swaps live.
  absl::Status Store(const ConfigEvent& event);
  // Under the write lock: applies the log's versions after the local one.
  absl::Status CatchUpLocked();
  // At open: publishes the local versions the log lacks (the first replica of
  // a cluster seeds it) and checks that both agree on the local last version.
  absl::Status JoinLog();
  // Runs `change` (which prepares an event and Commit()s it) under the write
  // lock, caught up with the log, and again while it loses races for the version.
  absl::StatusOr<uint64_t> Change(const std::function<absl::StatusOr<uint64_t>()>& change);

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
