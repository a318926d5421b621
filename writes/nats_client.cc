#include "writes/nats_client.h"

#include <unistd.h>

#include <chrono>
#include <vector>

#include "absl/strings/str_join.h"
#include "base/log.h"
#include "base/status.h"
#include "base/strings.h"

namespace vitrine::writes {

absl::Status NatsError(std::string_view what, natsStatus status, jsErrCode code) {
  std::string message = StrCat(what, ": ", natsStatus_GetText(status));
  if (code != 0) message += StrCat(" (JetStream error ", static_cast<int>(code), ")");
  if (const char* last = nats_GetLastError(nullptr); last != nullptr && *last != '\0') {
    message += StrCat(": ", last);
  }
  // Unreachable, timed out, no quorum: the caller may retry; anything else is a bug or corruption.
  if (status == NATS_TIMEOUT || status == NATS_NO_SERVER || status == NATS_NO_RESPONDERS ||
      status == NATS_CONNECTION_CLOSED || status == NATS_CONNECTION_DISCONNECTED ||
      status == NATS_NOT_YET_CONNECTED || status == NATS_STALE_CONNECTION ||
      status == NATS_INSUFFICIENT_BUFFER || code == JSClusterNotAvailErr) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

absl::StatusOr<std::unique_ptr<NatsClient>> NatsClient::Connect(const JetStreamOptions& options) {
  if (options.servers.empty()) {
    return absl::InvalidArgumentError("no NATS server to connect to (--nats URL[,URL...])");
  }
  std::unique_ptr<NatsClient> client(new NatsClient());
  client->servers_ = absl::StrJoin(options.servers, ",");
  natsOptions* nats_options = nullptr;
  if (natsStatus s = natsOptions_Create(&nats_options); s != NATS_OK) {
    return NatsError("creating NATS options", s);
  }
  std::vector<const char*> servers;
  for (const std::string& server : options.servers) servers.push_back(server.c_str());
  const int64_t timeout_ms = options.timeout.count();
  natsStatus s =
      natsOptions_SetServers(nats_options, servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetTimeout(nats_options, timeout_ms);
  // Reconnect for ever: a replica outlives any NATS node it talks to.
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(nats_options, -1);
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(nats_options, 250);
  // No buffering of publishes while reconnecting: a write refused then must
  // not reach the stream later (the caller was told it was not logged).
  if (s == NATS_OK) s = natsOptions_SetReconnectBufSize(nats_options, 1);
  if (s == NATS_OK) s = natsConnection_Connect(&client->connection_, nats_options);
  natsOptions_Destroy(nats_options);
  if (s != NATS_OK) return NatsError(StrCat("connecting to NATS at ", client->servers_), s);
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = timeout_ms;
  if (s = natsConnection_JetStream(&client->js_, client->connection_, &js_options); s != NATS_OK) {
    return NatsError("opening JetStream", s);
  }
  return client;
}

NatsClient::~NatsClient() {
  if (js_ != nullptr) jsCtx_Destroy(js_);
  if (connection_ != nullptr) natsConnection_Destroy(connection_);
}

absl::Status NatsClient::Connected() const {
  if (natsConnection_Status(connection_) == NATS_CONN_STATUS_CONNECTED) return absl::OkStatus();
  return absl::UnavailableError(StrCat("not connected to NATS (", servers_, ")"));
}

SubjectWatch::SubjectWatch() : state_(std::make_shared<State>()) {
  state_->publisher = StrCat(getpid(), "-", reinterpret_cast<uintptr_t>(this), "-",
                             std::chrono::steady_clock::now().time_since_epoch().count());
}

absl::Status SubjectWatch::Set(const NatsClient& client, const std::string& subject,
                               std::function<void()> changed) {
  {
    std::lock_guard lock(state_->mutex);
    state_->changed = std::move(changed);
    if (!state_->changed || subscription_ != nullptr) return absl::OkStatus();
  }
  auto* closure = new std::shared_ptr<State>(state_);
  natsStatus s = natsConnection_Subscribe(&subscription_, client.connection(), subject.c_str(),
                                          &OnMessage, closure);
  if (s == NATS_OK) s = natsSubscription_SetOnCompleteCB(subscription_, &OnComplete, closure);
  if (s == NATS_OK) {
    // Once the server has the subscription, no later message misses it.
    if (natsConnection_FlushTimeout(client.connection(), 1000) != NATS_OK) {
      LogError("the server did not confirm a subscription in time",
               absl::UnavailableError(StrCat("subscribing to ", subject)));
    }
    return absl::OkStatus();
  }
  if (subscription_ != nullptr) {
    // Without its completion callback nothing says when no handler runs any
    // more: the closure (a few bytes) is left rather than freed under one.
    natsSubscription_Unsubscribe(subscription_);
    natsSubscription_Destroy(subscription_);
    subscription_ = nullptr;
  } else {
    delete closure;
  }
  return NatsError(StrCat("subscribing to ", subject), s);
}

void SubjectWatch::Stop() {
  {
    std::lock_guard lock(state_->mutex);
    state_->changed = nullptr;
  }
  if (subscription_ == nullptr) return;
  natsSubscription_Unsubscribe(subscription_);
  natsSubscription_Destroy(subscription_);
  subscription_ = nullptr;
}

void SubjectWatch::OnMessage(natsConnection* /*connection*/, natsSubscription* /*subscription*/,
                             natsMsg* msg, void* closure) {
  State& state = **static_cast<std::shared_ptr<State>*>(closure);
  const char* publisher = nullptr;
  const bool own = natsMsgHeader_Get(msg, kPublisherHeader, &publisher) == NATS_OK &&
                   publisher != nullptr && state.publisher == publisher;
  natsMsg_Destroy(msg);
  if (own) return;
  std::lock_guard lock(state.mutex);
  if (state.changed) state.changed();
}

void SubjectWatch::OnComplete(void* closure) {
  delete static_cast<std::shared_ptr<State>*>(closure);
}

}  // namespace vitrine::writes
