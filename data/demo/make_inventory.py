#!/usr/bin/env python3
"""Writes the demo inventory overlay: a SYNTHETIC supplemental feed for the bundled catalog.

The public catalogs in data/catalog have no sizes, stock, ratings, popularity, dates or
materials, and no two products share a parent_id. This script invents them, plausibly and
deterministically, as partial records keyed by product id, which `vitrine reindex
--supplemental-feed FILE` merges into the untouched original feeds (each record as a JSON
merge patch, like PATCH /v1/products/{id}). Every record carries
"attributes": {"demo_inventory": "synthetic"}.

Per product (data/README.md describes the shape it matches):
  size_stock       {"S": 4, "M": 0, "L": 7}: units per size over a size run chosen by
                   product type (inventory_rules.py); Vitrine fills in `sizes` (those
                   in stock) from it
  stock, in_stock  units over all sizes, and whether any is left
  attributes       rating_count (when rated), demo_inventory "synthetic"
  rating           about half the products, 1.0-5.0
  popularity       a demand score (higher sells more), heavy-tailed
  created_at       Unix seconds: within the product's `year`, else mid-2019 to mid-2021
  material         only where the title (else the description) states one
  parent_id        colour variants grouped into styles (styles.py)

Every number comes from a hash of (seed, product id, what it is for), never from a
global random stream, so the output is the same on every run and for every product
whatever the order or subset of the feeds.

  python3 data/demo/make_inventory.py --out var/demo-inventory.jsonl.gz [FEED ...]
"""

import argparse
import calendar
import glob
import gzip
import hashlib
import json
import math
import os
import sys
from statistics import NormalDist
from typing import Dict, Iterator, List, Optional, Tuple

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import inventory_rules  # noqa: E402
import styles  # noqa: E402

SEED = "vitrine-demo-inventory-1"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARK = {"demo_inventory": "synthetic"}
# Products without a `year`: the Myntra products catalog was scraped around 2021.
UNDATED_FROM = calendar.timegm((2019, 7, 1, 0, 0, 0))
UNDATED_TO = calendar.timegm((2021, 7, 1, 0, 0, 0))
_NORMAL = NormalDist()


class Draws:
    """Independent uniform and normal numbers for one product, named by what they are for."""

    def __init__(self, seed: str, product_id: str):
        self.prefix = f"{seed}\0{product_id}\0".encode()

    def uniform(self, name: str) -> float:
        digest = hashlib.blake2b(self.prefix + name.encode(), digest_size=8).digest()
        return (int.from_bytes(digest, "big") + 0.5) / 2.0**64  # in (0, 1)

    def normal(self, name: str, mean: float = 0.0, sd: float = 1.0) -> float:
        return mean + sd * _NORMAL.inv_cdf(self.uniform(name))

    def integer(self, name: str, low: int, high: int) -> int:
        """Uniform in [low, high]."""
        return low + min(int(self.uniform(name) * (high - low + 1)), high - low)


def sub_run(run: List[str], draws: Draws) -> List[str]:
    """The contiguous part of a size run one product is made in (3+ sizes of long runs)."""
    if len(run) <= 3:
        return run
    length = draws.integer("run_length", max(3, len(run) - 3), len(run))
    start = draws.integer("run_start", 0, len(run) - length)
    return run[start:start + length]


def slot_stock(sizes: List[str], draws: Draws) -> List[int]:
    """Units per size. A size is out of stock about one time in nine: the run's ends
    (stocked thinner) and products that sell fast more often; a few products sold out."""
    if draws.uniform("sold_out") < 0.03:
        return [0] * len(sizes)
    fast = draws.uniform("sells_fast") < 0.1
    units = []
    for index, size in enumerate(sizes):
        edge = len(sizes) > 2 and index in (0, len(sizes) - 1)
        p_out = 0.035 + (0.08 if edge else 0.0) + (0.20 if fast else 0.0)
        if draws.uniform("out:" + size) < p_out:
            units.append(0)
        else:
            mean = 1.6 if edge else 2.2
            units.append(min(250, max(1, round(math.exp(draws.normal("units:" + size, mean, 0.8))))))
    return units


def created_at(product: dict, draws: Draws) -> int:
    year = (product.get("attributes") or {}).get("year", "")
    if year.isdigit():
        start = calendar.timegm((int(year), 1, 1, 0, 0, 0))
        end = calendar.timegm((int(year) + 1, 1, 1, 0, 0, 0))
    else:
        start, end = UNDATED_FROM, UNDATED_TO
    return start + int(draws.uniform("created_at") * (end - start))


