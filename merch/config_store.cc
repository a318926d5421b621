#include "merch/config_store.h"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "base/status.h"
#include "base/strings.h"
#include "catalog/rocks_db.h"
#include "catalog/rocks_status.h"

namespace vitrine::merch {
namespace {

using Json = nlohmann::json;
using catalog::FromRocks;

constexpr std::string_view kRulePrefix = "rule/";
constexpr std::string_view kSynonymsPrefix = "synonyms/";
constexpr std::string_view kEventPrefix = "event/";
constexpr std::string_view kVersionKey = "meta/version";
constexpr std::string_view kRankingId = "ranking";  // stored under "ranking"
// The payload that marks Commit's Aborted as a race lost to another replica.
constexpr char kLostRace[] = "vitrine.config.lost_race";
// How often a change is prepared again after losing its version to another replica.
constexpr int kMaxRaces = 20;

std::string_view PrefixOf(ConfigKind kind) {
  switch (kind) {
    case ConfigKind::kRule:
      return kRulePrefix;
    case ConfigKind::kSynonyms:
      return kSynonymsPrefix;
    case ConfigKind::kRanking:
      break;
  }
  return {};
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
      // Events written before synonyms existed have no kind: rules.
      const std::string kind = change.value("kind", std::string("rule"));
      const std::optional<ConfigKind> parsed = kind == "rule"       ? ConfigKind::kRule
                                               : kind == "synonyms" ? ConfigKind::kSynonyms
                                               : kind == "ranking"
                                                   ? std::optional(ConfigKind::kRanking)
                                                   : std::nullopt;
      if (!parsed) {
        return absl::DataLossError(
            StrCat("config event has a change of unknown kind '", kind, "'"));
      }
      event.changes.push_back(
          {.kind = *parsed,
           .id = change.at("id").get<std::string>(),
           .before = change.at("before").is_null() ? "" : change["before"].dump(),
           .after = change.at("after").is_null() ? "" : change["after"].dump()});
    }
    return event;
  } catch (const Json::exception& e) {
    return absl::DataLossError(StrCat("config event is malformed: ", e.what()));
  }
}

// Puts the entry `json` parses to under `id`, or with an empty `json`, removes it.
template <typename Entry, typename Parse>
absl::Status PutOrErase(std::map<std::string, Entry>& entries, const std::string& id,
                        const std::string& json, Parse parse) {
  if (json.empty()) {
    entries.erase(id);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(Entry entry, parse(json));
  entries.insert_or_assign(id, std::move(entry));
  return absl::OkStatus();
}

// The rules and synonym sets of one version, by id, and its ranking.
struct State {
  std::map<std::string, Rule> rules;
  std::map<std::string, SynonymSet> synonyms;
  std::optional<Ranking> ranking;  // none: the defaults

  // The stored JSON of an entry, or null.
  const std::string* Find(ConfigKind kind, const std::string& id) const {
    if (kind == ConfigKind::kRanking) return ranking ? &ranking->json : nullptr;
    if (kind == ConfigKind::kRule) {
      const auto it = rules.find(id);
      return it == rules.end() ? nullptr : &it->second.json;
    }
    const auto it = synonyms.find(id);
    return it == synonyms.end() ? nullptr : &it->second.json;
  }
  size_t Count(ConfigKind kind) const {
    if (kind == ConfigKind::kRanking) return ranking ? 1 : 0;
    return kind == ConfigKind::kRule ? rules.size() : synonyms.size();
  }
  // Puts (or with an empty `json`, removes) an entry.
  absl::Status Set(ConfigKind kind, const std::string& id, const std::string& json) {
    if (kind == ConfigKind::kRanking) {
      ranking.reset();
      if (json.empty()) return absl::OkStatus();
      ASSIGN_OR_RETURN(ranking, ParseRanking(json));
      return absl::OkStatus();
    }
    return kind == ConfigKind::kRule ? PutOrErase(rules, id, json, ParseRule)
                                     : PutOrErase(synonyms, id, json, ParseSynonymSet);
  }
  // Every entry's JSON, by kind and id.
  std::map<std::pair<ConfigKind, std::string>, std::string> Entries() const {
    std::map<std::pair<ConfigKind, std::string>, std::string> entries;
    for (const auto& [id, rule] : rules) entries[{ConfigKind::kRule, id}] = rule.json;
    for (const auto& [id, set] : synonyms) entries[{ConfigKind::kSynonyms, id}] = set.json;
    if (ranking) entries[{ConfigKind::kRanking, std::string(kRankingId)}] = ranking->json;
    return entries;
  }
};

std::shared_ptr<const ConfigSnapshot> MakeSnapshot(const State& state, const Clock& clock,
                                                   uint64_t version) {
  std::vector<Rule> rules;
  for (const auto& [id, rule] : state.rules) rules.push_back(rule);
  std::vector<SynonymSet> sets;
  for (const auto& [id, set] : state.synonyms) sets.push_back(set);
  Ranking ranking = state.ranking.value_or(DefaultRanking());
  ranking.version = version;
  uint64_t digest = 0;
  for (const auto& [key, json] : state.Entries()) {
    const std::string_view separator("\0", 1);
    digest += Fnv1a64(
        json, Fnv1a64(separator,
                      Fnv1a64(key.second, Fnv1a64(separator, Fnv1a64(ConfigKindName(key.first))))));
  }
  return std::make_shared<const ConfigSnapshot>(
      ConfigSnapshot{.version = version,
                     .digest = digest,
                     .rules = RuleSet::Build(std::move(rules), clock, version),
                     .synonyms = Thesaurus::Build(std::move(sets), version),
                     .ranking = std::make_shared<const Ranking>(std::move(ranking))});
}

}  // namespace

