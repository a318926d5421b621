#!/usr/bin/env python3
"""Runs every shell example of README.md and docs/*.md against a real `vitrine serve` over
the bundled catalog and checks each response against the one the doc shows.

The catalog is indexed once per run, exactly as scripts/quickstart.sh indexes it (its
demo inventory and reindex commands are read from the script). Each markdown file then
gets a fresh copy of that data directory and its own server on a free loopback port, so
a walkthrough's writes (rules, versions, product changes) carry from one example to the
next within its file and never into another file. Examples run one at a time, in
document order, through bash as a reader would paste them; `127.0.0.1:8080` and
`localhost:8080` are pointed at the test server, `$VITRINE` is its address, `$ADMIN` the
key of an admin named "alice" and `$VITRINE_ADMIN_KEY` the plain admin key. How
examples are written: doc_examples.py; how their output is matched: expectations.py.

  run_doc_examples.py --vitrine build/test/cli/vitrine [--repo .] [--data-dir DIR]
                      [--verbose] [--keep] [FILE.md ...]

--data-dir reuses an already indexed data directory (copied, never changed) to skip the
indexing while editing docs; --verbose prints every response.
"""

import argparse
import glob
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import Dict, List, Optional

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import doc_examples  # noqa: E402
import expectations  # noqa: E402

# Generous: the test build runs everything under AddressSanitizer.
START_TIMEOUT_S = 300
COMMAND_TIMEOUT_S = 180
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak|Thread|Memory)Sanitizer|runtime error:")
LOCAL_ADDRESS = re.compile(r"http://(?:127\.0\.0\.1|localhost):8080\b")
# Every curl the examples run also dumps its response headers, for the status.
PREAMBLE = """set -o pipefail
curl() { command curl --max-time %d --dump-header "$DOC_TEST_HEADERS" "$@"; }
""" % (COMMAND_TIMEOUT_S - 10)


def log(message: str) -> None:
    print(message, flush=True)


def quickstart_indexing(repo: str, vitrine: str, data_dir: str, work: str) -> List[List[str]]:
    """The commands of scripts/quickstart.sh that make the index, in order: the demo
    inventory overlay (written into `work`), then the reindex with this binary."""
    script = open(os.path.join(repo, "scripts", "quickstart.sh"), encoding="utf-8").read()
    substitutions = {"$data_dir": data_dir,
                     "$overlay": os.path.join(work, "demo-inventory.jsonl.gz")}
    commands = []
    for command in script.replace("\\\n", " ").split("\n"):
        try:
            words = shlex.split(command, comments=True)
        except ValueError:  # prose in a heredoc
            continue
        if len(words) > 1 and words[0] == "python3" and words[1] == "data/demo/make_inventory.py":
            argv = [sys.executable] + words[1:]
        elif len(words) > 1 and words[0].endswith("/cli/vitrine") and words[1] == "reindex":
            argv = [vitrine] + words[1:]
        else:
            continue
        argv = [argv[0]] + [substitutions.get(word, word) for word in argv[1:]]
        unknown = [word for word in argv[1:] if "$" in word]
        if unknown:
            raise SystemExit(f"quickstart.sh's indexing uses unknown variables: {unknown}")
        commands.append(argv)
        if argv[0] == vitrine:
            return commands
    raise SystemExit("no `vitrine reindex` command found in scripts/quickstart.sh")


def index_catalog(repo: str, vitrine: str, work: str, data_dir: str = "") -> str:
    data_dir = data_dir or os.path.join(work, "catalog")
    started = time.monotonic()
    report_path = os.path.join(work, "reindex.log")
    for argv in quickstart_indexing(repo, vitrine, data_dir, work):
        log("indexing the bundled catalog: " + " ".join(shlex.quote(a) for a in argv))
        with open(report_path, "w") as output:
            code = subprocess.call(argv, cwd=repo, stdout=output, stderr=subprocess.STDOUT)
        report = open(report_path, encoding="utf-8").read()
        if code != 0 or SANITIZER_REPORT.search(report):
            sys.stdout.write(report[-4000:])
            raise SystemExit(f"{os.path.basename(argv[0])} failed (exit {code})")
    log(f"indexed in {time.monotonic() - started:.1f} s")
    return data_dir


