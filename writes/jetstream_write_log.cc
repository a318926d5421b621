#include "writes/jetstream_write_log.h"

#include <nats/nats.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/log.h"
#include "base/status.h"
#include "base/strings.h"
#include "writes/log_message.h"
#include "writes/nats_client.h"

namespace vitrine::writes {
namespace {

using Json = nlohmann::json;

// The first message of every stream: published once (its message id makes a
// second publish a duplicate), so that every append can name the message it
// expects to follow.
constexpr std::string_view kGenesisId = "vitrine-write-log-genesis";
// Decoded messages kept for replays (ForEachAfter) without asking the stream again.
constexpr size_t kMaxCachedBytes = size_t{64} << 20;
// Behind by more messages than this, a Sync streams them through a consumer
// instead of asking for each.
constexpr uint64_t kStreamedReplay = 64;

class JetStreamLog final : public WriteLog {
 public:
  explicit JetStreamLog(JetStreamOptions options) : options_(std::move(options)) {}
  ~JetStreamLog() override { watch_.Stop(); }

  void Watch(std::function<void()> appended) override {
    if (client_ == nullptr) return;
    // Every message on the subject, as published (the stream itself is read
    // by Sync). Without it the caller polls.
    const absl::Status watching = watch_.Set(*client_, options_.subject, std::move(appended));
    if (!watching.ok()) {
      LogError(
          "watching the write log failed; other replicas' writes are read every commit interval",
          watching);
    }
  }

  absl::Status Connect() {
    ASSIGN_OR_RETURN(client_, NatsClient::Connect(options_));
    connection_ = client_->connection();
    js_ = client_->js();
    RETURN_IF_ERROR(EnsureStream());
    std::lock_guard lock(mutex_);
    return SyncLocked();
  }

  absl::Status Append(std::vector<JournalEntry>& entries,
                      const IdempotencyRecord* record) override {
    std::lock_guard lock(mutex_);
    RETURN_IF_ERROR(Reachable());
    uint64_t seq = last_entry_seq_;
    for (JournalEntry& entry : entries) entry.seq = ++seq;
    // ExpectLastSeq >= 1: the genesis message is first.
    const absl::StatusOr<Published> published =
        Publish(EncodeAppend(entries, record),
                record != nullptr ? StrCat("idempotency:", record->key) : "", last_stream_seq_);
    if (!published.ok()) {
      if (absl::IsAborted(published.status())) {
        ++conflicts_;
        return published.status();
      }
      return Trip(Annotate(published.status(), "appending to the write log"));
    }
    if (published->duplicate || published->stream_seq != last_stream_seq_ + 1) {
      // Logged before (a retry of an append someone made): read it from the stream.
      ++conflicts_;
      return absl::AbortedError("this write was logged already");
    }
    const uint64_t stream_seq = published->stream_seq;
    Message message{.first_seq = entries.empty() ? 0 : entries.front().seq, .entries = entries};
    if (record != nullptr) message.record = *record;
    Register(stream_seq, std::move(message));
    return absl::OkStatus();
  }

  absl::StatusOr<uint64_t> AppendGeneration(const GenerationEvent& event) override {
    std::lock_guard lock(mutex_);
    RETURN_IF_ERROR(Reachable());
    // After whatever the stream holds: the event says which entries it
    // includes. Its message id lets JetStream drop the same reindex recorded
    // twice (a retried command) within the duplicate window.
    std::string id = StrCat("generation:", event.log_seq, ":", event.digest);
    for (const std::string& hash : event.feed_sha256) id += StrCat(":", hash.substr(0, 16));
    const absl::StatusOr<Published> published = Publish(EncodeGeneration(event), id, std::nullopt);
    if (!published.ok()) return Trip(Annotate(published.status(), "recording the reindex"));
    // Recorded: its id stands even if reading it back fails now.
    if (absl::Status read = Trip(SyncLocked()); !read.ok()) {
      LogError("reading the write log after recording a reindex", read);
    }
    return published->stream_seq;
  }

  WriteLogStats stats() const override {
    return {.conflicts = conflicts_.load(), .unavailable = unavailable_.load()};
  }

  bool connected() const override { return client_->Connected().ok(); }

  std::optional<GenerationEvent> generation() const override {
    std::lock_guard lock(mutex_);
    return generation_;
  }

  absl::Status Sync() override {
    std::lock_guard lock(mutex_);
    RETURN_IF_ERROR(Reachable());
    return Trip(SyncLocked());
  }

