#!/usr/bin/env python3
"""A real Prometheus scrapes a real `vitrine serve`: the exposition, the job label and the
alert rules of deploy/ work together, not just each on its own.

  prometheus_scrape_test.py --vitrine build/test/cli/vitrine [--prometheus PATH]
                            [--promtool PATH] [--keep]

Indexes the fixture feed tests/testdata/products.jsonl into a temporary data directory,
serves it on an ephemeral loopback port, makes a few searches, and lints /metrics with
`promtool check metrics`. Then starts Debian's `prometheus` on another loopback port
with a temporary storage directory, scraping the server every second as job "vitrine"
(the job deploy/prometheus/prometheus.yml defines, and the one the rules select) and
evaluating deploy/prometheus/alerts.yaml every second. It waits (bounded) until
Prometheus's HTTP API answers with the target up, vitrine_searches_total counting the
searches, the search latency histogram usable by histogram_quantile, and every alert
rule evaluated without an error. Processes and temporary files are cleaned up whatever
happens. Python 3's standard library; prometheus and promtool from scripts/install-deps.sh.
"""

import argparse
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, List, Optional

sys.dont_write_bytecode = True
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FEED = os.path.join(REPO, "tests", "testdata", "products.jsonl")
RULES = os.path.join(REPO, "deploy", "prometheus", "alerts.yaml")
# Generous for the server: the test build runs under AddressSanitizer.
SERVER_START_S = 120
# Prometheus: start, two or three scrapes at 1 s and a rule evaluation.
SCRAPE_WAIT_S = 30
SEARCHES = ["shirt", "navy blue", "jeans", "running shoes", "zzqxv-nothing"]
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:")


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 10) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def tail(path: str, limit: int = 4000) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()[-limit:]
    except OSError:
        return ""


class Failure(Exception):
    pass


class Process:
    """A child process with its output in a file; stopped by stop()."""

    def __init__(self, name: str, argv: List[str], log_path: str, env=None):
        self.name, self.log_path = name, log_path
        self.output = open(log_path, "w")
        self.process = subprocess.Popen(argv, stdout=self.output, stderr=subprocess.STDOUT,
                                        env=env)

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 60) -> Optional[int]:
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                self.output.close()
                return None
        self.output.close()
        return self.process.returncode


def wait_for(what: str, deadline: float, probe: Callable[[], Optional[object]],
             process: Process) -> object:
    """Calls probe until it returns something other than None, or fails at the deadline."""
    last_error = ""
    while time.monotonic() < deadline:
        if not process.running():
            raise Failure(f"{process.name} exited ({process.process.returncode}) while waiting "
                          f"for {what}:\n{tail(process.log_path)}")
        try:
            found = probe()
            if found is not None:
                return found
        except (urllib.error.URLError, ConnectionError, OSError, ValueError) as error:
            last_error = str(error)
        time.sleep(0.2)
    raise Failure(f"timed out waiting for {what} {last_error}")


def query(prometheus: str, expression: str) -> List[dict]:
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expression})
    answer = json.loads(get(url))
    if answer.get("status") != "success":
        raise Failure(f"query {expression}: {answer}")
    return answer["data"]["result"]


def single_value(prometheus: str, expression: str) -> Optional[float]:
    result = query(prometheus, expression)
    return float(result[0]["value"][1]) if len(result) == 1 else None


