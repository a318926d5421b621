#!/usr/bin/env python3
"""bench/understanding_eval.py's scoring on hand-computed cases and against a stand-in
server, and the labelled set it reads: well-formed, split, and exactly what
data/eval/query-understanding/make_queries.py builds from the bundled catalogs."""

import collections
import contextlib
import http.server
import io
import json
import pathlib
import subprocess
import sys
import threading
import unittest
import urllib.parse

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import understanding_eval as ue  # noqa: E402

SET_DIR = REPO / "data/eval/query-understanding"


def entry(q, expect, id_="qu-001", split="dev"):
    return {"id": id_, "q": q, "expect": expect, "split": split}


class ItemMatchTest(unittest.TestCase):
    def test_strings_match_case_insensitively(self):
        self.assertTrue(ue.item_matches({"field": "color", "value": "navy blue"},
                                        {"field": "color", "value": "Navy Blue"}))

    def test_another_field_with_the_same_value_does_not_match(self):
        self.assertFalse(ue.item_matches({"field": "brand", "value": "Red"},
                                         {"field": "color", "value": "Red"}))

    def test_accept_lists_other_right_answers(self):
        expected = {"field": "color", "value": "Navy Blue",
                    "accept": ["Navy", ["Navy", "Navy Blue"]]}
        self.assertTrue(ue.item_matches({"field": "color", "value": "Navy"}, expected))
        self.assertTrue(ue.item_matches({"field": "color", "value": ["navy blue", "NAVY"]},
                                        expected))
        self.assertFalse(ue.item_matches({"field": "color", "value": "Blue"}, expected))

    def test_a_list_compares_as_a_set_not_as_a_subset(self):
        expected = {"field": "gender", "value": ["Boys", "Girls", "Unisex Kids"]}
        self.assertTrue(ue.item_matches(
            {"field": "gender", "value": ["Unisex Kids", "Girls", "Boys"]}, expected))
        self.assertFalse(ue.item_matches({"field": "gender", "value": "Boys"}, expected))

    def test_the_matches_an_item_applies_are_its_answer_too(self):
        expected = {"field": "gender", "value": ["Boys", "Girls", "Unisex Kids"]}
        self.assertTrue(ue.item_matches(
            {"field": "gender", "value": "Unisex Kids",
             "matches": ["Boys", "Girls", "Unisex Kids"]}, expected))
        self.assertFalse(ue.item_matches(
            {"field": "gender", "value": "Boys", "matches": ["Boys", "Girls"]}, expected))
        # A colour read with its family still answers with its own value.
        self.assertTrue(ue.item_matches(
            {"field": "color", "value": "Blue", "matches": ["Blue", "Navy Blue", "Teal"]},
            {"field": "color", "value": "Blue"}))

    def test_price_needs_the_same_op_and_number(self):
        expected = {"field": "price", "op": "lte", "value": 1000}
        self.assertTrue(ue.item_matches({"field": "price", "op": "lte", "value": 1000.0},
                                        expected))
        self.assertFalse(ue.item_matches({"field": "price", "op": "gte", "value": 1000}, expected))
        self.assertFalse(ue.item_matches({"field": "price", "op": "lte", "value": 999}, expected))
        self.assertFalse(ue.item_matches({"field": "price", "op": "lte", "value": "1000"},
                                         expected))
        self.assertFalse(ue.item_matches({"field": "price", "value": 1000}, expected))

    def test_between_compares_both_bounds(self):
        expected = {"field": "price", "op": "between", "value": [500, 1000]}
        def understood(value):
            return {"field": "price", "op": "between", "value": value}
        self.assertTrue(ue.item_matches(understood([500, 1000]), expected))
        self.assertFalse(ue.item_matches(understood([1000, 500]), expected))
        self.assertFalse(ue.item_matches(understood(500), expected))

    def test_malformed_understood_items_never_match(self):
        expected = {"field": "color", "value": "Red"}
        for bad in ("Red", None, {"field": "color"}, {"field": "color", "value": 3},
                    {"field": "color", "value": []}):
            self.assertFalse(ue.item_matches(bad, expected), bad)


