// From a write request to logged entries and a receipt: validation, PATCH merges,
// batches, and the idempotency records that answer retries.
#include "writes/product_writes.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "base/json_writer.h"
#include "base/status.h"
#include "base/strings.h"
#include "base/unix_time.h"
#include "catalog/product.h"

namespace vitrine::writes {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxIdempotencyKeyBytes = 255;
constexpr size_t kMaxBatchLines = 10000;

// FNV-1a: a stable fingerprint of a request, to tell a retry from a reuse of its key.
std::string Fingerprint(std::string_view text) { return StrCat(Fnv1a64(text)); }

// A product body (PUT, a batch line) as a validated product with `id` (when the
// body has none, it takes `id`; a different one is an error).
absl::StatusOr<catalog::Product> ProductFromBody(std::string_view body, std::string_view id) {
  // Ordered: size_stock keeps its order through the id's insertion.
  nlohmann::ordered_json json = nlohmann::ordered_json::parse(body, nullptr, false);
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

std::string ReceiptJson(std::string_view id, uint64_t seq, std::string_view snapshot) {
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

// One batch line as a log entry: a product (upsert) or {"delete": "<id>"}.
absl::StatusOr<JournalEntry> EntryOfLine(std::string_view line) {
  const Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.size() == 1 && json.contains("delete")) {
    if (!json["delete"].is_string())
      return InvalidParameter("delete", "delete must be a product id");
    return JournalEntry{.op = JournalOp::kDelete, .id = json["delete"].get<std::string>()};
  }
  ASSIGN_OR_RETURN(catalog::Product product, catalog::ProductFromJson(line));
  return JournalEntry{
      .op = JournalOp::kUpsert, .id = product.id, .snapshot = catalog::ProductToJson(product)};
}

void AppendLineError(std::string& results, const absl::Status& error) {
  results.append(R"(,"error":{"message":)");
  AppendJsonString(results, FromAbsl(error.message()));
  if (std::optional<std::string> parameter = ParameterOf(error)) {
    results.append(R"(,"parameter":)");
    AppendJsonString(results, *parameter);
  }
  results.append("}}");
}

}  // namespace

absl::StatusOr<WriteReceipt> ProductWrites::Run(std::string_view request,
                                                std::string_view idempotency_key,
                                                const Prepare& prepare,
                                                std::vector<query::StageTiming>* stages) {
  query::StageRecorder stage(stages);
  stage.Begin("lock");
  std::lock_guard lock(mutex_);
  if (index_ == nullptr) return absl::UnavailableError("no index is being served yet");
  if (idempotency_key.size() > kMaxIdempotencyKeyBytes) {
    return InvalidParameter("Idempotency-Key",
                            StrCat("Idempotency-Key is longer than ", kMaxIdempotencyKeyBytes));
  }
  const int64_t now = UnixSecondsNow();
  const std::string fingerprint = Fingerprint(request);
  // A shared log may take another replica's append between reading it and
  // appending: the append is refused (Aborted), and the write is prepared
  // again on top of what came, after a short random pause (so two busy
  // replicas do not keep colliding), for up to kMaxRetrying.
  constexpr auto kMaxRetrying = std::chrono::seconds(2);
  const auto started = std::chrono::steady_clock::now();
  thread_local std::minstd_rand jitter(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      std::this_thread::sleep_for(
          std::chrono::microseconds(jitter() % (500 * std::min(attempt, 8))));
    }
    stage.Begin("sync");
    if (absl::Status synced = log_->Sync(); !synced.ok()) {
      return absl::UnavailableError(StrCat("the write log cannot be read: ", synced.message()));
    }
    if (!idempotency_key.empty()) {
      ASSIGN_OR_RETURN(std::optional<IdempotencyRecord> record,
                       log_->FindIdempotency(std::string(idempotency_key), now));
      if (record) {
        if (record->request_hash != fingerprint) {
          return WithErrorCode(
              InvalidParameter("Idempotency-Key",
                               "this Idempotency-Key was used with a different request"),
              "idempotency_key_reused");
        }
        return WriteReceipt{.outcome = static_cast<WriteOutcome>(record->status),
                            .json = record->body,
                            .replayed = true};
      }
    }
    // Writes that a failure left unapplied (or that other replicas logged) go
    // first: a PATCH must merge into the product as the log has it, and no
    // write may overtake an earlier one.
    if (absl::Status caught_up = CatchUp(); !caught_up.ok()) {
      return absl::UnavailableError(
          StrCat("writes are paused until the logged ones reach the index: ", caught_up.message()));
    }
    stage.Begin("validate");
    ASSIGN_OR_RETURN(Prepared prepared, prepare(log_->last_seq() + 1));
    const IdempotencyRecord record{.key = std::string(idempotency_key),
                                   .request_hash = fingerprint,
                                   .status = static_cast<int>(prepared.receipt.outcome),
                                   .body = prepared.receipt.json,
                                   .expires_at = now + options_.idempotency_ttl.count()};
    // On error nothing was logged: the write is refused as a whole.
    stage.Begin("journal");
    const absl::Status appended =
        log_->Append(prepared.entries, idempotency_key.empty() ? nullptr : &record);
    if (absl::IsAborted(appended)) {
      if (std::chrono::steady_clock::now() - started < kMaxRetrying) continue;
      return absl::UnavailableError(
          StrCat("the write log kept moving on (", attempt, " attempts): ", appended.message()));
    }
    RETURN_IF_ERROR(appended);
    // Logged: acknowledged. If applying fails it is replayed until it succeeds,
    // and later writes wait for it (CatchUp).
    uncommitted_scopes_ |= prepared.scopes;
    stage.Begin("apply");
    (void)CatchUp(prepared.entries);
    return std::move(prepared.receipt);
  }
}