  absl::Status ForEachAfter(
      uint64_t seq, const std::function<absl::Status(const JournalEntry&)>& visit) const override {
    std::lock_guard lock(mutex_);
    // The first message holding an entry after `seq`.
    auto it = std::upper_bound(
        positions_.begin(), positions_.end(), seq,
        [](uint64_t value, const Position& position) { return value < position.last_entry_seq; });
    for (; it != positions_.end(); ++it) {
      std::vector<JournalEntry> fetched;
      const std::vector<JournalEntry>* entries = nullptr;
      if (const auto cached = cache_.find(it->stream_seq); cached != cache_.end()) {
        entries = &cached->second;
      } else {
        ASSIGN_OR_RETURN(Message message, Fetch(it->stream_seq));
        fetched = std::move(message.entries);
        entries = &fetched;
      }
      for (const JournalEntry& entry : *entries) {
        if (entry.seq > seq) RETURN_IF_ERROR(visit(entry));
      }
    }
    return absl::OkStatus();
  }

  uint64_t last_seq() const override {
    std::lock_guard lock(mutex_);
    return last_entry_seq_;
  }

  absl::StatusOr<std::optional<IdempotencyRecord>> FindIdempotency(const std::string& key,
                                                                   int64_t now) const override {
    std::lock_guard lock(mutex_);
    const auto found = idempotency_.find(key);
    if (found == idempotency_.end() || found->second.expires_at <= now) return std::nullopt;
    return found->second;
  }

  absl::StatusOr<indexer::Journal::Pruned> Prune(uint64_t /*through*/, int64_t now) override {
    // The stream keeps every entry: a replica that starts empty replays it.
    // Only expired idempotency records leave memory.
    std::lock_guard lock(mutex_);
    indexer::Journal::Pruned pruned;
    for (auto it = idempotency_.begin(); it != idempotency_.end();) {
      if (it->second.expires_at <= now) {
        it = idempotency_.erase(it);
        ++pruned.idempotency_records;
      } else {
        ++it;
      }
    }
    return pruned;
  }

 private:
  using Clock = std::chrono::steady_clock;

  // A circuit breaker: while NATS is disconnected, or for one timeout after a
  // request to it went unanswered, the log answers Unavailable at once instead
  // of making every write wait out its own timeout.
  absl::Status Reachable() const {
    RETURN_IF_ERROR(client_->Connected());
    if (Clock::now() < open_until_) {
      return absl::UnavailableError(StrCat("the write log did not answer within ",
                                           options_.timeout.count(), " ms: ", tripped_));
    }
    return absl::OkStatus();
  }
  absl::Status Trip(absl::Status status) {
    if (absl::IsUnavailable(status)) {
      ++unavailable_;
      open_until_ = Clock::now() + options_.timeout;
      tripped_ = std::string(status.message());
    }
    return status;
  }

  // Where an append's entries are in the stream.
  struct Position {
    uint64_t last_entry_seq;
    uint64_t stream_seq;
  };

  absl::Status EnsureStream() {
    jsStreamInfo* info = nullptr;
    jsErrCode code = jsErrCode(0);
    natsStatus s = js_GetStreamInfo(&info, js_, options_.stream.c_str(), nullptr, &code);
    if (s == NATS_NOT_FOUND || code == JSStreamNotFoundErr) {
      jsStreamConfig config;
      jsStreamConfig_Init(&config);
      config.Name = options_.stream.c_str();
      const char* subjects[] = {options_.subject.c_str()};
      config.Subjects = subjects;
      config.SubjectsLen = 1;
      config.Storage = js_FileStorage;
      config.Replicas = options_.replicas;
      config.Duplicates =
          std::chrono::duration_cast<std::chrono::nanoseconds>(options_.duplicate_window).count();
      code = jsErrCode(0);
      s = js_AddStream(&info, js_, &config, nullptr, &code);
      // Another replica may have created it meanwhile: that is the same stream.
      if (s != NATS_OK && code != JSStreamNameExistErr) {
        return NatsError(StrCat("creating the stream ", options_.stream), s, code);
      }
    } else if (s != NATS_OK) {
      return NatsError(StrCat("reading the stream ", options_.stream), s, code);
    }
    const bool empty = info == nullptr || info->State.LastSeq == 0;
    if (info != nullptr) jsStreamInfo_Destroy(info);
    if (!empty) return absl::OkStatus();
    return Annotate(
        Publish(Json({{"genesis", true}}).dump(), std::string(kGenesisId), std::nullopt).status(),
        "starting the write log");
  }

