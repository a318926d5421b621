#include "writes/log_message.h"

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"

namespace vitrine::writes {
namespace {

using Json = nlohmann::json;

Json GenerationToJson(const GenerationEvent& event) {
  return {{"feeds", event.feeds},
          {"feed_sha256", event.feed_sha256},
          {"analyzer", event.analyzer},
          {"vocabulary_dir", event.vocabulary_dir},
          {"filterable_attributes", event.filterable_attributes},
          {"max_errors", event.max_errors},
          {"log_seq", event.log_seq},
          {"documents", event.documents},
          {"digest", event.digest}};
}

GenerationEvent GenerationFromJson(uint64_t id, const Json& json) {  // throws Json::exception
  return {.id = id,
          .feeds = json.at("feeds").get<std::vector<std::string>>(),
          .feed_sha256 = json.at("feed_sha256").get<std::vector<std::string>>(),
          .analyzer = json.at("analyzer").get<std::string>(),
          .vocabulary_dir = json.at("vocabulary_dir").get<std::string>(),
          .filterable_attributes = json.at("filterable_attributes").get<std::vector<std::string>>(),
          .max_errors = json.at("max_errors").get<int64_t>(),
          .log_seq = json.at("log_seq").get<uint64_t>(),
          .documents = json.at("documents").get<uint64_t>(),
          .digest = json.at("digest").get<std::string>()};
}

}  // namespace

std::string EncodeGeneration(const GenerationEvent& event) {
  return Json({{"generation", GenerationToJson(event)}}).dump();
}

std::string EncodeAppend(const std::vector<JournalEntry>& entries,
                         const IdempotencyRecord* record) {
  Json json = {{"first_seq", entries.empty() ? 0 : entries.front().seq},
               {"entries", Json::array()}};
  // Each entry encoded as the local journal stores it.
  for (const JournalEntry& entry : entries)
    json["entries"].push_back(indexer::EncodeJournalEntry(entry));
  if (record != nullptr) {
    json["idempotency"] = {{"key", record->key},
                           {"request_hash", record->request_hash},
                           {"status", record->status},
                           {"body", record->body},
                           {"expires_at", record->expires_at}};
  }
  return json.dump();
}

absl::StatusOr<Message> DecodeMessage(uint64_t stream_seq, std::string_view data) {
  const Json json = Json::parse(data, nullptr, false);
  const auto corrupt = [&] {
    return absl::DataLossError(StrCat("write log message ", stream_seq, " is corrupt"));
  };
  if (!json.is_object()) return corrupt();
  Message message;
  if (json.value("genesis", false)) {
    message.genesis = true;
    return message;
  }
  if (json.contains("generation")) {
    try {
      message.generation = GenerationFromJson(stream_seq, json["generation"]);
    } catch (const Json::exception&) {
      return corrupt();
    }
    return message;
  }
  if (!json.contains("first_seq") || !json["first_seq"].is_number_unsigned() ||
      !json.contains("entries") || !json["entries"].is_array()) {
    return corrupt();
  }
  message.first_seq = json["first_seq"].get<uint64_t>();
  uint64_t seq = message.first_seq;
  for (const Json& item : json["entries"]) {
    if (!item.is_string()) return corrupt();
    ASSIGN_OR_RETURN(JournalEntry entry,
                     indexer::DecodeJournalEntry(seq++, item.get<std::string>()));
    message.entries.push_back(std::move(entry));
  }
  if (json.contains("idempotency")) {
    const Json& record = json["idempotency"];
    if (!record.is_object()) return corrupt();
    message.record = IdempotencyRecord{.key = record.value("key", ""),
                                       .request_hash = record.value("request_hash", ""),
                                       .status = record.value("status", 0),
                                       .body = record.value("body", ""),
                                       .expires_at = record.value("expires_at", int64_t{0})};
  }
  return message;
}

}  // namespace vitrine::writes
