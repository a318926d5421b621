"""Storefront shoppers for Locust (Debian's python3-locust), run by bench/locust.sh:

  locust -f bench/locustfile.py --headless -H http://127.0.0.1:8080 -u 50 -r 10 -t 60s

Each simulated shopper loops over what a storefront's visitors do, with a think
time between actions (THINK seconds on average, default 0.5; THINK=0 for none):

  weight  action                                         kind            request
    15    types a workload query: a suggest per          suggest         GET /v1/suggest?q=<prefix>
          keystroke, 50-150 ms apart; then searches it   search          GET /v1/search?...
    35    runs a workload search as it is (facet click,  search          GET /v1/search?...
          category page, filtered query)
    12    pages on through their last search             page 2-3        ...&page=2 (then 3)
    25    opens a product of their last results          product         GET /v1/products/{id}
     3    (back office) moves a price seen in results    price           PATCH /v1/products/{id}
          by up to 10%, with the admin key and an                        {"price": ...}
          Idempotency-Key; one in 10 is sent again as    price retry     the same PATCH: must answer
          a client's retry                                               the first receipt, replayed

Searches are the 2,000 requests of bench/workload/storefront-workload.jsonl.gz
(text, text + filters, browse; 4 facets of 20 values; 10% sorted by price) sent
as GETs, page 1 (paging is its own kind). Suggest prefixes are those of the same
queries. About two thirds of the requests are suggests, a quarter searches
(pages included), a tenth product pages, 1% writes.

Locust's fast HTTP client reports response times in whole milliseconds and its
statistics keep them so, too coarse for a server that answers in one. So each
request here reports its time as measured, this file keeps every one, and when
the run stops it writes a table per request kind (requests/s, p50/p95/p99/max
in ms, failures) to VITRINE_LOCUST_REPORT (stdout when unset). A failure is a
transport error or an unexpected status or body; the table counts them, and
Locust's own statistics (--csv, its summary) name them.

Environment: VITRINE_ADMIN_KEY (price updates; without it they are skipped),
VITRINE_SEARCH_KEY (sent on reads when set), THINK, VITRINE_WORKLOAD,
VITRINE_LOCUST_REPORT. One Locust process (no --processes, no workers).
"""

import collections
import gzip
import json
import os
import random
import sys
import time
import urllib.parse
import uuid

from gevent import sleep
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOAD = os.environ.get(
    "VITRINE_WORKLOAD", os.path.join(HERE, "workload", "storefront-workload.jsonl.gz")
)
ADMIN_KEY = os.environ.get("VITRINE_ADMIN_KEY", "")
SEARCH_KEY = os.environ.get("VITRINE_SEARCH_KEY", "")
THINK = float(os.environ.get("THINK", "0.5"))
REPORT = os.environ.get("VITRINE_LOCUST_REPORT", "")

# The order of the report's rows.
KINDS = ["search", "suggest", "page 2-3", "product", "price", "price retry"]


def load_workload(path):
    searches = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            request = json.loads(line)
            params = [("q", request.get("q", ""))]
            for field, values in request.get("filters", {}).items():
                params += [("filter." + field, value) for value in values]
            for field, bounds in request.get("ranges", {}).items():
                low, high = bounds.get("gte"), bounds.get("lte")
                params.append(("range." + field, "%s..%s" % (bound(low), bound(high))))
            facets = [
                "category" if field == "category_leaf" else field
                for field in request.get("facets", [])
            ]
            if facets:
                params.append(("facets", ",".join(facets)))
                params.append(("facet_size", str(request.get("facet_size", 10))))
            if request.get("sort", "relevance") != "relevance":
                params.append(("sort", request["sort"]))
            params.append(("per_page", str(request.get("per_page", 24))))
            searches.append((request.get("q", ""), params))
    return searches


def bound(value):
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def search_path(params, page=1):
    return "/v1/search?" + urllib.parse.urlencode(params + [("page", str(page))])


