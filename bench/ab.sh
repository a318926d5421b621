#!/usr/bin/env bash
# Two builds of bench/search_latency on the same index at the same time, one
# pinned to each core, then swapped: on a machine whose speed drifts by 2x
# within minutes, runs one after the other cannot tell a 10% change apart,
# while runs side by side see the same slow spells.
#   bench/ab.sh A B DATA_DIR [ROUNDS] [-- search_latency flags...]
# A, B: search_latency binaries (copy build/release/bench/search_latency aside
# before rebuilding). Default flags: the storefront workload, 10 s, 1 thread,
# --typos off --stages on. Prints each run's throughput line and stage means.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 3 ] || { sed -n '2,9p' "$0"; exit 2; }
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
    cat "$tmp/a" "$tmp/b"
  done
done
