// ConfigStore: the merchandising config (rules, ranking weights) persisted in
// its own RocksDB (<data-dir>/config), versioned and audited. Every change is one
// synced write batch holding the new state and an audit event, and yields a new
// version; the live RuleSet and Ranking are immutable snapshots swapped
// atomically, read without a lock on the search path.
//
//   ASSIGN_OR_RETURN(auto config, merch::ConfigStore::Open(dir + "/config", {}));
//   ASSIGN_OR_RETURN(uint64_t version, config->Upsert(rule_json, "admin", std::nullopt));
//   std::shared_ptr<const merch::RuleSet> live = config->live();
//
// Thread-safe: writes are serialised; live() and reads may run concurrently.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "merch/ranking.h"
#include "merch/rule_set.h"

namespace vitrine::merch {

struct ConfigStoreOptions {
  Clock clock = absl::Now;  // for event times and rule windows
  size_t max_rules = 5000;  // creating more is ResourceExhausted
};

// What a change of an event is about.
enum class ChangeKind {
  kRule,     // one rule, by id
  kRanking,  // the ranking weights (id "ranking"); "" is the defaults
};

// One rule's (or the ranking's) change within an event: its JSON before and
// after ("" when absent).
struct RuleChange {
  ChangeKind kind = ChangeKind::kRule;
  std::string rule_id;
  std::string before;
  std::string after;
};

struct ConfigEvent {
  uint64_t version = 0;  // the version this event produced
  std::string who;       // "admin" (the key's name)
  absl::Time when;
  std::string action;  // "create", "update", "delete", "rollback", "ranking"
  std::vector<RuleChange> changes;
  uint64_t rolled_back_to = 0;  // rollback: the version restored
};

// The event as stored and as GET /v1/config/history lists it: {"version", "who",
// "when" (RFC 3339), "action", "changes": [{"kind" ("rule" or "ranking"), "id",
// "before", "after"}], and for a rollback "rolled_back_to"}.
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

  // The rules to search with now. Never null.
  std::shared_ptr<const RuleSet> live() const { return live_.load(std::memory_order_acquire); }
  uint64_t version() const { return live()->version(); }
  // The ranking weights to search with now (DefaultRanking() until set). Never null.
  std::shared_ptr<const Ranking> ranking() const {
    return ranking_.load(std::memory_order_acquire);
  }

  // Writes a rule (ParseRule's errors for bad JSON). `if_match`: the version the
  // caller last saw; Aborted when the config has moved on since. Returns the new
  // version. Writing a rule identical to the stored one still makes a version.
  absl::StatusOr<uint64_t> Write(std::string_view rule_json, WriteMode mode, std::string_view who,
                                 std::optional<uint64_t> if_match);
  // NotFound for an unknown id.
  absl::StatusOr<uint64_t> Delete(std::string_view id, std::string_view who,
                                  std::optional<uint64_t> if_match);
  // Replaces the ranking weights (ParseRanking's errors for bad JSON).
  absl::StatusOr<uint64_t> SetRanking(std::string_view ranking_json, std::string_view who,
                                      std::optional<uint64_t> if_match);
  // Makes the rules and the ranking what they were at `version` (a new version,
  // audited like any change). NotFound for a version that never existed.
  absl::StatusOr<uint64_t> Rollback(uint64_t version, std::string_view who,
                                    std::optional<uint64_t> if_match);

  // Events newest first, at most `limit`, older than `before` when given.
  absl::StatusOr<std::vector<ConfigEvent>> History(size_t limit,
                                                   std::optional<uint64_t> before = {}) const;

 private:
  struct Impl;
  explicit ConfigStore(std::unique_ptr<Impl> impl);
  // Under the write lock: checks if_match, writes the event and changes, swaps live.
  absl::StatusOr<uint64_t> Commit(ConfigEvent event, std::optional<uint64_t> if_match);

  std::unique_ptr<Impl> impl_;
  std::atomic<std::shared_ptr<const RuleSet>> live_;
  std::atomic<std::shared_ptr<const Ranking>> ranking_;
};

}  // namespace vitrine::merch