def keystrokes(q):
    """What the search box holds after each key: 'm', 'me', 'men', 'men ', 'men g', ..."""
    return [q[:end] for end in range(1, len(q) + 1) if q[:end].strip()]


SEARCHES = load_workload(WORKLOAD)
TYPED = [(q, params) for q, params in SEARCHES if q.strip()]
# Products seen in search results with a price, shared by every shopper: the
# back office changes prices of products shoppers see.
PRICED = {}
PRICED_IDS = collections.deque(maxlen=10000)


class Shopper(FastHttpUser):
    wait_time = between(THINK * 0.5, THINK * 1.5)
    network_timeout = 30.0
    connection_timeout = 10.0
    max_retries = 1  # attempts: a failed request is a failure, not a silent second try

    def on_start(self):
        self.read_headers = {"X-API-Key": SEARCH_KEY} if SEARCH_KEY else {}
        self.last_search = None  # (params, total)
        self.last_hits = []

    def call(self, method, path, name, headers, body=None):
        """The request, with catch_response, reporting its response time as measured:
        Locust's fast client would report it in whole milliseconds."""
        started = time.perf_counter()
        response = self.client.request(
            method, path, name=name, headers=headers, data=body, catch_response=True
        )
        response.request_meta["response_time"] = (time.perf_counter() - started) * 1000
        return response

    # One search; remembers its hits (and their prices) for the product, paging
    # and price tasks.
    def search(self, params, page=1, name="search"):
        with self.call("GET", search_path(params, page), name, self.read_headers) as response:
            if response.status_code != 200:
                response.failure("status %s" % response.status_code)
                return
            try:
                body = json.loads(response.text)
                hits = body["hits"]
                total = body["total"]
            except (ValueError, KeyError, TypeError) as error:
                response.failure("not a search response: %r" % error)
                return
        self.last_search = (params, total)
        self.last_hits = [hit["id"] for hit in hits]
        for hit in hits:
            price = hit.get("product", {}).get("price")
            if isinstance(price, (int, float)) and price > 0:
                if hit["id"] not in PRICED:
                    PRICED_IDS.append(hit["id"])
                PRICED[hit["id"]] = price

    @task(15)
    def type_and_search(self):
        q, params = random.choice(TYPED)
        for typed in keystrokes(q):
            path = "/v1/suggest?" + urllib.parse.urlencode({"q": typed})
            with self.call("GET", path, "suggest", self.read_headers) as response:
                if response.status_code != 200:
                    response.failure("status %s" % response.status_code)
                elif '"suggestions"' not in response.text:
                    response.failure("not a suggest response")
            sleep(random.uniform(0.05, 0.15))
        self.search(params)

    @task(35)
    def search_as_is(self):
        self.search(random.choice(SEARCHES)[1])

    @task(12)
    def next_pages(self):
        if self.last_search is None:
            return self.search_as_is()
        params, total = self.last_search
        per_page = int(dict(params).get("per_page", 24))
        for page in (2, 3):
            if total <= (page - 1) * per_page or (page == 3 and random.random() < 0.5):
                break
            self.search(params, page, name="page 2-3")
            sleep(random.uniform(0.5, 1.5) * THINK)

    @task(25)
    def product(self):
        if not self.last_hits:
            return self.search_as_is()
        product_id = random.choice(self.last_hits)
        path = "/v1/products/" + urllib.parse.quote(product_id, safe="")
        with self.call("GET", path, "product", self.read_headers) as response:
            if response.status_code != 200:
                response.failure("status %s" % response.status_code)
            elif '"id"' not in response.text:
                response.failure("not a product")

    @task(3)
    def price_update(self):
        if not ADMIN_KEY or not PRICED_IDS:
            return
        product_id = random.choice(PRICED_IDS)
        price = max(1, round(PRICED[product_id] * random.uniform(0.9, 1.1)))
        path = "/v1/products/" + urllib.parse.quote(product_id, safe="")
        body = json.dumps({"price": price})
        headers = {
            "X-API-Key": ADMIN_KEY,
            "Content-Type": "application/json",
            "Idempotency-Key": "locust-" + uuid.uuid4().hex,
        }
        with self.call("PATCH", path, "price", headers, body) as response:
            seq = receipt_seq(response)
            if seq is None:
                return
        PRICED[product_id] = price
        if random.random() < 0.1:
            with self.call("PATCH", path, "price retry", headers, body) as response:
                again = receipt_seq(response)
                if again is None:
                    return
                if again != seq:
                    response.failure("retry wrote again: seq %s, first %s" % (again, seq))
                elif response.headers.get("Idempotent-Replayed", "").lower() != "true":
                    response.failure("no Idempotent-Replayed: true")


