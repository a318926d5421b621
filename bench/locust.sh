#!/usr/bin/env bash
# Storefront load test with Locust (Debian's python3-locust, installed when
# missing), headless, bounded in time and users:
#   bench/locust.sh                              60 s, 50 users
#   SECONDS=30 USERS=20 SPAWN_RATE=5 bench/locust.sh
#   VITRINE_URL=http://127.0.0.1:8080 VITRINE_ADMIN_KEY=... bench/locust.sh
# Without VITRINE_URL it indexes the bundled catalog into a temporary directory
# with build/release/cli/vitrine (it builds nothing; scripts/quickstart.sh
# builds it), or copies the index of DATA_DIR (e.g. DATA_DIR=var/data, the
# quickstart's; copied because the run changes prices), and serves it on a free
# loopback port with a fresh admin key and the default result cache. With
# VITRINE_URL it loads that server; price updates need its VITRINE_ADMIN_KEY
# (without it they are skipped), and they change prices there.
# The shoppers (bench/locustfile.py says what they do and why) search with the
# storefront workload's filters and facets, ask for suggestions on every
# keystroke, page, open products and, rarely, change a price with an
# Idempotency-Key. The run prints one row per request kind: requests/s,
# p50/p95/p99/max response time as the client measured it, failures.
# Environment: SECONDS (default 60), USERS (50), SPAWN_RATE (users started per
# second, 10), THINK (mean seconds between a shopper's actions, 0.5), CSV (keep
# Locust's own CSV statistics under this prefix), VITRINE_BIN (the vitrine to
# serve with, default build/release/cli/vitrine).
# One Locust process drives every user: it shares this machine's cores with
# the server, so it measures the server and the load generator together.
set -euo pipefail
# SECONDS is bash's own clock: given in the environment, it counts up from that
# value while the script runs. The value asked for is the one the script began with.
seconds=$(tr '\0' '\n' </proc/$$/environ | sed -n 's/^SECONDS=//p' | head -1)
seconds=${seconds:-60}
users=${USERS:-50}
spawn_rate=${SPAWN_RATE:-10}
think=${THINK:-0.5}
for setting in "SECONDS=$seconds" "USERS=$users" "SPAWN_RATE=$spawn_rate"; do
  [[ ${setting#*=} =~ ^[1-9][0-9]*$ ]] || {
    echo "bench/locust.sh: $setting: a positive whole number, please" >&2
    exit 2
  }
done
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! dpkg-query -W -f='${Status}' python3-locust 2>/dev/null | grep -q "install ok installed"; then
  echo "installing python3-locust" >&2
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    python3-locust >/dev/null
fi
# Debian's, whatever else the PATH holds (a pip or pyenv locust).
locust=/usr/bin/locust

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${VITRINE_URL:-}" ]; then
  url=${VITRINE_URL%/}
  curl -sf -o /dev/null "$url/readyz" || {
    echo "bench/locust.sh: $url/readyz does not answer 200: is the server up and serving an index?" >&2
    exit 1
  }
  target="$url (already running)"
else
  vitrine=${VITRINE_BIN:-build/release/cli/vitrine}
  if [ ! -x "$vitrine" ]; then
    echo "bench/locust.sh: $vitrine is missing. scripts/quickstart.sh builds it (then serves;" >&2
    echo "Ctrl-C it), or build only the binary:" >&2
    echo "  VITRINE_TARGETS=vitrine scripts/build.sh build/release -DCMAKE_BUILD_TYPE=Release -DVITRINE_BUILD_TESTS=OFF" >&2
    echo "or point VITRINE_URL at a running server (VITRINE_BIN=path serves with another build)." >&2
    exit 1
  fi
  if [ -n "${DATA_DIR:-}" ]; then
    [ -f "$DATA_DIR/CURRENT" ] || {
      echo "bench/locust.sh: DATA_DIR=$DATA_DIR holds no index ($DATA_DIR/CURRENT is missing)" >&2
      exit 1
    }
    echo "copying the index of $DATA_DIR"
    cp -a "$DATA_DIR" "$work/data"
  else
    echo "indexing the bundled catalog into $work/data"
    "$vitrine" reindex --data-dir "$work/data" --quiet \
      --filterable-attributes usage,year \
      --feed data/catalog/fashion-styles.jsonl.gz --feed data/catalog/myntra-products.jsonl.gz \
      >"$work/reindex.log" 2>&1 || {
      cat "$work/reindex.log" >&2
      exit 1
    }
  fi
  # Its only key is a fresh admin key: no search key or rate limits from this shell.
  key=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  env -u VITRINE_SEARCH_KEY -u VITRINE_SEARCH_KEYS -u VITRINE_ADMIN_KEYS -u VITRINE_RATE_LIMITS \
    VITRINE_ADMIN_KEY="$key" \
    "$vitrine" serve --data-dir "$work/data" --address 127.0.0.1 --port 0 --no-access-log --no-ui \
    >"$work/serve.out" 2>"$work/serve.log" &
  server_pid=$!
  port=""
  for _ in $(seq 600); do
    port=$(grep -o '"msg":"listening".*"port":[0-9]*' "$work/serve.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] || {
    echo "bench/locust.sh: vitrine serve did not start:" >&2
    cat "$work/serve.log" >&2
    exit 1
  }
  url=http://127.0.0.1:$port
  for _ in $(seq 600); do
    curl -sf -o /dev/null "$url/readyz" && break
    sleep 0.1
  done
  export VITRINE_ADMIN_KEY=$key
  unset VITRINE_SEARCH_KEY
  target="$vitrine serve on $url (bundled catalog, result cache 64 MiB)"
fi

csv=${CSV:-$work/locust}
echo "locust: $users users (started $spawn_rate/s), ${seconds} s, think ${think} s, against $target"
status=0
PYTHONDONTWRITEBYTECODE=1 THINK=$think VITRINE_LOCUST_REPORT="$work/report.md" \
  "$locust" -f bench/locustfile.py --headless --host "$url" \
  --users "$users" --spawn-rate "$spawn_rate" --run-time "${seconds}s" \
  --csv "$csv" --only-summary --loglevel WARNING >"$work/locust.log" 2>&1 || status=$?

if [ ! -s "$work/report.md" ]; then
  echo "bench/locust.sh: locust exited with $status and no report:" >&2
  tail -n 40 "$work/locust.log" >&2
  exit 1
fi
echo
cat "$work/report.md"
if [ -n "$server_pid" ]; then
  echo "server memory: $(awk '/^Vm(HWM|RSS)/ {printf "%s%s %d MiB", sep, $1, $2 / 1024; sep = ", "}' \
    "/proc/$server_pid/status")"
fi
# Locust warns when its own process runs out of CPU: then it, not the server, set the pace.
grep -m1 -i 'cpu usage' "$work/locust.log" | sed 's/^.*WARNING[^:]*: */locust: /' || true
[ -n "${CSV:-}" ] && echo "Locust's statistics: ${csv}_stats.csv, ${csv}_failures.csv, ${csv}_stats_history.csv"
exit "$status"
