#include "server/product_writes.h"

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/strings.h"
#include "catalog/product.h"
#include "server/access_log.h"
#include "server/errors.h"
#include "server/json_writer.h"

namespace vitrine::server {
namespace {

using Json = nlohmann::json;
using indexer::JournalEntry;
using indexer::JournalOp;

constexpr size_t kMaxIdempotencyKeyBytes = 255;
constexpr size_t kMaxBatchLines = 10000;

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// FNV-1a: a stable fingerprint of a request, to tell a retry from a reuse of its key.
std::string Fingerprint(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return StrCat(hash);
}

void LogError(std::string_view message, const absl::Status& status) {
  std::string fields = R"("error":)";
  AppendJsonString(fields, FromAbsl(status.message()));
  LogEvent("error", message, fields);
}

HttpResponse JsonResponse(int status, std::string body) {
  return HttpResponse{.status = status, .body = std::move(body)};
}

// A product body (PUT, a batch line) as a validated product with `id` (when the
// body has none, it takes `id`; a different one is an error).
absl::StatusOr<catalog::Product> ProductFromBody(std::string_view body, std::string_view id) {
  Json json = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return InvalidParameter("body", "the body must be a JSON object (a product)");
  }
  if (!id.empty()) {
    if (json.contains("id") && json["id"] != id) {
      return InvalidParameter("id", StrCat("the body's id does not match the path's '", id, "'"));
    }
    json["id"] = id;
  }
  return catalog::ProductFromJson(json.dump());
}

std::string WrittenJson(std::string_view id, uint64_t seq, std::string_view snapshot) {
  std::string out = R"({"id":)";
  AppendJsonString(out, id);
  out.append(StrCat(R"(,"seq":)", seq));
  if (snapshot.empty()) {
    out.append(R"(,"deleted":true})");
  } else {
    out.append(R"(,"product":)").append(snapshot).append("}");
  }
  return out;
}

}  // namespace

ProductWrites::ProductWrites(std::unique_ptr<indexer::Journal> journal,
                             ProductWritesOptions options, query::ResultCache* cache)
    : options_(options), journal_(std::move(journal)), cache_(cache) {
  committer_ = std::thread([this] { CommitLoop(); });
}

ProductWrites::~ProductWrites() {
  {
    std::lock_guard lock(commit_mutex_);
    stopping_ = true;
  }
  commit_wakeup_.notify_all();
  committer_.join();
  (void)CommitNow();
}

absl::Status ProductWrites::Switch(const std::shared_ptr<const query::Index>& index) {
  // The same order as CommitNow: the commit lock, then the write lock.
  std::lock_guard commit_lock(commit_mutex_);
  std::lock_guard lock(mutex_);
  if (writer_ != nullptr) {
    ASSIGN_OR_RETURN(std::vector<Xapian::docid> changed, writer_->Commit());
    RETURN_IF_ERROR(index_->Refresh(changed));
    writer_.reset();
  }
  ASSIGN_OR_RETURN(std::unique_ptr<indexer::LiveWriter> writer,
                   indexer::LiveWriter::Open({.xapian_path = index->xapian_path(),
                                              .store = index->shared_store(),
                                              .analyzer = index->shared_analyzer()},
                                             *journal_));
  ASSIGN_OR_RETURN(std::vector<Xapian::docid> replayed, writer->Commit());
  RETURN_IF_ERROR(index->Refresh(replayed));
  writer_ = std::move(writer);
  index_ = index;
  return absl::OkStatus();
}

absl::StatusOr<indexer::Journal::Pruned> ProductWrites::PruneJournal(uint64_t through) {
  return journal_->Prune(through, UnixNow());
}

