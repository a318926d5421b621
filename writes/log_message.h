// The messages of a cluster's write log stream (jetstream_write_log.cc), as
// JSON: {"genesis": true} first; then each append, {"first_seq", "entries"
// (each encoded as the local journal stores it), "idempotency"}; and reindex
// events, {"generation": {...}}. Internal to writes/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "writes/write_log.h"

namespace vitrine::writes {

// One message of the stream: the entries of one append and its idempotency record.
struct Message {
  uint64_t first_seq = 0;
  std::vector<JournalEntry> entries;
  std::optional<IdempotencyRecord> record;
  bool genesis = false;
  std::optional<GenerationEvent> generation;  // a reindex event: no entries
};

// An append's message: its entries (numbered already) and idempotency record (may be null).
std::string EncodeAppend(const std::vector<JournalEntry>& entries, const IdempotencyRecord* record);
// A reindex event's message.
std::string EncodeGeneration(const GenerationEvent& event);
// Message `stream_seq` (a reindex event takes it as its id); DataLoss when it is not one.
absl::StatusOr<Message> DecodeMessage(uint64_t stream_seq, std::string_view data);

}  // namespace vitrine::writes
