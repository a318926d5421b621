#!/usr/bin/env bash
# build.sh <build-dir> [cmake args...]: configures (once) and builds with Ninja.
# VITRINE_TARGETS="a b" builds only those targets (and what they need).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=$1
shift
jobs=${VITRINE_JOBS:-$(nproc)}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S "$root" -B "$build_dir" -G Ninja "$@" >/dev/null
fi
targets=()
[ -n "${VITRINE_TARGETS:-}" ] && read -r -a targets <<<"$VITRINE_TARGETS"
cmake --build "$build_dir" -j "$jobs" ${targets[@]+--target "${targets[@]}"}
