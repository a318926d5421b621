"""Colour variants grouped into styles: products of one feed with the same brand, gender,
category, season, usage, year and title once their own colour's words are taken out ("Turtle Check Men
Navy Blue Shirt" and "Turtle Check Men Red Shirt") are variants of one style when their
colours differ. Pure and order-independent: the same products give the same styles."""

import re
from collections import defaultdict
from typing import Dict, List, Tuple

# A style lists at most this many colours; a larger group of same-titled products is
# split into several styles (generic titles such as "Catwalk Women Heels" name many).
MAX_COLOURS = 6

_WORD = re.compile(r"[a-z0-9]+")


def id_order(product_id: str) -> Tuple[int, int, str]:
    """Numeric ids in numeric order, then the others as text."""
    return (0, int(product_id), "") if product_id.isdigit() else (1, 0, product_id)


def style_key(feed: str, product: dict) -> Tuple:
    attributes = product.get("attributes") or {}
    colour_words = set(_WORD.findall(product.get("color", "").lower()))
    title = [w for w in _WORD.findall(product.get("title", "").lower()) if w not in colour_words]
    return (feed, product.get("brand", "").lower(), product.get("gender", ""),
            tuple(product.get("category") or ()),
            product.get("season", ""), attributes.get("usage", ""), attributes.get("year", ""),
            " ".join(title))


def group_styles(products: List[Tuple[str, dict]]) -> Dict[str, str]:
    """parent_id by product id, for products that belong to a style of 2+ colours.

    `products` holds (feed name, product) pairs. Within a group of same-titled products,
    each colour's products are taken in id order and the n-th of every colour form the
    n-th style(s), so a style never holds one colour twice."""
    groups: Dict[Tuple, Dict[str, List[str]]] = defaultdict(lambda: defaultdict(list))
    for feed, product in products:
        colour = product.get("color", "")
        if colour:
            groups[style_key(feed, product)][colour].append(product["id"])
    parents: Dict[str, str] = {}
    for by_colour in groups.values():
        if len(by_colour) < 2:
            continue
        columns = [sorted(ids, key=id_order) for ids in by_colour.values()]
        columns.sort(key=lambda ids: id_order(ids[0]))
        for round_index in range(max(len(ids) for ids in columns)):
            members = [ids[round_index] for ids in columns if round_index < len(ids)]
            for style in _split(members):
                if len(style) < 2:
                    continue
                parent = "style-" + min(style, key=id_order)
                for product_id in style:
                    parents[product_id] = parent
    return parents


def _split(members: List[str]) -> List[List[str]]:
    """Members in as few even styles of at most MAX_COLOURS as they fit in."""
    count = -(-len(members) // MAX_COLOURS)
    return [members[i::count] for i in range(count)]