def run(vitrine: str, prometheus_binary: str, promtool: str, work: str) -> None:
    data_dir = os.path.join(work, "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITRINE")}
    reindex = subprocess.run(
        [vitrine, "reindex", "--data-dir", data_dir, "--feed", FEED, "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, timeout=300)
    if reindex.returncode != 0 or SANITIZER_REPORT.search(reindex.stdout):
        raise Failure(f"vitrine reindex failed ({reindex.returncode}):\n{reindex.stdout}")
    log("ok   indexed tests/testdata/products.jsonl")

    processes: List[Process] = []
    server_log = os.path.join(work, "server.log")
    failed = False
    try:
        server = Process("vitrine serve", [vitrine, "serve", "--data-dir", data_dir, "--port", "0",
                                           "--address", "127.0.0.1", "--no-ui", "--no-access-log"],
                         server_log, env)
        processes.append(server)
        deadline = time.monotonic() + SERVER_START_S

        def listening() -> Optional[int]:
            found = re.search(r'"msg":"listening".*?"port":(\d+)', tail(server_log, 1 << 20))
            return int(found.group(1)) if found else None

        port = wait_for("the server to listen", deadline, listening, server)
        base = f"http://127.0.0.1:{port}"
        wait_for("/readyz", deadline, lambda: get(base + "/readyz") or None, server)
        for q in SEARCHES:
            get(f"{base}/v1/search?" + urllib.parse.urlencode({"q": q}))
        log(f"ok   server on port {port}, {len(SEARCHES)} searches made")

        # promtool lints the exposition as Prometheus will read it.
        exposition = get(base + "/metrics")
        lint = subprocess.run([promtool, "check", "metrics"], input=exposition,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        if lint.returncode != 0:
            raise Failure("promtool check metrics:\n" + lint.stdout.decode(errors="replace"))
        log("ok   promtool check metrics accepts /metrics")

        # Prometheus, as deploy/prometheus/prometheus.yml sets it up, at a 1 s pace.
        prometheus_port = free_port()
        config = os.path.join(work, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - {json.dumps(RULES)}
scrape_configs:
  - job_name: vitrine
    static_configs:
      - targets: ["127.0.0.1:{port}"]
""")
        prometheus_log = os.path.join(work, "prometheus.log")
        prometheus = Process("prometheus", [
            prometheus_binary, f"--config.file={config}",
            f"--storage.tsdb.path={os.path.join(work, 'tsdb')}",
            f"--web.listen-address=127.0.0.1:{prometheus_port}",
        ], prometheus_log)
        processes.append(prometheus)
        api = f"http://127.0.0.1:{prometheus_port}"
        started = time.monotonic()
        deadline = started + SCRAPE_WAIT_S
        wait_for("Prometheus to be ready", deadline,
                 lambda: get(api + "/-/ready", timeout=2) or None, prometheus)

        def scraped() -> Optional[bool]:
            up = single_value(api, 'up{job="vitrine"}')
            searches = single_value(api, 'vitrine_searches_total{job="vitrine"}')
            searched = single_value(api, 'vitrine_http_request_duration_seconds_count'
                                         '{job="vitrine",route="/v1/search"}')
            return True if up == 1 and searches is not None and searches >= len(SEARCHES) \
                and searched is not None and searched >= len(SEARCHES) else None

        wait_for("up == 1 and the searches in vitrine_searches_total", deadline, scraped,
                 prometheus)
        log(f"ok   Prometheus scraped the server ({time.monotonic() - started:.1f} s): up 1, "
            f"vitrine_searches_total {single_value(api, 'vitrine_searches_total')}")

        p99 = single_value(api, 'histogram_quantile(0.99, sum by (le) '
                                '(vitrine_http_request_duration_seconds_bucket'
                                '{job="vitrine",route="/v1/search"}))')
        if p99 is None or not math.isfinite(p99) or p99 <= 0:
            raise Failure(f"histogram_quantile over the search latency histogram gave {p99}")
        log(f"ok   search p99 from the histogram: {p99 * 1000:.3g} ms")
        zero = single_value(api, 'vitrine_search_zero_results_total{job="vitrine"}')
        if zero is None or zero < 1:
            raise Failure(f"vitrine_search_zero_results_total is {zero}, a search found nothing")
        log(f"ok   vitrine_search_zero_results_total {zero:g}")

        def rules_evaluated() -> Optional[List[dict]]:
            groups = json.loads(get(api + "/api/v1/rules"))["data"]["groups"]
            rules = [r for g in groups for r in g["rules"]]
            evaluated = all(not r.get("lastEvaluation", "").startswith("0001-") for r in rules)
            return rules if rules and evaluated else None

        rules = wait_for("every alert rule to be evaluated", deadline, rules_evaluated, prometheus)
        broken = [f"{r['name']}: {r.get('lastError')}" for r in rules if r.get("health") != "ok"]
        if broken:
            raise Failure("alert rules failed to evaluate on real series:\n" + "\n".join(broken))
        log(f"ok   all {len(rules)} alert rules of alerts.yaml evaluate on the scraped series")
    except BaseException:
        failed = True
        raise
    finally:
        problems = []
        for process in reversed(processes):
            code = process.stop()
            if process is processes[0]:  # the server: a clean, sanitizer-quiet exit
                if code != 0:
                    problems.append(f"vitrine serve exited with {code}")
                if SANITIZER_REPORT.search(tail(server_log, 1 << 20)):
                    problems.append("the server's log holds a sanitizer report")
        if problems and failed:  # the first failure is the one raised
            log("FAIL " + "; ".join(problems))
        elif problems:
            raise Failure("; ".join(problems) + "\n" + tail(server_log, 6000))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vitrine", required=True, help="the vitrine binary to test")
    parser.add_argument("--prometheus", default=shutil.which("prometheus"))
    parser.add_argument("--promtool", default=shutil.which("promtool"))
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    for program in ("prometheus", "promtool"):
        if not getattr(args, program):
            log(f"FAIL {program} is not installed (scripts/install-deps.sh installs prometheus)")
            return 1
    work = tempfile.mkdtemp(prefix="vitrine-scrape-test-")
    try:
        run(os.path.abspath(args.vitrine), args.prometheus, args.promtool, work)
    except Failure as failure:
        log(f"FAIL {failure}")
        return 1
    finally:
        if args.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log("prometheus scrape: all ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
