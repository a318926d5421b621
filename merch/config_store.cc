#include "merch/config_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"
#include "catalog/rocks_status.h"

namespace vitrine::merch {
namespace {

using Json = nlohmann::json;
using catalog::FromRocks;

constexpr std::string_view kRulePrefix = "rule/";
constexpr std::string_view kEventPrefix = "event/";
constexpr std::string_view kVersionKey = "meta/version";
constexpr std::string_view kRankingKey = "ranking";  // absent: the default ranking
constexpr std::string_view kRankingId = "ranking";   // its changes' id in events

std::string_view KindName(ChangeKind kind) {
  return kind == ChangeKind::kRanking ? "ranking" : "rule";
}

// The ranking snapshot of stored JSON ("" is the defaults) at `version`.
absl::StatusOr<std::shared_ptr<const Ranking>> RankingAt(const std::string& json,
                                                         uint64_t version) {
  Ranking ranking = DefaultRanking();
  if (!json.empty()) {
    ASSIGN_OR_RETURN(ranking, ParseRanking(json));
  }
  ranking.version = version;
  return std::make_shared<const Ranking>(std::move(ranking));
}

std::string EventKey(uint64_t version) {
  char digits[21];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(version));
  return StrCat(kEventPrefix, digits);
}

Json OptionalJson(const std::string& text) {
  return text.empty() ? Json() : Json::parse(text, nullptr, false);
}

absl::StatusOr<ConfigEvent> EventFromJson(std::string_view text) {
  const Json json = Json::parse(text, nullptr, false);
  if (!json.is_object()) return absl::DataLossError("config event is not JSON");
  try {
    ConfigEvent event;
    event.version = json.at("version").get<uint64_t>();
    event.who = json.at("who").get<std::string>();
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, json.at("when").get<std::string>(), &event.when,
                         &error)) {
      return absl::DataLossError(StrCat("config event time: ", error));
    }
    event.action = json.at("action").get<std::string>();
    event.rolled_back_to = json.value("rolled_back_to", uint64_t{0});
    for (const Json& change : json.at("changes")) {
      event.changes.push_back(
          {.kind = change.value("kind", std::string()) == KindName(ChangeKind::kRanking)
                       ? ChangeKind::kRanking
                       : ChangeKind::kRule,
           .rule_id = change.at("id").get<std::string>(),
           .before = change.at("before").is_null() ? "" : change["before"].dump(),
           .after = change.at("after").is_null() ? "" : change["after"].dump()});
    }
    return event;
  } catch (const Json::exception& e) {
    return absl::DataLossError(StrCat("config event is malformed: ", e.what()));
  }
}

}  // namespace

std::string EventToJson(const ConfigEvent& event) {
  Json changes = Json::array();
  for (const RuleChange& change : event.changes) {
    changes.push_back({{"kind", KindName(change.kind)},
                       {"id", change.rule_id},
                       {"before", OptionalJson(change.before)},
                       {"after", OptionalJson(change.after)}});
  }
  Json json = {{"version", event.version},
               {"who", event.who},
               {"when", absl::FormatTime(absl::RFC3339_sec, event.when, absl::UTCTimeZone())},
               {"action", event.action},
               {"changes", std::move(changes)}};
  if (event.action == "rollback") json["rolled_back_to"] = event.rolled_back_to;
  return json.dump();
}

struct ConfigStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  ConfigStoreOptions options;
  std::mutex mutex;                   // one change at a time
  std::map<std::string, Rule> rules;  // the current rules, under `mutex`
  uint64_t version = 0;               // under `mutex`
  std::string ranking;                // its stored JSON ("" is the default), under `mutex`
};

ConfigStore::ConfigStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConfigStore::~ConfigStore() = default;

