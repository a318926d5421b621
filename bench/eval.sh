#!/usr/bin/env bash
# Relevance of the real search path, baseline vs fashion analyzer, in one command:
#   bench/eval.sh             (WORST=20 bench/eval.sh lists more of the worst queries)
# Sets, each indexed from scratch by `vitrine eval` in a temporary data dir:
#   fashion-intent  data/eval/fashion-intent dev queries over catalog/fashion-styles
#   homedepot       ../shared/data/eval/homedepot when present (Kaggle data without an
#                   open licence: read in place, never copied into this repository)
#   catalog         the fashion-intent queries over both bundled catalog files together
# Ends with one table: set x analyzer -> nDCG@10, judged-only nDCG@10, recall@100,
# MRR and zero-result rate.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-build/release}
worst=${WORST:-10}

scripts/install-deps.sh
scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVITRINE_BUILD_TESTS=OFF
vitrine=$build_dir/cli/vitrine
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fashion_intent=data/eval/fashion-intent
homedepot=../shared/data/eval/homedepot
catalog=data/catalog
rows=()
notes=()

# The value printed after a summary label (labels fill the first 20 columns).
value() { awk -v label="$1" 'substr($0, 1, 20) ~ "^" label " *$" { split(substr($0, 22), v, " "); print v[1] }' "$2"; }

# evaluate SET ANALYZER [vitrine eval flags...]
evaluate() {
  local set=$1 analyzer=$2
  shift 2
  echo "== $set, $analyzer analyzer"
  "$vitrine" eval --analyzer "$analyzer" --worst "$worst" "$@" | tee "$work/out"
  echo
  rows+=("$(printf '%-15s %-9s %8s %12s %11s %7s %10s' "$set" "$analyzer" \
    "$(value 'nDCG@10' "$work/out")" "$(value 'nDCG@10 judged-only' "$work/out")" \
    "$(value 'recall@100' "$work/out")" "$(value 'MRR' "$work/out")" \
    "$(value 'zero-result rate' "$work/out")")")
}

for analyzer in baseline fashion; do
  evaluate fashion-intent "$analyzer" --products "$catalog/fashion-styles.jsonl.gz" \
    --queries "$fashion_intent/queries.tsv" --qrels "$fashion_intent/qrels.tsv.gz"
done
if [ -d "$homedepot" ]; then
  for analyzer in baseline fashion; do
    evaluate homedepot "$analyzer" --products "$homedepot/products.jsonl" \
      --queries "$homedepot/queries.tsv" --qrels "$homedepot/qrels.tsv"
  done
else
  notes+=("homedepot skipped: $homedepot is absent")
fi
for analyzer in baseline fashion; do
  evaluate catalog "$analyzer" --products "$catalog/fashion-styles.jsonl.gz" \
    --products "$catalog/myntra-products.jsonl.gz" \
    --queries "$fashion_intent/queries.tsv" --qrels "$fashion_intent/qrels.tsv.gz"
done

echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ), $(git describe --always --dirty 2>/dev/null || echo "?"))"
printf '%-15s %-9s %8s %12s %11s %7s %10s\n' set analyzer nDCG@10 "judged-only" recall@100 MRR zero-rate
printf '%s\n' "${rows[@]}"
for note in "${notes[@]+"${notes[@]}"}"; do echo "note: $note"; done
