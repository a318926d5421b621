#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ from the repository's own
examples: tests/testdata, the documented requests of docs/api.md and
docs/merchandising.md, and a sample of bench/workload. Files are named by the
SHA-1 of their contents, as libFuzzer names what it finds; crash inputs kept as
regression seeds sit beside them under names that say what they found.

    tests/fuzz/make_seeds.py        # (re)writes the generated seeds
"""
import gzip
import hashlib
import json
import os
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")
ADMIN_KEY = "fuzz-admin-key"  # http_request_fuzzer.cc's admin key
WORKLOAD_SAMPLE = 40  # requests of bench/workload used as seeds


def read(path, mode="rb"):
    with open(os.path.join(ROOT, path), mode) as f:
        return f.read()


def add(target, data):
    if isinstance(data, str):
        data = data.encode()
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def testdata(name):
    return read(os.path.join("tests", "testdata", name))


def workload():
    lines = gzip.decompress(read("bench/workload/storefront-workload.jsonl.gz")).splitlines()
    step = max(1, len(lines) // WORKLOAD_SAMPLE)
    for line in lines[::step][:WORKLOAD_SAMPLE]:
        request = json.loads(line)
        del request["id"], request["kind"]
        request["facets"] = ["category" if f == "category_leaf" else f for f in request["facets"]]
        request["filters"] = {("category" if k == "category_leaf" else k): v
                              for k, v in request["filters"].items()}
        yield request


def query_string(request):
    params = []
    if request.get("q") is not None:
        params.append(("q", request["q"]))
    for field, values in request.get("filters", {}).items():
        params += [("filter." + field, v) for v in values]
    for field, bounds in request.get("ranges", {}).items():
        params.append(("range." + field, "%s..%s" % (bounds.get("gte", ""), bounds.get("lte", ""))))
    if request.get("facets"):
        params.append(("facets", ",".join(request["facets"])))
    for key in ("facet_size", "sort", "page", "per_page"):
        if key in request:
            params.append((key, str(request[key])))
    return urllib.parse.urlencode(params)


# Documented GET searches (docs/api.md), as query strings.
DOC_QUERIES = [
    "q=men+navy+tee&page=2&per_page=12",
    "q=tshirt&filter.gender=Men&filter.color=Navy+Blue&filter.color=Blue&range.price=..1500"
    "&in_stock=true&filter.usage=Casual",
    "q=kurta&filter.brand=AURELIA&facets=brand,gender&facet_size=3&per_page=1",
    "q=kurta&facets=price&buckets.price=1000,2000,5000&per_page=1",
    "q=running+shoes&sort=price_asc&page=3",
    "q=addidas+sneekers&per_page=1",
    "q=navy+shirt&per_page=1&highlight_tag=mark",
    "filter.colour=red",
    "q=dress&collapse=false&highlight=false&facets=category.lvl0,category.lvl1,category.lvl2,size",
    "q=shirt&facets=rating,price&sort=rating&range.rating=4..",
    "q=Cr%C3%A8me+BR%C3%9BL%C3%89E&sort=newest",
    "sort=popularity&facets=brand,color,gender,season,material&facet_size=50",
]

DOC_BODIES = [
    {"q": "tshirt", "filters": {"gender": ["Men"], "color": ["Navy Blue", "Blue"], "usage": ["Casual"]},
     "ranges": {"price": {"lte": 1500}}, "in_stock": True},
    {"q": "men navy tee", "filters": {"gender": ["Men"], "color": ["Navy Blue", "Blue"]},
     "ranges": {"price": {"gte": 500, "lte": 1500}}, "in_stock": True,
     "facets": ["brand", "color", "gender", "category"], "facet_size": 20,
     "sort": "price_asc", "page": 1, "per_page": 24},
    {"q": "black dress", "filters": {"gender": ["Women"]}, "per_page": 5},
    {"q": "kurta", "facets": ["price"], "buckets": {"price": [1000, 2000, 5000]}, "per_page": 1},
    {},
]

RULES = [
    {"id": "black-dress-hero", "description": "The campaign dress first for black dress",
     "priority": 10, "conditions": {"query": {"equals": "black dress"}},
     "consequences": {"pin": [{"id": "1002", "position": 1}],
                      "banner": {"text": "New season dresses", "link": "/c/dresses"}}},
    {"id": "bury-out-of-stock",
     "consequences": {"bury": [{"filter": {"in_stock": [False]}, "factor": 0.3}]}},
    {"id": "black-friday-roadster", "priority": 20,
     "conditions": {"query": {"contains": ["jeans"]}},
     "active": {"starts_at": "2026-11-27T00:00:00Z", "ends_at": "2026-11-30T23:59:59Z"},
     "consequences": {"boost": [{"filter": {"brand": ["Roadster"]}, "factor": 3}],
                      "hide": ["1004"], "banner": {"text": "Black Friday: Roadster denim -30%"}}},
    {"id": "black-dress-campaign", "description": "Pin the hero dress", "enabled": True,
     "priority": 10,
     "conditions": {"query": {"equals": "Black  Dress"},
                    "context": {"filters": {"category": ["Dresses"]}}},
     "active": {"starts_at": "2026-11-27T00:00:00Z", "ends_at": "2026-11-30T23:59:59Z"},
     "consequences": {"pin": [{"id": "1001", "position": 1}], "hide": ["999"],
                      "boost": [{"filter": {"brand": ["Roadster"]}, "factor": 2.0}],
                      "bury": [{"filter": {"in_stock": [False]}, "factor": 0.5}],
                      "filter": {"gender": ["Women"]}, "replace_query": None,
                      "banner": {"text": "Black Friday"}}},
    {"id": "cheap-shirts", "conditions": {"query": "any"},
     "consequences": {"boost": [{"filter": {"price": {"gte": 500, "lte": 1500}}, "factor": 1.5}],
                      "replace_query": "shirt"}},
]

SYNONYMS = [
    {"id": "sneakers", "synonyms": ["sneakers", "trainers", "running shoes"]},
    {"id": "kicks", "input": "kicks", "synonyms": ["sneakers"]},
    {"id": "party-wear", "input": "party wear", "synonyms": ["dress", "gown"]},
    {"id": "denim", "synonyms": ["jeans", "denims", "dungarees"]},
]

RANKINGS = [
    {"fields": {"title": 3, "brand": 2, "category": 1.5, "description": 0.5},
     "signals": {"popularity": 0.1, "in_stock": 0.1, "recency": 0.05, "rating": 0.05,
                 "attribute": {"name": "margin", "weight": 0.1}}},
    {"fields": {"title": 4}, "signals": {"popularity": 0.1}},
    {"signals": {"attribute": None}, "version": 3},
]

ANALYZER_TEXTS = [
    "Men's Navy T-Shirts", "Crème BRÛLÉE", "W32 L34", "Extra Large", "tshirt tee t-shirt",
    "6 in heels", "2 feet scarf", "unisex kids sneakers", "Levi's 501", "ＴＥＥ",
    "running shoes for women", "navy", "off-white kurta",
]


def http(method, target, body=b"", headers=(), keep_alive=True):
    if isinstance(body, str):
        body = body.encode()
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: 127.0.0.1"]
    lines += ["%s: %s" % h for h in headers]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append("Content-Length: %d" % len(body))
    if not keep_alive:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def admin(extra=()):
    return (("X-API-Key", ADMIN_KEY),) + tuple(extra)


def main():
    # Feed targets read a limits byte first (feed_fuzzing.h): the defaults, an
    # 8-byte read buffer, and an 8-byte buffer with 64-byte records.
    limits = (b"\x80", b"\x07", b"\x47")
    products = []
    for name in ("products.jsonl", "variants.jsonl", "mixed.jsonl", "margins.jsonl"):
        feed = testdata(name)
        for limit in limits:
            add("feed_jsonl", limit + feed)
        add("feed_gzip", b"\x00\x80" + feed)
        add("feed_gzip", b"\x02\x07" + gzip.compress(feed, mtime=0))
        products += [line for line in feed.splitlines() if line.strip()]
    csv = testdata("products.csv")
    for limit in limits:
        add("feed_csv", limit + csv)
    add("feed_gzip", b"\x01\x80" + csv)
    add("feed_gzip", b"\x03\x07" + gzip.compress(csv, mtime=0))
    for line in products:
        add("product_json", line)
    for text in ANALYZER_TEXTS:
        add("analyzer", b"\x00" + text.encode())
        add("analyzer", b"\x02" + text.encode())

    requests = list(workload())
    queries = DOC_QUERIES + [query_string(r) for r in requests]
    bodies = DOC_BODIES + requests
    for q in queries:
        add("search_params", q)
    for body in bodies:
        add("search_json", json.dumps(body))
    for request in requests:
        if request.get("q"):
            for cut in (2, 5, len(request["q"])):
                add("suggest", bytes([10]) + request["q"][:cut].encode())
    for rule in RULES:
        add("merch_rule", json.dumps(rule))
    for synonyms in SYNONYMS:
        add("merch_synonyms", json.dumps(synonyms))
    for ranking in RANKINGS:
        add("merch_ranking", json.dumps(ranking))

    h = "http_request"
    for q in DOC_QUERIES:
        add(h, http("GET", "/v1/search?" + q))
    add(h, http("POST", "/v1/search", json.dumps(DOC_BODIES[1]),
                (("Content-Type", "application/json"),)))
    add(h, http("GET", "/v1/suggest?q=nike+run&limit=5") + http("GET", "/v1/products/1001")
        + http("GET", "/v1/analyze?text=Men%27s+Navy+T-Shirts", keep_alive=False))
    add(h, http("HEAD", "/healthz") + http("GET", "/readyz") + http("GET", "/metrics"))
    add(h, http("PUT", "/v1/products/2001", products[0].replace(b'"1001"', b'"2001"'), admin()))
    add(h, http("PATCH", "/v1/products/1001", '{"price": 999, "in_stock": false}',
                admin((("Idempotency-Key", "patch-1"),))))
    add(h, http("DELETE", "/v1/products/1002", b"", (("Authorization", "Bearer " + ADMIN_KEY),)))
    add(h, http("POST", "/v1/products:batch", b"\n".join(products[:3]) + b'\n{"delete": "1003"}\n',
                admin()))
    add(h, http("POST", "/v1/config/rules", json.dumps(RULES[0]), admin()))
    add(h, http("PUT", "/v1/config/rules/bury-out-of-stock", json.dumps(RULES[1]),
                admin((("If-Match", '"1"'),))))
    add(h, http("PUT", "/v1/config/synonyms/sneakers", json.dumps(SYNONYMS[0]), admin()))
    add(h, http("PUT", "/v1/config/ranking", json.dumps(RANKINGS[0]), admin()))
    add(h, http("POST", "/v1/config/preview", json.dumps(
        {"search": {"q": "black dress", "per_page": 5},
         "config": {"rules": [RULES[0]], "synonyms": [SYNONYMS[2]], "ranking": RANKINGS[1]}}),
        admin()))
    add(h, http("GET", "/v1/config/history?limit=5", b"", admin())
        + http("POST", "/v1/config/rollback/1", b"", admin()))
    add(h, http("GET", "/v1/config/rules", b"", admin()) + http("GET", "/v1/config", b"", admin())
        + http("DELETE", "/v1/config/rules/black-dress-hero", b"", admin()))
    add(h, b"POST /v1/search HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"5\r\n{\"q\":\r\n8\r\n \"shirt\"}\r\n0\r\n\r\n")
    add(h, b"GET /v1/search?q=tee HTTP/1.0\r\n\r\n")


if __name__ == "__main__":
    main()