absl::StatusOr<std::unique_ptr<ConfigStore>> ConfigStore::Open(const std::string& path,
                                                               ConfigStoreOptions options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.keep_log_file_num = 2;
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(
      FromRocks(rocksdb::DB::Open(db_options, path, &raw), StrCat("opening config store ", path)));
  auto impl = std::make_unique<Impl>();
  impl->db.reset(raw);
  impl->options = std::move(options);

  std::string version;
  rocksdb::Status status = impl->db->Get(rocksdb::ReadOptions(), kVersionKey, &version);
  if (status.ok()) {
    const std::optional<int64_t> parsed = ParseInt64(version);
    if (!parsed || *parsed < 0) return absl::DataLossError("config version is malformed");
    impl->version = static_cast<uint64_t>(*parsed);
  } else if (!status.IsNotFound()) {
    return FromRocks(status, "reading config version");
  }
  std::unique_ptr<rocksdb::Iterator> it(impl->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(kRulePrefix); it->Valid() && it->key().starts_with(kRulePrefix); it->Next()) {
    absl::StatusOr<Rule> rule = ParseRule(it->value().ToStringView());
    if (!rule.ok()) return Annotate(rule.status(), "loading stored rule");
    std::string id = rule->id;
    impl->rules.emplace(std::move(id), *std::move(rule));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "loading rules"));
  status = impl->db->Get(rocksdb::ReadOptions(), kRankingKey, &impl->ranking);
  if (!status.ok() && !status.IsNotFound()) return FromRocks(status, "reading ranking");
  ASSIGN_OR_RETURN(std::shared_ptr<const Ranking> ranking, RankingAt(impl->ranking, impl->version));
  std::vector<Rule> rules;
  for (const auto& [id, rule] : impl->rules) rules.push_back(rule);
  auto store = std::unique_ptr<ConfigStore>(new ConfigStore(std::move(impl)));
  store->live_.store(
      RuleSet::Build(std::move(rules), store->impl_->options.clock, store->impl_->version));
  store->ranking_.store(std::move(ranking));
  return store;
}

absl::StatusOr<uint64_t> ConfigStore::Commit(ConfigEvent event, std::optional<uint64_t> if_match) {
  Impl& impl = *impl_;
  if (if_match && *if_match != impl.version) {
    return absl::AbortedError(StrCat("the config is at version ", impl.version, ", not ", *if_match,
                                     "; reload it and retry"));
  }
  event.version = impl.version + 1;
  event.when = impl.options.clock();
  std::map<std::string, Rule> rules = impl.rules;
  std::shared_ptr<const Ranking> ranking;  // when the event changes it
  rocksdb::WriteBatch batch;
  for (const RuleChange& change : event.changes) {
    if (change.kind == ChangeKind::kRanking) {
      ASSIGN_OR_RETURN(ranking, RankingAt(change.after, event.version));
      RETURN_IF_ERROR(FromRocks(
          change.after.empty() ? batch.Delete(kRankingKey) : batch.Put(kRankingKey, change.after),
          "batching ranking"));
      continue;
    }
    const std::string key = StrCat(kRulePrefix, change.rule_id);
    if (change.after.empty()) {
      rules.erase(change.rule_id);
      RETURN_IF_ERROR(FromRocks(batch.Delete(key), "batching rule delete"));
    } else {
      ASSIGN_OR_RETURN(Rule rule, ParseRule(change.after));
      rules.insert_or_assign(change.rule_id, std::move(rule));
      RETURN_IF_ERROR(FromRocks(batch.Put(key, change.after), "batching rule"));
    }
  }
  RETURN_IF_ERROR(
      FromRocks(batch.Put(EventKey(event.version), EventToJson(event)), "batching event"));
  RETURN_IF_ERROR(FromRocks(batch.Put(kVersionKey, StrCat(event.version)), "batching version"));
  rocksdb::WriteOptions write_options;
  write_options.sync = true;  // acknowledged changes survive a crash
  RETURN_IF_ERROR(FromRocks(impl.db->Write(write_options, &batch), "writing config"));

  std::vector<Rule> snapshot;
  for (const auto& [id, rule] : rules) snapshot.push_back(rule);
  impl.rules = std::move(rules);
  impl.version = event.version;
  live_.store(RuleSet::Build(std::move(snapshot), impl.options.clock, event.version),
              std::memory_order_release);
  for (const RuleChange& change : event.changes) {
    if (change.kind == ChangeKind::kRanking) impl.ranking = change.after;
  }
  if (ranking != nullptr) ranking_.store(std::move(ranking), std::memory_order_release);
  return event.version;
}

absl::StatusOr<uint64_t> ConfigStore::Write(std::string_view rule_json, WriteMode mode,
                                            std::string_view who,
                                            std::optional<uint64_t> if_match) {
  ASSIGN_OR_RETURN(Rule rule, ParseRule(rule_json));
  std::lock_guard lock(impl_->mutex);
  const auto existing = impl_->rules.find(rule.id);
  if (existing != impl_->rules.end() && mode == WriteMode::kCreate) {
    return absl::AlreadyExistsError(StrCat(
        "a rule with id '", rule.id, "' exists; PUT /v1/config/rules/", rule.id, " replaces it"));
  }
  if (existing == impl_->rules.end() && impl_->rules.size() >= impl_->options.max_rules) {
    return absl::ResourceExhaustedError(
        StrCat("the config holds the maximum of ", impl_->options.max_rules, " rules"));
  }
  const bool update = existing != impl_->rules.end();
  ConfigEvent event{.who = std::string(who), .action = update ? "update" : "create"};
  event.changes.push_back({.rule_id = rule.id,
                           .before = update ? existing->second.json : std::string(),
                           .after = rule.json});
  return Commit(std::move(event), if_match);
}

