#!/usr/bin/env bash
# run.sh [seconds-per-target] [target...]: builds the fuzz configuration in
# build/fuzz (clang, libFuzzer, ASan + UBSan; the libraries and fuzz targets only)
# and runs each target for the given time (default 20 s), VITRINE_FUZZ_LANES at a
# time (default 1).
# Each target starts from its checked-in seeds (tests/fuzz/corpus/<target>) and
# the corpus it grew before (build/fuzz/corpus/<target>); crash, leak, UB and
# timeout inputs land in build/fuzz/artifacts/<target>/. Prints one line per
# target (executions, exec/s, corpus size, crashed or not); exits non-zero when
# any target crashed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${1:-20}
shift || true
build_dir=build/fuzz
all_targets=(feed_jsonl feed_csv feed_gzip product_json search_params search_json
  merch_rule merch_synonyms merch_ranking analyzer suggest http_request)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")

VITRINE_JOBS=${VITRINE_JOBS:-2} scripts/build.sh "$build_dir" -DCMAKE_CXX_COMPILER=clang++ \
  -DVITRINE_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCMAKE_UNITY_BUILD=ON

# The targets' scratch data (fixture indexes, feed files) lives in memory when it can.
scratch_base=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && scratch_base=/dev/shm
scratch=$(mktemp -d "$scratch_base/vitrine-fuzz-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Targets run VITRINE_FUZZ_LANES at a time (default 1); each writes its line to
# logs/<target>.result and the lines are printed in the targets' order.
lanes=${VITRINE_FUZZ_LANES:-1}
run_target() {
  local target=$1 corpus=$build_dir/corpus/$1 artifacts=$build_dir/artifacts/$1/
  local log=$build_dir/logs/$1.log status=0 dictionary=() executions rate units result
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  [ -f "tests/fuzz/dict/$target.dict" ] && dictionary=(-dict="tests/fuzz/dict/$target.dict")
  # -timeout: an input that runs longer is a hang; -close_fd_mask=1 silences the
  # server's stdout logs; -print_final_stats for the figures below.
  "$build_dir/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -close_fd_mask=1 -print_final_stats=1 -artifact_prefix="$artifacts" "${dictionary[@]}" \
    "$corpus" "tests/fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # libFuzzer's last "corp: <inputs>/<bytes>": the corpus it holds (seeds included).
  units=$( (grep -ao 'corp: [0-9]*' "$log" || true) | tail -n 1 | sed 's/corp: //')
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result="CRASHED (exit $status): $(grep -m1 -E 'ERROR: |runtime error|fuzz invariant|deadly signal' "$log" || true)"
    result+=$'\n'$(grep -E '^(artifact_prefix|Test unit written)' "$log" || true)
  fi
  printf '%-16s %12s %8s %8s  %s\n' "$target" "${executions:-?}" "${rate:-?}" "${units:-?}" \
    "$result" >"$build_dir/logs/$target.result"
}

mkdir -p "$build_dir/logs"
for target in "${targets[@]}"; do
  rm -f "$build_dir/logs/$target.result"
  while [ "$(jobs -rp | wc -l)" -ge "$lanes" ]; do wait -n || true; done
  run_target "$target" &
done
wait
printf '%-16s %12s %8s %8s  %s\n' target executions exec/s corpus result
failed=0
for target in "${targets[@]}"; do
  cat "$build_dir/logs/$target.result" 2>/dev/null || echo "$target: no result"
  grep -q '  ok$' "$build_dir/logs/$target.result" 2>/dev/null || failed=1
done
exit $failed
