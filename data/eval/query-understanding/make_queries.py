#!/usr/bin/env python3
"""Builds queries.jsonl, the labelled query-understanding set, from the bundled catalogs.

Every attribute value a query is labelled with is one the catalogs really hold (brand,
colour, gender, category, season), or one of the fixed size and material lists below
(the bundled feeds have neither field). Templates only use values, and combinations of
values, that occur at least a threshold number of times, so the queries are ones a
shopper of this catalog could type. Hand-written queries come from handwritten.jsonl
and are checked against the same values. The output is the same on every run (fixed
seed, sorted inputs): `--check` rebuilds it and fails if the committed file differs.

    python3 data/eval/query-understanding/make_queries.py          # writes queries.jsonl
    python3 data/eval/query-understanding/make_queries.py --check  # compares, writes nothing
"""

import argparse
import collections
import gzip
import json
import pathlib
import random
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[2]
STYLES = REPO / "data/catalog/fashion-styles.jsonl.gz"
PRODUCTS = REPO / "data/catalog/myntra-products.jsonl.gz"
HANDWRITTEN = HERE / "handwritten.jsonl"
OUTPUT = HERE / "queries.jsonl"
SEED = 16

# Thresholds: a value, or a combination of values, must occur at least this often.
MIN_BRAND = 10          # products of a brand (templates; traps may use rarer brands)
MIN_COLOR = 40          # products of a colour
MIN_LEAF = 20           # products of a category leaf
MIN_COMBO = 8           # products of a gender + colour + leaf or brand + type combination
MIN_SEASON_LEAF = 20    # products of a season + leaf combination
MIN_MATERIAL_TYPE = 4   # titles naming a material and a type
MIN_TRAP_BRAND = 3      # products of a brand used in a trap

# Fields without values in the bundled feeds: fixed lists (see README.md).
LETTER_SIZES = ["XS", "S", "M", "L", "XL", "XXL", "3XL"]
WAIST_SIZES = [str(w) for w in range(28, 41, 2)]
SHOE_SIZES = [str(s) for s in range(3, 13)]
FREE_SIZE = "Free Size"
SIZES = set(LETTER_SIZES) | {str(w) for w in range(28, 41)} | set(SHOE_SIZES) | {FREE_SIZE}
MATERIALS = ["Cotton", "Denim", "Leather", "Silk", "Linen", "Wool", "Polyester", "Nylon",
             "Canvas", "Suede", "Satin", "Chiffon", "Georgette", "Rayon", "Velvet", "Fleece",
             "Jute"]
FIELDS = ["price", "size", "color", "gender", "category", "season", "material", "brand"]

# How shoppers write each value. The first spelling is the plain one.
GENDER_WORDS = {
    "Men": ["men", "mens", "men's", "gents", "male"],
    "Women": ["women", "womens", "women's", "ladies"],
    "Boys": ["boys", "boy's", "boys"],
    "Girls": ["girls", "girl's", "girls"],
    "Unisex": ["unisex"],
}
# A stated "men" may also be answered with men + unisex (the vocabulary's own rule).
GENDER_ACCEPT = {"Men": [["Men", "Unisex"]], "Women": [["Women", "Unisex"]]}

COLOR_WORDS = {
    "Black": ["black"], "White": ["white"], "Blue": ["blue"], "Brown": ["brown"],
    "Grey": ["grey", "gray"], "Red": ["red"], "Green": ["green"], "Pink": ["pink"],
    "Navy Blue": ["navy blue", "navy"], "Purple": ["purple"], "Silver": ["silver"],
    "Yellow": ["yellow"], "Beige": ["beige"], "Gold": ["gold", "golden"],
    "Maroon": ["maroon"], "Orange": ["orange"], "Olive": ["olive", "olive green"],
    "Multi": ["multicolour", "multicolor", "multi colour"], "Cream": ["cream"],
    "Steel": ["steel"], "Charcoal": ["charcoal"], "Peach": ["peach"],
    "Off White": ["off white", "off-white"], "Lavender": ["lavender"],
    "Grey Melange": ["grey melange"], "Khaki": ["khaki"], "Magenta": ["magenta"],
    "Teal": ["teal"], "Tan": ["tan"], "Mustard": ["mustard"], "Burgundy": ["burgundy"],
    "Turquoise Blue": ["turquoise blue", "turquoise"], "Rust": ["rust"],
}
# The two catalogs spell navy two ways ("Navy Blue" in the styles, "Navy" in the products).
COLOR_ACCEPT = {"Navy Blue": ["Navy", ["Navy", "Navy Blue"]]}

