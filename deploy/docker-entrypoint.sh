#!/bin/sh
# The entrypoint of Vitrine's image (deploy/Dockerfile).
#
#   serve [FLAGS...]   index the data directory if it has no index yet (below), then
#                      exec `vitrine serve` with the flags the environment gives,
#                      followed by FLAGS (a flag given twice: the last one counts);
#   index-if-empty     only the indexing step, then exit (a Kubernetes initContainer);
#   anything else      run as a command: `vitrine` is on the PATH, so
#                      `docker run --rm -v DATA:/data IMAGE vitrine search --data-dir /data tee`
#                      runs any other vitrine command (and `... IMAGE sh` a shell).
#
# Environment (the image sets the defaults shown):
#   VITRINE_DATA_DIR=/data         --data-dir
#   VITRINE_ADDRESS=0.0.0.0        --address
#   VITRINE_PORT=8080              --port (the HEALTHCHECK reads it too: change the
#                                  port here, not with a flag)
#   VITRINE_UI_DIR=/opt/vitrine/ui --ui-dir; empty: --no-ui (the API alone)
#   VITRINE_THREADS, VITRINE_CACHE_MB, VITRINE_DRAIN_MS, VITRINE_IDEMPOTENCY_HOURS
#                                  --threads, --cache-mb, --drain-ms,
#                                  --idempotency-hours (unset: the binary's defaults)
#   VITRINE_NATS, VITRINE_NATS_REPLICAS
#                                  --nats URL[,URL...], --nats-replicas: a replica of
#                                  a cluster (docs/operations.md)
#   VITRINE_ACCESS_LOG=0           --no-access-log
#   VITRINE_INDEX_FEEDS            feeds (space-separated paths) indexed into an empty
#                                  data directory: the bundled catalog by default;
#                                  empty: never index here (a new replica then waits
#                                  for its cluster's last reindex event)
#   VITRINE_INDEX_SUPPLEMENTAL_FEEDS
#                                  supplemental feeds (space-separated) merged into
#                                  those feeds' products by id: the synthetic demo
#                                  inventory overlay of the bundled catalog by default
#                                  (data/README.md); set it to "" with feeds of your own
#   VITRINE_INDEX_FLAGS            more `vitrine reindex` flags for that build (default,
#                                  as scripts/quickstart.sh: --filterable-attributes
#                                  usage,year)
#   VITRINE_ADMIN_KEY(S), VITRINE_SEARCH_KEY(S), VITRINE_ANALYZERS_DIR, ...
#                                  read by the binary itself (README.md); a key
#                                  holding CHANGE-ME (deploy/k8s/secrets.env's
#                                  placeholder) stops `serve` from starting
#
# "Empty" means no DIR/CURRENT: a reindex writes CURRENT last (an atomic rename),
# so a build that was killed half way is simply done again at the next start (and
# `vitrine serve` removes the abandoned partial generation). Every replica that
# indexes the same feeds builds the same generation: builds are deterministic.
set -eu

# VITRINE_BINARY: for tests/deploy/check_deploy.py, which runs this script over a stub.
vitrine=${VITRINE_BINARY:-/usr/local/bin/vitrine}
data_dir=${VITRINE_DATA_DIR:-/data}

log() { printf 'docker-entrypoint: %s\n' "$*" >&2; }

index_if_empty() {
  if [ -f "$data_dir/CURRENT" ]; then
    log "$data_dir already holds an index (generation $(cat "$data_dir/CURRENT"))"
    return 0
  fi
  if [ -z "${VITRINE_INDEX_FEEDS:-}" ]; then
    log "$data_dir holds no index and VITRINE_INDEX_FEEDS is empty: not indexing here"
    return 0
  fi
  set --
  for feed in $VITRINE_INDEX_FEEDS; do set -- "$@" --feed "$feed"; done
  for feed in ${VITRINE_INDEX_SUPPLEMENTAL_FEEDS:-}; do set -- "$@" --supplemental-feed "$feed"; done
  log "indexing into empty $data_dir: $VITRINE_INDEX_FEEDS"
  # VITRINE_INDEX_FLAGS is split into words on purpose.
  # shellcheck disable=SC2086
  "$vitrine" reindex --data-dir "$data_dir" ${VITRINE_INDEX_FLAGS:-} "$@"
}

# A key left at the placeholder of deploy/k8s/secrets.env would open the write
# and config routes to anyone who has read this repository.
refuse_placeholder_keys() {
  for value in "${VITRINE_ADMIN_KEY:-}" "${VITRINE_ADMIN_KEYS:-}" "${VITRINE_SEARCH_KEY:-}" \
    "${VITRINE_SEARCH_KEYS:-}"; do
    case $value in
      *CHANGE-ME*)
        log "an API key still holds the placeholder CHANGE-ME: set a real one"
        exit 64
        ;;
    esac
  done
}

command=${1:-serve}
[ $# -gt 0 ] && shift

case $command in
  serve)
    refuse_placeholder_keys
    index_if_empty
    # The defaults come first: flags the caller gives ("$@") come later and win.
    set -- --data-dir "$data_dir" --address "${VITRINE_ADDRESS:-0.0.0.0}" \
      --port "${VITRINE_PORT:-8080}" "$@"
    if [ -n "${VITRINE_UI_DIR:-}" ]; then
      set -- --ui-dir "$VITRINE_UI_DIR" "$@"
    else
      set -- --no-ui "$@"
    fi
    [ -n "${VITRINE_THREADS:-}" ] && set -- --threads "$VITRINE_THREADS" "$@"
    [ -n "${VITRINE_CACHE_MB:-}" ] && set -- --cache-mb "$VITRINE_CACHE_MB" "$@"
    [ -n "${VITRINE_DRAIN_MS:-}" ] && set -- --drain-ms "$VITRINE_DRAIN_MS" "$@"
    [ -n "${VITRINE_IDEMPOTENCY_HOURS:-}" ] &&
      set -- --idempotency-hours "$VITRINE_IDEMPOTENCY_HOURS" "$@"
    [ -n "${VITRINE_NATS:-}" ] && set -- --nats "$VITRINE_NATS" "$@"
    [ -n "${VITRINE_NATS_REPLICAS:-}" ] && set -- --nats-replicas "$VITRINE_NATS_REPLICAS" "$@"
    [ "${VITRINE_ACCESS_LOG:-1}" = 0 ] && set -- --no-access-log "$@"
    exec "$vitrine" serve "$@"
    ;;
  index-if-empty)
    index_if_empty
    ;;
  *)
    exec "$command" "$@"
    ;;
esac