std::string_view ConfigKindName(ConfigKind kind) {
  switch (kind) {
    case ConfigKind::kRule:
      return "rule";
    case ConfigKind::kSynonyms:
      return "synonyms";
    case ConfigKind::kRanking:
      break;
  }
  return "ranking";
}

std::string EventToJson(const ConfigEvent& event) {
  Json changes = Json::array();
  for (const ConfigChange& change : event.changes) {
    changes.push_back({{"kind", ConfigKindName(change.kind)},
                       {"id", change.id},
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
  std::unique_ptr<catalog::RocksDb> db;
  ConfigStoreOptions options;
  std::mutex mutex;      // one change at a time
  State state;           // the current config, under `mutex`
  uint64_t version = 0;  // under `mutex`
};

ConfigStore::ConfigStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ConfigStore::~ConfigStore() {
  if (impl_->options.log != nullptr) impl_->options.log->Watch(nullptr);
}

absl::StatusOr<std::unique_ptr<ConfigStore>> ConfigStore::Open(const std::string& path,
                                                               ConfigStoreOptions options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  db_options.keep_log_file_num = 2;
  auto impl = std::make_unique<Impl>();
  ASSIGN_OR_RETURN(impl->db, catalog::RocksDb::Open(db_options, path, false, "config store"));
  impl->options = std::move(options);
  RETURN_IF_ERROR(LoadState(*impl));
  auto store = std::unique_ptr<ConfigStore>(new ConfigStore(std::move(impl)));
  store->live_.Set(
      MakeSnapshot(store->impl_->state, store->impl_->options.clock, store->impl_->version));
  if (ConfigLog* log = store->impl_->options.log; log != nullptr) {
    {
      std::lock_guard lock(store->impl_->mutex);
      RETURN_IF_ERROR(Annotate(store->JoinLog(), "joining the cluster's config"));
    }
    log->Watch([raw = store.get()] {
      if (absl::Status status = raw->CatchUp(); !status.ok()) {
        LogError("applying another replica's config change failed; retried at the next change",
                 status);
      }
    });
  }
  return store;
}

absl::Status ConfigStore::JoinLog() {
  Impl& impl = *impl_;
  ConfigLog& log = *impl.options.log;
  const auto same = [](const std::string& a, const std::string& b) {
    return Json::parse(a, nullptr, false) == Json::parse(b, nullptr, false);
  };
  const auto local_event = [&](uint64_t version) -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl.db->Read());
    std::string json;
    RETURN_IF_ERROR(FromRocks(db->Get(rocksdb::ReadOptions(), EventKey(version), &json),
                              StrCat("reading config event ", version)));
    return json;
  };
  const auto diverged = [&](uint64_t version) {
    return absl::FailedPreconditionError(
        StrCat("this replica's config and the cluster's differ at version ", version,
               "; start it with an empty config directory to take the cluster's"));
  };
  if (impl.version == 0) return CatchUpLocked();
  ASSIGN_OR_RETURN(std::string ours, local_event(impl.version));
  ASSIGN_OR_RETURN(std::optional<std::string> theirs, log.Get(impl.version));
  if (theirs) {
    if (!same(ours, *theirs)) return diverged(impl.version);
    return CatchUpLocked();
  }
  // The log lacks versions this replica has: it seeds the cluster with them.
  for (uint64_t version = 1; version <= impl.version; ++version) {
    ASSIGN_OR_RETURN(ours, local_event(version));
    ASSIGN_OR_RETURN(theirs, log.Get(version));
    if (!theirs) {
      const absl::Status published = log.Publish(version, ours);
      if (published.ok()) continue;
      if (!absl::IsAborted(published)) return published;
      ASSIGN_OR_RETURN(theirs, log.Get(version));  // another replica seeded it meanwhile
      if (!theirs) return published;
    }
    if (!same(ours, *theirs)) return diverged(version);
  }
  return CatchUpLocked();
}

absl::Status ConfigStore::CatchUp() {
  std::lock_guard lock(impl_->mutex);
  return CatchUpLocked();
}

absl::Status ConfigStore::CatchUpLocked() {
  Impl& impl = *impl_;
  if (impl.options.log == nullptr) return absl::OkStatus();
  while (true) {
    ASSIGN_OR_RETURN(const std::optional<std::string> next,
                     impl.options.log->Get(impl.version + 1));
    if (!next) return absl::OkStatus();
    ASSIGN_OR_RETURN(const ConfigEvent event, EventFromJson(*next));
    if (event.version != impl.version + 1) {
      return absl::DataLossError(StrCat("the cluster's config event ", impl.version + 1,
                                        " says it is version ", event.version));
    }
    // Not the caller's fault (a 400 to whoever made the next change): this
    // replica cannot apply what another published, e.g. an older binary.
    if (const absl::Status applied = Store(event); !applied.ok()) {
      return absl::InternalError(StrCat("cannot apply the cluster's config version ", event.version,
                                        ": ", applied.message()));
    }
  }
}

absl::StatusOr<uint64_t> ConfigStore::Change(
    const std::function<absl::StatusOr<uint64_t>()>& change) {
  for (int race = 1;; ++race) {
    std::lock_guard lock(impl_->mutex);
    RETURN_IF_ERROR(CatchUpLocked());
    absl::StatusOr<uint64_t> version = change();
    if (version.ok() || !absl::IsAborted(version.status()) ||
        !version.status().GetPayload(kLostRace).has_value() || race == kMaxRaces) {
      return version;
    }
  }
}

uint64_t ConfigStore::digest() const { return snapshot()->digest; }

absl::Status ConfigStore::LoadState(Impl& impl) {
  ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl.db->Read());
  std::string version;
  rocksdb::Status status = db->Get(rocksdb::ReadOptions(), kVersionKey, &version);
  if (status.ok()) {
    const std::optional<int64_t> parsed = ParseInt64(version);
    if (!parsed || *parsed < 0) return absl::DataLossError("config version is malformed");
    impl.version = static_cast<uint64_t>(*parsed);
  } else if (!status.IsNotFound()) {
    return FromRocks(status, "reading config version");
  }
  for (ConfigKind kind : {ConfigKind::kRule, ConfigKind::kSynonyms}) {
    const std::string_view prefix = PrefixOf(kind);
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      const std::string id(it->key().ToStringView().substr(prefix.size()));
      absl::Status loaded = impl.state.Set(kind, id, it->value().ToString());
      if (!loaded.ok()) return Annotate(loaded, StrCat("loading stored ", ConfigKindName(kind)));
    }
    RETURN_IF_ERROR(FromRocks(it->status(), "loading the config"));
  }
  std::string ranking;
  status = db->Get(rocksdb::ReadOptions(), kRankingId, &ranking);
  if (!status.ok() && !status.IsNotFound()) return FromRocks(status, "reading the ranking");
  if (status.ok()) {
    absl::Status loaded = impl.state.Set(ConfigKind::kRanking, std::string(kRankingId), ranking);
    if (!loaded.ok()) return Annotate(loaded, "loading the stored ranking");
  }
  return absl::OkStatus();
}