# Product-type words and the category leaf they mean (the catalog's spelling).
TYPE_WORDS = {
    "Tshirts": ["tshirt", "t-shirt", "tee", "t shirts", "tshirts"],
    "Shirts": ["shirt", "shirts"],
    "Casual Shoes": ["sneakers", "casual shoes"],
    "Sports Shoes": ["running shoes", "sports shoes", "sport shoes", "training shoes"],
    "Formal Shoes": ["formal shoes", "office shoes"],
    "Watches": ["watch", "watches"],
    "Kurtas": ["kurta", "kurtas"],
    "Tops": ["top", "tops"],
    "Handbags": ["handbag", "handbags", "tote"],
    "Heels": ["heels", "high heels"],
    "Sunglasses": ["sunglasses", "shades"],
    "Wallets": ["wallet", "wallets"],
    "Flip Flops": ["flip flops", "flip-flops", "slippers"],
    "Sandals": ["sandals"],
    "Briefs": ["briefs"],
    "Belts": ["belt", "belts"],
    "Backpacks": ["backpack", "backpacks"],
    "Socks": ["socks"],
    "Jeans": ["jeans"],
    "Perfume and Body Mist": ["perfume", "body mist"],
    "Shorts": ["shorts"],
    "Trousers": ["trousers", "chinos"],
    "Flats": ["flats", "ballerinas"],
    "Bra": ["bra"],
    "Dresses": ["dress", "dresses"],
    "Sarees": ["saree", "sari"],
    "Earrings": ["earrings"],
    "Deodorant": ["deodorant"],
    "Nail Polish": ["nail polish"],
    "Lipstick": ["lipstick"],
    "Track Pants": ["track pants", "joggers"],
    "Clutches": ["clutch"],
    "Sweatshirts": ["sweatshirt", "hoodie"],
    "Caps": ["cap"],
    "Sweaters": ["sweater", "pullover"],
    "Ties": ["tie"],
    "Jackets": ["jacket"],
    "Kurtis": ["kurti"],
    "Tunics": ["tunic"],
    "Leggings": ["leggings"],
    "Capris": ["capris"],
    "Skirts": ["skirt"],
    "Scarves": ["scarf"],
    "Dupatta": ["dupatta"],
    "Stoles": ["stole"],
    "Laptop Bag": ["laptop bag"],
    "Duffel Bag": ["duffel bag", "gym bag"],
    "Night suits": ["night suit"],
    "Nightdress": ["nightdress"],
    "Blazers": ["blazer"],
    "Jumpsuit": ["jumpsuit"],
}

# The last word of a Myntra product title (that catalog has no category) and the leaf
# it names, for brand + type combinations that really occur.
TITLE_TYPE = {
    "t-shirt": "Tshirts", "t-shirts": "Tshirts", "tshirt": "Tshirts", "shirt": "Shirts",
    "jeans": "Jeans", "kurta": "Kurtas", "top": "Tops", "dress": "Dresses",
    "trousers": "Trousers", "sneakers": "Casual Shoes", "jacket": "Jackets",
    "sweatshirt": "Sweatshirts", "flats": "Flats", "sweater": "Sweaters",
    "sandals": "Sandals", "saree": "Sarees", "dupatta": "Dupatta", "earrings": "Earrings",
    "heels": "Heels", "shorts": "Shorts", "backpack": "Backpacks", "blazer": "Blazers",
    "chinos": "Trousers", "joggers": "Track Pants", "wallet": "Wallets", "skirt": "Skirts",
    "belt": "Belts", "flip-flops": "Flip Flops", "leggings": "Leggings",
    "jumpsuit": "Jumpsuit", "socks": "Socks", "watch": "Watches", "kurti": "Kurtis",
    "tunic": "Tunics", "ballerinas": "Flats", "hoodie": "Sweatshirts",
    "pullover": "Sweaters", "cardigan": "Sweaters", "clutch": "Clutches", "bra": "Bra",
    "bras": "Bra", "cap": "Caps", "scarf": "Scarves",
}
# The word a shopper uses for a leaf in a brand query (singular, plain).
LEAF_WORD = {leaf: words[0] for leaf, words in TYPE_WORDS.items()}
LEAF_WORD.update({"Casual Shoes": "sneakers", "Sports Shoes": "running shoes",
                  "Track Pants": "joggers", "Flip Flops": "flip flops"})

SEASON_WORDS = {"Summer": ["summer"], "Winter": ["winter"], "Fall": ["autumn", "fall"],
                "Spring": ["spring"]}
MATERIAL_WORDS = {m: [m.lower()] for m in MATERIALS}
MATERIAL_WORDS["Wool"] = ["wool", "woollen", "woolen"]

# Leaves whose colour a shopper does not choose (the catalog gives perfumes one anyway).
COLORLESS_LEAVES = {"Perfume and Body Mist", "Deodorant"}

