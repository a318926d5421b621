#!/usr/bin/env bash
# The scale table of issue 13, one command:
#   bench/scale.sh [SIZE ...]        sizes: 57k (the bundled catalog), or N, 250k, 1M, 4M
# Default sizes: 57k 250k 1M, and 4M when the machine has 16 GiB available.
# For each size: generates the catalog (bench/scale_catalog, seed 1, cached in
# $SCALE_DIR/<size>/feed.jsonl.gz), reindexes it (time, docs/s, peak RSS, index
# size), runs the in-process benchmark (bench/search_latency, 1 thread, the
# storefront workload with collapse on and off) and the HTTP one (wrk at c16
# against `vitrine serve`, one server thread per core, no result cache, collapse
# on and off), and reports how long the server took to open the generation.
# The data directories stay in $SCALE_DIR (default build/scale) for profiling:
#   build/release/bench/search_latency --data-dir build/scale/1M/data --workload ...
# Environment: SECONDS_PER_RUN (default 10), SCALE_DIR, SEED (default 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${SECONDS_PER_RUN:-10}
seed=${SEED:-1}
scale_dir=${SCALE_DIR:-build/scale}
build_dir=build/release
workload=bench/workload/storefront-workload.jsonl.gz

sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  sizes=(57k 250k 1M)
  available_kb=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
  [ "$available_kb" -ge $((16 << 20)) ] && sizes+=(4M)
fi

VITRINE_TARGETS="vitrine search_latency scale_catalog" \
  scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVITRINE_BUILD_TESTS=OFF >/dev/null
vitrine=$build_dir/cli/vitrine
mkdir -p "$scale_dir"
tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$build_dir/bench/search_latency" --workload "$workload" --emit-paths "$tmp/paths.txt" >/dev/null
sed 's/$/\&collapse=false/' "$tmp/paths.txt" >"$tmp/paths-nocollapse.txt"

# products SIZE: 57k -> bundled, 250k -> 250000, 1M -> 1000000.
products() {
  case $1 in
    57k | bundled) echo bundled ;;
    *[kK]) echo $((${1%[kK]} * 1000)) ;;
    *[mM]) echo $((${1%[mM]} * 1000000)) ;;
    *) echo "$1" ;;
  esac
}
mb() { du -sb "$@" | awk '{s += $1} END {printf "%.0f", s / 1e6}'; }
# latency LINE: "req/s p50 p99 max" from a search_latency result line.
latency() {
  sed -E 's/.*throughput=([0-9]+) req\/s latency_ms p50=([0-9.]+) p95=[0-9.]+ p99=([0-9.]+) max=([0-9.]+).*/\1 \2 \3 \4/'
}

