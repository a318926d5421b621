#!/usr/bin/env python3
"""Scores a running server's query understanding against the labelled set.

Runs every query of data/eval/query-understanding/queries.jsonl as
`GET /v1/search?q=...&per_page=1`, reads the response's `understood` list (a response
without one understood nothing) and prints precision, recall and F1 per field, then the
worst misses. The metric is defined in data/eval/query-understanding/README.md:
per field, precision = correct understood items / understood items and recall =
correct understood items / expected items, over the chosen split.

    bench/understanding_eval.py --url http://127.0.0.1:8080 --split dev
    bench/understanding_eval.py --url http://127.0.0.1:8080 --json > figures.json

Python 3's standard library only.
"""

import argparse
import json
import pathlib
import sys
import urllib.error
import urllib.parse
import urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent
QUERIES = REPO / "data/eval/query-understanding/queries.jsonl"
FIELDS = ["price", "size", "color", "gender", "category", "season", "material", "brand"]


# --- matching ---------------------------------------------------------------------

def _string_set(value):
    """A string value, or a list of them (an OR of catalog values), as a folded set."""
    if isinstance(value, str):
        return frozenset([value.strip().casefold()])
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return frozenset(v.strip().casefold() for v in value)
    return None


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def item_matches(understood, expected):
    """Whether one understood item is the expected one: same field, and for price the
    same op and number(s); for the other fields the same value (or `matches`, the set
    it applies) as `value` or as one of `accept`, case-insensitively, a list comparing
    as a set."""
    if not isinstance(understood, dict) or understood.get("field") != expected["field"]:
        return False
    got = understood.get("value")
    if expected["field"] == "price":
        if understood.get("op") != expected["op"]:
            return False
        want = expected["value"]
        if expected["op"] == "between":
            return (isinstance(got, list) and len(got) == 2
                    and _number(got[0]) is not None and _number(got[1]) is not None
                    and [_number(got[0]), _number(got[1])] == [float(want[0]), float(want[1])])
        return _number(got) is not None and _number(got) == float(want)
    # The value, or the OR of catalog values the item applies (`matches`): `kids` is
    # reported as one value with the matches Boys, Girls and Unisex Kids.
    answers = [a for a in (_string_set(got), _string_set(understood.get("matches")))
               if a is not None]
    return any(answer == _string_set(option) for answer in answers
               for option in [expected["value"]] + list(expected.get("accept", [])))


def match_items(understood, expected):
    """Pairs understood items with expected ones, each used at most once, as many pairs
    as possible (a bipartite matching; queries hold a handful of items). Returns
    (pairs, extra understood items, missed expected items)."""
    owner = {}  # expected index -> understood index

    def claim(u, seen):
        for e, want in enumerate(expected):
            if e in seen or not item_matches(understood[u], want):
                continue
            seen.add(e)
            if e not in owner or claim(owner[e], seen):
                owner[e] = u
                return True
        return False

    for u in range(len(understood)):
        claim(u, set())
    matched_u = set(owner.values())
    pairs = [(understood[u], expected[e]) for e, u in sorted(owner.items())]
    extra = [item for u, item in enumerate(understood) if u not in matched_u]
    missed = [item for e, item in enumerate(expected) if e not in owner]
    return pairs, extra, missed


# --- scoring ----------------------------------------------------------------------

def _field_of(item):
    return item.get("field") if isinstance(item, dict) else None


def _ratio(numerator, denominator):
    return numerator / denominator if denominator else None