# The catalog's season is the season a style was listed in, not the one it is worn in
# (1,039 sunglasses and 2,474 watches are "Winter", 7 jackets are): templates pair a
# season only with the types a shopper would ask for in it.
SEASON_LEAVES = {
    "Summer": ["Tshirts", "Tops", "Dresses", "Shorts", "Kurtas", "Kurtis", "Tunics", "Skirts",
               "Capris", "Sandals", "Flip Flops", "Caps", "Sunglasses", "Stoles", "Shirts",
               "Flats", "Handbags", "Casual Shoes", "Trousers", "Night suits"],
    "Fall": ["Jackets", "Sweaters", "Sweatshirts", "Shirts", "Jeans", "Trousers", "Tshirts",
             "Casual Shoes", "Sports Shoes", "Kurtas", "Tops", "Track Pants", "Dresses",
             "Scarves", "Handbags", "Formal Shoes"],
    "Winter": ["Casual Shoes", "Formal Shoes", "Tshirts", "Shirts", "Jeans", "Scarves",
               "Handbags", "Heels", "Flats", "Nightdress", "Tops", "Clutches"],
    "Spring": ["Casual Shoes", "Sandals", "Tshirts", "Flip Flops", "Sports Shoes", "Shirts"],
}

# Size contexts: which leaves take which kind of size.
LETTER_LEAVES = ["Tshirts", "Shirts", "Tops", "Kurtas", "Dresses", "Sweatshirts", "Jackets",
                 "Track Pants", "Kurtis", "Sweaters", "Shorts"]
WAIST_LEAVES = ["Jeans", "Trousers", "Shorts"]
SHOE_LEAVES = {"Men": ["Sports Shoes", "Casual Shoes", "Formal Shoes", "Sandals",
                       "Flip Flops"],
               "Women": ["Heels", "Flats", "Casual Shoes", "Sports Shoes", "Sandals"]}
FREE_LEAVES = ["Dupatta", "Stoles", "Scarves", "Caps"]
LETTER_WORDS = {"XS": ["xs", "size xs"], "S": ["size s", "small size", "size small"],
                "M": ["size m", "medium size", "m size"],
                "L": ["size l", "large size", "size large"],
                "XL": ["xl", "size xl"], "XXL": ["xxl", "2xl", "size xxl"],
                "3XL": ["3xl", "xxxl"]}
SIZE_ACCEPT = {"XXL": ["2XL"], "3XL": ["XXXL"]}

# Brands left out of templates: function words and common nouns that a template would
# turn into a trap by accident (some are used in hand-written traps instead).
AMBIGUOUS_BRANDS = {"AND", "WITH", "even", "W", "ID", "YK", "mf", "Simply", "People",
                    "Basics", "Genius", "RARE", "SELECTED", "Fortune", "Envy", "Police",
                    "Killer", "Chemistry", "Zeal", "Voyage", "Frozen", "Peanuts", "Sherlock",
                    "Fox", "HAMMER", "Invincible", "Plum", "Metro", "Madame", "Duke", "Sera",
                    "Soie", "GAS", "CAT", "Kittens", "Healers", "Coolers", "Gliders",
                    "Newport", "Harvard", "Newton", "Nucleus", "Maniac", "Liberty", "ONLY"}

# Words with no attribute in them, for queries that state nothing (expect []).
FREE_TEXT = ["floral print", "slim fit", "party wear", "office wear", "ethnic wear",
             "graphic print", "v neck", "round neck", "full sleeves", "embroidered",
             "checked", "striped", "printed", "solid", "distressed", "high waist",
             "mid rise", "lace", "sequinned", "festive collection", "gift for anniversary",
             "wedding collection", "casual wear", "bohemian", "oversized", "cropped",
             "regular fit", "hooded", "zip closure", "polka dots", "animal print",
             "anarkali", "tie and dye", "block print", "self design", "colourblocked"]
MODIFIERS = ["printed", "solid", "striped", "checked", "slim fit", "floral", "casual",
             "embroidered", "graphic", "regular fit"]

PRICE_NICE = [299, 399, 499, 500, 599, 699, 799, 999, 1000, 1200, 1299, 1499, 1500, 1999,
              2000, 2499, 2500, 2999, 3000, 3500, 4000, 4999, 5000, 7000, 10000]


