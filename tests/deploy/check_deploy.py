#!/usr/bin/env python3
"""Checks the deployment files of deploy/ against each other, against the project's own
scripts and flags, and with the tools that read them (ctest -L deploy runs each check).

  check_deploy.py dockerfile [--vitrine BINARY]   deploy/Dockerfile, its entrypoint, .dockerignore
  check_deploy.py compose                         deploy/compose.yaml and the files it mounts
  check_deploy.py kustomize                       deploy/k8s, rendered by `kubectl kustomize`
  check_deploy.py grafana                         Grafana provisioning, prometheus.yml (promtool)

Each prints one line per fact checked ("ok" or "FAIL") and exits 1 if any failed. A tool a
check needs (kubectl, promtool, haproxy, nats-server: scripts/install-deps.sh installs
them) that is missing fails the check and says so; only `docker compose config`, which
Debian 12 does not package, is run when present and reported as skipped otherwise. Python
3's standard library and python3-yaml.
"""

import argparse
import base64
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Set, Tuple

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
try:
    import yaml
except ImportError:  # pragma: no cover - reported, not tested
    sys.exit("FAIL python3-yaml is missing (scripts/install-deps.sh installs it)")

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(REPO, "deploy")
# What a shutdown needs beyond the preStop pause and `serve --drain-ms`: in-flight
# requests finishing, threads joining, RocksDB closing. The grace period (Kubernetes'
# terminationGracePeriodSeconds, compose's stop_grace_period) must leave this much.
SHUTDOWN_MARGIN_S = 10
# Libraries every debian:bookworm-slim image has (apt itself needs them).
BASE_IMAGE_PACKAGES = {"libc6", "libgcc-s1", "libstdc++6"}
SANITIZER_RUNTIME = re.compile(r"^lib(asan|ubsan|tsan|lsan)\d*$")


class Report:
    """Collects the checks' outcomes; prints each as it comes."""

    def __init__(self) -> None:
        self.failures = 0

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        if ok:
            print(f"ok   {what}", flush=True)
        else:
            self.failures += 1
            print(f"FAIL {what}" + (f": {detail}" if detail else ""), flush=True)
        return ok

    def skip(self, what: str, why: str) -> None:
        print(f"skip {what}: {why}", flush=True)


def read(path: str) -> str:
    with open(path, encoding="utf-8") as f:
        return f.read()


def tool(report: Report, name: str, package: str) -> Optional[str]:
    """The path of a program scripts/install-deps.sh installs; a failed check if missing."""
    path = shutil.which(name)
    report.check(
        path is not None,
        f"{name} is installed",
        f"not on PATH; scripts/install-deps.sh installs it (Debian package {package})",
    )
    return path