std::shared_ptr<const ConfigSnapshot> ConfigStore::Draft(
    std::optional<std::vector<Rule>> rules, std::optional<std::vector<SynonymSet>> synonyms,
    std::optional<Ranking> ranking) const {
  const std::shared_ptr<const ConfigSnapshot> live = snapshot();
  return std::make_shared<const ConfigSnapshot>(ConfigSnapshot{
      .version = 0,
      .rules = rules ? RuleSet::Build(*std::move(rules), impl_->options.clock) : live->rules,
      .synonyms = synonyms ? Thesaurus::Build(*std::move(synonyms)) : live->synonyms,
      .ranking = ranking ? std::make_shared<const Ranking>(*std::move(ranking)) : live->ranking});
}

absl::StatusOr<uint64_t> ConfigStore::Commit(ConfigEvent event, std::optional<uint64_t> if_match) {
  Impl& impl = *impl_;
  if (if_match && *if_match != impl.version) {
    return absl::AbortedError(StrCat("the config is at version ", impl.version, ", not ", *if_match,
                                     "; reload it and retry"));
  }
  event.version = impl.version + 1;
  event.when = impl.options.clock();
  if (impl.options.log != nullptr) {
    // The cluster's log decides the order: published first, applied after.
    const absl::Status published = impl.options.log->Publish(event.version, EventToJson(event));
    if (absl::IsAborted(published)) {
      RETURN_IF_ERROR(CatchUpLocked());
      absl::Status lost = absl::AbortedError(
          StrCat("another replica changed the config to version ", event.version, " first"));
      lost.SetPayload(kLostRace, absl::Cord());
      return lost;
    }
    RETURN_IF_ERROR(Annotate(published, "publishing the config change to the cluster"));
  }
  RETURN_IF_ERROR(Store(event));
  return event.version;
}

