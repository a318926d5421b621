#!/usr/bin/env bash
# One command that installs dependencies, builds everything with AddressSanitizer
# and UndefinedBehaviorSanitizer, warnings as errors, and runs the whole suite
# through ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build_dir=build/test

scripts/install-deps.sh
scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Debug -DVITRINE_SANITIZE=ON -DVITRINE_WERROR=ON \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" --timeout 300
