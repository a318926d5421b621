#!/usr/bin/env bash
# Soak: the release server on the bundled catalog under 16 connections of mixed
# reads and writes (bench/soak.lua: workload searches, suggestions, product pages,
# one price/stock PATCH in ten) for MINUTES (default 30), with a full reindex every
# REINDEX_EVERY minutes (default 5) that the server switches to under load. Each
# minute it prints the server's RSS, open file descriptors, threads and journal
# size; at the end wrk's totals (errors must be 0) and whether RSS and descriptors
# stayed flat after warm-up (from the second reindex). Exits non-zero on any error.
#   bench/soak.sh [MINUTES] [REINDEX_EVERY]
# SERVE_ARGS adds flags to `vitrine serve`, e.g. SERVE_ARGS="--cache-mb 0" to see
# how much of the RSS is the result cache.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
minutes=${1:-30}
reindex_every=${2:-5}
build_dir=build/release

scripts/install-deps.sh
VITRINE_TARGETS="vitrine search_latency" \
  scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVITRINE_BUILD_TESTS=OFF
vitrine=$build_dir/cli/vitrine
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

feeds=(--filterable-attributes usage,year
  --feed data/catalog/fashion-styles.jsonl.gz --feed data/catalog/myntra-products.jsonl.gz)
"$vitrine" reindex --data-dir "$work/data" --quiet "${feeds[@]}"
"$build_dir/bench/search_latency" --workload bench/workload/storefront-workload.jsonl.gz \
  --emit-paths "$work/paths.txt" >/dev/null
# Products with a price (the Myntra feed), for the updates and product pages.
# (zcat ends on SIGPIPE once head has its lines.)
(zcat data/catalog/myntra-products.jsonl.gz || true) | head -n 5000 |
  sed -n 's/^{"id": "\([^"]*\)".*/\1/p' >"$work/ids.txt"

key=soak-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
port=$((20000 + RANDOM % 20000))
VITRINE_ADMIN_KEY=$key "$vitrine" serve --data-dir "$work/data" --port "$port" --no-access-log \
  ${SERVE_ARGS:-} 2>"$work/serve.log" &
server=$!
pids+=("$server")
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done

wrk -t2 -c16 -d"${minutes}m" --timeout 10s -s bench/soak.lua "http://127.0.0.1:$port" \
  -- "$work/paths.txt" "$work/ids.txt" "$key" >"$work/wrk.out" 2>&1 &
load=$!
pids+=("$load")

sample() {
  local rss fds threads journal
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
  fds=$(ls "/proc/$server/fd" | wc -l)
  threads=$(awk '/Threads/ {print $2}' "/proc/$server/status")
  journal=$(du -sk "$work/data/journal" | cut -f1)
  printf "%6s %10s %6s %8s %12s %s\n" "$1" "$((rss / 1024)) MB" "$fds" "$threads" \
    "$((journal / 1024)) MB" "$2"
  echo "$1 $rss $fds" >>"$work/samples"
}
printf "%6s %10s %6s %8s %12s %s\n" minute rss fds threads journal event
sample 0 ""
for minute in $(seq "$minutes"); do
  sleep 60
  event=""
  if ((minute % reindex_every == 0 && minute < minutes)); then
    "$vitrine" reindex --data-dir "$work/data" --quiet "${feeds[@]}" >/dev/null
    event="reindexed ($(cat "$work/data/CURRENT"))"
  fi
  kill -0 "$server" 2>/dev/null || { echo "the server died"; tail -20 "$work/serve.log"; exit 1; }
  sample "$minute" "$event"
done
wait "$load" || true
cat "$work/wrk.out" | grep -E "^soak:|Socket errors|Non-2xx" || cat "$work/wrk.out"
# Flat: RSS and descriptors once the caches have filled. Each searcher thread
# keeps up to 72 MB of posting lists and match sets (query/match/match_sets.h) and the
# result cache holds up to --cache-mb; they fill over the first reindex periods,
# so warm-up ends at the second reindex.
awk -v from="$((2 * reindex_every))" '$1 >= from {
    if (!n++) { rmin = rmax = $2; fmin = fmax = $3 }
    if ($2 < rmin) rmin = $2; if ($2 > rmax) rmax = $2
    if ($3 < fmin) fmin = $3; if ($3 > fmax) fmax = $3 }
  END { printf "after warm-up (minute %d on): RSS %d..%d MB (%+.1f%%), fds %d..%d\n",
               from, rmin / 1024, rmax / 1024, 100 * (rmax - rmin) / rmin, fmin, fmax }' "$work/samples"
server_errors=$(grep -c '"level":"error"' "$work/serve.log" || true)
echo "server error lines: $server_errors"
# The run passes when wrk saw no error (socket, timeout, non-2xx) and the server logged none.
grep -q '^soak: .* errors=0 ' "$work/wrk.out" && [ "$server_errors" -eq 0 ]
