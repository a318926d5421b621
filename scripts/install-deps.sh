#!/usr/bin/env bash
# Installs Vitrine's build and test dependencies from Debian 12 packages.
# Skips apt entirely when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libxapian-dev xapian-tools libicu-dev libboost-dev libboost-system-dev
  nlohmann-json3-dev libabsl-dev librocksdb-dev zlib1g-dev
  libjemalloc-dev  # the allocator of the vitrine binary (CMakeLists.txt says why)
  libnats-dev nats-server  # a cluster's replicated write log (NATS JetStream) and its tests
  libssl-dev  # SHA-256 of the feeds a cluster reindex names (OpenSSL EVP)
  haproxy  # the load balancer of bench/cluster.sh and the cluster tests
  prometheus  # promtool: the cluster tests lint a replica's /metrics exposition
  libgtest-dev libgmock-dev libbenchmark-dev
  curl wrk
  jq python3  # the docs' examples pipe through jq; tests/docs runs them with Python
  python3-yaml  # tests/deploy reads the compose, Kubernetes and Grafana files
  clang libclang-rt-14-dev  # tests/fuzz: libFuzzer and the sanitizer runtimes for clang
)
# The storefront and console (-DVITRINE_BUILD_UI=ON, as scripts/quickstart.sh
# builds them) need Node >= 18 and npm: Debian's only when no node is installed
# (a Node that ships its own npm conflicts with Debian's npm package). Their
# browser tests drive Debian's Chromium, installed when missing.
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
# tests/deploy renders deploy/k8s with `kubectl kustomize`: Debian's kubectl
# (kubernetes-client) when none is installed (another kubectl package would
# conflict with it over /usr/bin/kubectl).
command -v kubectl >/dev/null 2>&1 || packages+=(kubernetes-client)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