  struct Published {
    uint64_t stream_seq;
    bool duplicate;  // JetStream had a message with this id: it kept that one
  };
  // Publishes `data` to the stream and waits for its acknowledgement. Aborted
  // when the stream's last message is not `expect_last_seq`.
  absl::StatusOr<Published> Publish(const std::string& data, const std::string& msg_id,
                                    std::optional<uint64_t> expect_last_seq) {
    natsMsg* msg = nullptr;
    natsStatus s = natsMsg_Create(&msg, options_.subject.c_str(), nullptr, data.data(),
                                  static_cast<int>(data.size()));
    if (s == NATS_OK) s = natsMsgHeader_Set(msg, kPublisherHeader, watch_.publisher().c_str());
    if (s != NATS_OK) {
      natsMsg_Destroy(msg);
      return NatsError("creating a message", s);
    }
    jsPubOptions publish;
    jsPubOptions_Init(&publish);
    publish.ExpectStream = options_.stream.c_str();
    if (expect_last_seq) publish.ExpectLastSeq = *expect_last_seq;
    if (!msg_id.empty()) publish.MsgId = msg_id.c_str();
    publish.MaxWait = options_.timeout.count();
    jsPubAck* ack = nullptr;
    jsErrCode code = jsErrCode(0);
    s = js_PublishMsg(&ack, js_, msg, &publish, &code);
    natsMsg_Destroy(msg);
    if (s != NATS_OK) {
      if (code == JSStreamWrongLastSequenceErr) {
        return absl::AbortedError("another replica appended to the write log first");
      }
      return NatsError("publishing", s, code);
    }
    const Published published{.stream_seq = ack->Sequence, .duplicate = ack->Duplicate};
    jsPubAck_Destroy(ack);
    return published;
  }

  absl::StatusOr<Message> Fetch(uint64_t stream_seq) const {
    natsMsg* msg = nullptr;
    jsErrCode code = jsErrCode(0);
    const natsStatus s = js_GetMsg(&msg, js_, options_.stream.c_str(), stream_seq, nullptr, &code);
    if (s != NATS_OK) {
      if (code == JSNoMessageFoundErr) {
        return absl::DataLossError(
            StrCat("the write log no longer holds message ", stream_seq, " of ", options_.stream));
      }
      return NatsError(StrCat("reading message ", stream_seq, " of the write log"), s, code);
    }
    absl::StatusOr<Message> message = DecodeMessage(
        stream_seq,
        std::string_view(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg))));
    natsMsg_Destroy(msg);
    return message;
  }

  absl::Status SyncLocked() {
    jsStreamInfo* info = nullptr;
    jsErrCode code = jsErrCode(0);
    const natsStatus s = js_GetStreamInfo(&info, js_, options_.stream.c_str(), nullptr, &code);
    if (s != NATS_OK) return NatsError("reading the write log's state", s, code);
    const uint64_t last = info->State.LastSeq;
    jsStreamInfo_Destroy(info);
    // Far behind (a replica that starts): streamed in order by a consumer;
    // a few messages: asked for one by one.
    if (last < last_stream_seq_) {
      return absl::DataLossError(StrCat("the stream ", options_.stream, " ends at message ", last,
                                        " but this replica has read ", last_stream_seq_,
                                        ": it was purged or recreated"));
    }
    if (last - last_stream_seq_ > kStreamedReplay) RETURN_IF_ERROR(StreamUpTo(last));
    while (last_stream_seq_ < last) {
      const uint64_t stream_seq = last_stream_seq_ + 1;
      ASSIGN_OR_RETURN(Message message, Fetch(stream_seq));
      RETURN_IF_ERROR(TakeIn(stream_seq, std::move(message)));
    }
    return absl::OkStatus();
  }

