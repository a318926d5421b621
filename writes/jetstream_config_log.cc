#include "writes/jetstream_config_log.h"

#include <cstdio>
#include <string>
#include <utility>

#include "base/log.h"
#include "base/status.h"
#include "base/strings.h"
#include "writes/nats_client.h"

namespace vitrine::writes {
namespace {

std::string EventKey(uint64_t version) {
  char digits[21];
  std::snprintf(digits, sizeof(digits), "%020llu", static_cast<unsigned long long>(version));
  return StrCat("event.", digits);
}

class JetStreamConfigLog final : public merch::ConfigLog {
 public:
  explicit JetStreamConfigLog(JetStreamOptions options) : options_(std::move(options)) {}
  ~JetStreamConfigLog() override {
    watch_.Stop();
    if (kv_ != nullptr) kvStore_Destroy(kv_);
  }

  absl::Status Open() {
    ASSIGN_OR_RETURN(client_, NatsClient::Connect(options_));
    natsStatus s = js_KeyValue(&kv_, client_->js(), options_.config_bucket.c_str());
    if (s == NATS_NOT_FOUND) {
      kvConfig config;
      kvConfig_Init(&config);
      config.Bucket = options_.config_bucket.c_str();
      config.History = 1;  // each key is written once
      config.StorageType = js_FileStorage;
      config.Replicas = options_.replicas;
      // Another replica creating it meanwhile gets the same bucket.
      s = js_CreateKeyValue(&kv_, client_->js(), &config);
    }
    if (s != NATS_OK) return NatsError(StrCat("opening the bucket ", options_.config_bucket), s);
    return absl::OkStatus();
  }

  absl::Status Publish(uint64_t version, const std::string& event_json) override {
    RETURN_IF_ERROR(client_->Connected());
    // A message cannot exceed the server's max_payload (1 MiB by default): a
    // change that large (a rollback across thousands of rules) is refused as such.
    if (const int64_t limit = natsConnection_GetMaxPayload(client_->connection());
        static_cast<int64_t>(event_json.size()) > limit - 1024) {
      return absl::FailedPreconditionError(
          StrCat("config version ", version, " is ", event_json.size(),
                 " bytes, over what one NATS message carries (max_payload ", limit,
                 "); make the change in smaller steps"));
    }
    const std::string key = EventKey(version);
    const natsStatus s = kvStore_Create(nullptr, kv_, key.c_str(), event_json.data(),
                                        static_cast<int>(event_json.size()));
    if (s == NATS_OK) return absl::OkStatus();
    absl::Status status = NatsError(StrCat("publishing config version ", version), s);
    if (absl::IsUnavailable(status)) return status;
    // Create refuses a key that exists: another replica made this version.
    ASSIGN_OR_RETURN(const std::optional<std::string> existing, Get(version));
    if (existing) return absl::AbortedError(StrCat("config version ", version, " exists"));
    return status;
  }

  absl::StatusOr<std::optional<std::string>> Get(uint64_t version) override {
    RETURN_IF_ERROR(client_->Connected());
    kvEntry* entry = nullptr;
    const std::string key = EventKey(version);
    const natsStatus s = kvStore_Get(&entry, kv_, key.c_str());
    if (s == NATS_NOT_FOUND) return std::nullopt;
    if (s != NATS_OK) return NatsError(StrCat("reading config version ", version), s);
    std::string value(static_cast<const char*>(kvEntry_Value(entry)),
                      static_cast<size_t>(kvEntry_ValueLen(entry)));
    kvEntry_Destroy(entry);
    return value;
  }

  void Watch(std::function<void()> changed) override {
    // The bucket's subjects: a put wakes every replica (its own puts too:
    // reading a version it has is cheap).
    const absl::Status watching =
        watch_.Set(*client_, StrCat("$KV.", options_.config_bucket, ".>"), std::move(changed));
    if (!watching.ok()) {
      LogError("watching the config bucket failed; other replicas' changes show at the next write",
               watching);
    }
  }

 private:
  const JetStreamOptions options_;
  std::unique_ptr<NatsClient> client_;
  kvStore* kv_ = nullptr;
  SubjectWatch watch_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<merch::ConfigLog>> OpenJetStreamConfigLog(
    const JetStreamOptions& options) {
  std::unique_ptr<JetStreamConfigLog> log;
  RETURN_IF_ERROR(RetryWhileUnavailable(
      [&] {
        log = std::make_unique<JetStreamConfigLog>(options);
        return log->Open();
      },
      options.start_patience, "opening the config bucket"));
  return std::unique_ptr<merch::ConfigLog>(std::move(log));
}

}  // namespace vitrine::writes