def run(argv: List[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          timeout=120, **kwargs)


def seconds(text) -> float:
    """"15s", "1m30s", 30 -> seconds."""
    if isinstance(text, (int, float)):
        return float(text)
    total, found = 0.0, False
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", str(text)):
        total += float(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
        found = True
    if not found:
        raise ValueError(f"not a duration: {text!r}")
    return total


# --- what the project itself says ------------------------------------------------------


def serve_flags() -> Tuple[Set[str], Set[str], int]:
    """`vitrine serve`'s flags and switches, and --drain-ms's default, from cli/."""
    source = read(os.path.join(REPO, "cli", "serve_command.cc"))
    body = source[source.index("int ServeCommand"):]
    # However clang-format lays the call out.
    parse = re.search(r"Flags::Parse\(\s*argc,\s*argv,\s*\{([^}]*)\},\s*\{([^}]*)\}\)", body)
    drain = re.search(r'flags->Int\("drain-ms",\s*(\d+)\)', body)
    if not parse or not drain:
        raise SystemExit("FAIL cannot read serve's flags from cli/serve_command.cc")
    names = lambda text: set(re.findall(r'"([a-z0-9-]+)"', text))  # noqa: E731
    return names(parse.group(1)), names(parse.group(2)), int(drain.group(1))


def quickstart() -> Dict[str, object]:
    """The commands scripts/quickstart.sh runs: the dependency install, the build and the
    demo inventory overlay (with $build_dir and $overlay substituted), and the reindex's
    flags (without --data-dir, --feed and --supplemental-feed) and feeds."""
    script = read(os.path.join(REPO, "scripts", "quickstart.sh"))
    build_dir = re.search(r"^build_dir=(\S+)$", script, re.M)
    if not build_dir:
        raise SystemExit("FAIL no build_dir= in scripts/quickstart.sh")
    found: Dict[str, object] = {"build_dir": build_dir.group(1)}
    overlay = re.search(r"^overlay=(\S+)$", script, re.M)
    variables = {"$build_dir": build_dir.group(1)}
    if overlay:
        variables["$overlay"] = overlay.group(1).replace("$build_dir", build_dir.group(1))
    for line in script.replace("\\\n", " ").split("\n"):
        try:
            words = shlex.split(line, comments=True)
        except ValueError:  # prose in the heredoc
            continue
        if not words:
            continue
        for name in sorted(variables, key=len, reverse=True):
            words = [w.replace(name, variables[name]) for w in words]
        if words[0] == "scripts/install-deps.sh":
            found["install"] = words
        elif words[0] == "scripts/build.sh":
            found["build"] = words
        elif words[0] == "python3" and words[1:2] == ["data/demo/make_inventory.py"]:
            found["overlay"] = words
        elif words[0].endswith("/cli/vitrine") and words[1:2] == ["reindex"]:
            flags, feeds, supplemental, i = [], [], [], 2
            while i < len(words):
                if words[i] in ("--data-dir", "--feed", "--supplemental-feed"):
                    if words[i] == "--feed":
                        feeds.append(words[i + 1])
                    elif words[i] == "--supplemental-feed":
                        supplemental.append(words[i + 1])
                    i += 2
                else:
                    flags.append(words[i])
                    i += 1
            found["reindex_flags"], found["feeds"] = flags, feeds
            found["supplemental_feeds"] = supplemental
    for key in ("install", "build", "overlay", "reindex_flags"):
        if key not in found:
            raise SystemExit(f"FAIL scripts/quickstart.sh: no {key} command found")
    return found


# --- Dockerfile ------------------------------------------------------------------------


class Instruction:
    def __init__(self, keyword: str, args: str, line: int):
        self.keyword, self.args, self.line = keyword, args, line

    def options_and_rest(self) -> Tuple[Dict[str, str], str]:
        """Leading --name=value options (RUN --mount, COPY --from) and the rest."""
        options, rest = {}, self.args
        while True:
            match = re.match(r"--([a-z-]+)=(\S+)\s+", rest)
            if not match:
                return options, rest
            options[match.group(1)] = match.group(2)
            rest = rest[match.end():]

    def json_or_words(self) -> List[str]:
        rest = self.options_and_rest()[1].strip()
        if rest.startswith("["):
            return json.loads(rest)
        return shlex.split(rest)


def parse_dockerfile(path: str) -> List[List[Instruction]]:
    """The stages of a Dockerfile, each a list of instructions (continuations joined,
    comments dropped as Docker drops them)."""
    stages: List[List[Instruction]] = []
    pending, start = "", 0
    for number, raw in enumerate(read(path).split("\n"), start=1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if not pending:
            start = number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        text = (pending + stripped).strip()
        pending = ""
        if not text:
            continue
        keyword, _, args = text.partition(" ")
        instruction = Instruction(keyword.upper(), args.strip(), start)
        if instruction.keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def dockerignore_patterns() -> List[str]:
    path = os.path.join(REPO, ".dockerignore")
    if not os.path.exists(path):
        return []
    patterns = []
    for line in read(path).split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(line.strip("/").replace("**/", ""))
    return patterns


def ignored(path: str, patterns: List[str]) -> bool:
    """Whether .dockerignore keeps `path` (or a folder holding it) out of the context."""
    parts = path.strip("/").split("/")
    for i in range(1, len(parts) + 1):
        prefix = "/".join(parts[:i])
        for pattern in patterns:
            if fnmatch.fnmatch(prefix, pattern) or fnmatch.fnmatch(parts[i - 1], pattern):
                return True
    return False


def runtime_packages(stage: List[Instruction]) -> List[str]:
    """The packages the stage's `apt-get install` lines name."""
    packages: List[str] = []
    for instruction in stage:
        if instruction.keyword != "RUN":
            continue
        for command in re.split(r"&&|;", instruction.args):
            words = shlex.split(command)
            if "apt-get" in words and "install" in words:
                packages += [w for w in words[words.index("install") + 1:]
                             if not w.startswith("-")]
    return packages


def dpkg_depends_closure(packages: List[str]) -> Set[str]:
    """The packages and, recursively, what they depend on, as dpkg records it for the
    installed ones (every runtime library package is installed where the -dev ones are)."""
    seen: Set[str] = set()
    todo = list(packages)
    while todo:
        package = todo.pop()
        if package in seen:
            continue
        seen.add(package)
        query = run(["dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}", package])
        if query.returncode != 0:
            continue
        for alternative in re.split(r"[,|]", query.stdout):
            name = re.sub(r"\(.*?\)|:\w+", "", alternative).strip()
            if name:
                todo.append(name)
    return seen


def linked_packages(report: Report, binary: str) -> Optional[Dict[str, str]]:
    """{Debian package: library} for every shared library `binary` loads (ldd)."""
    ldd = run(["ldd", binary])
    if not report.check(ldd.returncode == 0, f"ldd {os.path.basename(binary)}", ldd.stdout):
        return None
    found: Dict[str, str] = {}
    unowned: List[str] = []
    for line in ldd.stdout.split("\n"):
        match = re.match(r"\s*(\S+) => (/\S+)", line)
        if not match:
            continue
        name, path = match.groups()
        candidates = {path, os.path.realpath(path)}
        for candidate in list(candidates):  # merged /usr: dpkg may know either spelling
            if candidate.startswith("/usr/lib/"):
                candidates.add(candidate[len("/usr"):])
            elif candidate.startswith("/lib/"):
                candidates.add("/usr" + candidate)
        owner = None
        for candidate in candidates:
            query = run(["dpkg-query", "-S", candidate])
            if query.returncode == 0:
                owner = query.stdout.split(":")[0].strip()
                break
        if owner:
            found[owner] = name
        else:
            unowned.append(path)
    report.check(not unowned, "every library `ldd vitrine` names belongs to a Debian package",
                 str(unowned))
    return found


def check_entrypoint(report: Report, env: Dict[str, str], qs: Dict[str, object]) -> None:
    """Runs deploy/docker-entrypoint.sh over a stub `vitrine` that records its arguments."""
    entrypoint = os.path.join(DEPLOY, "docker-entrypoint.sh")
    report.check(os.access(entrypoint, os.X_OK), "docker-entrypoint.sh is executable")
    serve_known, serve_switches, _ = serve_flags()
    with tempfile.TemporaryDirectory(prefix="vitrine-entrypoint-") as work:
        calls = os.path.join(work, "calls")
        stub = os.path.join(work, "vitrine")
        with open(stub, "w") as f:
            # One line per call: the arguments, tab-separated; a reindex makes CURRENT.
            f.write("#!/bin/sh\n"
                    f"printf '%s\\t' \"$@\" >> {shlex.quote(calls)}\n"
                    f"echo >> {shlex.quote(calls)}\n"
                    "if [ \"$1\" = reindex ]; then echo 000001 > \"$3/CURRENT\"; fi\n")
        os.chmod(stub, 0o755)
        data_dir = os.path.join(work, "data")
        os.makedirs(data_dir)
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("VITRINE")}
        base_env.update(env)
        base_env.update(VITRINE_BINARY=stub, VITRINE_DATA_DIR=data_dir,
                        VITRINE_ADMIN_KEY="a-real-key")

        def entry(*args: str, **extra: str) -> Tuple[int, List[List[str]], str]:
            if os.path.exists(calls):
                os.remove(calls)
            result = run(["sh", entrypoint, *args], env=dict(base_env, **extra))
            recorded = []
            if os.path.exists(calls):
                recorded = [line.rstrip("\t").split("\t") for line in read(calls).splitlines()]
            return result.returncode, recorded, result.stdout

        code, recorded, output = entry("serve", "--port", "9000", "--cache-mb", "0")
        report.check(code == 0 and len(recorded) == 2,
                     "entrypoint serve, empty data dir: reindex then serve",
                     f"{recorded} {output}")
        if len(recorded) == 2:
            reindex, serve = recorded
            valued = ("--data-dir", "--feed", "--supplemental-feed")
            flags = [w for i, w in enumerate(reindex)
                     if w not in valued and reindex[i - 1] not in valued and i > 0]
            feeds = [reindex[i + 1] for i, w in enumerate(reindex) if w == "--feed"]
            supplemental = [reindex[i + 1] for i, w in enumerate(reindex)
                            if w == "--supplemental-feed"]
            report.check(flags == qs["reindex_flags"],
                         "the first-start reindex uses scripts/quickstart.sh's flags",
                         f"{flags} != {qs['reindex_flags']}")
            report.check([os.path.basename(f) for f in feeds]
                         == [os.path.basename(f) for f in qs["feeds"]],
                         "the first-start reindex indexes quickstart's feeds", str(feeds))
            report.check([os.path.basename(f) for f in supplemental]
                         == [os.path.basename(f) for f in qs["supplemental_feeds"]],
                         "the first-start reindex merges quickstart's supplemental feeds",
                         str(supplemental))
            report.check(serve[0] == "serve"
                         and serve[-4:] == ["--port", "9000", "--cache-mb", "0"],
                         "flags after `serve` come last (and so win)", str(serve))
            used = {w[2:] for w in serve[1:] if w.startswith("--")}
            report.check(used <= serve_known | serve_switches,
                         "every flag the entrypoint passes is a `vitrine serve` flag",
                         str(sorted(used - serve_known - serve_switches)))
            report.check(serve[serve.index("--data-dir") + 1] == data_dir,
                         "serve uses VITRINE_DATA_DIR", str(serve))
        code, recorded, output = entry("serve")
        report.check(code == 0 and [c[0] for c in recorded] == ["serve"],
                     "entrypoint serve, indexed data dir: no reindex", f"{recorded} {output}")
        code, recorded, output = entry("serve", VITRINE_NATS="nats://a:4222",
                                       VITRINE_DRAIN_MS="2000", VITRINE_NATS_REPLICAS="3",
                                       VITRINE_UI_DIR="")
        serve = recorded[0] if recorded else []
        report.check(code == 0 and all(x in " ".join(serve) for x in
                                       ("--nats nats://a:4222", "--drain-ms 2000",
                                        "--nats-replicas 3", "--no-ui")),
                     "VITRINE_* settings become serve flags", f"{serve} {output}")
        code, recorded, output = entry("serve", VITRINE_ADMIN_KEY="CHANGE-ME")
        report.check(code == 64 and not recorded and "placeholder" in output,
                     "a placeholder API key is refused", f"exit {code}, {recorded} {output}")
        os.remove(os.path.join(data_dir, "CURRENT"))
        code, recorded, output = entry("index-if-empty")
        report.check(code == 0 and [c[0] for c in recorded] == ["reindex"],
                     "index-if-empty indexes and does not serve", f"{recorded} {output}")
        code, recorded, output = entry("vitrine", "generations", "list",
                                       PATH=work + os.pathsep + os.environ.get("PATH", ""))
        report.check(code == 0 and recorded == [["generations", "list"]],
                     "other commands run as given (vitrine on the PATH)", f"{recorded} {output}")
        os.remove(os.path.join(data_dir, "CURRENT"))
        code, recorded, output = entry("serve", VITRINE_INDEX_FEEDS="")
        report.check(code == 0 and [c[0] for c in recorded] == ["serve"],
                     "VITRINE_INDEX_FEEDS='' never indexes", f"{recorded} {output}")


def check_dockerfile(report: Report, vitrine: Optional[str]) -> None:
    path = os.path.join(DEPLOY, "Dockerfile")
    stages = parse_dockerfile(path)
    qs = quickstart()
    if not report.check(len(stages) == 2, "Dockerfile has two stages (build, runtime)",
                        f"{len(stages)} stages"):
        return
    build, runtime = stages
    for stage, name in ((build, "build"), (runtime, "runtime")):
        words = stage[0].args.split()
        report.check(words[0] == "debian:bookworm-slim" and words[-1] == name,
                     f"stage {name} is FROM debian:bookworm-slim AS {name}", stage[0].args)

    # The build stage runs the quickstart's own commands, word for word.
    runs = [i.json_or_words() for i in build if i.keyword == "RUN"]
    for key in ("install", "build", "overlay"):
        report.check(qs[key] in runs, f"the build stage runs `{' '.join(qs[key])}` as "
                     "scripts/quickstart.sh does", f"RUN commands: {runs}")
    workdir = next((i.args for i in build if i.keyword == "WORKDIR"), "/")
    build_dir = os.path.join(workdir, str(qs["build_dir"]))

    env: Dict[str, str] = {}
    for instruction in runtime:
        if instruction.keyword == "ENV":
            for word in shlex.split(instruction.args):
                key, _, value = word.partition("=")
                env[key] = value
    copies = {}
    for instruction in runtime:
        if instruction.keyword == "COPY":
            options, _ = instruction.options_and_rest()
            words = instruction.json_or_words()
            copies[words[-1]] = (options.get("from"), words[0])
    report.check(copies.get("/usr/local/bin/vitrine") == ("build", build_dir + "/cli/vitrine"),
                 "the runtime stage copies the release binary the build made",
                 str(copies.get("/usr/local/bin/vitrine")))
    ui = env.get("VITRINE_UI_DIR", "")
    report.check(copies.get(ui) == ("build", build_dir + "/ui-dist"),
                 "VITRINE_UI_DIR is the storefront bundle copied from the build", ui)
    analyzers = env.get("VITRINE_ANALYZERS_DIR", "")
    report.check(copies.get(analyzers, (None, ""))[1] == "data/analyzers",
                 "VITRINE_ANALYZERS_DIR is the vocabulary copied from data/analyzers", analyzers)
    feeds = env.get("VITRINE_INDEX_FEEDS", "").split()
    catalog_target = next((t for t, (_, s) in copies.items() if s == "data/catalog"), None)
    report.check(bool(feeds) and catalog_target is not None and all(
        os.path.dirname(f) == catalog_target
        and os.path.exists(os.path.join(REPO, "data", "catalog", os.path.basename(f)))
        for f in feeds), "VITRINE_INDEX_FEEDS names feeds of the copied data/catalog", str(feeds))
    supplemental = env.get("VITRINE_INDEX_SUPPLEMENTAL_FEEDS", "").split()
    made = [os.path.join(workdir, str(f)) for f in qs["supplemental_feeds"]]
    report.check(sorted(copies.get(f, (None, ""))[1] for f in supplemental)
                 == sorted(made) and all(copies[f][0] == "build" for f in supplemental),
                 "VITRINE_INDEX_SUPPLEMENTAL_FEEDS are the quickstart's overlay, made in "
                 "the build stage", str(supplemental))
    report.check(env.get("VITRINE_INDEX_FLAGS", "").split() == qs["reindex_flags"],
                 "VITRINE_INDEX_FLAGS are scripts/quickstart.sh's reindex flags",
                 env.get("VITRINE_INDEX_FLAGS", ""))

    # Runs as a non-root user that the stage creates.
    user = next((i.args for i in reversed(runtime) if i.keyword == "USER"), "root")
    uid = user.split(":")[0]
    useradd = re.compile(rf"useradd\b[^&;]*--uid {re.escape(uid)}\b")
    created = any(i.keyword == "RUN" and useradd.search(i.args) for i in runtime)
    report.check(uid not in ("root", "0") and (created or not uid.isdigit()),
                 f"USER {user} is not root and is created in the image")
    volumes = [w for i in runtime if i.keyword == "VOLUME" for w in i.json_or_words()]
    report.check(volumes == ["/data"] and env.get("VITRINE_DATA_DIR") == "/data",
                 "VOLUME /data is the data directory", f"{volumes} {env.get('VITRINE_DATA_DIR')}")
    exposed = [w for i in runtime if i.keyword == "EXPOSE" for w in i.args.split()]
    report.check(exposed == ["8080"] and env.get("VITRINE_PORT") == "8080",
                 "EXPOSE 8080 is the port served", f"{exposed} {env.get('VITRINE_PORT')}")
    healthcheck = next((i.args for i in runtime if i.keyword == "HEALTHCHECK"), "")
    command = healthcheck.split(" CMD ", 1)[-1].split()
    packages = runtime_packages(runtime)
    report.check("/healthz" in healthcheck and bool(command)
                 and (command[0] in packages or command[0] == "vitrine"),
                 "HEALTHCHECK asks /healthz with a tool the image installs", healthcheck)
    entrypoint = next((i.json_or_words() for i in runtime if i.keyword == "ENTRYPOINT"), [])
    script = copies.get(next((w for w in entrypoint if w.endswith("docker-entrypoint.sh")), ""))
    report.check(script == (None, "deploy/docker-entrypoint.sh"),
                 "ENTRYPOINT runs deploy/docker-entrypoint.sh", str(entrypoint))
    report.check(entrypoint[:1] != ["/usr/bin/tini"] or "tini" in packages,
                 "the init process (tini) is installed", str(entrypoint))

    # .dockerignore keeps build trees and VCS data out, and nothing the image copies.
    patterns = dockerignore_patterns()
    report.check(ignored("build/test", patterns) and ignored(".git", patterns)
                 and ignored("ui/node_modules", patterns),
                 ".dockerignore excludes build trees, .git and node_modules", str(patterns))
    sources = [w for stage in stages for i in stage if i.keyword == "COPY"
               and "from" not in i.options_and_rest()[0] for w in i.json_or_words()[:-1]]
    kept_out = [s for s in sources if s != "." and ignored(s, patterns)]
    report.check(not kept_out, ".dockerignore keeps every file the Dockerfile copies",
                 str(kept_out))

    # The runtime stage installs every library the binary loads.
    links_jemalloc = "jemalloc" in read(os.path.join(REPO, "CMakeLists.txt"))
    report.check("libjemalloc2" in packages or not links_jemalloc,
                 "the runtime installs jemalloc, which release builds link "
                 "(sanitizer builds do not)")
    if vitrine is None:
        report.skip("shared libraries of the binary", "no --vitrine given")
    else:
        linked = linked_packages(report, vitrine)
        if linked is not None:
            available = dpkg_depends_closure(packages) | BASE_IMAGE_PACKAGES
            missing = {p: lib for p, lib in linked.items()
                       if p not in available and not SANITIZER_RUNTIME.match(p)}
            report.check(not missing, f"the runtime stage provides all {len(linked)} library "
                         "packages `ldd vitrine` names", f"missing: {missing}")
    check_entrypoint(report, env, qs)


# --- compose ---------------------------------------------------------------------------


def load_compose() -> dict:
    return yaml.safe_load(read(os.path.join(DEPLOY, "compose.yaml")))


def mounts(service: dict) -> List[Tuple[str, str]]:
    """(source, target) of a service's volumes, short syntax."""
    found = []
    for volume in service.get("volumes", []):
        parts = volume.split(":")
        found.append((parts[0], parts[1]))
    return found


def flag_value(words: List[str], flag: str) -> Optional[str]:
    value = None
    for i, word in enumerate(words):
        if word == flag and i + 1 < len(words):
            value = words[i + 1]
        elif word.startswith(flag + "="):
            value = word.split("=", 1)[1]
    return value


def url_hosts(urls: str, port: int) -> Set[str]:
    hosts = set()
    for url in urls.split(","):
        match = re.fullmatch(r"nats://([^:/]+):(\d+)", url.strip())
        hosts.add(match.group(1) if match and int(match.group(2)) == port else "?" + url)
    return hosts


def check_compose(report: Report) -> None:
    compose = load_compose()
    services = compose.get("services", {})
    nats = sorted(n for n in services if n.startswith("nats"))
    vitrine = sorted(n for n in services if n.startswith("vitrine"))
    report.check(len(nats) == 3, "3 NATS services", str(nats))
    report.check(len(vitrine) == 3, "3 Vitrine services", str(vitrine))
    for name in ("haproxy", "prometheus", "grafana"):
        report.check(name in services, f"a {name} service")
    if report.failures:
        return

    names = set()
    for name in nats:
        service = services[name]
        command = service.get("command", [])
        report.check(service.get("image", "").startswith("nats:"), f"{name} runs the nats image")
        report.check("-js" in command and flag_value(command, "--cluster_name") is not None,
                     f"{name}: JetStream on, in a named cluster", str(command))
        routes = flag_value(command, "--routes") or ""
        report.check(url_hosts(routes, 6222) == set(nats),
                     f"{name} routes to every NATS node", routes)
        names.add(flag_value(command, "--server_name"))
        store = flag_value(command, "-sd")
        report.check(any(target == store for _, target in mounts(service)),
                     f"{name} stores JetStream in a volume", f"-sd {store}")
    report.check(len(names) == 3 and None not in names, "NATS server names are distinct",
                 str(names))

    known, switches, _ = serve_flags()
    for name in vitrine:
        service = services[name]
        env = service.get("environment", {})
        build = service.get("build", {})
        dockerfile = os.path.normpath(os.path.join(DEPLOY, build.get("context", "."),
                                                   build.get("dockerfile", "Dockerfile")))
        report.check(dockerfile == os.path.join(DEPLOY, "Dockerfile"),
                     f"{name} is built from deploy/Dockerfile", dockerfile)
        report.check(url_hosts(env.get("VITRINE_NATS", ""), 4222) == set(nats),
                     f"{name} connects to every NATS node", env.get("VITRINE_NATS", ""))
        replicas = int(env.get("VITRINE_NATS_REPLICAS", "1"))
        report.check(1 < replicas <= len(nats),
                     f"{name}: the write log keeps copies on several NATS nodes", str(replicas))
        drain = int(env.get("VITRINE_DRAIN_MS", "0")) / 1000
        grace = seconds(service.get("stop_grace_period", "10s"))
        report.check(drain > 0 and grace >= drain + SHUTDOWN_MARGIN_S,
                     f"{name}: stop_grace_period covers --drain-ms plus {SHUTDOWN_MARGIN_S} s",
                     f"grace {grace} s, drain {drain} s")
        report.check(any(t == "/data" for _, t in mounts(service)),
                     f"{name} keeps its data directory in a volume of its own")
        report.check("${VITRINE_ADMIN_KEY:?" in str(env.get("VITRINE_ADMIN_KEY", "")),
                     f"{name}: the admin key must be given (no default)")
    data_volumes = [s for service in vitrine for s, t in mounts(services[service]) if t == "/data"]
    report.check(len(set(data_volumes)) == 3, "each replica has its own data volume",
                 str(data_volumes))

    # Every bind mount's file exists; every named volume is declared.
    declared = set((compose.get("volumes") or {}).keys())
    for name, service in services.items():
        for source, target in mounts(service):
            if source.startswith((".", "/")):
                report.check(os.path.exists(os.path.join(DEPLOY, source)),
                             f"{name} mounts {source}, which exists")
            else:
                report.check(source in declared, f"{name}'s volume {source} is declared")

    # haproxy: health checks on /readyz, one server per replica; haproxy parses it.
    cfg_source = next((s for s, t in mounts(services["haproxy"]) if t.endswith("haproxy.cfg")),
                      None)
    if report.check(cfg_source is not None, "haproxy mounts its haproxy.cfg"):
        cfg_path = os.path.join(DEPLOY, cfg_source)
        cfg = read(cfg_path)
        report.check(re.search(r"^\s*option httpchk GET /readyz\s*$", cfg, re.M) is not None,
                     "haproxy health-checks /readyz")
        report.check(re.search(r"^\s*option redispatch\s*$", cfg, re.M) is not None
                     and re.search(r"^\s*retry-on .*conn-failure", cfg, re.M) is not None,
                     "haproxy retries and redispatches as docs/operations.md asks")
        servers = set(re.findall(r"^\s*server \S+ (\S+) .*\bcheck\b", cfg, re.M))
        report.check(servers == {f"{v}:8080" for v in vitrine},
                     "haproxy balances over every replica, with checks", str(servers))
        haproxy = tool(report, "haproxy", "haproxy")
        if haproxy:
            result = run([haproxy, "-c", "-f", cfg_path])
            report.check(result.returncode == 0, "haproxy -c accepts haproxy.cfg", result.stdout)

    # Prometheus scrapes every replica (directly), with the alert rules.
    prometheus_mounts = dict((t, s) for s, t in mounts(services["prometheus"]))
    config_source = prometheus_mounts.get("/etc/prometheus/prometheus.yml")
    if report.check(config_source is not None, "prometheus mounts prometheus.yml"):
        config = yaml.safe_load(read(os.path.join(DEPLOY, config_source)))
        targets = {t for job in config.get("scrape_configs", [])
                   if job.get("job_name") == "vitrine"
                   for static in job.get("static_configs", []) for t in static.get("targets", [])}
        report.check(targets == {f"{v}:8080" for v in vitrine},
                     "prometheus scrapes every replica as job vitrine", str(targets))
        for rule_file in config.get("rule_files", []):
            report.check(os.path.join("/etc/prometheus", rule_file) in prometheus_mounts,
                         f"prometheus's rule file {rule_file} is mounted beside its config")

    # docker compose's own reading, where the plugin exists (Debian 12 has none).
    docker = shutil.which("docker")
    if docker and run([docker, "compose", "version"]).returncode == 0:
        result = run([docker, "compose", "-f", os.path.join(DEPLOY, "compose.yaml"),
                      "config", "-q"],
                     env=dict(os.environ, VITRINE_ADMIN_KEY="check",
                              GRAFANA_ADMIN_PASSWORD="check"))
        report.check(result.returncode == 0, "docker compose config -q", result.stdout)
    else:
        report.skip("docker compose config -q", "no docker compose plugin here")


# --- kustomize -------------------------------------------------------------------------


def containers(pod: dict) -> List[dict]:
    return pod.get("initContainers", []) + pod.get("containers", [])


def selects(selector: dict, labels: dict) -> bool:
    wanted = selector.get("matchLabels", selector)
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


def check_kustomize(report: Report) -> None:
    kubectl = tool(report, "kubectl", "kubernetes-client")
    if not kubectl:
        return
    rendered = run([kubectl, "kustomize", os.path.join(DEPLOY, "k8s")])
    if not report.check(rendered.returncode == 0, "kubectl kustomize deploy/k8s",
                        rendered.stdout[-3000:]):
        return
    objects = [o for o in yaml.safe_load_all(rendered.stdout) if o]
    by_kind: Dict[str, List[dict]] = {}
    for o in objects:
        by_kind.setdefault(o["kind"], []).append(o)
    for kind in ("Namespace", "Deployment", "Service", "HorizontalPodAutoscaler",
                 "PodDisruptionBudget", "StatefulSet", "Secret", "ConfigMap"):
        report.check(kind in by_kind, f"renders a {kind}")
    if report.failures:
        return
    namespace = by_kind["Namespace"][0]["metadata"]["name"]
    report.check(all(o["metadata"].get("namespace") == namespace for o in objects
                     if o["kind"] != "Namespace"), f"every object is in namespace {namespace}")
    for o in objects:
        report.check(bool(o.get("apiVersion")) and bool(o["metadata"].get("name")),
                     f"{o['kind']} {o['metadata'].get('name')} has apiVersion and name")

    def named(kind: str, name: str) -> Optional[dict]:
        return next((o for o in by_kind.get(kind, []) if o["metadata"]["name"] == name), None)

    deployment = named("Deployment", "vitrine")
    statefulset = named("StatefulSet", "nats")
    if not report.check(deployment is not None and statefulset is not None,
                        "Deployment vitrine and StatefulSet nats"):
        return
    pod = deployment["spec"]["template"]["spec"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    report.check(selects(deployment["spec"]["selector"], labels),
                 "the Deployment selects its pods")
    main = next(c for c in pod["containers"] if c["name"] == "vitrine")
    ports = {p.get("name"): p["containerPort"] for p in main.get("ports", [])}

    def probe(name: str) -> Tuple[Optional[str], Optional[int]]:
        get = main.get(name, {}).get("httpGet", {})
        port = get.get("port")
        return get.get("path"), ports.get(port, port)

    report.check(probe("readinessProbe") == ("/readyz", 8080), "readiness probe: /readyz on 8080",
                 str(probe("readinessProbe")))
    report.check(probe("livenessProbe") == ("/healthz", 8080), "liveness probe: /healthz on 8080",
                 str(probe("livenessProbe")))

    # serve's flags, and the shutdown sequence they imply.
    known, switches, drain_default = serve_flags()
    args = main.get("args", [])
    report.check(args[:1] == ["serve"], "the container runs `serve` (through the entrypoint)",
                 str(args))
    used = {a[2:].split("=")[0] for a in args if a.startswith("--")}
    report.check(used <= known | switches, "every flag is a `vitrine serve` flag",
                 str(sorted(used - known - switches)))
    drain_ms = int(flag_value(args, "--drain-ms") or drain_default)
    pre_stop = main.get("lifecycle", {}).get("preStop", {})
    command = pre_stop.get("exec", {}).get("command", [])
    sleep = float(command[1]) if command[:1] == ["sleep"] and len(command) == 2 else \
        float(pre_stop.get("sleep", {}).get("seconds", 0))
    grace = pod.get("terminationGracePeriodSeconds", 30)
    report.check(sleep > 0, "preStop pauses while endpoints drop the pod", str(pre_stop))
    report.check(drain_ms > 0, "serve --drain-ms is set (default %d)" % drain_default, str(args))
    report.check(grace >= sleep + drain_ms / 1000 + SHUTDOWN_MARGIN_S,
                 f"terminationGracePeriodSeconds ({grace}) >= preStop ({sleep:g} s) + --drain-ms "
                 f"({drain_ms / 1000:g} s) + {SHUTDOWN_MARGIN_S} s")

    # NATS: the URLs name the StatefulSet's pods under its headless service.
    sts = statefulset["spec"]
    headless = named("Service", sts["serviceName"])
    report.check(headless is not None and headless["spec"].get("clusterIP") == "None",
                 f"the NATS StatefulSet's service {sts['serviceName']} is headless")
    report.check(sts.get("replicas") == 3 and bool(sts.get("volumeClaimTemplates")),
                 "NATS: 3 replicas, each with a volume claim")
    expected = {f"{statefulset['metadata']['name']}-{i}.{sts['serviceName']}"
                for i in range(sts.get("replicas", 0))}
    report.check(url_hosts(flag_value(args, "--nats") or "", 4222) == expected,
                 "vitrine --nats names every NATS pod", str(flag_value(args, "--nats")))
    report.check(1 < int(flag_value(args, "--nats-replicas") or 1) <= sts.get("replicas", 0),
                 "--nats-replicas keeps copies on several NATS nodes")
    check_nats_config(report, by_kind, statefulset, expected)

    # Non-root, everywhere; the Vitrine uid is the image's.
    runtime = parse_dockerfile(os.path.join(DEPLOY, "Dockerfile"))[-1]
    image_user = next((i.args for i in reversed(runtime) if i.keyword == "USER"), "")
    for workload in (deployment, statefulset):
        name = f"{workload['kind']} {workload['metadata']['name']}"
        spec = workload["spec"]["template"]["spec"]
        context = spec.get("securityContext", {})
        report.check(context.get("runAsNonRoot") is True and context.get("runAsUser", 0) != 0,
                     f"{name} runs as non-root", str(context))
        for c in containers(spec):
            sc = c.get("securityContext", {})
            report.check(sc.get("allowPrivilegeEscalation") is False
                         and "ALL" in sc.get("capabilities", {}).get("drop", []),
                         f"{name}/{c['name']}: no privilege escalation, no capabilities")
            resources = c.get("resources", {})
            report.check(all(k in resources.get("requests", {}) for k in ("cpu", "memory"))
                         and "memory" in resources.get("limits", {}),
                         f"{name}/{c['name']}: cpu and memory requests, a memory limit")
    report.check(str(pod.get("securityContext", {}).get("runAsUser")) == image_user.split(":")[0],
                 "the Vitrine pods run as the image's user", image_user)

    # Spread over machines.
    for workload in (deployment, statefulset):
        spec = workload["spec"]["template"]["spec"]
        affinity = spec.get("affinity", {}).get("podAntiAffinity", {})
        terms = [t.get("podAffinityTerm", t) for key in affinity.values() for t in key]
        own = workload["spec"]["template"]["metadata"]["labels"]
        report.check(any(t.get("topologyKey") == "kubernetes.io/hostname"
                         and selects(t.get("labelSelector", {}), own) for t in terms),
                     f"{workload['kind']} {workload['metadata']['name']}: "
                     "pod anti-affinity by hostname")

    # The keys come from the generated Secret, which holds placeholders only.
    secret_refs = {e["secretRef"]["name"] for e in main.get("envFrom", []) if "secretRef" in e}
    secret = next((s for s in by_kind["Secret"] if s["metadata"]["name"] in secret_refs), None)
    if report.check(secret is not None, "the keys come from a Secret of the kustomization",
                    str(secret_refs)):
        data = {k: base64.b64decode(v).decode() for k, v in secret.get("data", {}).items()}
        report.check("VITRINE_ADMIN_KEY" in data, "the Secret holds VITRINE_ADMIN_KEY")
        report.check(all("CHANGE-ME" in v for v in data.values()),
                     "the Secret checked in holds placeholders only (CHANGE-ME)")

    # The Service, PodDisruptionBudget and autoscaler all find the pods.
    service = named("Service", "vitrine")
    report.check(service is not None and selects(service["spec"]["selector"], labels)
                 and all(p.get("targetPort") in ("http", 8080) for p in service["spec"]["ports"]),
                 "Service vitrine selects the pods' http port")
    report.check(any(selects(p["spec"]["selector"], labels)
                     for p in by_kind["PodDisruptionBudget"]),
                 "a PodDisruptionBudget covers the Vitrine pods")
    report.check(any(selects(p["spec"]["selector"], sts["template"]["metadata"]["labels"])
                     for p in by_kind["PodDisruptionBudget"]),
                 "a PodDisruptionBudget covers the NATS pods")
    hpa = by_kind["HorizontalPodAutoscaler"][0]
    target = hpa["spec"]["scaleTargetRef"]
    report.check(hpa["apiVersion"] == "autoscaling/v2" and target["kind"] == "Deployment"
                 and target["name"] == "vitrine", "autoscaling/v2 HPA on Deployment vitrine")
    report.check(any(m.get("resource", {}).get("name") == "cpu" for m in hpa["spec"]["metrics"]),
                 "the HPA scales on CPU")
    report.check("cpu" in main.get("resources", {}).get("requests", {}),
                 "the HPA's CPU utilisation has a request to be measured against")
    report.check(deployment["spec"].get("replicas") is None,
                 "the Deployment leaves the replica count to the HPA")
    report.check(hpa["spec"].get("minReplicas", 1) >= 2, "the HPA keeps 2 replicas or more")

    # Each pod indexes before it serves (docs/operations.md: a replica needs an index).
    init = pod.get("initContainers", [])
    report.check(any(c.get("args", [])[:1] == ["index-if-empty"] for c in init),
                 "an initContainer indexes the data directory when it is empty")
    data_mounts = {c["name"]: {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
                   for c in containers(pod)}
    report.check(len({m.get("/data") for m in data_mounts.values()}) == 1
                 and None not in {m.get("/data") for m in data_mounts.values()},
                 "the initContainer and the server share the /data volume", str(data_mounts))


def check_nats_config(report: Report, by_kind: Dict[str, List[dict]], statefulset: dict,
                      hosts: Set[str]) -> None:
    """nats.conf, as the StatefulSet mounts it, is valid for nats-server and routes to
    every node; JetStream is on."""
    spec = statefulset["spec"]["template"]["spec"]
    config_maps = {v["configMap"]["name"] for v in spec.get("volumes", []) if "configMap" in v}
    config = next((c for c in by_kind["ConfigMap"] if c["metadata"]["name"] in config_maps), None)
    if not report.check(config is not None and "nats.conf" in config.get("data", {}),
                        "the NATS pods mount nats.conf from a ConfigMap"):
        return
    text = config["data"]["nats.conf"]
    report.check(re.search(r"^jetstream\s*\{", text, re.M) is not None,
                 "nats.conf enables JetStream")
    routes = set(re.findall(r"nats://([^:\s]+):6222", text))
    report.check(routes == hosts, "nats.conf routes to every NATS pod", str(routes))
    env = {e["name"] for c in spec["containers"] for e in c.get("env", [])}
    report.check("$POD_NAME" not in text or "POD_NAME" in env,
                 "nats.conf's $POD_NAME is in the container's environment")
    nats_server = tool(report, "nats-server", "nats-server")
    if nats_server:
        with tempfile.TemporaryDirectory(prefix="vitrine-nats-conf-") as work:
            path = os.path.join(work, "nats.conf")
            with open(path, "w") as f:
                f.write(text)
            result = run([nats_server, "-c", path, "-t"], cwd=work,
                         env=dict(os.environ, POD_NAME="nats-0"))
            report.check(result.returncode == 0, "nats-server -t accepts nats.conf", result.stdout)


# --- grafana and prometheus ------------------------------------------------------------


def check_grafana(report: Report) -> None:
    compose = load_compose()
    services = compose["services"]
    grafana = {t: s for s, t in mounts(services.get("grafana", {}))}
    provisioning = os.path.join(DEPLOY, "grafana", "provisioning")
    for kind in ("datasources", "dashboards"):
        source = grafana.get(f"/etc/grafana/provisioning/{kind}", "?")
        report.check(os.path.normpath(os.path.join(DEPLOY, source))
                     == os.path.join(provisioning, kind),
                     f"compose mounts provisioning/{kind} where Grafana reads it")

    datasources = []
    for name in sorted(os.listdir(os.path.join(provisioning, "datasources"))):
        document = yaml.safe_load(read(os.path.join(provisioning, "datasources", name)))
        report.check(document.get("apiVersion") == 1, f"datasources/{name}: apiVersion 1")
        datasources += document.get("datasources", [])
    prometheus = [d for d in datasources if d.get("type") == "prometheus"]
    report.check(len(prometheus) == 1 and prometheus[0].get("isDefault") is True,
                 "one Prometheus data source, the default", str(datasources))
    if prometheus:
        url = re.fullmatch(r"http://([^:/]+):(\d+)/?", prometheus[0].get("url", ""))
        report.check(url is not None and url.group(1) in services and url.group(2) == "9090",
                     "the data source is compose's prometheus service", prometheus[0].get("url"))

    dashboards_json = []
    for name in sorted(os.listdir(os.path.join(provisioning, "dashboards"))):
        document = yaml.safe_load(read(os.path.join(provisioning, "dashboards", name)))
        report.check(document.get("apiVersion") == 1, f"dashboards/{name}: apiVersion 1")
        for provider in document.get("providers", []):
            folder = provider.get("options", {}).get("path", "")
            files = [s for t, s in grafana.items() if os.path.dirname(t) == folder or t == folder]
            sources = [os.path.normpath(os.path.join(DEPLOY, s)) for s in files]
            report.check(provider.get("type") == "file" and bool(sources)
                         and all(os.path.isfile(s) for s in sources),
                         f"provider {provider.get('name')}: {folder} holds existing dashboards",
                         str(files))
            dashboards_json += sources
    report.check(os.path.join(DEPLOY, "grafana", "vitrine.json") in dashboards_json,
                 "deploy/grafana/vitrine.json is provisioned", str(dashboards_json))

    for path in dashboards_json:
        if not os.path.isfile(path):
            continue
        dashboard = json.loads(read(path))
        variables = {v["name"]: v for v in dashboard.get("templating", {}).get("list", [])}
        source = next((v for v in variables.values() if v.get("type") == "datasource"), None)
        report.check(source is not None and bool(prometheus)
                     and source.get("query") == prometheus[0]["type"],
                     f"{os.path.basename(path)}: its data source variable picks the "
                     "provisioned type",
                     str(source))
        refs = set()

        def walk(node) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("datasource"), dict):
                    refs.add(json.dumps(node["datasource"], sort_keys=True))
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(dashboard.get("panels", []))
        variable = "${%s}" % (source or {}).get("name", "datasource")
        allowed = {variable} | {p.get("uid") for p in prometheus}
        bad = [r for r in refs if json.loads(r).get("uid") not in allowed]
        report.check(bool(refs) and not bad,
                     f"{os.path.basename(path)}: every panel queries through the data "
                     "source variable",
                     str(bad))

    # prometheus.yml: promtool's own check (it reads alerts.yaml too), and the job label
    # the rules and dashboard select on.
    config_path = os.path.join(DEPLOY, "prometheus", "prometheus.yml")
    promtool = tool(report, "promtool", "prometheus")
    if promtool:
        result = run([promtool, "check", "config", config_path])
        report.check(result.returncode == 0, "promtool check config prometheus.yml", result.stdout)
    config = yaml.safe_load(read(config_path))
    jobs = {job["job_name"] for job in config.get("scrape_configs", [])}
    report.check("alerts.yaml" in config.get("rule_files", []), "prometheus.yml loads alerts.yaml")
    selected = set()
    for path in (os.path.join(DEPLOY, "prometheus", "alerts.yaml"), *dashboards_json):
        if os.path.isfile(path):
            selected |= set(re.findall(r'job=\\?"([^"\\]+)\\?"', read(path)))
    report.check(selected <= jobs, "every job the rules and dashboards select is scraped",
                 f"{selected} vs {jobs}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("check", choices=["dockerfile", "compose", "kustomize", "grafana"])
    parser.add_argument("--vitrine", help="a vitrine binary, for the shared library check")
    args = parser.parse_args()
    report = Report()
    if args.check == "dockerfile":
        check_dockerfile(report, args.vitrine)
    elif args.check == "compose":
        check_compose(report)
    elif args.check == "kustomize":
        check_kustomize(report)
    else:
        check_grafana(report)
    print(f"{args.check}: {report.failures} failed" if report.failures
          else f"{args.check}: all ok")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
