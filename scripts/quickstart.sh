#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a running Vitrine:
# installs dependencies, builds, indexes the bundled catalog (with the synthetic
# demo inventory overlay, data/README.md) and serves it.
#   PORT=8080 DATA_DIR=var/data ./scripts/quickstart.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${PORT:-8080}
data_dir=${DATA_DIR:-var/data}
build_dir=build/release
overlay=$build_dir/demo-inventory.jsonl.gz

scripts/install-deps.sh
# The storefront and console are part of it (VITRINE_BUILD_UI: npm ci + esbuild).
if [ -f "$build_dir/CMakeCache.txt" ] && ! grep -q '^VITRINE_BUILD_UI:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  cmake -S "$root" -B "$build_dir" -DVITRINE_BUILD_UI=ON >/dev/null
fi
scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVITRINE_BUILD_TESTS=OFF -DVITRINE_BUILD_UI=ON
# The console signs in with an admin key; one is made up when none is given.
if [ -z "${VITRINE_ADMIN_KEY:-}" ] && [ -z "${VITRINE_ADMIN_KEYS:-}" ]; then
  VITRINE_ADMIN_KEY=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  export VITRINE_ADMIN_KEY
  generated_key=1
fi
# The public catalogs have no sizes, stock, ratings, dates, materials or styles:
# a deterministic, plainly synthetic overlay adds them, and the reindex merges it
# into the untouched feeds by product id (data/README.md, "Demo inventory").
python3 data/demo/make_inventory.py --out "$overlay" \
  data/catalog/fashion-styles.jsonl.gz data/catalog/myntra-products.jsonl.gz
"$build_dir/cli/vitrine" reindex --data-dir "$data_dir" \
  --filterable-attributes usage,year \
  --feed data/catalog/fashion-styles.jsonl.gz --feed data/catalog/myntra-products.jsonl.gz \
  --supplemental-feed "$overlay"

cat <<MSG

Vitrine is starting on http://127.0.0.1:$port (Ctrl-C stops it).
  Storefront:  http://127.0.0.1:$port/
  Console:     http://127.0.0.1:$port/console/  (sign in with the admin key${generated_key:+: $VITRINE_ADMIN_KEY})
Try:
  curl 'http://127.0.0.1:$port/v1/search?q=men+navy+shirt&per_page=3'
  curl 'http://127.0.0.1:$port/v1/products/15970'
  curl 'http://127.0.0.1:$port/v1/search?q=women+kurta&in_stock=true&filter.size=M&facets=size&sort=rating&per_page=3'
  curl 'http://127.0.0.1:$port/metrics'

MSG
exec "$build_dir/cli/vitrine" serve --data-dir "$data_dir" --port "$port"
