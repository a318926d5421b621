#!/usr/bin/env bash
# Two builds of bench/search_latency on the same index at the same time, one
# pinned to each core, then swapped: on a machine whose speed drifts by 2x
# within minutes, runs one after the other cannot tell a 10% change apart,
# while runs side by side see the same slow spells.
#   bench/ab.sh A B DATA_DIR [ROUNDS] [-- search_latency flags...]
# A, B: search_latency binaries (copy build/release/bench/search_latency aside
# before rebuilding). Default flags: the storefront workload, 10 s, 1 thread,
# --typos off --stages on. Prints each run's throughput line and stage means,
# then the means of each build's runs and in how many pairs B was the faster.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 3 ] || { sed -n '2,10p' "$0"; exit 2; }
a=$1 b=$2 data=$3
rounds=${4:-2}
shift $(($# >= 4 ? 4 : 3))
[ "${1:-}" = "--" ] && shift
flags=("$@")
[ ${#flags[@]} -gt 0 ] || flags=(--seconds 10 --typos off)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { # BINARY CPU OUT
  taskset -c "$2" "$1" --data-dir "$data" \
    --workload "$root/bench/workload/storefront-workload.jsonl.gz" --threads 1 --stages on \
    "${flags[@]}" 2>&1 | grep -E '^threads=1|kind=all' | tail -2 | tr -s ' \n' ' ' |
    sed "s|^|$(basename "$1") on cpu$2: |" >"$3"
  echo >>"$3"
}
for _ in $(seq "$rounds"); do
  for order in "0 1" "1 0"; do
    read -r cpu_a cpu_b <<<"$order"
    run "$a" "$cpu_a" "$tmp/a" &
    run "$b" "$cpu_b" "$tmp/b" &
    wait
    cat "$tmp/a" "$tmp/b" | tee -a "$tmp/all"
  done
done
# The means of each build's runs, and in how many pairs B was faster than the
# A run beside it: a difference smaller than the runs' spread is not one.
awk '
  NF == 0 { next }
  { r++; name = $1; runs[name]++; if (r % 2 == 1) a = name; else b = name }
  { for (i = 2; i <= NF; i++) if (split($i, kv, "=") == 2 && kv[2] ~ /^[0-9.]+$/) sum[name, kv[1]] += kv[2] }
  match($0, /throughput=[0-9]+/) {
    t = substr($0, RSTART + 11, RLENGTH - 11) + 0
    if (r % 2 == 1) { ta = t; next }
    d = t - ta; pairs++; faster += d > 0
    if (pairs == 1 || d < lo) lo = d
    if (pairs == 1 || d > hi) hi = d
  }
  END {
    n = split("throughput p50 p99 max parse match facets rank hydrate highlight", keys, " ")
    for (k = 0; k < 2; k++) {
      name = k == 0 ? a : b
      line = "mean of " runs[name] " runs, " name ":"
      for (i = 1; i <= n; i++) line = line sprintf(" %s=%.3f", keys[i], sum[name, keys[i]] / runs[name])
      print line
    }
    printf "%s faster than %s in %d of %d pairs (by %+d to %+d req/s)\n", b, a, faster, pairs, lo, hi
  }' "$tmp/all"