absl::Status ProductWrites::CommitNow() {
  std::lock_guard commit_lock(commit_mutex_);
  std::vector<Xapian::docid> changed;
  uint32_t scopes = 0;
  {
    // No write slips between the commit and taking what it changes.
    std::lock_guard lock(mutex_);
    if (writer_ == nullptr) return absl::OkStatus();
    ASSIGN_OR_RETURN(changed, writer_->Commit());
    scopes = std::exchange(uncommitted_scopes_, 0);
  }
  // Searches see the commit once the index refreshes; cached results computed
  // before it stop being served after the invalidation.
  RETURN_IF_ERROR(index_->Refresh(changed));
  if (cache_ != nullptr && scopes != 0) cache_->Invalidate(scopes);
  return absl::OkStatus();
}

void ProductWrites::CommitLoop() {
  std::unique_lock lock(commit_mutex_);
  while (!commit_wakeup_.wait_for(lock, options_.commit_interval, [&] { return stopping_; })) {
    lock.unlock();
    if (absl::Status status = CommitNow(); !status.ok()) {
      LogError("committing product writes failed", status);
    }
    lock.lock();
  }
}

HttpResponse ProductWrites::Run(std::string_view request, std::string_view idempotency_key,
                                const Prepare& prepare) {
  std::lock_guard lock(mutex_);
  if (writer_ == nullptr) {
    return ErrorResponse(absl::UnavailableError("no index is being served yet"));
  }
  if (idempotency_key.size() > kMaxIdempotencyKeyBytes) {
    return ErrorResponse(InvalidParameter(
        "Idempotency-Key", StrCat("Idempotency-Key is longer than ", kMaxIdempotencyKeyBytes)));
  }
  const int64_t now = UnixNow();
  const std::string fingerprint = Fingerprint(request);
  if (!idempotency_key.empty()) {
    absl::StatusOr<std::optional<indexer::IdempotencyRecord>> record =
        journal_->FindIdempotency(std::string(idempotency_key), now);
    if (!record.ok()) return ErrorResponse(record.status());
    if (*record) {
      if ((*record)->request_hash != fingerprint) {
        return ErrorResponse(422, "idempotency_key_reused",
                             "this Idempotency-Key was used with a different request",
                             "Idempotency-Key");
      }
      HttpResponse replay = JsonResponse((*record)->status, (*record)->body);
      replay.headers.emplace_back("Idempotent-Replayed", "true");
      return replay;
    }
  }
  absl::StatusOr<Prepared> prepared = prepare(journal_->last_seq() + 1);
  if (!prepared.ok()) return ErrorResponse(prepared.status());
  indexer::IdempotencyRecord record{.key = std::string(idempotency_key),
                                    .request_hash = fingerprint,
                                    .status = prepared->response.status,
                                    .body = prepared->response.body,
                                    .expires_at = now + options_.idempotency_ttl.count()};
  if (absl::Status status =
          journal_->Append(prepared->entries, idempotency_key.empty() ? nullptr : &record);
      !status.ok()) {
    return ErrorResponse(status);  // nothing was written
  }
  // Journaled: durable whatever happens next; a failed apply is replayed at start.
  uncommitted_scopes_ |= prepared->scopes;
  if (absl::Status status = writer_->Apply(prepared->entries); !status.ok()) {
    LogError("applying a journaled write failed", status);
  }
  return std::move(prepared->response);
}

