// The NATS connection and JetStream context that the cluster's logs share the
// setup of (jetstream_write_log.cc, jetstream_config_log.cc): the servers,
// reconnecting for ever, no publish buffered while disconnected, and requests
// that fail after the options' timeout instead of hanging. Internal to writes/.
#pragma once

#include <nats/nats.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/retry.h"
#include "writes/jetstream_write_log.h"

namespace vitrine::writes {

class NatsClient {
 public:
  static absl::StatusOr<std::unique_ptr<NatsClient>> Connect(const JetStreamOptions& options);
  ~NatsClient();
  NatsClient(const NatsClient&) = delete;
  NatsClient& operator=(const NatsClient&) = delete;

  natsConnection* connection() const { return connection_; }
  jsCtx* js() const { return js_; }
  // Unavailable unless connected now.
  absl::Status Connected() const;

 private:
  NatsClient() = default;
  std::string servers_;
  natsConnection* connection_ = nullptr;
  jsCtx* js_ = nullptr;
};

// The header naming the process that published a message, so that its own
// messages wake none of its watchers.
inline constexpr char kPublisherHeader[] = "Vitrine-Publisher";

// Calls a function whenever another process publishes on a subject (a core
// subscription: a wake-up, the stream or bucket itself is read by the caller).
class SubjectWatch {
 public:
  SubjectWatch();
  ~SubjectWatch() { Stop(); }
  SubjectWatch(const SubjectWatch&) = delete;
  SubjectWatch& operator=(const SubjectWatch&) = delete;

  // This process's name in kPublisherHeader.
  const std::string& publisher() const { return state_->publisher; }
  // Calls `changed`, from a thread of nats.c, for each message on `subject`
  // not published by this process; subscribes the first time. Null stops the
  // calls, and returns once none is running.
  absl::Status Set(const NatsClient& client, const std::string& subject,
                   std::function<void()> changed);
  // Unsubscribes (before the client closes).
  void Stop();

 private:
  // What the handler reads. It outlives this object: nats.c may run the
  // handler once more after the subscription is closed, so the handler's
  // closure owns a reference, released by the completion callback.
  struct State {
    std::mutex mutex;
    std::function<void()> changed;  // null: nobody watches
    std::string publisher;
  };
  static void OnMessage(natsConnection* connection, natsSubscription* subscription, natsMsg* msg,
                        void* closure);
  static void OnComplete(void* closure);

  std::shared_ptr<State> state_;
  natsSubscription* subscription_ = nullptr;
};

// A nats.c failure as a status: Unavailable for what a retry may cure (no
// server, no quorum, timed out, disconnected), Internal for the rest.
absl::Status NatsError(std::string_view what, natsStatus status, jsErrCode code = jsErrCode(0));

}  // namespace vitrine::writes
