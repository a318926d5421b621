// The write log of a cluster: a NATS JetStream stream that every replica
// appends to and reads from (nats.c, Debian libnats-dev). Each message is one
// append (a PUT, PATCH, DELETE or a whole batch, with its idempotency record),
// so a batch is logged atomically; it carries the log sequence number of its
// first entry, so entries keep one gapless numbering whoever appended them.
//
// Appends are ordered by optimistic concurrency: a replica publishes with the
// stream's last message sequence it has read as the expected one
// (Nats-Expected-Last-Sequence), so two replicas can never both append after
// the same entry; the one that lost gets Aborted, reads what the other
// appended (Sync) and prepares its write again on top of it. A message id
// (Nats-Msg-Id: the idempotency key) lets JetStream drop a retried publish.
// Acknowledged means the stream stored it on a quorum of its replicas.
//
//   JetStreamOptions options{.servers = {"nats://127.0.0.1:4222"}};
//   ASSIGN_OR_RETURN(std::unique_ptr<WriteLog> log, OpenJetStreamWriteLog(options));
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "writes/write_log.h"

namespace vitrine::writes {

struct JetStreamOptions {
  std::vector<std::string> servers;  // nats://host:port, one or more of the cluster
  std::string stream = "VITRINE_WRITES";
  std::string subject = "vitrine.writes";
  // The key-value bucket of the merchandising config (jetstream_config_log.h).
  std::string config_bucket = "VITRINE_CONFIG";
  int replicas = 1;  // of the stream, when this creates it (3 in production)
  // How long JetStream remembers a message id (an Idempotency-Key) to drop a
  // retried publish; at least as long as idempotency records are kept.
  std::chrono::seconds duplicate_window{24 * 3600};
  // A publish or a stream request that gets no answer within this fails
  // (Unavailable) instead of waiting: the log lost its quorum or is unreachable.
  std::chrono::milliseconds timeout{1000};
  // How long opening waits for NATS to be reachable and answer (a replica
  // started while NATS is down or busy) before it gives up.
  std::chrono::milliseconds start_patience{30000};
};

// Connects, creates the stream when missing, and reads it to its end.
absl::StatusOr<std::unique_ptr<WriteLog>> OpenJetStreamWriteLog(const JetStreamOptions& options);

// "nats://a:4222,nats://b:4222" as a list of servers.
std::vector<std::string> SplitServers(const std::string& urls);

}  // namespace vitrine::writes