HttpResponse ProductWrites::Write(std::string_view method, std::string_view id,
                                  std::string_view body, std::string_view idempotency_key) {
  const std::string request = StrCat(method, " ", id, "\n", body);
  return Run(request, idempotency_key, [&](uint64_t seq) -> absl::StatusOr<Prepared> {
    absl::StatusOr<std::string> stored = index_->store().Get(id);
    if (!stored.ok() && !absl::IsNotFound(stored.status())) return stored.status();
    if (method == "DELETE") {
      if (!stored.ok()) return stored.status();  // 404
      return Prepared{{{.op = JournalOp::kDelete, .id = std::string(id)}},
                      JsonResponse(200, WrittenJson(id, seq, {})),
                      query::kScopeEverything};
    }
    absl::StatusOr<catalog::Product> product;
    if (method == "PATCH") {
      if (!stored.ok()) return stored.status();  // 404
      Json patch = Json::parse(body, nullptr, /*allow_exceptions=*/false);
      if (patch.is_discarded() || !patch.is_object()) {
        return InvalidParameter("body", "the body must be a JSON object of fields to change");
      }
      Json merged = Json::parse(*stored);
      merged.merge_patch(patch);  // RFC 7386: null removes a field
      product = ProductFromBody(merged.dump(), id);
    } else {
      product = ProductFromBody(body, id);
    }
    if (!product.ok()) return product.status();
    std::string snapshot = catalog::ProductToJson(*product);
    HttpResponse response = JsonResponse(stored.ok() ? 200 : 201, WrittenJson(id, seq, snapshot));
    const uint32_t scopes = query::ScopesChanged(stored.ok() ? *stored : "", snapshot);
    return Prepared{
        {{.op = JournalOp::kUpsert, .id = product->id, .snapshot = std::move(snapshot)}},
        std::move(response),
        scopes};
  });
}

HttpResponse ProductWrites::Batch(std::string_view body, std::string_view idempotency_key) {
  const std::string request = StrCat("BATCH\n", body);
  return Run(request, idempotency_key, [&](uint64_t seq) -> absl::StatusOr<Prepared> {
    Prepared prepared;
    std::string results;
    size_t line_number = 0, rejected = 0;
    for (std::string_view rest = body; !rest.empty();) {
      const size_t end = std::min(rest.find('\n'), rest.size());
      const std::string_view line = Trim(rest.substr(0, end));
      rest.remove_prefix(std::min(end + 1, rest.size()));
      ++line_number;
      if (line.empty()) continue;
      if (line_number > kMaxBatchLines) {
        return InvalidParameter("body", StrCat("a batch holds at most ", kMaxBatchLines, " lines"));
      }
      if (!results.empty()) results.push_back(',');
      results.append(StrCat(R"({"line":)", line_number));
      const Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      absl::StatusOr<JournalEntry> entry;
      if (json.is_object() && json.size() == 1 && json.contains("delete")) {
        entry = json["delete"].is_string()
                    ? absl::StatusOr<JournalEntry>(JournalEntry{
                          .op = JournalOp::kDelete, .id = json["delete"].get<std::string>()})
                    : InvalidParameter("delete", "delete must be a product id");
      } else {
        absl::StatusOr<catalog::Product> product = catalog::ProductFromJson(line);
        if (product.ok()) {
          entry = JournalEntry{.op = JournalOp::kUpsert,
                               .id = product->id,
                               .snapshot = catalog::ProductToJson(*product)};
        } else {
          entry = product.status();
        }
      }
      if (!entry.ok()) {
        ++rejected;
        results.append(R"(,"error":{"message":)");
        AppendJsonString(results, FromAbsl(entry.status().message()));
        if (std::optional<std::string> parameter = ParameterOf(entry.status())) {
          results.append(R"(,"parameter":)");
          AppendJsonString(results, *parameter);
        }
        results.append("}}");
        continue;
      }
      absl::StatusOr<std::string> stored = index_->store().Get(entry->id);
      prepared.scopes |= query::ScopesChanged(stored.ok() ? *stored : "", entry->snapshot);
      results.append(R"(,"id":)");
      AppendJsonString(results, entry->id);
      results.append(StrCat(R"(,"seq":)", seq++, R"(,"status":)",
                            entry->op == JournalOp::kDelete ? R"("deleted"})" : R"("upserted"})"));
      prepared.entries.push_back(*std::move(entry));
    }
    prepared.response =
        JsonResponse(200, StrCat(R"({"applied":)", prepared.entries.size(), R"(,"rejected":)",
                                 rejected, R"(,"results":[)", results, "]}"));
    return prepared;
  });
}

}  // namespace vitrine::server