class MatchItemsTest(unittest.TestCase):
    def test_each_expected_item_is_used_once(self):
        expected = [{"field": "color", "value": "Red"}]
        understood = [{"field": "color", "value": "red"}, {"field": "color", "value": "Red"}]
        pairs, extra, missed = ue.match_items(understood, expected)
        self.assertEqual((len(pairs), len(extra), len(missed)), (1, 1, 0))

    def test_the_matching_is_maximal_not_greedy(self):
        # The first understood item fits both expected items; a greedy pairing that gave it
        # the first would leave the second understood item unmatched.
        expected = [{"field": "color", "value": "Navy Blue", "accept": ["Navy"]},
                    {"field": "color", "value": "Navy"}]
        understood = [{"field": "color", "value": "Navy"},
                      {"field": "color", "value": "Navy Blue"}]
        pairs, extra, missed = ue.match_items(understood, expected)
        self.assertEqual((len(pairs), extra, missed), (2, [], []))


class ScoreTest(unittest.TestCase):
    def test_precision_and_recall_per_field_and_overall(self):
        results = [
            # right gender and category, wrong colour: colour 0/1 precision, 0/1 recall
            (entry("mens red tshirt", [{"field": "gender", "value": "Men"},
                                       {"field": "color", "value": "Red"},
                                       {"field": "category", "value": "Tshirts"}], "qu-001"),
             [{"field": "gender", "value": "Men"}, {"field": "color", "value": "Maroon"},
              {"field": "category", "value": "tshirts", "applied": "filter"}]),
            # a trap: nothing to understand, a brand word taken for a colour
            (entry("red tape shirt", [{"field": "brand", "value": "Red Tape"},
                                      {"field": "category", "value": "Shirts"}], "qu-002"),
             [{"field": "color", "value": "Red"}, {"field": "category", "value": "Shirts"}]),
            # the price, exactly
            (entry("handbag under 1000", [{"field": "category", "value": "Handbags"},
                                          {"field": "price", "op": "lte", "value": 1000}],
                   "qu-003"),
             [{"field": "category", "value": "Handbags"},
              {"field": "price", "op": "lte", "value": 1000, "text": "under 1000"}]),
            # nothing expected, nothing understood: right
            (entry("slim fit", [], "qu-004"), []),
        ]
        figures = ue.score(results)
        color = figures["fields"]["color"]
        self.assertEqual((color["expected"], color["understood"], color["correct"]), (1, 2, 0))
        self.assertEqual((color["precision"], color["recall"], color["f1"]), (0.0, 0.0, 0.0))
        category = figures["fields"]["category"]
        self.assertEqual((category["precision"], category["recall"]), (1.0, 1.0))
        brand = figures["fields"]["brand"]
        self.assertEqual((brand["understood"], brand["precision"], brand["recall"]),
                         (0, None, 0.0))
        self.assertIsNone(brand["f1"])
        overall = figures["overall"]
        self.assertEqual((overall["expected"], overall["understood"], overall["correct"]),
                         (7, 7, 5))
        self.assertAlmostEqual(overall["precision"], 5 / 7)
        self.assertAlmostEqual(overall["f1"], 5 / 7)
        self.assertEqual(figures["queries_exact"], 2)
        # Two errors each (one missed, one extra): ties go by id.
        self.assertEqual([m["id"] for m in figures["misses"]], ["qu-001", "qu-002"])

    def test_fields_the_labels_do_not_cover_are_counted_apart(self):
        figures = ue.score([(entry("casual shirt", [{"field": "category", "value": "Shirts"}]),
                             [{"field": "category", "value": "Shirts"},
                              {"field": "usage", "value": "Casual"}])])
        self.assertEqual(figures["unscored"], {"usage": 1})
        self.assertEqual(figures["overall"]["precision"], 1.0)
        self.assertEqual(figures["queries_exact"], 1)

    def test_understanding_nothing_has_no_precision_and_no_recall(self):
        figures = ue.score([(entry("red", [{"field": "color", "value": "Red"}]), [])])
        self.assertIsNone(figures["overall"]["precision"])
        self.assertEqual(figures["overall"]["recall"], 0.0)