absl::StatusOr<uint64_t> ConfigStore::SetRanking(std::string_view ranking_json,
                                                 std::string_view who,
                                                 std::optional<uint64_t> if_match) {
  ASSIGN_OR_RETURN(Ranking ranking, ParseRanking(ranking_json));
  std::lock_guard lock(impl_->mutex);
  ConfigEvent event{.who = std::string(who), .action = "ranking"};
  event.changes.push_back({.kind = ChangeKind::kRanking,
                           .rule_id = std::string(kRankingId),
                           .before = impl_->ranking,
                           .after = std::move(ranking.json)});
  return Commit(std::move(event), if_match);
}

absl::StatusOr<uint64_t> ConfigStore::Delete(std::string_view id, std::string_view who,
                                             std::optional<uint64_t> if_match) {
  std::lock_guard lock(impl_->mutex);
  const auto existing = impl_->rules.find(std::string(id));
  if (existing == impl_->rules.end()) {
    return absl::NotFoundError(StrCat("no rule with id '", id, "'"));
  }
  ConfigEvent event{.who = std::string(who), .action = "delete"};
  event.changes.push_back(
      {.rule_id = existing->first, .before = existing->second.json, .after = {}});
  return Commit(std::move(event), if_match);
}

absl::StatusOr<uint64_t> ConfigStore::Rollback(uint64_t version, std::string_view who,
                                               std::optional<uint64_t> if_match) {
  std::lock_guard lock(impl_->mutex);
  if (version > impl_->version) {
    return absl::NotFoundError(
        StrCat("no config version ", version, "; the latest is ", impl_->version));
  }
  // The rules and the ranking at `version`: every event up to it, replayed.
  std::map<std::string, std::string> target;
  std::string target_ranking;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  const std::string last = EventKey(version);
  for (it->Seek(kEventPrefix);
       it->Valid() && it->key().starts_with(kEventPrefix) && it->key().ToStringView() <= last;
       it->Next()) {
    ASSIGN_OR_RETURN(ConfigEvent past, EventFromJson(it->value().ToStringView()));
    for (RuleChange& change : past.changes) {
      if (change.kind == ChangeKind::kRanking) {
        target_ranking = std::move(change.after);
      } else if (change.after.empty()) {
        target.erase(change.rule_id);
      } else {
        target[change.rule_id] = std::move(change.after);
      }
    }
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading config history"));
  ConfigEvent event{.who = std::string(who), .action = "rollback", .rolled_back_to = version};
  for (const auto& [id, rule] : impl_->rules) {
    const auto then = target.find(id);
    if (then == target.end()) {
      event.changes.push_back({.rule_id = id, .before = rule.json, .after = {}});
    } else if (then->second != rule.json) {
      event.changes.push_back({.rule_id = id, .before = rule.json, .after = then->second});
    }
  }
  for (const auto& [id, json] : target) {
    if (!impl_->rules.contains(id))
      event.changes.push_back({.rule_id = id, .before = {}, .after = json});
  }
  if (target_ranking != impl_->ranking) {
    event.changes.push_back({.kind = ChangeKind::kRanking,
                             .rule_id = std::string(kRankingId),
                             .before = impl_->ranking,
                             .after = std::move(target_ranking)});
  }
  return Commit(std::move(event), if_match);
}

absl::StatusOr<std::vector<ConfigEvent>> ConfigStore::History(
    size_t limit, std::optional<uint64_t> before) const {
  std::vector<ConfigEvent> events;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions()));
  if (before) {
    if (*before == 0) return events;
    it->SeekForPrev(EventKey(*before - 1));
  } else {
    it->SeekForPrev(EventKey(UINT64_MAX / 2));
  }
  for (; it->Valid() && it->key().starts_with(kEventPrefix) && events.size() < limit; it->Prev()) {
    ASSIGN_OR_RETURN(ConfigEvent event, EventFromJson(it->value().ToStringView()));
    events.push_back(std::move(event));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "reading config history"));
  return events;
}

}  // namespace vitrine::merch