class Server:
    """`vitrine serve` on a free loopback port, over its own copy of the data dir."""

    def __init__(self, vitrine: str, data_dir: str, logs: str, env: Dict[str, str]):
        self.stderr_path = os.path.join(logs, "server.stderr")
        self.process = subprocess.Popen(
            [vitrine, "serve", "--data-dir", data_dir, "--port", "0", "--address", "127.0.0.1"],
            stdout=open(os.path.join(logs, "server.stdout"), "w"),
            stderr=open(self.stderr_path, "w"),
            env=env,
        )
        self.port = self._wait_for_port()
        self._wait_until_ready()

    def log(self) -> str:
        return open(self.stderr_path, encoding="utf-8", errors="replace").read()

    def _wait_for_port(self) -> int:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            found = re.search(r'"msg":"listening".*?"port":(\d+)', self.log())
            if found:
                return int(found.group(1))
            if self.process.poll() is not None:
                raise SystemExit(f"vitrine serve exited ({self.process.returncode}):\n{self.log()}")
            time.sleep(0.1)
        self.process.kill()
        raise SystemExit(f"vitrine serve did not listen within {START_TIMEOUT_S} s")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        url = f"http://127.0.0.1:{self.port}/readyz"
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.2)
        self.process.kill()
        raise SystemExit(f"vitrine serve was not ready within {START_TIMEOUT_S} s")

    def stop(self) -> List[str]:
        """Stops the server gracefully; the problems seen (exit code, sanitizer reports)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=START_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return ["vitrine serve did not stop on SIGTERM"]
        problems = [] if code == 0 else [f"vitrine serve exited with {code}"]
        if SANITIZER_REPORT.search(self.log()):
            problems.append("the server's log holds a sanitizer report")
        if problems:
            problems.append(self.log()[-6000:])
        return problems


def http_status(headers_path: str) -> Optional[int]:
    """The status of the last response curl received (None if it ran no curl)."""
    if not os.path.exists(headers_path):
        return None
    lines = open(headers_path, encoding="latin-1").read().split("\n")
    statuses = [line.split()[1] for line in lines if re.match(r"HTTP/\S+ \d{3}", line)]
    return int(statuses[-1]) if statuses else 0


def check(example: doc_examples.Example, status: Optional[int], output: str) -> List[str]:
    problems = []
    if status is not None:
        if example.status is not None:
            if status != example.status:
                problems.append(f"status {status}, the doc states {example.status}")
        elif expectations.shows_error(example.expected):
            problems.append("the doc shows an error without its status (write `# 400` after it)")
        elif not 200 <= status < 300:
            problems.append(f"status {status} (0: no response), the doc shows a success")
    if example.expected:
        problems.extend(expectations.compare(example.expected, output))
    return problems


def run_example(
    example: doc_examples.Example, port: int, env: Dict[str, str], cwd: str, verbose: bool
) -> List[str]:
    command = LOCAL_ADDRESS.sub(f"http://127.0.0.1:{port}", example.command)
    headers = env["DOC_TEST_HEADERS"]
    if os.path.exists(headers):
        os.remove(headers)
    try:
        run = subprocess.run(
            ["bash", "-c", PREAMBLE + command],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,  # a terminal shows both: so does the doc
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return [f"did not finish within {COMMAND_TIMEOUT_S} s"]
    status = http_status(headers)
    if verbose:
        log(f"--- {example.path}:{example.line} status {status}\n{run.stdout.rstrip()}")
    problems = []
    if run.returncode != 0:
        problems.append(f"exit code {run.returncode}")
    if SANITIZER_REPORT.search(run.stdout):
        problems.append("sanitizer report (below)")
    problems.extend(check(example, status, run.stdout))
    if problems:
        shown = run.stdout if len(run.stdout) < 3000 else run.stdout[:3000] + " [...]"
        problems.append(f"output:\n{shown.rstrip()}")
    return problems


def run_file(
    path: str, examples: List[doc_examples.Example], template: str, work: str, args
) -> int:
    """Runs one file's examples on a fresh server; how many failed (a server that
    ends badly fails the file's last example too, so the run cannot pass)."""
    root = os.path.join(work, re.sub(r"[^\w.-]", "_", path))
    # The examples' working directory looks like the repository's (data/ is the
    # bundled data), so commands with relative paths run as a reader runs them there.
    cwd = os.path.join(root, "cwd")
    os.makedirs(cwd)
    os.symlink(os.path.join(args.repo, "data"), os.path.join(cwd, "data"))
    data_dir = os.path.join(root, "served")
    shutil.copytree(template, data_dir, symlinks=True)
    admin_key, alice_key = secrets.token_hex(16), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITRINE")}
    file_env = doc_examples.server_env(open(os.path.join(args.repo, path), encoding="utf-8").read())
    server_env = dict(
        env, VITRINE_ADMIN_KEY=admin_key, VITRINE_ADMIN_KEYS=f"alice:{alice_key}", **file_env
    )
    server = Server(args.vitrine, data_dir, root, server_env)
    bin_dir = os.path.join(work, "bin")
    env.update(
        VITRINE=f"http://127.0.0.1:{server.port}",
        ADMIN=alice_key,
        VITRINE_ADMIN_KEY=admin_key,
        DOC_TEST_HEADERS=os.path.join(root, "headers"),
        PATH=bin_dir + os.pathsep + env.get("PATH", ""),
        **file_env,
    )
    failed = 0
    try:
        for example in examples:
            started = time.monotonic()
            problems = run_example(example, server.port, env, cwd, args.verbose)
            took = time.monotonic() - started
            first_line = example.command.split("\n")[0]
            if problems:
                failed += 1
                log(f"FAIL {example.path}:{example.line} ({took:.1f} s)  {first_line}")
                for problem in problems:
                    log("     " + problem.replace("\n", "\n     "))
            else:
                log(f"ok   {example.path}:{example.line} ({took:.1f} s)  {first_line}")
    finally:
        problems = server.stop()
    if problems:
        failed = max(failed, 1)
        log(f"FAIL {path}: the server: " + "\n     ".join(problems))
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vitrine", required=True, help="the vitrine binary to test")
    parser.add_argument("--repo", default=".", help="the repository root")
    parser.add_argument("--data-dir", help="an indexed data dir to copy instead of indexing")
    parser.add_argument(
        "--index-into",
        help="only index the bundled catalog into this (new) data dir, as the quickstart does",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--verbose", action="store_true", help="print every response")
    parser.add_argument("files", nargs="*", help="markdown files (default README.md docs/*.md)")
    args = parser.parse_args()
    args.vitrine = os.path.abspath(args.vitrine)
    repo = args.repo = os.path.abspath(args.repo)
    if args.index_into:
        # The index other suites copy (ctest's bundled_catalog fixture).
        target = os.path.abspath(args.index_into)
        shutil.rmtree(target, ignore_errors=True)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        index_catalog(repo, args.vitrine, os.path.dirname(target), target)
        return 0
    files = args.files or ["README.md"] + sorted(
        os.path.relpath(p, repo) for p in glob.glob(os.path.join(repo, "docs", "*.md"))
    )

    # Every file is read before anything starts: a doc the runner cannot read fails fast.
    plan, unreadable = [], False
    for path in files:
        text = open(os.path.join(repo, path), encoding="utf-8").read()
        try:
            examples, skipped = doc_examples.extract(path, text)
        except doc_examples.DocErrors as errors:
            for error in errors.errors:
                log(f"FAIL {error}")
            unreadable = True
            continue
        for skip in skipped:
            log(f"skip {skip.path}:{skip.line}  {skip.reason}")
        if examples:
            plan.append((path, examples))
    if unreadable:
        return 1
    total = sum(len(examples) for _, examples in plan)
    log(f"{total} examples in {len(plan)} files")
    if total == 0:
        log("FAIL no examples found")
        return 1

    work = tempfile.mkdtemp(prefix="vitrine-doc-test-")
    started = time.monotonic()
    try:
        os.makedirs(os.path.join(work, "bin"))
        os.symlink(args.vitrine, os.path.join(work, "bin", "vitrine"))
        template = os.path.abspath(args.data_dir) if args.data_dir else index_catalog(
            repo, args.vitrine, work
        )
        failed = sum(run_file(path, examples, template, work, args) for path, examples in plan)
    finally:
        if args.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"{total - failed} of {total} examples as documented ({time.monotonic() - started:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
