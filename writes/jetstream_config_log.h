// The merchandising config of a cluster: a NATS JetStream key-value bucket
// (JetStreamOptions::config_bucket) holding one key per config version,
// "event.<version>" (20 digits), whose value is the change that made it (the
// event as GET /v1/config/history lists it). A version is claimed with the
// bucket's create-if-absent, so two replicas can never both make version N;
// the one that lost reads N, applies it and prepares its change again on top
// (merch::ConfigStore). The bucket is the config's whole history: a replica
// that starts with an empty config directory replays it, and rollback, audit
// and If-Match keep their meaning across replicas.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<merch::ConfigLog> log, OpenJetStreamConfigLog(options));
//   ASSIGN_OR_RETURN(auto config, merch::ConfigStore::Open(dir, {.log = log.get()}));
//
// Thread-safe.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "merch/config_store.h"
#include "writes/jetstream_write_log.h"

namespace vitrine::writes {

// Connects and creates the bucket when missing (with options.replicas copies).
absl::StatusOr<std::unique_ptr<merch::ConfigLog>> OpenJetStreamConfigLog(
    const JetStreamOptions& options);

}  // namespace vitrine::writes