absl::Status ConfigStore::Store(const ConfigEvent& event) {
  Impl& impl = *impl_;
  State state = impl.state;
  rocksdb::WriteBatch batch;
  for (const ConfigChange& change : event.changes) {
    const std::string key = StrCat(PrefixOf(change.kind), change.id);
    RETURN_IF_ERROR(state.Set(change.kind, change.id, change.after));
    RETURN_IF_ERROR(
        FromRocks(change.after.empty() ? batch.Delete(key) : batch.Put(key, change.after),
                  "batching a config change"));
  }
  RETURN_IF_ERROR(
      FromRocks(batch.Put(EventKey(event.version), EventToJson(event)), "batching event"));
  RETURN_IF_ERROR(FromRocks(batch.Put(kVersionKey, StrCat(event.version)), "batching version"));
  rocksdb::WriteOptions write_options;
  write_options.sync = true;  // acknowledged changes survive a crash
  RETURN_IF_ERROR(impl.db->Write(write_options, batch, "writing config"));

  impl.state = std::move(state);
  impl.version = event.version;
  live_.Set(MakeSnapshot(impl.state, impl.options.clock, event.version));
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> ConfigStore::WriteEntry(ConfigKind kind, const std::string& id,
                                                 const std::string& json, WriteMode mode,
                                                 std::string_view who,
                                                 std::optional<uint64_t> if_match) {
  const std::string* existing = impl_->state.Find(kind, id);
  const std::string_view noun = kind == ConfigKind::kRule ? "rule" : "synonym set";
  const std::string_view route = kind == ConfigKind::kRule ? "rules" : "synonyms";
  if (existing != nullptr && mode == WriteMode::kCreate) {
    return absl::AlreadyExistsError(StrCat(
        "a ", noun, " with id '", id, "' exists; PUT /v1/config/", route, "/", id, " replaces it"));
  }
  const size_t limit =
      kind == ConfigKind::kRule ? impl_->options.max_rules : impl_->options.max_synonym_sets;
  if (existing == nullptr && impl_->state.Count(kind) >= limit) {
    return absl::ResourceExhaustedError(
        StrCat("the config holds the maximum of ", limit, " ", route));
  }
  ConfigEvent event{.who = std::string(who), .action = existing ? "update" : "create"};
  event.changes.push_back(
      {.kind = kind, .id = id, .before = existing ? *existing : std::string(), .after = json});
  return Commit(std::move(event), if_match);
}

absl::StatusOr<uint64_t> ConfigStore::DeleteEntry(ConfigKind kind, std::string_view id,
                                                  std::string_view who,
                                                  std::optional<uint64_t> if_match) {
  return Change([&]() -> absl::StatusOr<uint64_t> {
    const std::string* existing = impl_->state.Find(kind, std::string(id));
    if (existing == nullptr) {
      return absl::NotFoundError(
          StrCat("no ", kind == ConfigKind::kRule ? "rule" : "synonym set", " with id '", id, "'"));
    }
    ConfigEvent event{.who = std::string(who), .action = "delete"};
    event.changes.push_back(
        {.kind = kind, .id = std::string(id), .before = *existing, .after = {}});
    return Commit(std::move(event), if_match);
  });
}

absl::StatusOr<uint64_t> ConfigStore::Write(std::string_view rule_json, WriteMode mode,
                                            std::string_view who,
                                            std::optional<uint64_t> if_match) {
  ASSIGN_OR_RETURN(Rule rule, ParseRule(rule_json));
  return Change([&]() -> absl::StatusOr<uint64_t> {
    return WriteEntry(ConfigKind::kRule, rule.id, rule.json, mode, who, if_match);
  });
}

absl::StatusOr<uint64_t> ConfigStore::SetRanking(std::string_view ranking_json,
                                                 std::string_view who,
                                                 std::optional<uint64_t> if_match) {
  ASSIGN_OR_RETURN(Ranking ranking, ParseRanking(ranking_json));
  return Change([&]() -> absl::StatusOr<uint64_t> {
    const std::string* before = impl_->state.Find(ConfigKind::kRanking, std::string(kRankingId));
    ConfigEvent event{.who = std::string(who), .action = "ranking"};
    event.changes.push_back({.kind = ConfigKind::kRanking,
                             .id = std::string(kRankingId),
                             .before = before != nullptr ? *before : std::string(),
                             .after = ranking.json});
    return Commit(std::move(event), if_match);
  });
}

absl::StatusOr<uint64_t> ConfigStore::Delete(std::string_view id, std::string_view who,
                                             std::optional<uint64_t> if_match) {
  return DeleteEntry(ConfigKind::kRule, id, who, if_match);
}

absl::StatusOr<uint64_t> ConfigStore::WriteSynonyms(std::string_view set_json, WriteMode mode,
                                                    std::string_view who,
                                                    std::optional<uint64_t> if_match) {
  ASSIGN_OR_RETURN(SynonymSet set, ParseSynonymSet(set_json));
  return Change([&]() -> absl::StatusOr<uint64_t> {
    return WriteEntry(ConfigKind::kSynonyms, set.id, set.json, mode, who, if_match);
  });
}

absl::StatusOr<uint64_t> ConfigStore::DeleteSynonyms(std::string_view id, std::string_view who,
                                                     std::optional<uint64_t> if_match) {
  return DeleteEntry(ConfigKind::kSynonyms, id, who, if_match);
}

absl::StatusOr<uint64_t> ConfigStore::Rollback(uint64_t version, std::string_view who,
                                               std::optional<uint64_t> if_match) {
  return Change([&]() -> absl::StatusOr<uint64_t> {
    if (version > impl_->version) {
      return absl::NotFoundError(
          StrCat("no config version ", version, "; the latest is ", impl_->version));
    }
    // The config at `version`: every event up to it, replayed.
    std::map<std::pair<ConfigKind, std::string>, std::string> target;
    {
      ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl_->db->Read());
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
      const std::string last = EventKey(version);
      for (it->Seek(kEventPrefix);
           it->Valid() && it->key().starts_with(kEventPrefix) && it->key().ToStringView() <= last;
           it->Next()) {
        ASSIGN_OR_RETURN(ConfigEvent past, EventFromJson(it->value().ToStringView()));
        for (ConfigChange& change : past.changes) {
          if (change.after.empty()) {
            target.erase({change.kind, change.id});
          } else {
            target[{change.kind, change.id}] = std::move(change.after);
          }
        }
      }
      RETURN_IF_ERROR(FromRocks(it->status(), "reading config history"));
    }
    ConfigEvent event{.who = std::string(who), .action = "rollback", .rolled_back_to = version};
    const std::map<std::pair<ConfigKind, std::string>, std::string> current =
        impl_->state.Entries();
    for (const auto& [key, json] : current) {
      const auto then = target.find(key);
      if (then == target.end()) {
        event.changes.push_back({.kind = key.first, .id = key.second, .before = json, .after = {}});
      } else if (then->second != json) {
        event.changes.push_back(
            {.kind = key.first, .id = key.second, .before = json, .after = then->second});
      }
    }
    for (const auto& [key, json] : target) {
      if (!current.contains(key)) {
        event.changes.push_back({.kind = key.first, .id = key.second, .before = {}, .after = json});
      }
    }
    return Commit(std::move(event), if_match);
  });
}

absl::StatusOr<std::vector<ConfigEvent>> ConfigStore::History(
    size_t limit, std::optional<uint64_t> before) const {
  std::vector<ConfigEvent> events;
  ASSIGN_OR_RETURN(const catalog::RocksDb::Handle db, impl_->db->Read());
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
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