def _f1(precision, recall):
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _figures(correct, understood, expected):
    precision = _ratio(correct, understood)
    recall = _ratio(correct, expected)
    return {"expected": expected, "understood": understood, "correct": correct,
            "precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def score(results):
    """results: [(entry, understood items)], entry as in queries.jsonl. Returns the
    figures per field and overall (micro-averaged over the eight labelled fields),
    queries fully right, and each query's misses. Understood items of other fields
    cannot be judged by these labels: they are counted apart, in `unscored`."""
    counts = {f: {"correct": 0, "understood": 0, "expected": 0} for f in FIELDS}
    unscored = {}
    exact = 0
    misses = []
    for entry, understood in results:
        understood = [u for u in understood or []]
        scored = [u for u in understood if _field_of(u) in counts]
        for u in understood:
            if _field_of(u) not in counts:
                name = str(_field_of(u))
                unscored[name] = unscored.get(name, 0) + 1
        pairs, extra, missed = match_items(scored, entry["expect"])
        for u in scored:
            counts[u["field"]]["understood"] += 1
        for e in entry["expect"]:
            counts[e["field"]]["expected"] += 1
        for _, e in pairs:
            counts[e["field"]]["correct"] += 1
        if not extra and not missed:
            exact += 1
        else:
            misses.append({"id": entry["id"], "q": entry["q"], "split": entry.get("split"),
                           "missed": missed, "extra": extra})
    fields = {f: _figures(c["correct"], c["understood"], c["expected"])
              for f, c in counts.items()}
    overall = _figures(sum(c["correct"] for c in counts.values()),
                       sum(c["understood"] for c in counts.values()),
                       sum(c["expected"] for c in counts.values()))
    misses.sort(key=lambda m: (-(len(m["missed"]) + len(m["extra"])), m["id"]))
    return {"queries": len(results), "queries_exact": exact, "fields": fields,
            "overall": overall, "unscored": unscored, "misses": misses}


# --- the server -------------------------------------------------------------------

def fetch_understood(url, q, api_key=None, timeout=10.0):
    """The `understood` list of one search; a response without the key understood nothing."""
    query = urllib.parse.urlencode({"q": q, "per_page": 1})
    request = urllib.request.Request("%s/v1/search?%s" % (url.rstrip("/"), query))
    if api_key:
        request.add_header("X-API-Key", api_key)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = json.loads(response.read().decode("utf-8"))
    understood = body.get("understood", []) if isinstance(body, dict) else []
    return understood if isinstance(understood, list) else []


def load_queries(path, split):
    with open(path, encoding="utf-8") as f:
        entries = [json.loads(line) for line in f if line.strip()]
    return [e for e in entries if split == "all" or e.get("split") == split]


# --- output -----------------------------------------------------------------------

def _describe(item):
    if not isinstance(item, dict):
        return repr(item)
    op = " %s" % item["op"] if "op" in item else ""
    value = item.get("value")
    value = (json.dumps(value, ensure_ascii=False) if not isinstance(value, str)
             else value)
    return "%s%s=%s" % (item.get("field"), op, value)


def _cell(value):
    return "    -" if value is None else "%5.3f" % value


def print_table(figures, split, errors, show_misses, out=None):
    out = out or sys.stdout
    print("query understanding, split %s: %d queries, %d fully right"
          % (split, figures["queries"], figures["queries_exact"]), file=out)
    print("%-10s %8s %10s %7s  %9s %6s %6s" % ("field", "expected", "understood", "correct",
                                               "precision", "recall", "F1"), file=out)
    rows = list(figures["fields"].items()) + [("overall", figures["overall"])]
    for name, f in rows:
        if name == "overall":
            print("-" * 62, file=out)
        print("%-10s %8d %10d %7d  %9s %6s %6s" % (
            name, f["expected"], f["understood"], f["correct"], _cell(f["precision"]),
            _cell(f["recall"]), _cell(f["f1"])), file=out)
    if figures["unscored"]:
        print("not scored (fields the labels do not cover): %s" % ", ".join(
            "%s %d" % kv for kv in sorted(figures["unscored"].items())), file=out)
    if errors:
        print("%d requests failed and count as understanding nothing; first: %s"
              % (len(errors), errors[0]), file=out)
    if show_misses and figures["misses"]:
        print("\nworst misses:", file=out)
        for miss in figures["misses"][:show_misses]:
            print("  %s [%s] %s" % (miss["id"], miss["split"], miss["q"]), file=out)
            if miss["missed"]:
                print("      missed: %s" % "; ".join(_describe(i) for i in miss["missed"]),
                      file=out)
            if miss["extra"]:
                print("      extra:  %s" % "; ".join(_describe(i) for i in miss["extra"]),
                      file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Precision and recall of a server's query understanding, per field.")
    parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--api-key", help="sent as X-API-Key (when search needs a key)")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="dev",
                        help="which part of the set (default dev: tune on dev only)")
    parser.add_argument("--queries", default=str(QUERIES), help="the labelled set")
    parser.add_argument("--show-misses", type=int, default=10, metavar="N",
                        help="list the N queries with the most errors (default 10)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--fail-under", type=float, metavar="X",
                        help="exit 1 when a field's precision or recall is below X")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    args = parser.parse_args(argv)

    entries = load_queries(args.queries, args.split)
    results, errors = [], []
    for entry in entries:
        try:
            understood = fetch_understood(args.url, entry["q"], args.api_key, args.timeout)
        except (urllib.error.URLError, OSError, ValueError) as error:
            errors.append("%s: %s" % (entry["id"], error))
            understood = []
        results.append((entry, understood))
    figures = score(results)
    if args.json:
        figures = dict(figures, split=args.split, errors=len(errors))
        figures["misses"] = figures["misses"][:args.show_misses]
        json.dump(figures, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print_table(figures, args.split, errors, args.show_misses)
    if entries and len(errors) == len(entries):
        print("no request succeeded: is the server at %s?" % args.url, file=sys.stderr)
        return 2
    if args.fail_under is not None:
        low = [name for name, f in figures["fields"].items() if f["expected"] and (
            f["precision"] is None or f["precision"] < args.fail_under
            or f["recall"] < args.fail_under)]
        if low:
            print("below %.2f: %s" % (args.fail_under, ", ".join(low)), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