rows=()
for size in "${sizes[@]}"; do
  n=$(products "$size")
  dir=$scale_dir/$size
  mkdir -p "$dir"
  echo "== $size ($n products)"
  if [ "$n" = bundled ]; then
    feeds=(--feed data/catalog/fashion-styles.jsonl.gz --feed data/catalog/myntra-products.jsonl.gz)
  else
    feed=$dir/feed-seed$seed.jsonl.gz
    [ -f "$feed" ] || "$build_dir/bench/scale_catalog" --products "$n" --seed "$seed" --out "$feed"
    feeds=(--feed "$feed")
  fi

  rm -rf "$dir/data"
  /usr/bin/time -f "%M %U %S" -o "$tmp/reindex-rss" \
    "$vitrine" reindex --data-dir "$dir/data" --filterable-attributes usage,year "${feeds[@]}" |
    tee "$tmp/reindex.txt"
  reindex_s=$(awk '/time/ {print $2}' "$tmp/reindex.txt")
  docs=$(awk '/accepted/ {print $2}' "$tmp/reindex.txt")
  read -r reindex_kb user_s sys_s <"$tmp/reindex-rss"
  reindex_rss=$((reindex_kb / 1024))
  # CPU time as well: on a shared machine, wall time says as much about the neighbours.
  reindex_cpu=$(echo "$user_s + $sys_s" | bc)
  generation=$dir/data/generations/$(cat "$dir/data/CURRENT")
  xapian_mb=$(mb "$generation/xapian")
  snapshots_mb=$(mb "$generation/snapshots")
  echo "index: xapian ${xapian_mb} MB, snapshots ${snapshots_mb} MB"

  inproc=()
  for collapse in true false; do
    "$build_dir/bench/search_latency" --data-dir "$dir/data" --workload "$workload" \
      --seconds "$seconds" --threads 1 --typos off --collapse "$collapse" | tee "$tmp/inproc.txt"
    # The first threads=1 line is the warm-up run.
    inproc+=("$(grep '^threads=1' "$tmp/inproc.txt" | tail -1 | latency)")
    bench_rss=$(sed -nE 's/^memory: peak_rss=([0-9]+) kB.*/\1/p' "$tmp/inproc.txt")
  done

  start=$(date +%s.%N)
  # A closed loop of 16 measures what the server serves, not its admission
  # control: with the default 20 ms queue target, sixteen 5 ms searches on two
  # cores overflow the queue and most answers are quick 503s.
  "$vitrine" serve --data-dir "$dir/data" --port 0 --no-access-log --no-ui --cache-mb 0 \
    --queue-target-ms 1000 2>"$tmp/serve.log" &
  server_pid=$!
  port=""
  for _ in $(seq 6000); do # opening 4M products takes minutes
    port=$(grep -o '"port":[0-9]*' "$tmp/serve.log" | head -1 | cut -d: -f2 || true)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$tmp/serve.log"; exit 1; }
  open_s=$(echo "$(date +%s.%N) - $start" | bc)
  printf 'serve: open %.1f s\n' "$open_s"
  http=()
  for paths in paths paths-nocollapse; do
    # 3 s of warm-up (unreported): a server that just started has read nothing yet.
    wrk -t2 -c16 -d3s -s bench/wrk_paths.lua "http://127.0.0.1:$port" -- "$tmp/$paths.txt" >/dev/null
    echo -n "$paths c16: "
    wrk -t2 -c16 -d"${seconds}s" -s bench/wrk_paths.lua "http://127.0.0.1:$port" \
      -- "$tmp/$paths.txt" | grep '^http:' | tee "$tmp/wrk.txt"
    # "http: requests=N errors=E throughput=R req/s latency_ms p50=.. p99=.. max=.."
    http+=("$(sed -E 's/.*errors=([0-9]+).*throughput=([0-9.]+).*p99=([0-9.]+).*/\2 \3 \1/' \
      "$tmp/wrk.txt")")
  done
  server_rss=$(($(awk '/VmHWM/ {print $2}' /proc/$server_pid/status) / 1024))
  kill "$server_pid" && wait "$server_pid" || true
  server_pid=""

  read -r on_rps on_p50 on_p99 on_max <<<"${inproc[0]}"
  read -r off_rps off_p50 off_p99 off_max <<<"${inproc[1]}"
  read -r hon_rps hon_p99 hon_errors <<<"${http[0]}"
  read -r hoff_rps hoff_p99 hoff_errors <<<"${http[1]}"
  rows+=("| $size ($docs) | $on_rps, $on_p50 / $on_p99 / $on_max | $off_rps, $off_p50 / $off_p99 / $off_max | $((bench_rss / 1024)) | $hon_rps, $hon_p99 ($hon_errors errors) | $hoff_rps, $hoff_p99 ($hoff_errors errors) | $server_rss | $(printf '%.1f' "$open_s") | ${xapian_mb} + ${snapshots_mb} | $reindex_s ($reindex_cpu CPU) | $reindex_rss |")
done

echo
echo "in-process: bench/search_latency, 1 thread, ${seconds} s, storefront workload (2,000 requests), no result cache"
echo "HTTP: vitrine serve (one thread per core, --cache-mb 0 --queue-target-ms 1000), wrk -t2 -c16, ${seconds} s after 3 s of warm-up"
echo
echo "| products | in-process collapse on: req/s, p50 / p99 / max ms | collapse off | bench RSS MB | HTTP c16 collapse on: req/s, p99 ms | collapse off | server RSS MB | serve open s | index MB (xapian + snapshots) | reindex s (CPU s) | reindex peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
