#!/usr/bin/env bash
# Replicas behind a load balancer, one command:
#   bench/cluster.sh [REPLICAS ...]      default: 1 3
# For each count: a NATS JetStream server (one node, loopback), that many
# `vitrine serve --nats` replicas over copies of one index of the bundled
# catalog, and haproxy in front (round robin, health checks on /readyz). It
# reports search throughput and latency through haproxy (wrk -t2 -c16 over the
# storefront workload's paths, result cache on as in production), acknowledged
# writes/s with their latency (4 clients through haproxy), and how long a write
# on one replica takes to be visible on every other, and a config change
# (bench/cluster_writes.py); then a cluster reindex (`vitrine reindex --nats`:
# until every replica serves the new generation) and a replica's restart
# (until /readyz says ready again).
# Every process runs on this machine: with 2 cores, replicas share them, so
# more replicas add availability here, not throughput.
# Environment: SECONDS_PER_RUN (default 10).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=${SECONDS_PER_RUN:-10}
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(1 3)
build_dir=build/release
workload=bench/workload/storefront-workload.jsonl.gz
key=bench-admin-key

scripts/install-deps.sh
command -v haproxy >/dev/null || {
  echo "bench/cluster.sh needs haproxy (apt-get install haproxy)" >&2
  exit 1
}
VITRINE_TARGETS="vitrine search_latency" \
  scripts/build.sh "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVITRINE_BUILD_TESTS=OFF >/dev/null
vitrine=$build_dir/cli/vitrine

tmp=$(mktemp -d)
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_all
  rm -rf "$tmp"
}
trap cleanup EXIT