absl::StatusOr<WriteReceipt> ProductWrites::Write(WriteMethod method, std::string_view id,
                                                  std::string_view body,
                                                  std::string_view idempotency_key,
                                                  std::vector<query::StageTiming>* stages) {
  static constexpr std::string_view kNames[] = {"PUT", "PATCH", "DELETE"};
  const std::string request = StrCat(kNames[static_cast<int>(method)], " ", id, "\n", body);
  return Run(
      request, idempotency_key,
      [&](uint64_t seq) -> absl::StatusOr<Prepared> {
        absl::StatusOr<std::string> stored = index_->store().Get(id);
        if (!stored.ok() && !absl::IsNotFound(stored.status())) return stored.status();
        if (method == WriteMethod::kDelete) {
          if (!stored.ok()) return stored.status();  // not found
          return Prepared{{{.op = JournalOp::kDelete, .id = std::string(id)}},
                          {.outcome = WriteOutcome::kDeleted, .json = ReceiptJson(id, seq, {})},
                          query::kScopeEverything};
        }
        absl::StatusOr<catalog::Product> product;
        if (method == WriteMethod::kPatch) {
          if (!stored.ok()) return stored.status();  // not found
          const Json patch = Json::parse(body, nullptr, /*allow_exceptions=*/false);
          if (patch.is_discarded() || !patch.is_object()) {
            return InvalidParameter("body", "the body must be a JSON object of fields to change");
          }
          absl::StatusOr<catalog::Product> current = catalog::ProductFromJson(*stored);
          if (!current.ok()) return current.status();
          product = catalog::MergePatch(*current, body);  // RFC 7386: null removes a field
        } else {
          product = ProductFromBody(body, id);
        }
        if (!product.ok()) return product.status();
        std::string snapshot = catalog::ProductToJson(*product);
        WriteReceipt receipt{
            .outcome = stored.ok() ? WriteOutcome::kReplaced : WriteOutcome::kCreated,
            .json = ReceiptJson(id, seq, snapshot)};
        const uint32_t scopes = query::ScopesChanged(stored.ok() ? *stored : "", snapshot);
        return Prepared{
            {{.op = JournalOp::kUpsert, .id = product->id, .snapshot = std::move(snapshot)}},
            std::move(receipt),
            scopes};
      },
      stages);
}

absl::StatusOr<WriteReceipt> ProductWrites::Batch(std::string_view body,
                                                  std::string_view idempotency_key,
                                                  std::vector<query::StageTiming>* stages) {
  const std::string request = StrCat("BATCH\n", body);
  return Run(
      request, idempotency_key,
      [&](uint64_t seq) -> absl::StatusOr<Prepared> {
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
            return InvalidParameter("body",
                                    StrCat("a batch holds at most ", kMaxBatchLines, " lines"));
          }
          if (!results.empty()) results.push_back(',');
          results.append(StrCat(R"({"line":)", line_number));
          absl::StatusOr<JournalEntry> entry = EntryOfLine(line);
          if (!entry.ok()) {
            ++rejected;
            AppendLineError(results, entry.status());
            continue;
          }
          absl::StatusOr<std::string> stored = index_->store().Get(entry->id);
          if (!stored.ok() && !absl::IsNotFound(stored.status())) return stored.status();
          prepared.scopes |= query::ScopesChanged(stored.ok() ? *stored : "", entry->snapshot);
          results.append(R"(,"id":)");
          AppendJsonString(results, entry->id);
          results.append(
              StrCat(R"(,"seq":)", seq++, R"(,"status":)",
                     entry->op == JournalOp::kDelete ? R"("deleted"})" : R"("upserted"})"));
          prepared.entries.push_back(*std::move(entry));
        }
        prepared.receipt = {
            .outcome = WriteOutcome::kBatch,
            .json = StrCat(R"({"applied":)", prepared.entries.size(), R"(,"rejected":)", rejected,
                           R"(,"results":[)", results, "]}")};
        return prepared;
      },
      stages);
}

}  // namespace vitrine::writes