def overlay_record(product: dict, parent_id: Optional[str], seed: str) -> dict:
    draws = Draws(seed, product["id"])
    kind = inventory_rules.kind_of(product)
    run = sub_run(inventory_rules.size_run(kind, product), draws)
    attributes = dict(MARK)
    units = slot_stock(run or ["item"], draws)
    record = {"id": product["id"]}
    if run:
        record["size_stock"] = dict(zip(run, units))
    record["stock"] = sum(units)
    record["in_stock"] = record["stock"] > 0
    # One latent demand drives popularity, the chance of being rated and the rating count.
    demand = draws.normal("demand")
    if draws.uniform("rated") < _NORMAL.cdf(0.8 * demand):
        count = max(1, round(math.exp(2.4 + 1.5 * (0.6 * demand + 0.8 * draws.normal("count")))))
        quality = draws.normal("quality", 4.05, 0.4)
        observed = quality + draws.normal("rating_noise") / math.sqrt(count)
        record["rating"] = round(min(5.0, max(1.0, observed)), 1)
        attributes["rating_count"] = count
    record["popularity"] = max(1, round(math.exp(3.0 + 1.3 * demand)))
    record["created_at"] = created_at(product, draws)
    material = inventory_rules.material_of(product)
    if material:
        record["material"] = material
    if parent_id:
        record["parent_id"] = parent_id
    record["attributes"] = attributes
    return record


def read_feed(path: str) -> Iterator[dict]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise SystemExit(f"{path}:{number}: malformed JSON: {error}")


def make_overlay(feeds: List[str], seed: str = SEED) -> List[dict]:
    """Overlay records, in feed order, for every product of `feeds`."""
    products: List[Tuple[str, dict]] = []
    for feed in feeds:
        products.extend((os.path.basename(feed), p) for p in read_feed(feed))
    parents = styles.group_styles(products)
    return [overlay_record(p, parents.get(p["id"]), seed) for _, p in products]


def write_overlay(records: List[dict], path: str) -> None:
    """gzip JSON Lines, byte-for-byte the same for the same records (no name, no time)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    partial = path + ".partial"
    with open(partial, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="",
                                                   mtime=0) as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
            out.write(b"\n")
    os.replace(partial, path)


def percentile(sorted_values: List[float], share: float) -> float:
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(share * len(sorted_values)))]


def shape(records: List[dict]) -> Dict[str, float]:
    """The figures data/README.md states, computed from the overlay itself."""
    slots = [units for r in records for units in r.get("size_stock", {}).values()]
    counts = sorted(r["attributes"]["rating_count"] for r in records if "rating" in r)
    style_sizes: Dict[str, int] = {}
    for r in records:
        if "parent_id" in r:
            style_sizes[r["parent_id"]] = style_sizes.get(r["parent_id"], 0) + 1
    n = len(records)
    return {
        "products": n,
        "size_slots": len(slots),
        "slots_out_of_stock": sum(1 for units in slots if units == 0) / max(1, len(slots)),
        "products_in_stock": sum(1 for r in records if r["in_stock"]) / max(1, n),
        "rated": len(counts) / max(1, n),
        "rating_mean": sum(r["rating"] for r in records if "rating" in r) / max(1, len(counts)),
        "rating_count_p50": percentile(counts, 0.5),
        "rating_count_p90": percentile(counts, 0.9),
        "rating_count_p99": percentile(counts, 0.99),
        "rating_count_max": counts[-1] if counts else 0,
        "styles": sum(1 for size in style_sizes.values() if size > 1),
        "products_in_styles": sum(style_sizes.values()) / max(1, n),
        "with_material": sum(1 for r in records if "material" in r) / max(1, n),
    }


def print_shape(figures: Dict[str, float], out) -> None:
    f = figures
    print(f"demo inventory overlay (synthetic): {f['products']:,} products", file=out)
    print(f"  size slots          {f['size_slots']:,}, {f['slots_out_of_stock']:.1%} out of "
          f"stock; {f['products_in_stock']:.1%} of products in stock", file=out)
    print(f"  rated               {f['rated']:.1%} (mean {f['rating_mean']:.2f}); rating count "
          f"p50 {f['rating_count_p50']}, p90 {f['rating_count_p90']}, "
          f"p99 {f['rating_count_p99']}, max {f['rating_count_max']}", file=out)
    print(f"  styles              {f['styles']:,} with 2+ colour variants "
          f"({f['products_in_styles']:.1%} of products)", file=out)
    print(f"  with a material     {f['with_material']:.1%}", file=out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("feeds", nargs="*", help="primary feeds (default: data/catalog/*.jsonl.gz)")
    parser.add_argument("--out", required=True, help="the overlay to write (.jsonl.gz)")
    parser.add_argument("--seed", default=SEED, help="another seed gives another inventory")
    parser.add_argument("--quiet", action="store_true", help="do not print the shape figures")
    args = parser.parse_args()
    feeds = args.feeds or sorted(glob.glob(os.path.join(REPO, "data", "catalog", "*.jsonl.gz")))
    records = make_overlay(feeds, args.seed)
    write_overlay(records, args.out)
    if not args.quiet:
        print_shape(shape(records), sys.stdout)
        print(f"  written to          {args.out}", file=sys.stdout)


if __name__ == "__main__":
    main()