elapsed() { python3 -c 'import sys; print("%.2f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$2"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { # wait_port PORT: until something accepts on it (30 s)
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

"$build_dir/bench/search_latency" --workload "$workload" --emit-paths "$tmp/paths.txt" >/dev/null

rows=()
reindex_rows=()
restart_rows=()
for count in "${counts[@]}"; do
  echo "== $count replica(s)"
  run=$tmp/run$count
  mkdir -p "$run"
  nats_port=$(free_port)
  nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$run/jetstream" >"$run/nats.log" 2>&1 &
  pids+=($!)
  wait_port "$nats_port"
  nats=nats://127.0.0.1:$nats_port
  # One build, copied: builds are deterministic, and every replica starts equal.
  "$vitrine" reindex --data-dir "$run/data0" --nats "$nats" --quiet \
    --feed data/catalog/fashion-styles.jsonl.gz --feed data/catalog/myntra-products.jsonl.gz \
    --filterable-attributes usage,year >/dev/null
  ports=()
  replica_pids=()
  servers=""
  for i in $(seq 0 $((count - 1))); do
    [ "$i" -gt 0 ] && cp -a "$run/data0" "$run/data$i"
    port=$(free_port)
    VITRINE_ADMIN_KEY=$key VITRINE_SEARCH_KEY="" "$vitrine" serve --data-dir "$run/data$i" \
      --port "$port" --nats "$nats" --no-access-log --no-ui 2>"$run/serve$i.log" &
    pids+=($!)
    replica_pids+=($!)
    ports+=("$port")
    servers+="  server replica$i 127.0.0.1:$port check"$'\n'
  done
  for port in "${ports[@]}"; do wait_port "$port"; done
  balancer=$(free_port)
  cat >"$run/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  retries 2
  option redispatch
  retry-on conn-failure empty-response response-timeout 503
frontend vitrine
  bind 127.0.0.1:$balancer
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 1
$servers
CFG
  haproxy -f "$run/haproxy.cfg" -db >"$run/haproxy.log" 2>&1 &
  pids+=($!)
  wait_port "$balancer"
  sleep 1 # first health checks

  wrk -t2 -c16 -d3s -s bench/wrk_paths.lua "http://127.0.0.1:$balancer" -- "$tmp/paths.txt" >/dev/null
  echo -n "search c16: "
  wrk -t2 -c16 -d"${seconds}s" -s bench/wrk_paths.lua "http://127.0.0.1:$balancer" \
    -- "$tmp/paths.txt" | grep '^http:' | tee "$run/wrk.txt"
  python3 bench/cluster_writes.py --balancer "$balancer" --key "$key" --seconds "$seconds" \
    --replicas "$(
      IFS=,
      echo "${ports[*]}"
    )" | tee "$run/writes.txt"
  read -r rps p50 p99 <<<"$(sed -E 's/.*throughput=([0-9.]+).*p50=([0-9.]+).*p99=([0-9.]+).*/\1 \2 \3/' "$run/wrk.txt")"
  read -r wps wp50 wp99 <<<"$(sed -nE 's/^writes:.*throughput=([0-9.]+).*p50=([0-9.]+) p99=([0-9.]+)/\1 \2 \3/p' "$run/writes.txt")"
  lag=$(sed -nE 's/^lag:.*p50=([0-9.]+) p99=([0-9.]+).*/\1 \/ \2/p' "$run/writes.txt")
  config_lag=$(sed -nE 's/^config lag:.*p50=([0-9.]+) p99=([0-9.]+).*/\1 \/ \2/p' "$run/writes.txt")
  rows+=("| $count | $rps | $p50 / $p99 | $wps | $wp50 / $wp99 | ${lag:-n/a} | ${config_lag:-n/a} |")

  # A cluster reindex: the command builds and records the event, then every
  # replica builds the same generation and switches (all on these 2 cores).
  generation() { curl -s -H "X-API-Key: $key" "http://127.0.0.1:$1/v1/admin/state" | jq -r .generation; }
  before=$(generation "${ports[0]}")
  started=$(date +%s.%N)
  "$vitrine" reindex --data-dir "$run/staging" --nats "$nats" --quiet \
    --feed data/catalog/fashion-styles.jsonl.gz --feed data/catalog/myntra-products.jsonl.gz \
    --filterable-attributes usage,year >/dev/null
  recorded=$(date +%s.%N)
  for port in "${ports[@]}"; do
    until [ "$(generation "$port")" != "$before" ]; do sleep 0.1; done
  done
  switched=$(date +%s.%N)
  reindex_rows+=("| $count | $(elapsed "$started" "$recorded") | $(elapsed "$recorded" "$switched") |")

  # A replica restarted on its data directory: how long until it is ready
  # again (it reads the whole stream, replays what its generation lacks).
  last=$((count - 1))
  logged=$(curl -s -H "X-API-Key: $key" "http://127.0.0.1:${ports[$last]}/v1/admin/state" |
    jq .writes.logged_seq)
  kill "${replica_pids[$last]}"
  wait "${replica_pids[$last]}" 2>/dev/null || true
  started=$(date +%s.%N)
  VITRINE_ADMIN_KEY=$key VITRINE_SEARCH_KEY="" "$vitrine" serve --data-dir "$run/data$last" \
    --port "${ports[$last]}" --nats "$nats" --no-access-log --no-ui 2>"$run/serve$last-again.log" &
  pids+=($!)
  until curl -sf "http://127.0.0.1:${ports[$last]}/readyz" >/dev/null; do sleep 0.05; done
  restart_rows+=("| $count | $logged | $(elapsed "$started" "$(date +%s.%N)") |")
  stop_all
done

echo
echo "search: wrk -t2 -c16, ${seconds} s through haproxy, storefront workload paths, result cache on"
echo "writes: 4 clients PUT through haproxy for ${seconds} s; lag: a PUT on one replica until every other serves it"
echo "NATS: one nats-server node (stream R1) on the same machine; 2 cores shared by everything"
echo
echo "| replicas | search req/s | search p50 / p99 ms | acked writes/s | write p50 / p99 ms | visibility lag p50 / p99 ms | config lag p50 / p99 ms |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "cluster reindex of the bundled catalog: the command (build + event), then until every replica serves it"
echo "| replicas | command s | replicas switched after s |"
echo "|---|---|---|"
printf '%s\n' "${reindex_rows[@]}"
echo
echo "a replica restarted (SIGTERM, start): until /readyz answers 200"
echo "| replicas | writes in the log | ready after s |"
echo "|---|---|---|"
printf '%s\n' "${restart_rows[@]}"