def load(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class Catalog:
    """The values each field takes in the bundled feeds, with counts."""

    def __init__(self):
        self.styles = load(STYLES)
        self.products = load(PRODUCTS)
        every = self.styles + self.products
        self.brand = collections.Counter(p["brand"] for p in every if "brand" in p)
        self.color = collections.Counter(p["color"] for p in every if "color" in p)
        self.gender = collections.Counter(p["gender"] for p in every if "gender" in p)
        self.season = collections.Counter(p["season"] for p in every if "season" in p)
        self.leaf = collections.Counter(p["category"][2] for p in every if "category" in p)
        self.leaf_top = {p["category"][2]: p["category"][0] for p in self.styles}
        self.category = collections.Counter(
            level for p in every if "category" in p for level in set(p["category"]))
        self.gender_color_leaf = collections.Counter(
            (p["gender"], p["color"], p["category"][2]) for p in self.styles if "color" in p)
        self.gender_leaf = collections.Counter(
            (p["gender"], p["category"][2]) for p in self.styles)
        self.season_leaf = collections.Counter(
            (p["season"], p["category"][2]) for p in self.styles if "season" in p)
        # Brand + type from the Myntra titles' last word; prices per type and per brand.
        self.brand_leaf = collections.Counter()
        self.brand_leaf_gender = collections.Counter()
        self.leaf_prices = collections.defaultdict(list)
        self.brand_prices = collections.defaultdict(list)
        for p in self.products:
            self.brand_prices[p["brand"]].append(p["price"])
            leaf = TITLE_TYPE.get(p["title"].rsplit(" ", 1)[-1].lower())
            if leaf:
                self.brand_leaf[(p["brand"], leaf)] += 1
                self.brand_leaf_gender[(p["brand"], leaf, p["gender"])] += 1
                self.leaf_prices[leaf].append(p["price"])
        self.titles = [(p["title"], p["category"][2] if "category" in p else
                        TITLE_TYPE.get(p["title"].rsplit(" ", 1)[-1].lower()))
                       for p in every]

    def values(self, field):
        return {"brand": self.brand, "color": self.color, "gender": self.gender,
                "season": self.season, "category": self.category}.get(field)

    def material_type_count(self, material, leaf):
        words = "|".join(re.escape(w) for w in MATERIAL_WORDS[material])
        pattern = re.compile(r"\b(%s)\b" % words, re.IGNORECASE)
        return sum(1 for title, title_leaf in self.titles
                   if title_leaf == leaf and pattern.search(title))


def item(field, value, accept=None, op=None):
    out = {"field": field}
    if op:
        out["op"] = op
    out["value"] = value
    if accept:
        out["accept"] = accept
    return out


def gender_item(value):
    return item("gender", value, GENDER_ACCEPT.get(value))


def color_item(value):
    return item("color", value, COLOR_ACCEPT.get(value))


def size_item(value):
    return item("size", value, SIZE_ACCEPT.get(value))


def brand_item(catalog, brand):
    """A brand, accepting its sub-lines too ("Louis Philippe" also "Louis Philippe Sport")."""
    family = sorted(b for b in catalog.brand
                    if b != brand and b.lower().startswith(brand.lower() + " "))
    return item("brand", brand, [[brand] + family] if family else None)


def nice_price(value):
    return min(PRICE_NICE, key=lambda n: (abs(n - value), n))


def quantile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Builder:
    def __init__(self, catalog):
        self.catalog = catalog
        self.rng = random.Random(SEED)
        self.groups = collections.OrderedDict()
        self.seen = set()

    def add(self, group, q, expect, text=None, trap=None):
        q = re.sub(r"\s+", " ", q).strip()
        if q.lower() in self.seen:
            return False
        self.seen.add(q.lower())
        entry = {"q": q, "expect": expect}
        if text is not None:
            entry["text"] = text
        if trap:
            entry["trap"] = trap
        self.groups.setdefault(group, []).append(entry)
        return True

    def pick(self, options):
        return options[self.rng.randrange(len(options))]

    # Gender + colour + product type, in the orders shoppers type them.
    def gender_color_type(self, count):
        c = self.catalog
        combos = sorted(k for k, n in c.gender_color_leaf.items()
                        if n >= MIN_COMBO and k[1] in COLOR_WORDS and c.color[k[1]] >= MIN_COLOR
                        and k[2] in TYPE_WORDS and c.leaf[k[2]] >= MIN_LEAF
                        and k[2] not in COLORLESS_LEAVES)
        forms = ["{g} {c} {t}", "{c} {t} for {gp}", "{g} {t} {c}", "{c} {g} {t}",
                 "{t} {c} {g}", "{c} {t} {g}"]
        for gender, color, leaf in self.rng.sample(combos, len(combos)):
            if len(self.groups.get("gender-color-type", [])) >= count:
                break
            form = self.pick(forms)
            q = form.format(g=self.pick(GENDER_WORDS[gender]), gp=GENDER_WORDS[gender][0],
                            c=self.pick(COLOR_WORDS[color]), t=self.pick(TYPE_WORDS[leaf]))
            self.add("gender-color-type", q,
                     [gender_item(gender), color_item(color), item("category", leaf)])

    # Product type with a gender or a modifier: "women's kurtis", "printed tshirt for men".
    def gender_type(self, count):
        c = self.catalog
        combos = sorted(k for k, n in c.gender_leaf.items()
                        if n >= 3 * MIN_COMBO and k[1] in TYPE_WORDS)
        forms = ["{g} {t}", "{t} for {gp}", "{m} {t} for {gp}", "{g} {m} {t}"]
        for gender, leaf in self.rng.sample(combos, len(combos)):
            if len(self.groups.get("gender-type", [])) >= count:
                break
            form = self.pick(forms)
            if c.leaf_top.get(leaf) != "Apparel":  # "printed", "slim fit" describe clothes
                form = form.replace("{m} ", "")
            modifier = self.pick(MODIFIERS)
            q = form.format(g=self.pick(GENDER_WORDS[gender]), gp=GENDER_WORDS[gender][0],
                            t=self.pick(TYPE_WORDS[leaf]), m=modifier)
            self.add("gender-type", q, [gender_item(gender), item("category", leaf)],
                     modifier if "{m}" in form else None)

    def usable_brand(self, brand, minimum=MIN_BRAND):
        return (self.catalog.brand[brand] >= minimum and brand not in AMBIGUOUS_BRANDS
                and not trap_words(brand))

    # Brand + type (+ gender, + colour), single- and multi-word brands.
    def brand_type(self, multi_word, single_word):
        c = self.catalog
        combos = sorted(k for k, n in c.brand_leaf.items()
                        if n >= 3 and self.usable_brand(k[0]))
        multi = [k for k in combos if " " in k[0] or "&" in k[0] or "." in k[0]]
        single = [k for k in combos if k not in multi]
        for pool, count in ((multi, multi_word), (single, single_word)):
            used = set()
            for brand, leaf in self.rng.sample(pool, len(pool)):
                if count == 0:
                    break
                if brand in used:
                    continue
                word = LEAF_WORD[leaf]
                genders = sorted((n, g) for (b, l, g), n in c.brand_leaf_gender.items()
                                 if b == brand and l == leaf and g in GENDER_WORDS and n >= 3)
                expect = [brand_item(c, brand), item("category", leaf)]
                form = self.rng.randrange(4)
                name = brand.lower() if self.rng.random() < 0.8 else brand
                if form == 0 and genders:
                    gender = genders[-1][1]
                    q = "%s %s %s" % (name, self.pick(GENDER_WORDS[gender]), word)
                    expect.insert(1, gender_item(gender))
                elif form == 1 and genders:
                    gender = genders[-1][1]
                    q = "%s for %s %s" % (word, GENDER_WORDS[gender][0], name)
                    expect.insert(1, gender_item(gender))
                elif form == 2:
                    q = "%s %s" % (word, name)
                else:
                    q = "%s %s" % (name, word)
                if self.add("brand-type", q, expect):
                    used.add(brand)
                    count -= 1

    # Price phrasings with currency words and symbols.
    def price(self, count):
        c = self.catalog
        leaves = sorted(l for l, prices in c.leaf_prices.items()
                        if len(prices) >= 20 and l in TYPE_WORDS)
        brands = sorted(b for b, prices in c.brand_prices.items()
                        if len(prices) >= 30 and self.usable_brand(b))
        lte = ["under {n}", "below {n}", "less than {n}", "upto {n}", "up to {n}",
               "within {n}", "under ₹{n}", "below rs {n}", "under rs. {n}", "under {n} rs",
               "below {n} rupees", "under inr {n}", "under ₹ {n}", "under {n}/-",
               "less than rs{n}", "below Rs.{n}"]
        gte = ["over {n}", "above {n}", "more than {n}", "above ₹{n}", "over rs {n}",
               "above {n} rupees"]
        between = ["between {a} and {b}", "{a}-{b}", "{a} - {b}", "{a} to {b}",
                   "₹{a}-₹{b}", "rs {a} to {b}", "from {a} to {b}", "between rs {a} and rs {b}",
                   "{a} to {b} rupees", "in the {a}-{b} range"]
        added = 0
        while added < count:
            kind = self.rng.random()
            if kind < 0.7:
                leaf = self.pick(leaves)
                prices = c.leaf_prices[leaf]
                subject = self.pick(TYPE_WORDS[leaf])
                expect = [item("category", leaf)]
                if self.rng.random() < 0.3:
                    gender = self.pick(["Men", "Women"])
                    if c.gender_leaf[(gender, leaf)] >= MIN_LEAF:
                        subject = "%s %s" % (self.pick(GENDER_WORDS[gender]), subject)
                        expect.insert(0, gender_item(gender))
            else:
                brand = self.pick(brands)
                prices = c.brand_prices[brand]
                subject = brand.lower()
                expect = [brand_item(c, brand)]
            op = self.rng.random()
            if op < 0.55:
                n = nice_price(quantile(prices, self.rng.uniform(0.3, 0.7)))
                phrase = self.pick(lte).format(n=self.commas(n))
                price = item("price", n, op="lte")
            elif op < 0.75:
                n = nice_price(quantile(prices, self.rng.uniform(0.4, 0.8)))
                phrase = self.pick(gte).format(n=self.commas(n))
                price = item("price", n, op="gte")
            else:
                a = nice_price(quantile(prices, self.rng.uniform(0.15, 0.4)))
                b = nice_price(quantile(prices, self.rng.uniform(0.6, 0.9)))
                if a >= b:
                    continue
                phrase = self.pick(between).format(a=a, b=self.commas(b))
                price = item("price", [a, b], op="between")
            q = ("%s %s" % (subject, phrase) if self.rng.random() < 0.8
                 else "%s %s" % (phrase, subject))
            if self.add("price", q, expect + [price]):
                added += 1

    def commas(self, n):
        """A few prices are written with a thousands comma: "1,500"."""
        if n >= 1000 and self.rng.random() < 0.15:
            return "{:,}".format(n)
        return str(n)

    # Sizes: letters for apparel, waists for jeans and trousers, UK shoe sizes, free size.
    def sizes(self, letters, waists, shoes, free):
        c = self.catalog
        for _ in range(letters):
            leaf = self.pick(LETTER_LEAVES)
            size = self.pick(LETTER_SIZES)
            gender = self.pick(["Men", "Women"])
            if c.gender_leaf[(gender, leaf)] < MIN_LEAF:
                gender = None
            t = self.pick(TYPE_WORDS[leaf])
            s = self.pick(LETTER_WORDS[size])
            subject = "%s %s" % (self.pick(GENDER_WORDS[gender]), t) if gender else t
            q = "%s %s" % (subject, s) if self.rng.random() < 0.7 else "%s %s" % (s, subject)
            expect = ([gender_item(gender)] if gender else []) + [item("category", leaf),
                                                                  size_item(size)]
            self.add("size", q, expect)
        waist_forms = ["{t} {w} waist", "{t} waist {w}", "{t} size {w}", "w{w} {t}",
                       "{w}x{l} {t}", "{t} w{w} l{l}", "{t} {w} x {l}"]
        for _ in range(waists):
            leaf = self.pick(WAIST_LEAVES)
            waist = self.pick(WAIST_SIZES)
            form = self.pick(waist_forms)
            length = self.pick(["30", "32", "34"])
            q = form.format(t=self.pick(TYPE_WORDS[leaf]), w=waist, l=length)
            accept = None
            if "{l}" in form:
                accept = ["%sx%s" % (waist, length), "W%s L%s" % (waist, length)]
            gender = "Men" if self.rng.random() < 0.4 else None
            if gender:
                q = "%s %s" % (self.pick(GENDER_WORDS[gender]), q)
            expect = ([gender_item(gender)] if gender else []) + [
                item("category", leaf), item("size", waist, accept)]
            self.add("size", q, expect)
        shoe_forms = ["{t} size {s}", "size {s} {t}", "{t} uk {s}", "uk {s} {t}",
                      "{t} uk size {s}", "{t} {s} uk", "{t} in size {s}"]
        for _ in range(shoes):
            gender = self.pick(["Men", "Women"])
            leaf = self.pick(SHOE_LEAVES[gender])
            size = self.pick(SHOE_SIZES[3:10] if gender == "Men" else SHOE_SIZES[0:6])
            form = self.pick(shoe_forms)
            t = "%s %s" % (self.pick(GENDER_WORDS[gender]), self.pick(TYPE_WORDS[leaf]))
            q = form.format(t=t, s=size)
            self.add("size", q, [gender_item(gender), item("category", leaf),
                                 item("size", size, ["UK " + size])])
        for _ in range(free):
            leaf = self.pick(FREE_LEAVES)
            word = self.pick(["free size", "freesize", "one size"])
            t = self.pick(TYPE_WORDS[leaf])
            q = "%s %s" % (word, t) if self.rng.random() < 0.5 else "%s %s" % (t, word)
            self.add("size", q, [item("category", leaf), item("size", FREE_SIZE)])

    def seasons(self, count):
        c = self.catalog
        combos = sorted(k for k, n in c.season_leaf.items()
                        if n >= MIN_SEASON_LEAF and k[1] in SEASON_LEAVES[k[0]])
        forms = ["{s} {t}", "{t} for {s}", "{s} {t} for {gp}", "{g} {s} {t}", "{t} {s} collection"]
        for season, leaf in self.rng.sample(combos, len(combos)):
            if len(self.groups.get("season", [])) >= count:
                break
            form = self.pick(forms)
            gender = None
            if "{g" in form:
                gender = max(["Men", "Women"], key=lambda g: c.gender_leaf[(g, leaf)])
            q = form.format(s=self.pick(SEASON_WORDS[season]), t=self.pick(TYPE_WORDS[leaf]),
                            g=self.pick(GENDER_WORDS[gender]) if gender else "",
                            gp=GENDER_WORDS[gender][0] if gender else "")
            expect = [item("season", season), item("category", leaf)]
            if gender:
                expect.insert(0, gender_item(gender))
            self.add("season", q, expect)

    def materials(self, count):
        c = self.catalog
        # Not personal care: "Denim" there is a deodorant's name, "Velvet" a lipstick's.
        combos = sorted((m, leaf) for m in MATERIALS for leaf in TYPE_WORDS
                        if c.leaf_top.get(leaf) != "Personal Care"
                        and c.material_type_count(m, leaf) >= MIN_MATERIAL_TYPE)
        forms = ["{m} {t}", "{m} {t} for {gp}", "{g} {m} {t}", "{t} in {m}", "pure {m} {t}",
                 "{c} {m} {t}"]
        combos = self.rng.sample(combos, len(combos))
        for attempt in range(20 * count):
            if len(self.groups.get("material", [])) >= count:
                break
            material, leaf = combos[len(self.groups.get("material", [])) % len(combos)]
            form = self.pick(forms)
            gender = max(["Men", "Women"], key=lambda g: c.gender_leaf[(g, leaf)])
            color = self.pick(["Black", "Blue", "White", "Brown", "Red", "Green", "Grey"])
            q = form.format(m=self.pick(MATERIAL_WORDS[material]), t=self.pick(TYPE_WORDS[leaf]),
                            g=self.pick(GENDER_WORDS[gender]), gp=GENDER_WORDS[gender][0],
                            c=COLOR_WORDS[color][0])
            expect = [item("material", material), item("category", leaf)]
            if "{g" in form:
                expect.insert(0, gender_item(gender))
            if "{c}" in form:
                expect.insert(0, color_item(color))
            text = "pure" if form.startswith("pure") else None
            if not self.add("material", q, expect, text):
                combos.append(combos.pop(0))

    # Brand names with one typo: a letter dropped, doubled, swapped or replaced.
    def brand_typos(self, count):
        c = self.catalog
        vocabulary = {w for title, _ in c.titles for w in re.findall(r"[a-z]+", title.lower())}
        brands = sorted(b for b in c.brand if self.usable_brand(b, 20))
        leaves = {}
        for (b, leaf), n in sorted(c.brand_leaf.items(), key=lambda kv: -kv[1]):
            leaves.setdefault(b, leaf)
        added = 0
        for brand in self.rng.sample(brands, len(brands)):
            if added == count:
                break
            words = brand.lower().split()
            longest = max(range(len(words)), key=lambda i: len(words[i]))
            word = words[longest]
            if len(word) < 5 or not word.isalpha():
                continue
            typo = self.typo(word)
            if typo in vocabulary or any(typo == b.lower() for b in c.brand):
                continue
            words[longest] = typo
            q = " ".join(words)
            expect = [brand_item(c, brand)]
            if brand in leaves and self.rng.random() < 0.7:
                q = "%s %s" % (q, LEAF_WORD[leaves[brand]])
                expect.append(item("category", leaves[brand]))
            if self.add("brand-typo", q, expect):
                added += 1

    def typo(self, word):
        i = self.rng.randrange(1, len(word) - 1)
        kind = self.rng.randrange(4)
        if kind == 0:
            return word[:i] + word[i + 1:]
        if kind == 1:
            return word[:i] + word[i] + word[i:]
        if kind == 2:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        vowels = "aeiou"
        replacement = vowels[(vowels.find(word[i]) + 1) % 5] if word[i] in vowels else "e"
        return word[:i] + replacement + word[i + 1:]

    # Brands whose names hold a word of another field: the word is the brand's, not a
    # colour, gender, type, size, season, material or price.
    def brand_traps(self, count):
        c = self.catalog
        candidates = []
        for brand in sorted(c.brand):
            if c.brand[brand] < MIN_TRAP_BRAND or brand in AMBIGUOUS_BRANDS:
                continue
            words = trap_words(brand)
            leaves = sorted(((n, leaf) for (b, leaf), n in c.brand_leaf.items() if b == brand),
                            reverse=True)
            if words and leaves:
                candidates.append((brand, words, leaves[0][1]))
        for brand, words, leaf in self.rng.sample(candidates, min(count, len(candidates))):
            field, word = words[0]
            q = "%s %s" % (brand.lower(), LEAF_WORD[leaf])
            expect = [brand_item(c, brand), item("category", leaf)]
            if any(w.startswith(LEAF_WORD[leaf]) for w in brand.lower().split()):
                q = "%s %s" % (brand.lower(), self.pick(["online", "new arrivals", "collection"]))
                expect = [brand_item(c, brand)]
            self.add("trap-brand-word", q, expect, None,
                     "the brand %r holds the %s word %r" % (brand, field, word))

    # Counts that are not sizes or prices: "pack of 3", "set of 2".
    def pack_traps(self):
        for leaf, n in (("Socks", 3), ("Briefs", 3), ("Tshirts", 2), ("Socks", 5),
                        ("Briefs", 2)):
            form = self.pick(["{t} pack of {n}", "pack of {n} {t}", "{n} pack {t}",
                              "set of {n} {t}"])
            q = form.format(t=self.pick(TYPE_WORDS[leaf]), n=n)
            self.add("trap-count", q, [item("category", leaf)], None,
                     "%d is a pack count, not a size or a price" % n)

    def free_text(self, count):
        for phrase in self.rng.sample(FREE_TEXT, count):
            self.add("no-attribute", phrase, [], phrase)


def trap_words(brand):
    """(field, word) pairs for the words of another field that a brand name holds."""
    name = " " + re.sub(r"[^a-z0-9']+", " ", brand.lower()) + " "
    found = []
    for field, table in (("color", COLOR_WORDS), ("gender", GENDER_WORDS),
                         ("category", TYPE_WORDS), ("season", SEASON_WORDS),
                         ("material", MATERIAL_WORDS)):
        for words in table.values():
            for word in words:
                if " %s " % word in name:
                    found.append((field, word))
    for word in ("kids", "woman", "junior", "girl", "man", "jeans", "shoes", "sarees",
                 "silks", "leathers", "denim", "linen", "canary", "cherry", "coral",
                 "melange", "rose", "spring", "seasons"):
        if " %s " % word in name and not any(w == word for _, w in found):
            field = ("gender" if word in ("kids", "woman", "junior", "girl", "man") else
                     "category" if word in ("jeans", "shoes", "sarees") else
                     "season" if word in ("spring", "seasons") else
                     "color" if word in ("canary", "cherry", "coral", "melange", "rose") else
                     "material")
            found.append((field, word))
    if re.search(r"\d", brand):
        found.append(("size or price", re.search(r"\d+", brand).group()))
    return found


def check_entry(catalog, entry, where):
    """Raises ValueError when an entry's labels are not values of the catalog."""
    if not isinstance(entry.get("q"), str) or not entry["q"].strip():
        raise ValueError("%s: q must be a non-empty string" % where)
    for expected in entry["expect"]:
        field = expected.get("field")
        if field not in FIELDS:
            raise ValueError("%s: unknown field %r" % (where, field))
        value = expected.get("value")
        if field == "price":
            op = expected.get("op")
            if op == "between":
                if not (isinstance(value, list) and len(value) == 2 and value[0] < value[1]):
                    raise ValueError("%s: between needs [lo, hi]" % where)
            elif op not in ("lte", "gte") or not isinstance(value, (int, float)):
                raise ValueError("%s: price needs op lte/gte and a number" % where)
            continue
        options = [value] + list(expected.get("accept", []))
        for option in options:
            for v in (option if isinstance(option, list) else [option]):
                if field == "size":
                    known = v in SIZES or option is not value
                elif field == "material":
                    known = v in MATERIALS
                else:
                    known = catalog.values(field)[v] > 0
                if not known:
                    raise ValueError("%s: %s %r is not a catalog value" % (where, field, v))


def build(catalog):
    b = Builder(catalog)
    # Hand-written queries first claim their text, so no template repeats one of them.
    with open(HANDWRITTEN, encoding="utf-8") as f:
        hand = [json.loads(line) for line in f if line.strip()]
    for number, entry in enumerate(hand, 1):
        if entry["q"].lower() in b.seen:
            raise ValueError("handwritten.jsonl:%d: duplicate query %r" % (number, entry["q"]))
        b.seen.add(entry["q"].lower())
    b.gender_color_type(36)
    b.gender_type(12)
    b.brand_type(multi_word=20, single_word=16)
    b.price(50)
    b.sizes(letters=16, waists=10, shoes=12, free=4)
    b.seasons(40)
    b.materials(36)
    b.brand_typos(20)
    b.brand_traps(24)
    b.pack_traps()
    b.free_text(16)
    b.seen -= {entry["q"].lower() for entry in hand}
    for entry in hand:
        b.add("hand-written", entry["q"], entry["expect"], entry.get("text"), entry.get("trap"))

    # Splits: within each group, a seeded shuffle, grouped by the fields a query states
    # (so each field is measured about equally on both), then alternately dev and test.
    split_rng = random.Random(SEED + 1)
    entries = []
    turn = 0
    for group, members in b.groups.items():
        order = list(range(len(members)))
        split_rng.shuffle(order)
        order.sort(key=lambda i: sorted(e["field"] for e in members[i]["expect"]))
        order = order[turn:] + order[:turn]
        turn = 1 - turn if len(members) % 2 else turn
        for rank, index in enumerate(order):
            members[index]["split"] = "dev" if rank % 2 == 0 else "test"
        for entry in members:
            entry["source"] = "hand" if group == "hand-written" else "template"
            entry["group"] = group
            entries.append(entry)
    out = []
    for number, entry in enumerate(entries, 1):
        check_entry(catalog, entry, "query %d (%s)" % (number, entry["q"]))
        ordered = {"id": "qu-%03d" % number}
        for key in ("q", "expect", "text", "split", "source", "group", "trap"):
            if key in entry:
                ordered[key] = entry[key]
        out.append(ordered)
    return out


def render(entries):
    return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="rebuild and compare with the committed queries.jsonl")
    args = parser.parse_args()
    text = render(build(Catalog()))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print("queries.jsonl is not what make_queries.py builds; run it and commit",
                  file=sys.stderr)
            return 1
        print("queries.jsonl is up to date (%d queries)" % text.count("\n"))
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print("wrote %s (%d queries)" % (OUTPUT.relative_to(REPO), text.count("\n")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
