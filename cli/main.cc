// vitrine: search and product discovery for fashion catalogs.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.h"

namespace {

constexpr char kUsage[] = R"(usage: vitrine <command> [flags]

commands:
  reindex      --feed FILE [--feed FILE ...] --data-dir DIR [--max-errors N] [--threads N]
               [--keep N] [--quiet] [--analyzer fashion|baseline] [--vocabulary DIR]
               [--filterable-attributes KEY,KEY...]
               Build a new index generation from JSON Lines / CSV feeds (.gz ok),
               verify it and make it current. Declared attributes become
               filters and facets (filter.KEY=..., facets=KEY).
  serve        --data-dir DIR [--port 8080] [--address 127.0.0.1] [--threads N]
               [--cache-mb 64] [--no-access-log] [--ui-dir DIR | --no-ui]
               [--workers N] [--max-in-flight 512] [--queue-target-ms 20]
               [--search-timeout-ms 1000] [--rate-limits NAME=RATE[:BURST],...]
               [--drain-ms N] [--nats URLS [--nats-replicas N]] [--otlp-endpoint URL]
               Serve the HTTP API (and the Algolia-compatible /1/ endpoint);
               picks up new generations without a restart. The storefront (/)
               and console (/console/) come from --ui-dir, else from the
               build's UI when built with -DVITRINE_BUILD_UI=ON.
               Product writes and config need VITRINE_ADMIN_KEY or named keys
               in VITRINE_ADMIN_KEYS="alice:KEY1,bob:KEY2" (the audit log's
               "who"); VITRINE_SEARCH_KEY(S) close reads.
  scoped-key   [--parent search] [--filter FIELD=VALUE ...] [--in-stock true|false]
               [--expires-in 3600] [--rate N [--burst N]] [--print]
               Derive a scoped search key for a browser from a search key in
               VITRINE_SEARCH_KEY / VITRINE_SEARCH_KEYS: its searches are held to
               the filters, it expires, and it has its own rate limit.
  search       --data-dir DIR [--page N] [--per-page N] QUERY
               Run one search against the current generation and print the JSON.
  generations  list --data-dir DIR
               List index generations, each checked whole ("damaged: ..." when not).
  generations  rollback [ID] --data-dir DIR
               Make generation ID (default: the one before the current) current again.
  analyze      [--data-dir DIR | --analyzer fashion|baseline [--vocabulary DIR]] TEXT
               Show the terms the analyzer makes of TEXT, per token and per field.
  eval         --products FILE --queries FILE --qrels FILE [--k 10]
               [--analyzer fashion|baseline] [--data-dir DIR] [--worst 20] [--threads N]
               [--understand true|false]
               Index FILE (or use --data-dir's index) and report nDCG@k, recall@100,
               MRR and the worst queries of a judged query set.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "help") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  // A file size limit (RLIMIT_FSIZE) makes a write fail with EFBIG, handled like
  // a full disk, instead of killing the process with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);
  const std::string_view command = argv[1];
  if (command == "reindex") return vitrine::cli::ReindexCommand(argc - 2, argv + 2);
  if (command == "serve") return vitrine::cli::ServeCommand(argc - 2, argv + 2);
  if (command == "scoped-key") return vitrine::cli::ScopedKeyCommand(argc - 2, argv + 2);
  if (command == "search") return vitrine::cli::SearchCommand(argc - 2, argv + 2);
  if (command == "analyze") return vitrine::cli::AnalyzeCommand(argc - 2, argv + 2);
  if (command == "eval") return vitrine::cli::EvalCommand(argc - 2, argv + 2);
  if (command == "generations") return vitrine::cli::GenerationsCommand(argc - 2, argv + 2);
  std::fprintf(stderr, "vitrine: unknown command '%s'\n\n%s", argv[1], kUsage);
  return 2;
}
