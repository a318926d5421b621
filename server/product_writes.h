// Product writes through the API (admin key): PUT (upsert), PATCH (merge into
// the stored product), DELETE, and POST /v1/products:batch (NDJSON). Each write
// is validated as a feed record would be, appended to the update journal (synced:
// a 2xx means it is on disk), applied to the serving generation, and visible to
// searches after the next commit (every `commit_interval`). An Idempotency-Key
// makes a retry return the first response instead of writing twice.
//
// Private to server/; Service owns one and switches it to each new generation.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "indexer/journal.h"
#include "indexer/live_writer.h"
#include "query/result_cache.h"
#include "query/search.h"
#include "server/http.h"

namespace vitrine::server {

struct ProductWritesOptions {
  std::chrono::seconds idempotency_ttl{24 * 3600};
  // Writes are committed in batches this often; searches see them after the commit.
  std::chrono::milliseconds commit_interval{100};
};

class ProductWrites {
 public:
  // `cache` (may be null): the search result cache the writes invalidate.
  ProductWrites(std::unique_ptr<indexer::Journal> journal, ProductWritesOptions options,
                query::ResultCache* cache = nullptr);
  ~ProductWrites();  // stops committing (after a last commit)

  // Makes `index` (opened writable) the generation writes go to: replays the
  // journal entries it lacks and commits them. Until the first Switch, writes
  // are 503s.
  absl::Status Switch(const std::shared_ptr<const query::Index>& index);

  // `method` PUT, PATCH or DELETE on /v1/products/{id}; `idempotency_key` may be empty.
  HttpResponse Write(std::string_view method, std::string_view id, std::string_view body,
                     std::string_view idempotency_key);
  // POST /v1/products:batch: one product per line (upsert) or {"delete": "<id>"}.
  HttpResponse Batch(std::string_view body, std::string_view idempotency_key);

  // Commits what was applied and refreshes the index; the committer thread calls
  // it every commit_interval, tests may call it to skip the wait.
  absl::Status CommitNow();

  // Journal retention: drops the entries up to `through` (those every kept
  // generation holds: indexer::JournalSeqHeldByAll) and the expired
  // idempotency records.
  absl::StatusOr<indexer::Journal::Pruned> PruneJournal(uint64_t through);

 private:
  // What a write journals, and its response; `prepare` gets the sequence number
  // its first entry will take.
  struct Prepared {
    std::vector<indexer::JournalEntry> entries;
    HttpResponse response;
    uint32_t scopes = 0;  // what the entries change (query::ScopesChanged)
  };
  using Prepare = std::function<absl::StatusOr<Prepared>(uint64_t first_seq)>;

  // Under the write lock: answers a retry of `request` (by idempotency key)
  // with its first response, else prepares, journals and applies the write.
  HttpResponse Run(std::string_view request, std::string_view idempotency_key,
                   const Prepare& prepare);
  void CommitLoop();

  const ProductWritesOptions options_;
  std::unique_ptr<indexer::Journal> journal_;
  // Lock order: commit_mutex_, then mutex_.
  std::mutex mutex_;  // one write at a time: journal order = apply order
  std::shared_ptr<const query::Index> index_;
  std::unique_ptr<indexer::LiveWriter> writer_;
  query::ResultCache* const cache_;
  uint32_t uncommitted_scopes_ = 0;  // of the writes applied since the last commit
  std::mutex commit_mutex_;
  std::condition_variable commit_wakeup_;
  bool stopping_ = false;
  std::thread committer_;
};

}  // namespace vitrine::server
