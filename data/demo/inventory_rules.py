"""What the demo inventory overlay knows about fashion: which size run a product has
(from its category, or from the words of its title when the feed has no category), and
which material its title or description states. Pure functions, no randomness."""

import re
from typing import Dict, List, Optional

# Size runs, smallest first. Shoe sizes are UK sizes (the catalog is Indian) and carry
# the system's name, "UK 8", as Indian storefronts label them.
LETTERS_MEN = ["S", "M", "L", "XL", "XXL", "3XL"]
LETTERS_WOMEN = ["XS", "S", "M", "L", "XL", "XXL"]
WAIST_MEN = ["28", "30", "32", "34", "36", "38", "40"]
WAIST_WOMEN = ["26", "28", "30", "32", "34", "36"]
SHOES_MEN = ["UK 6", "UK 7", "UK 8", "UK 9", "UK 10", "UK 11"]
SHOES_WOMEN = ["UK 3", "UK 4", "UK 5", "UK 6", "UK 7", "UK 8"]
SHOES_UNISEX = ["UK 4", "UK 5", "UK 6", "UK 7", "UK 8", "UK 9", "UK 10"]
SHOES_KIDS = ["UK 10K", "UK 11K", "UK 12K", "UK 13K", "UK 1", "UK 2", "UK 3", "UK 4"]
KIDS_AGES = ["2-3Y", "3-4Y", "4-5Y", "5-6Y", "6-7Y", "7-8Y", "8-9Y", "9-10Y", "10-11Y",
             "11-12Y", "12-13Y", "13-14Y"]
BRA = ["32B", "32C", "34B", "34C", "36B", "36C", "38B", "38C"]
FREE_SIZE = ["Free Size"]  # garments one size fits: sarees, dupattas, stoles, socks
ONESIZE = ["Onesize"]      # accessories: bags, watches, jewellery, eyewear, belts

# Kinds of size run. "none": no size at all (beauty, home, gifts): stock only.
KINDS = ("letters", "waist", "shoes", "bra", "free", "one", "none")

# The fashion-styles feed's category leaves (articleType), by kind, '|'-separated.
_LEAF_KINDS = {
    "letters": """Tshirts|Shirts|Kurtas|Tops|Sweatshirts|Sweaters|Jackets|Kurtis|Tunics|Dresses|
        Nightdress|Night suits|Track Pants|Shorts|Leggings|Capris|Skirts|Innerwear Vests|
        Briefs|Trunk|Boxers|Lounge Pants|Lounge Shorts|Lounge Tshirts|Camisoles|Rain Jacket|
        Blazers|Waistcoat|Jumpsuit|Rompers|Kurta Sets|Tracksuits|Patiala|Salwar|Churidar|
        Jeggings|Swimwear|Shapewear|Baby Dolls|Bath Robe|Robe|Clothing Set|Tights|
        Lehenga Choli|Nehru Jackets|Shrug|Suits|Salwar and Dupatta|Rain Trousers""",
    "waist": "Jeans|Trousers",
    "shoes": """Casual Shoes|Sports Shoes|Heels|Flip Flops|Sandals|Formal Shoes|Flats|
        Sports Sandals""",
    "bra": "Bra",
    "free": "Sarees|Dupatta|Stoles|Scarves|Mufflers|Socks|Stockings|Gloves|Booties",
    "one": """Watches|Handbags|Sunglasses|Wallets|Belts|Backpacks|Earrings|Clutches|Caps|Ties|
        Pendant|Necklace and Chains|Ring|Accessory Gift Set|Cufflinks|Duffel Bag|Bangle|
        Laptop Bag|Bracelet|Jewellery Set|Mobile Pouch|Messenger Bag|Waist Pouch|Rucksacks|
        Headband|Hat|Trolley Bag|Tablet Sleeve|Umbrellas|Key chain|Hair Accessory|
        Water Bottle|Travel Accessory|Shoe Accessories|Shoe Laces|Wristbands|Suspenders|
        Ties and Cufflinks""",
}
LEAF_KIND: Dict[str, str] = {
    " ".join(leaf.split()): kind
    for kind, text in _LEAF_KINDS.items() for leaf in text.split("|") if leaf.strip()}

