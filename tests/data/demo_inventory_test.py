#!/usr/bin/env python3
"""The demo inventory overlay (data/demo/make_inventory.py) over the bundled catalog: the
same bytes on every run, the same record for a product whatever the feeds' order, every
record well-formed and marked synthetic, and the shape of real listings it claims
(data/README.md): about one size slot in nine out of stock, about half the products
rated, heavy-tailed rating counts, styles of distinct colours, materials only where stated.

  demo_inventory_test.py [--repo .]
"""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import unittest
from collections import defaultdict

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def feeds():
    return [os.path.join(REPO, "data", "catalog", name)
            for name in ("fashion-styles.jsonl.gz", "myntra-products.jsonl.gz")]


def read_jsonl(path):
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def generate(out):
    script = os.path.join(REPO, "data", "demo", "make_inventory.py")
    result = subprocess.run([sys.executable, script, "--out", out, *feeds()],
                            capture_output=True, text=True, check=True)
    return result.stdout


class DemoInventoryTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.TemporaryDirectory(prefix="vitrine-demo-inventory-")
        cls.first = os.path.join(cls.work.name, "first.jsonl.gz")
        cls.report = generate(cls.first)
        cls.records = read_jsonl(cls.first)
        cls.products = [p for feed in feeds() for p in read_jsonl(feed)]
        cls.by_id = {p["id"]: p for p in cls.products}

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def test_a_second_run_writes_the_same_bytes(self):
        second = os.path.join(self.work.name, "second.jsonl.gz")
        generate(second)
        with open(self.first, "rb") as a, open(second, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_a_product_gets_the_same_record_whatever_the_feed_order(self):
        sys.path.insert(0, os.path.join(REPO, "data", "demo"))
        import make_inventory
        reordered = {r["id"]: r for r in make_inventory.make_overlay(list(reversed(feeds())))}
        self.assertEqual(len(reordered), len(self.records))
        for record in self.records:
            self.assertEqual(reordered[record["id"]], record)

    def test_one_record_per_product_in_feed_order_each_marked_synthetic(self):
        self.assertEqual([r["id"] for r in self.records], [p["id"] for p in self.products])
        for record in self.records:
            self.assertEqual(record["attributes"]["demo_inventory"], "synthetic")

    def test_stock_is_the_sum_of_the_units_per_size(self):
        for record in self.records:
            run = record.get("size_stock", {})
            self.assertNotIn("sizes", record)  # Vitrine fills them in from size_stock
            if run:
                self.assertEqual(record["stock"], sum(run.values()), record)
            self.assertEqual(record["in_stock"], record["stock"] > 0, record)

    def test_about_one_size_slot_in_nine_is_out_of_stock(self):
        slots = [units for r in self.records for units in r.get("size_stock", {}).values()]
        self.assertGreater(len(slots), 3 * len(self.records))
        share = sum(1 for n in slots if n == 0) / len(slots)
        self.assertAlmostEqual(share, 1 / 9, delta=0.02)

    def test_about_half_the_products_are_rated_with_heavy_tailed_counts(self):
        rated = [r for r in self.records if "rating" in r]
        self.assertAlmostEqual(len(rated) / len(self.records), 0.5, delta=0.05)
        counts = sorted(r["attributes"]["rating_count"] for r in rated)
        median, p99 = counts[len(counts) // 2], counts[int(0.99 * len(counts))]
        self.assertGreaterEqual(p99, 10 * median)
        self.assertGreaterEqual(counts[-1], 1000)
        self.assertTrue(all(1 <= r["rating"] <= 5 for r in rated))
        self.assertFalse(any("rating_count" in r["attributes"] for r in self.records
                             if "rating" not in r))

    def test_styles_group_same_titled_products_of_distinct_colours(self):
        styles = defaultdict(list)
        for record in self.records:
            if "parent_id" in record:
                styles[record["parent_id"]].append(self.by_id[record["id"]])
        self.assertGreater(len(styles), 1000)
        for parent, members in styles.items():
            self.assertGreaterEqual(len(members), 2, parent)
            colours = [m["color"] for m in members]
            self.assertEqual(len(set(colours)), len(colours), parent)
            self.assertEqual(len({(m.get("brand"), m.get("gender")) for m in members}), 1, parent)

    def test_a_material_only_where_the_title_or_description_states_it(self):
        with_material = 0
        for record in self.records:
            if "material" not in record:
                continue
            with_material += 1
            product = self.by_id[record["id"]]
            text = (product["title"] + " " + product.get("description", "")).lower()
            word = record["material"].lower().split()[-1]
            stated = word in text or (word == "wool" and "woo" in text) or (
                word == "elastane" and any(w in text for w in ("lycra", "spandex")))
            self.assertTrue(stated, (record["id"], record["material"]))
            # A "Denim" deodorant or a "Velvet Matte" lipstick is made of no fabric.
            self.assertNotEqual((product.get("category") or [""])[0], "Personal Care",
                                (record["id"], record["material"]))
        self.assertGreater(with_material, 1000)

    def test_the_report_states_the_shape(self):
        for phrase in ("out of stock", "rated", "rating count p50", "styles", "with a material"):
            self.assertIn(phrase, self.report)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", default=REPO)
    args, rest = parser.parse_known_args()
    REPO = os.path.abspath(args.repo)
    unittest.main(argv=[sys.argv[0], *rest], verbosity=2)
