#!/usr/bin/env bash
# Load shedding under overload, on the bundled catalog (no result cache):
#   bench/overload.sh            (SECONDS_PER_RUN=20 bench/overload.sh for longer runs)
# 1. capacity: wrk at concurrency 16 (closed loop) gives the requests/s the
#    server sustains on this machine;
# 2. open loop (bench/overload.cc: requests sent on schedule whatever the
#    answers take, latency counted from when each was due) at half the capacity
#    (normal), then at 4x, with admission control on (the defaults), then off
#    (--max-in-flight 100000 --queue-target-ms 10000: every request queues).
# Prints per status: requests/s and p50/p95/p99. With shedding on, the 200s of the
# 4x run should keep about the p99 of the normal run; the rest are quick 503s.
# PIN=1 runs the server on core 0 (one I/O thread, one handler) and the load
# generators on the other cores (taskset), so that the generator does not take
# the server's CPU: what a load from other machines would look like.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${SECONDS_PER_RUN:-10}
build_dir=build/release

scripts/install-deps.sh
VITRINE_TARGETS="vitrine search_latency overload" scripts/build.sh "$build_dir" \
  -DCMAKE_BUILD_TYPE=Release -DVITRINE_BUILD_TESTS=OFF
vitrine=$build_dir/cli/vitrine
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

data=${VITRINE_DATA_DIR:-}
if [ -z "$data" ]; then
  data=$work/data
  "$vitrine" reindex --data-dir "$data" --filterable-attributes usage,year --quiet \
    --feed data/catalog/fashion-styles.jsonl.gz --feed data/catalog/myntra-products.jsonl.gz
fi
workload=bench/workload/storefront-workload.jsonl.gz
"$build_dir/bench/search_latency" --workload "$workload" --emit-paths "$work/paths.txt" >/dev/null

server_cpu=()
load_cpu=()
pinned=()
if [ "${PIN:-0}" = 1 ]; then
  server_cpu=(taskset -c 0)
  load_cpu=(taskset -c "1-$(($(nproc) - 1))")
  pinned=(--threads 1 --workers 1)
fi

# serve FLAGS...: starts the server, sets $port.
serve() {
  "${server_cpu[@]}" "$vitrine" serve --data-dir "$data" --port 0 --no-access-log --no-ui \
    --cache-mb 0 "${pinned[@]}" "$@" 2>"$work/serve.log" &
  server_pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(grep -o '"port":[0-9]*' "$work/serve.log" | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$work/serve.log"; exit 1; }
  # Warm-up (unreported): postings and snapshots read once.
  "${load_cpu[@]}" wrk -t2 -c16 -d3s -s bench/wrk_paths.lua "http://127.0.0.1:$port" -- \
    "$work/paths.txt" >/dev/null
}
stop() {
  curl -s "http://127.0.0.1:$port/metrics" | grep -E '^vitrine_http_shed' | tr '\n' ' '
  echo
  kill "$server_pid" && wait "$server_pid" || true
  server_pid=""
}
open_loop() {
  "${load_cpu[@]}" "$build_dir/bench/overload" --port "$port" --workload "$workload" --rate "$1" \
    --seconds "$seconds" --connections 2000
}

serve
# CAPACITY=N skips the measure (the same rates for A/B runs of two builds).
capacity=${CAPACITY:-}
# Answers other than errors (a 503 is quick, and no capacity).
[ -n "$capacity" ] || capacity=$("${load_cpu[@]}" wrk -t2 -c16 -d"${seconds}s" -s bench/wrk_paths.lua "http://127.0.0.1:$port" -- \
  "$work/paths.txt" | grep '^http:' |
  sed -E 's/.*requests=([0-9]+) errors=([0-9]+).*/\1 \2/' | (read -r all errors; echo $(((all - errors) / seconds))))
echo "capacity (wrk, concurrency 16, closed loop): $capacity requests/s"
half=$((capacity / 2))
four=$((capacity * 4))
echo "-- shedding on (defaults), open loop at $half requests/s (normal), then $four (4x)"
open_loop "$half"
open_loop "$four"
stop
[ "${SHEDDING_OFF:-1}" = 1 ] || exit 0  # SHEDDING_OFF=0: only the runs with shedding on
echo "-- shedding off (every request admitted), open loop at $half, then $four"
serve --max-in-flight 100000 --queue-target-ms 10000
open_loop "$half"
open_loop "$four"
stop