def receipt_seq(response):
    """The `seq` of a write's 200 receipt, or None after marking the response failed."""
    if response.status_code != 200:
        response.failure("status %s: %s" % (response.status_code, (response.text or "")[:200]))
        return None
    try:
        return json.loads(response.text)["seq"]
    except (ValueError, KeyError, TypeError):
        response.failure("not a write receipt: %s" % (response.text or "")[:200])
        return None


# Exact response times per request kind, for the report.
TIMES = collections.defaultdict(list)
FAILURES = collections.Counter()  # (name, method)
ERRORS = collections.Counter()  # (name, method, message)
CLOCK = {}


@events.test_start.add_listener
def on_test_start(**_):
    TIMES.clear()
    FAILURES.clear()
    ERRORS.clear()
    CLOCK["start"] = time.monotonic()


@events.request.add_listener
def on_request(request_type, name, response_time, exception=None, **_):
    TIMES[(name, request_type)].append(response_time)
    if exception is not None:
        FAILURES[(name, request_type)] += 1
        message = str(exception) or type(exception).__name__
        ERRORS[(name, request_type, message[:200])] += 1


def percentile(ordered, fraction):
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report_table(seconds):
    order = {kind: i for i, kind in enumerate(KINDS)}
    rows = [
        "| kind | method | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | failures |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    everything, failed = [], 0
    for key in sorted(TIMES, key=lambda key: (order.get(key[0], len(order)), key)):
        name, method = key
        ordered = sorted(TIMES[key])
        everything += ordered
        failed += FAILURES[key]
        rows.append(row(name, method, ordered, FAILURES[key], seconds))
    everything.sort()
    rows.append(row("all", "", everything, failed, seconds))
    return "\n".join(rows)


def row(name, method, ordered, failures, seconds):
    share = "%d (%.1f%%)" % (failures, 100.0 * failures / len(ordered)) if ordered else "0"
    return "| %s | %s | %d | %.1f | %.2f | %.2f | %.2f | %.1f | %s |" % (
        name,
        method,
        len(ordered),
        len(ordered) / seconds if seconds > 0 else 0.0,
        percentile(ordered, 0.50),
        percentile(ordered, 0.95),
        percentile(ordered, 0.99),
        ordered[-1] if ordered else float("nan"),
        share,
    )


@events.test_stop.add_listener
def on_test_stop(**_):
    seconds = time.monotonic() - CLOCK.get("start", time.monotonic())
    text = "%d requests in %.1f s; response times in ms as the client measured them\n\n%s\n" % (
        sum(len(times) for times in TIMES.values()),
        seconds,
        report_table(seconds),
    )
    if not ADMIN_KEY:
        text += "\n(no VITRINE_ADMIN_KEY: price updates were skipped)\n"
    if ERRORS:
        text += "\nfailures:\n" + "".join(
            "  %s %s: %s (%d)\n" % (method, name, message, count)
            for (name, method, message), count in ERRORS.most_common(20)
        )
    if REPORT:
        with open(REPORT, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