class _StandIn(http.server.BaseHTTPRequestHandler):
    """Answers /v1/search like a server that understands only colours (and only "red"),
    and, for "plain", like today's server: no `understood` key at all."""
    seen = []

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query)
        _StandIn.seen.append((url.path, params, self.headers.get("X-API-Key")))
        q = params["q"][0]
        body = {"query": q, "total": 1, "hits": []}
        if q != "plain":
            body["understood"] = ([{"text": "red", "field": "color", "value": "Red",
                                    "applied": "filter"}] if "red" in q.split() else [])
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class CommandTest(unittest.TestCase):
    def setUp(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        _StandIn.seen = []
        self.queries = SET_DIR / "queries.jsonl"

    def tearDown(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def write_queries(self, tmp, entries):
        path = pathlib.Path(tmp) / "queries.jsonl"
        path.write_text("".join(json.dumps(e) + "\n" for e in entries))
        return str(path)

    def run_main(self, *argv):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = ue.main(list(argv))
        return code, out.getvalue()

    def test_runs_each_query_and_reads_understood(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write_queries(tmp, [
                entry("red dress & more", [{"field": "color", "value": "Red"},
                                           {"field": "category", "value": "Dresses"}], "qu-001"),
                entry("plain", [], "qu-002"),
                entry("blue dress", [{"field": "color", "value": "Blue"}], "qu-003", "test"),
            ])
            code, out = self.run_main("--url", self.url, "--queries", path, "--split", "all",
                                      "--api-key", "k1", "--json")
        self.assertEqual(code, 0)
        figures = json.loads(out)
        self.assertEqual(figures["fields"]["color"]["correct"], 1)
        self.assertEqual(figures["fields"]["color"]["recall"], 0.5)
        self.assertEqual(figures["fields"]["category"]["recall"], 0.0)
        self.assertEqual(figures["queries_exact"], 1)
        self.assertEqual(figures["errors"], 0)
        path_, params, key = _StandIn.seen[0]
        self.assertEqual((path_, params["q"], params["per_page"], key),
                         ("/v1/search", ["red dress & more"], ["1"], "k1"))

    def test_split_table_misses_and_threshold(self):
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write_queries(tmp, [
                entry("red top", [{"field": "color", "value": "Red"},
                                  {"field": "category", "value": "Tops"}], "qu-001"),
                entry("blue top", [{"field": "color", "value": "Blue"}], "qu-002", "test"),
            ])
            with contextlib.redirect_stderr(io.StringIO()) as err:
                code, out = self.run_main("--url", self.url, "--queries", path, "--split", "dev",
                                          "--show-misses", "5", "--fail-under", "0.95")
        self.assertIn("below 0.95: category", err.getvalue())
        self.assertEqual(code, 1)  # category recall 0
        self.assertEqual(len(_StandIn.seen), 1)  # dev only
        self.assertIn("split dev: 1 queries, 0 fully right", out)
        self.assertRegex(out, r"color\s+1\s+1\s+1\s+1\.000\s+1\.000\s+1\.000")
        self.assertRegex(out, r"category\s+1\s+0\s+0\s+-\s+0\.000\s+-")
        self.assertIn("qu-001 [dev] red top", out)
        self.assertIn("missed: category=Tops", out)

    def test_no_server_is_an_error(self):
        self.server.shutdown()
        self.server.server_close()
        self.server = None
        import tempfile
        with tempfile.TemporaryDirectory() as tmp:
            path = self.write_queries(tmp, [entry("red", [{"field": "color", "value": "Red"}])])
            with contextlib.redirect_stderr(io.StringIO()):
                code, out = self.run_main("--url", self.url, "--queries", path, "--timeout", "2")
        self.assertEqual(code, 2)
        self.assertIn("1 requests failed", out)


class LabelledSetTest(unittest.TestCase):
    def setUp(self):
        with open(SET_DIR / "queries.jsonl", encoding="utf-8") as f:
            self.entries = [json.loads(line) for line in f]

    def test_the_set_is_large_split_and_well_formed(self):
        self.assertGreaterEqual(len(self.entries), 300)
        ids = [e["id"] for e in self.entries]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(len({e["q"].lower() for e in self.entries}), len(self.entries))
        splits = collections.Counter(e["split"] for e in self.entries)
        self.assertEqual(set(splits), {"dev", "test"})
        self.assertLess(abs(splits["dev"] - splits["test"]), len(self.entries) // 20)
        for e in self.entries:
            for item in e["expect"]:
                self.assertIn(item["field"], ue.FIELDS, e["id"])
                # Every label can be met: the scorer matches it against itself.
                self.assertTrue(ue.item_matches(dict(item), item), e["id"])

    def test_every_field_is_measured_on_both_splits(self):
        per_split = collections.Counter((e["split"], i["field"])
                                        for e in self.entries for i in e["expect"])
        for split in ("dev", "test"):
            for field in ue.FIELDS:
                self.assertGreaterEqual(per_split[(split, field)], 20, (split, field))

    def test_make_queries_builds_the_committed_file(self):
        done = subprocess.run([sys.executable, str(SET_DIR / "make_queries.py"), "--check"],
                              capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)


if __name__ == "__main__":
    unittest.main()