  // Reads the stream's messages after the last one read, through `last`, with
  // an ordered consumer (ephemeral, no acks: JetStream pushes them in order,
  // with flow control, and recreates it after a gap).
  absl::Status StreamUpTo(uint64_t last) {
    jsSubOptions subscribe;
    jsSubOptions_Init(&subscribe);
    subscribe.Stream = options_.stream.c_str();
    subscribe.Ordered = true;
    subscribe.Config.DeliverPolicy = js_DeliverByStartSequence;
    subscribe.Config.OptStartSeq = last_stream_seq_ + 1;
    natsSubscription* subscription = nullptr;
    jsErrCode code = jsErrCode(0);
    natsStatus s =
        js_SubscribeSync(&subscription, js_, options_.subject.c_str(), nullptr, &subscribe, &code);
    if (s != NATS_OK) return NatsError("replaying the write log", s, code);
    absl::Status status;
    while (status.ok() && last_stream_seq_ < last) {
      natsMsg* msg = nullptr;
      s = natsSubscription_NextMsg(&msg, subscription, options_.timeout.count());
      if (s != NATS_OK) {
        status = NatsError("replaying the write log", s);
        break;
      }
      jsMsgMetaData* meta = nullptr;
      if (s = natsMsg_GetMetaData(&meta, msg); s != NATS_OK) {
        natsMsg_Destroy(msg);
        status = NatsError("reading a replayed message's sequence", s);
        break;
      }
      const uint64_t stream_seq = meta->Sequence.Stream;
      jsMsgMetaData_Destroy(meta);
      absl::StatusOr<Message> message = DecodeMessage(
          stream_seq,
          std::string_view(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg))));
      natsMsg_Destroy(msg);
      if (!message.ok()) {
        status = message.status();
      } else if (stream_seq != last_stream_seq_ + 1) {
        status = absl::DataLossError(
            StrCat("the write log lacks message ", last_stream_seq_ + 1, " of ", options_.stream));
      } else {
        status = TakeIn(stream_seq, *std::move(message));
      }
    }
    natsSubscription_Unsubscribe(subscription);
    natsSubscription_Destroy(subscription);
    return status;
  }

  // Registers the next message read, after checking that it continues the entries.
  absl::Status TakeIn(uint64_t stream_seq, Message message) {
    if (!message.genesis && !message.entries.empty() && message.first_seq != last_entry_seq_ + 1) {
      return absl::DataLossError(StrCat("write log message ", stream_seq, " starts at entry ",
                                        message.first_seq, ", expected ", last_entry_seq_ + 1));
    }
    Register(stream_seq, std::move(message));
    return absl::OkStatus();
  }

  // Takes in the next message of the stream.
  void Register(uint64_t stream_seq, Message message) {
    last_stream_seq_ = stream_seq;
    if (message.generation) generation_ = std::move(message.generation);
    if (message.record) idempotency_[message.record->key] = *message.record;
    if (message.entries.empty()) return;
    last_entry_seq_ = message.entries.back().seq;
    positions_.push_back({.last_entry_seq = last_entry_seq_, .stream_seq = stream_seq});
    size_t bytes = 0;
    for (const JournalEntry& entry : message.entries) {
      bytes += entry.id.size() + entry.snapshot.size() + sizeof(JournalEntry);
    }
    cache_[stream_seq] = std::move(message.entries);
    cached_order_.push_back({stream_seq, bytes});
    cached_bytes_ += bytes;
    while (cached_bytes_ > kMaxCachedBytes && cached_order_.size() > 1) {
      cache_.erase(cached_order_.front().first);
      cached_bytes_ -= cached_order_.front().second;
      cached_order_.pop_front();
    }
  }

  const JetStreamOptions options_;
  std::unique_ptr<NatsClient> client_;
  SubjectWatch watch_;                    // after client_: stops before it closes
  natsConnection* connection_ = nullptr;  // client_'s
  jsCtx* js_ = nullptr;                   // client_'s
  mutable std::mutex mutex_;
  Clock::time_point open_until_;  // the breaker refuses until then
  std::string tripped_;           // why
  uint64_t last_stream_seq_ = 0;  // the last message read (or appended)
  uint64_t last_entry_seq_ = 0;
  std::vector<Position> positions_;  // of the messages holding entries, in order
  std::map<uint64_t, std::vector<JournalEntry>> cache_;  // by stream sequence
  std::deque<std::pair<uint64_t, size_t>> cached_order_;
  size_t cached_bytes_ = 0;
  std::unordered_map<std::string, IdempotencyRecord> idempotency_;
  std::optional<GenerationEvent> generation_;  // the last reindex event read
  std::atomic<uint64_t> conflicts_ = 0;
  std::atomic<uint64_t> unavailable_ = 0;
};

}  // namespace

std::vector<std::string> SplitServers(const std::string& urls) {
  std::vector<std::string> servers = SplitTrimmed(urls, ',');
  std::erase(servers, std::string());
  return servers;
}

absl::StatusOr<std::unique_ptr<WriteLog>> OpenJetStreamWriteLog(const JetStreamOptions& options) {
  std::unique_ptr<JetStreamLog> log;
  RETURN_IF_ERROR(RetryWhileUnavailable(
      [&] {
        log = std::make_unique<JetStreamLog>(options);
        return log->Connect();
      },
      options.start_patience, "opening the write log"));
  return std::unique_ptr<WriteLog>(std::move(log));
}

}  // namespace vitrine::writes