# Title words of product types, for feeds without a category (myntra-products). The
# last type word before any " with " names the product: "Kurta with Trousers" is a kurta.
_TITLE_KINDS = {
    "waist": "jeans trousers chinos cargos",
    "shoes": """sneakers shoes shoe flats sandals heels derbys loafers boots flip flops
        flip-flops mules wedges pumps ballerinas brogues slip-ons moccasins espadrilles
        slippers oxfords monks peep toes juttis mojaris clogs platforms stilettos sliders
        floaters""",
    "bra": "bra bras",
    "free": "saree sarees dupatta dupattas stole stoles scarf scarves muffler socks shawl",
    "one": """bag bags handbag backpack wallet belt watch sunglasses earrings necklace jhumkas
        ring bracelet studs chandbalis cufflinks clutch pouch tote cap hat beanie tie bangles
        anklet pendant chain jewellery maang tikka brooch duffle trolley umbrella keychain""",
    "letters": """shirt shirts t-shirt t-shirts tshirt top tops dress dresses kurta kurtas kurti
        kurtis jacket jackets sweatshirt sweatshirts sweater sweaters blazer blazers shorts
        joggers pants trackpants palazzos palazzo leggings jeggings tights skirt skirts
        jumpsuit playsuit shrug pyjamas churidar salwar tunic cardigan pullover hoodie bomber
        culottes suit set co-ords coat nightdress boxers briefs trunks vest camisole
        shapewear swimsuit bodysuit waistcoat romper dungarees lehenga capris sherwani
        kaftan""",
}
_TITLE_WORD_KIND = {word: kind for kind, text in _TITLE_KINDS.items() for word in text.split()}
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def kind_of(product: dict) -> str:
    """The kind of size run a product has."""
    category = product.get("category") or []
    if len(category) >= 3 and category[2] in LEAF_KIND:
        return LEAF_KIND[category[2]]
    if category and category[0] in ("Personal Care", "Free Items", "Home", "Sporting Goods"):
        return "none"
    title = product.get("title", "").lower().split(" with ")[0]
    kind = "none"
    for word in _WORD.findall(title):
        kind = _TITLE_WORD_KIND.get(word, kind)
    return kind


def is_kid(product: dict) -> bool:
    return product.get("gender", "") in ("Boys", "Girls", "Unisex Kids")


def size_run(kind: str, product: dict) -> List[str]:
    """The full size run a product of this kind is made in (before picking a sub-run)."""
    gender = product.get("gender", "")
    women = gender == "Women"
    if kind in ("letters", "waist") and is_kid(product):
        return KIDS_AGES
    if kind == "shoes" and is_kid(product):
        return SHOES_KIDS
    if kind == "letters":
        return LETTERS_WOMEN if women or gender == "Unisex" else LETTERS_MEN
    if kind == "waist":
        return WAIST_WOMEN if women else WAIST_MEN
    if kind == "shoes":
        return SHOES_WOMEN if women else (SHOES_UNISEX if gender == "Unisex" else SHOES_MEN)
    if kind == "bra":
        return BRA
    if kind == "free":
        return FREE_SIZE
    if kind == "one":
        return ONESIZE
    return []


# Materials a title or description may state, as (pattern, display value). Synthetic
# leathers come before leather so that "faux leather" is not leather.
MATERIALS = [
    (r"(?:faux|pu|synthetic|vegan|artificial) leather|leatherette", "Synthetic Leather"),
    (r"leather", "Leather"),
    (r"art silk", "Art Silk"),
    (r"silk", "Silk"),
    (r"cotton", "Cotton"),
    (r"denim", "Denim"),
    (r"polyester", "Polyester"),
    (r"linen", "Linen"),
    (r"wool|woollen|woolen|merino", "Wool"),
    (r"cashmere", "Cashmere"),
    (r"viscose", "Viscose"),
    (r"rayon", "Rayon"),
    (r"nylon", "Nylon"),
    (r"georgette", "Georgette"),
    (r"chiffon", "Chiffon"),
    (r"crepe", "Crepe"),
    (r"satin", "Satin"),
    (r"velvet", "Velvet"),
    (r"suede", "Suede"),
    (r"canvas", "Canvas"),
    (r"jute", "Jute"),
    (r"modal", "Modal"),
    (r"acrylic", "Acrylic"),
    (r"fleece", "Fleece"),
    (r"khadi", "Khadi"),
    (r"corduroy", "Corduroy"),
    (r"mesh", "Mesh"),
    (r"lycra|spandex|elastane", "Elastane"),
]
_MATERIAL = re.compile(r"\b(" + "|".join(f"(?:{p})" for p, _ in MATERIALS) + r")\b",
                       re.IGNORECASE)
_MATERIAL_PATTERNS = [(re.compile(rf"^(?:{p})$", re.IGNORECASE), name) for p, name in MATERIALS]


# Product types with no fabric: a "Denim" deodorant or a "Velvet Matte" lipstick
# names a scent or a finish, not what it is made of.
NOT_MADE_OF_FABRIC = {"Personal Care"}


def material_of(product: dict) -> Optional[str]:
    """The first material the title states, else the first the description states;
    none for products whose type has no fabric (personal care)."""
    category = product.get("category") or []
    if category and category[0] in NOT_MADE_OF_FABRIC:
        return None
    for text in (product.get("title", ""), product.get("description", "")):
        found = _MATERIAL.search(text)
        if found:
            for pattern, name in _MATERIAL_PATTERNS:
                if pattern.match(found.group(1)):
                    return name
    return None
