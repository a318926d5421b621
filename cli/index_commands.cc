// vitrine reindex / vitrine generations.
#include <cstdio>
#include <ctime>
#include <thread>

#include "base/status.h"
#include "base/strings.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "indexer/generations.h"
#include "indexer/reindex.h"
#include "writes/cluster_reindex.h"
#include "writes/jetstream_write_log.h"

namespace vitrine::cli {
namespace {

constexpr int64_t kPrintedRejections = 100;

}  // namespace

int ReindexCommand(int argc, char** argv) {
  absl::StatusOr<Flags> flags =
      Flags::Parse(argc, argv,
                   {"feed", "supplemental-feed", "data-dir", "max-errors", "threads", "keep",
                    "analyzer", "vocabulary", "filterable-attributes", "nats"},
                   {"quiet"});
  if (!flags.ok()) return Fail(flags.status());
  absl::StatusOr<std::string> data_dir = flags->Required("data-dir");
  absl::StatusOr<int64_t> max_errors = flags->Int("max-errors", -1);
  absl::StatusOr<int64_t> threads = flags->Int("threads", 0);
  absl::StatusOr<int64_t> keep = flags->Int("keep", 3);
  for (const absl::Status& status :
       {data_dir.status(), max_errors.status(), threads.status(), keep.status()}) {
    if (!status.ok()) return Fail(status);
  }
  analyzers::AnalyzerOptions analyzer;
  const std::string profile = flags->Get("analyzer").value_or("fashion");
  if (!analyzers::ParseProfile(profile, analyzer.profile)) {
    return Fail(InvalidParameter(
        "analyzer", StrCat("--analyzer must be fashion or baseline, got '", profile, "'")));
  }
  std::vector<std::string> attributes =
      SplitTrimmed(flags->Get("filterable-attributes").value_or(""), ',');
  std::erase(attributes, std::string());
  const bool quiet = flags->Has("quiet");
  int64_t printed = 0;
  indexer::ReindexOptions options{
      .feeds = flags->GetAll("feed"),
      .supplemental_feeds = flags->GetAll("supplemental-feed"),
      .data_dir = *data_dir,
      .max_errors = *max_errors,
      .threads = static_cast<int>(*threads),
      .keep_generations = static_cast<int>(*keep),
      .analyzer = analyzer,
      .vocabulary_dir = flags->Get("vocabulary").value_or(""),
      .filterable_attributes = attributes,
      .on_error =
          [&](const indexer::RecordError& error) {
            if (quiet || printed++ >= kPrintedRejections) return;
            std::fprintf(stderr, "rejected %s:%llu: %s%s%s\n", error.file.c_str(),
                         static_cast<unsigned long long>(error.line), error.field.c_str(),
                         error.field.empty() ? "" : ": ", error.reason.c_str());
          },
  };
  // In a cluster: built here, then recorded in the shared log for every
  // replica to build the same (writes/cluster_reindex.h).
  absl::StatusOr<indexer::ReindexSummary> summary;
  writes::GenerationEvent event;
  if (flags->Has("nats")) {
    absl::StatusOr<std::unique_ptr<writes::WriteLog>> log = writes::OpenJetStreamWriteLog(
        {.servers = writes::SplitServers(flags->Get("nats").value_or(""))});
    if (!log.ok()) return Fail(Annotate(log.status(), "--nats"));
    summary = writes::ReindexCluster(options, **log, &event);
  } else {
    summary = indexer::Reindex(options);
  }
  if (!summary.ok()) return Fail(summary.status());
  if (printed > kPrintedRejections) {
    std::fprintf(stderr, "... and %lld more rejected records\n",
                 static_cast<long long>(printed - kPrintedRejections));
  }
  std::printf(
      "generation %s is now current\n  accepted  %llu\n  rejected  %llu\n  time      %.2f s "
      "(%.0f docs/s)\n",
      summary->generation.c_str(), static_cast<unsigned long long>(summary->accepted),
      static_cast<unsigned long long>(summary->rejected), summary->seconds,
      summary->docs_per_second);
  if (!options.supplemental_feeds.empty()) {
    std::printf("  supplemented %llu\n", static_cast<unsigned long long>(summary->supplemented));
  }
  if (event.id != 0) {
    std::printf(
        "  cluster   reindex event %llu (%llu products, digest %s): every replica builds it\n",
        static_cast<unsigned long long>(event.id), static_cast<unsigned long long>(event.documents),
        event.digest.c_str());
  }
  return 0;
}

int GenerationsCommand(int argc, char** argv) {
  absl::StatusOr<Flags> flags = Flags::Parse(argc, argv, {"data-dir"});
  if (!flags.ok()) return Fail(flags.status());
  const std::vector<std::string>& args = flags->positional();
  const bool list = args == std::vector<std::string>{"list"};
  const bool rollback = !args.empty() && args[0] == "rollback" && args.size() <= 2;
  if (!list && !rollback) {
    std::fprintf(stderr,
                 "usage: vitrine generations list --data-dir DIR\n"
                 "       vitrine generations rollback [ID] --data-dir DIR\n");
    return 2;
  }
  absl::StatusOr<std::string> path = flags->Required("data-dir");
  if (!path.ok()) return Fail(path.status());
  absl::StatusOr<indexer::DataDir> dir = indexer::DataDir::Open(*path);
  if (!dir.ok()) return Fail(dir.status());
  if (rollback) {
    absl::StatusOr<indexer::DataDirLock> lock = indexer::DataDirLock::Acquire(*dir);
    if (!lock.ok()) return Fail(lock.status());
    absl::StatusOr<indexer::Generation> generation = dir->Rollback(args.size() == 2 ? args[1] : "");
    if (!generation.ok()) return Fail(generation.status());
    std::printf("generation %s is now current\n", generation->id.c_str());
    return 0;
  }
  absl::StatusOr<std::vector<indexer::GenerationInfo>> infos = dir->List();
  if (!infos.ok()) return Fail(infos.status());
  // Every complete generation is checked whole, so a damaged one shows before a
  // server or a rollback tries to serve it.
  std::printf("%-8s %-8s %-10s %-20s %s\n", "id", "state", "documents", "created", "check");
  for (const indexer::GenerationInfo& info : *infos) {
    char created[32] = "-";
    const std::time_t when = info.created_at;
    std::tm utc;
    if (info.complete && gmtime_r(&when, &utc) != nullptr) {
      std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &utc);
    }
    std::string check = "-";
    if (info.complete) {
      const absl::Status verified = indexer::VerifyGeneration(info.generation);
      check = verified.ok() ? "ok" : StrCat("damaged: ", verified.message());
    }
    std::printf("%-8s %-8s %-10llu %-20s %s\n", info.generation.id.c_str(),
                info.current ? "current" : (info.complete ? "kept" : "partial"),
                static_cast<unsigned long long>(info.documents), created, check.c_str());
  }
  return 0;
}

}  // namespace vitrine::cli
