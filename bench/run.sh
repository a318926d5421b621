#!/usr/bin/env bash
# One command for every figure of the query path on the bundled catalog:
#   bench/run.sh            (SECONDS_PER_RUN=10 bench/run.sh for longer runs)
# (a) reindex throughput, (b) in-process search latency and throughput,
# (b2) in-process suggestion latency (every typed prefix of the workload queries),
# (c) HTTP throughput and latency with wrk at concurrency 1 and 16 (search, then suggest),
#     without and with the result cache,
# (d) freshness: errors, latency and update visibility lag while updates flow and a
#     reindex switches generations; cache hit ratio on a Zipf-like mix,
# (e) analyzer and document-building micro-benchmarks.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${SECONDS_PER_RUN:-5}
build_dir=build/release

scripts/install-deps.sh
scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVITRINE_BUILD_TESTS=OFF
vitrine=$build_dir/cli/vitrine
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

feeds=(--filterable-attributes usage,year \
  --feed data/catalog/fashion-styles.jsonl.gz --feed data/catalog/myntra-products.jsonl.gz)
echo "== (a) reindex: bundled catalog, $(nproc) cores; baseline analyzer, then fashion (served)"
"$vitrine" reindex --data-dir "$work/baseline" --analyzer baseline "${feeds[@]}"
"$vitrine" reindex --data-dir "$work/data" "${feeds[@]}"

echo "== (b) in-process search: storefront workload (text, filters, price ranges, 4 facets of 20 values, sort), ${seconds}s per run"
workload=bench/workload/storefront-workload.jsonl.gz
"$build_dir/bench/search_latency" --data-dir "$work/data" --workload "$workload" \
  --seconds "$seconds" --threads 1,2

echo "-- merchandising rules (1 thread): 1,000 that never fire (the lookup), then 100 and 1,000"
echo "   over the workload's own queries (most requests fire boosts, buries, pins)"
for rules in "1000 --rules-fire none" 100 1000; do
  # shellcheck disable=SC2086
  "$build_dir/bench/search_latency" --data-dir "$work/data" --workload "$workload" \
    --seconds "$seconds" --threads 1 --rules $rules | grep -E '^rules|^threads=1' | sed -n '1p;3p'
done
echo "-- ranking signals (1 thread): popularity, stock, recency and rating blended into the top 100"
"$build_dir/bench/search_latency" --data-dir "$work/data" --workload "$workload" \
  --seconds "$seconds" --threads 1 \
  --ranking '{"signals": {"popularity": 0.1, "in_stock": 0.1, "recency": 0.05, "rating": 0.05}}' |
  grep -E '^ranking|^threads=1' | sed -n '1p;3p'

echo "== (b2) in-process suggest: every prefix (1, 2, ... characters) of the workload queries, limit=10, ${seconds}s per run"
"$build_dir/bench/suggest_latency" --data-dir "$work/data" --workload "$workload" \
  --seconds "$seconds" --threads 1,2

echo "== (c) HTTP with wrk, ${seconds}s per run"
"$build_dir/bench/search_latency" --workload "$workload" --emit-paths "$work/paths.txt" >/dev/null
"$build_dir/bench/suggest_latency" --workload "$workload" --emit-paths "$work/suggest-paths.txt" \
  >/dev/null
# serve CACHE_MB: starts the server on the served data dir, sets $port.
serve() {
  "$vitrine" serve --data-dir "$work/data" --port 0 --no-access-log --cache-mb "$1" \
    2>"$work/serve.log" &
  server_pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(grep -o '"port":[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$work/serve.log"; exit 1; }
}
stop() {
  echo "server memory: $(grep -E 'VmHWM|VmRSS' /proc/$server_pid/status | tr -s ' \n' ' ')"
  kill "$server_pid" && wait "$server_pid" || true
  server_pid=""
}
# run ROUTE PATHS: wrk at concurrency 1 and 16, after 3 s of warm-up (unreported),
# as the in-process benchmark warms up: a server that just started has read
# none of the postings and snapshots yet.
run() {
  wrk -t2 -c16 -d3s -s bench/wrk_paths.lua "http://127.0.0.1:$port" -- "$2" >/dev/null
  for connections in 1 16; do
    threads=$((connections < 2 ? 1 : 2))
    echo -n "$1 concurrency=$connections "
    wrk -t"$threads" -c"$connections" -d"${seconds}s" -s bench/wrk_paths.lua \
      "http://127.0.0.1:$port" -- "$2" | grep '^http:'
  done
}
echo "-- without the result cache (--cache-mb 0): every request runs the search"
serve 0
run search "$work/paths.txt"
run suggest "$work/suggest-paths.txt"
stop
echo "-- with the result cache (64 MiB): wrk replays the 2,000 requests, so nearly all hit"
serve 64
run search "$work/paths.txt"
stop

echo "== (d) freshness: search load with price updates and a reindex; result cache on a Zipf mix"
"$build_dir/bench/freshness" --data-dir "$work/data" --workload "$workload" \
  --feed data/catalog/fashion-styles.jsonl.gz --feed data/catalog/myntra-products.jsonl.gz \
  --seconds "$seconds" --connections 16 --updates-per-second 200

echo "== (e) analyzer micro-benchmarks"
"$build_dir/bench/analyzer_bench" --catalog data/catalog/myntra-products.jsonl.gz \
  --benchmark_min_time=1
