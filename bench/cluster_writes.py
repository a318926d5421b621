#!/usr/bin/env python3
"""Writes through a cluster, for bench/cluster.sh: acknowledged writes per second and
their latency (PUTs through the load balancer from `--clients` keep-alive
connections for `--seconds`), then the cross-replica visibility lag (a PUT on one
replica, then GETs of that product on every other until each answers 200;
`--lag-samples` times, one at a time, at random moments). Prints two lines:

  writes: clients=4 acked=... errors=... throughput=... writes/s latency_ms p50=... p99=...
  lag: samples=200 latency_ms p50=... p99=... max=...
  config lag: samples=50 latency_ms p50=... p99=... max=...

The config lag is a ranking change on one replica (PUT /v1/config/ranking)
until every other serves its version (GET /v1/config).

  cluster_writes.py --balancer PORT --replicas PORT,PORT[,...] --key ADMIN_KEY
"""

import argparse
import http.client
import json
import random
import threading
import time


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def put(connection, key, product_id, price):
    body = json.dumps({"title": "Cluster bench tee", "brand": "Bench", "price": price})
    connection.request("PUT", "/v1/products/" + product_id, body,
                       {"X-API-Key": key, "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    return response.status


def writes(port, key, clients, seconds):
    latencies, errors = [], [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        i = 0
        while time.monotonic() < deadline:
            start = time.monotonic()
            status = put(connection, key, "bench-%d-%d" % (number, i % 500), i)
            elapsed = time.monotonic() - start
            with lock:
                if status in (200, 201):
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print("writes: clients=%d acked=%d errors=%d throughput=%.0f writes/s latency_ms p50=%.2f p99=%.2f"
          % (clients, len(latencies), errors[0], len(latencies) / seconds,
             percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000), flush=True)


def wait_for(reader, path, headers, seen, since, what):
    """GETs `path` until seen(status, body) holds; more than 10 s after `since` is an error."""
    while True:
        reader.request("GET", path, headers=headers)
        response = reader.getresponse()
        if seen(response.status, response.read()):
            return
        if time.monotonic() - since > 10:
            raise SystemExit("%s not visible after 10 s" % what)
        time.sleep(0.001)


def report(name, lags):
    print("%s: samples=%d latency_ms p50=%.1f p99=%.1f max=%.1f"
          % (name, len(lags), percentile(lags, 0.5) * 1000, percentile(lags, 0.99) * 1000,
             max(lags) * 1000), flush=True)


def lag(ports, key, samples):
    lags = []
    writer = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=10)
    readers = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for port in ports[1:]]
    for i in range(samples):
        # At a random moment: right after the previous write became visible is
        # right after a replica's commit, which would bias every sample.
        time.sleep(random.uniform(0, 0.2))
        product_id = "lag-%d" % i
        if put(writer, key, product_id, i) not in (200, 201):
            continue
        written = time.monotonic()
        for reader in readers:  # seen on every other replica
            wait_for(reader, "/v1/products/" + product_id, {}, lambda status, _: status == 200,
                     written, "write %s" % product_id)
        lags.append(time.monotonic() - written)
    report("lag", lags)


def config_lag(ports, key, samples):
    lags = []
    headers = {"X-API-Key": key, "Content-Type": "application/json"}
    writer = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=10)
    readers = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for port in ports[1:]]
    for i in range(samples):
        time.sleep(random.uniform(0, 0.2))
        body = json.dumps({"signals": {"popularity": (i % 5) / 10}})
        writer.request("PUT", "/v1/config/ranking", body, headers)
        response = writer.getresponse()
        answer = response.read()
        if response.status != 200:
            continue
        version = json.loads(answer)["version"]
        written = time.monotonic()
        for reader in readers:
            wait_for(reader, "/v1/config", {"X-API-Key": key},
                     lambda _, body: json.loads(body).get("version", 0) >= version,
                     written, "config version %d" % version)
        lags.append(time.monotonic() - written)
    report("config lag", lags)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--balancer", type=int, required=True)
    parser.add_argument("--replicas", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--lag-samples", type=int, default=200)
    args = parser.parse_args()
    writes(args.balancer, args.key, args.clients, args.seconds)
    ports = [int(port) for port in args.replicas.split(",")]
    if len(ports) > 1:
        lag(ports, args.key, args.lag_samples)
        config_lag(ports, args.key, 50)


if __name__ == "__main__":
    main()
