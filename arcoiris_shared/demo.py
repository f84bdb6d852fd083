"""A deterministic, realistic demo catalog: the server's ``seed-demo``, the terminal's ``--demo``
and the benchmarks' million-item catalog all come from here.

Items get valid EAN-13 barcodes (check digit by python-stdnum), shelf prices that end the way
shop prices do, a cost below the price, and a tax class (reduced for food, standard for the
rest). Produce and deli items are weighed and priced per kilogram.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from arcoiris_shared.barcodes import gtin_check_digit

STANDARD, REDUCED = "VAT21", "VAT10"
DEMO_TAX_RATES: Final = (
    (STANDARD, "VAT 21%", Decimal("21")),
    (REDUCED, "VAT 10% (food)", Decimal("10")),
)


@dataclass(frozen=True, slots=True)
class DemoItem:
    sku: str
    name: str
    category: str
    unit: str
    price: Decimal
    cost: Decimal
    weighed: bool
    barcode: str
    tax_code: str

    def row(self, org_id: uuid.UUID, item_id: uuid.UUID, now: dt.datetime) -> dict[str, Any]:
        """The item as an ``inv.items`` row (both sides seed from it)."""
        return {
            "org_id": org_id,
            "id": item_id,
            "sku": self.sku,
            "name": self.name,
            "category": self.category,
            "unit": self.unit,
            "price": self.price,
            "cost": self.cost,
            "tracked": True,
            "weighed": self.weighed,
            "is_active": True,
            "created_at": now,
            "updated_at": now,
        }


# (category, tax class, price range, products, sizes)
_PACKAGED: Final = (
    (
        "Dairy",
        REDUCED,
        (0.69, 6.99),
        (
            "Whole Milk",
            "Semi-Skimmed Milk",
            "Greek Yogurt",
            "Natural Yogurt",
            "Butter",
            "Cream Cheese",
            "Kefir",
            "Custard",
            "Rice Pudding",
            "Grated Mozzarella",
            "Cheddar Slices",
            "Single Cream",
        ),
        ("125 g", "250 g", "500 g", "1 L", "6 x 125 g", "200 ml"),
    ),
    (
        "Bakery",
        REDUCED,
        (0.49, 4.99),
        (
            "Sourdough Loaf",
            "Baguette",
            "Wholemeal Bread",
            "Croissants",
            "Rye Crackers",
            "Bread Rolls",
            "Muffins",
            "Pita Bread",
            "Tortilla Wraps",
            "Brioche",
        ),
        ("4 pack", "6 pack", "400 g", "800 g", "1 unit"),
    ),
    (
        "Pantry",
        REDUCED,
        (0.59, 8.99),
        (
            "Spaghetti",
            "Penne",
            "Basmati Rice",
            "Arborio Rice",
            "Chickpeas",
            "Red Lentils",
            "Olive Oil",
            "Sunflower Oil",
            "Tomato Passata",
            "Chopped Tomatoes",
            "Peanut Butter",
            "Strawberry Jam",
            "Honey",
            "Rolled Oats",
            "Cornflakes",
            "Plain Flour",
            "Sea Salt",
            "Black Pepper",
            "Tuna in Olive Oil",
            "Sweetcorn",
        ),
        ("250 g", "400 g", "500 g", "1 kg", "750 ml", "1 L"),
    ),
    (
        "Beverages",
        STANDARD,
        (0.45, 14.99),
        (
            "Sparkling Water",
            "Still Water",
            "Cola",
            "Orange Juice",
            "Apple Juice",
            "Lemonade",
            "Iced Tea",
            "Ground Coffee",
            "Coffee Beans",
            "Green Tea",
            "Black Tea",
            "Energy Drink",
            "Tonic Water",
            "Oat Drink",
        ),
        ("330 ml", "500 ml", "1 L", "1.5 L", "6 x 330 ml", "250 g", "20 bags"),
    ),
    (
        "Snacks",
        STANDARD,
        (0.59, 5.49),
        (
            "Salted Crisps",
            "Paprika Crisps",
            "Tortilla Chips",
            "Salted Peanuts",
            "Mixed Nuts",
            "Dark Chocolate",
            "Milk Chocolate",
            "Digestive Biscuits",
            "Oat Cookies",
            "Popcorn",
            "Rice Cakes",
            "Gummy Bears",
            "Cereal Bars",
        ),
        ("40 g", "100 g", "150 g", "200 g", "5 pack"),
    ),
    (
        "Household",
        STANDARD,
        (0.99, 12.99),
        (
            "Washing-up Liquid",
            "Laundry Detergent",
            "Fabric Softener",
            "Kitchen Roll",
            "Toilet Tissue",
            "Bin Bags",
            "Sponges",
            "Glass Cleaner",
            "Bleach",
            "Aluminium Foil",
            "Cling Film",
            "Dishwasher Tablets",
        ),
        ("1 unit", "2 pack", "4 pack", "9 pack", "500 ml", "1 L", "30 pack"),
    ),
    (
        "Personal care",
        STANDARD,
        (0.99, 11.99),
        (
            "Shampoo",
            "Conditioner",
            "Shower Gel",
            "Toothpaste",
            "Toothbrush",
            "Deodorant",
            "Hand Soap",
            "Sun Cream SPF 30",
            "Razors",
            "Cotton Pads",
            "Lip Balm",
            "Body Lotion",
        ),
        ("1 unit", "75 ml", "250 ml", "400 ml", "2 pack", "100 pack"),
    ),
    (
        "Frozen",
        REDUCED,
        (1.29, 7.99),
        (
            "Garden Peas",
            "Mixed Vegetables",
            "Fish Fingers",
            "Margherita Pizza",
            "Vanilla Ice Cream",
            "Chips",
            "Spinach",
            "Berries Mix",
            "Prawns",
        ),
        ("400 g", "500 g", "1 kg", "1 L", "10 pack"),
    ),
)
_BRANDS: Final = (
    "Arcoiris",
    "Sol y Sombra",
    "Nordhavn",
    "La Huerta",
    "Green Valley",
    "Casa Blanca",
    "Bluebell",
    "Montaña",
    "Alba",
    "Costa Verde",
    "Fresco",
    "Rioja Fields",
    "Harbour & Co",
    "Little Oak",
    "Campo Real",
    "Mirabel",
)
# Weighed items: (name, category, €/kg range)
_WEIGHED: Final = (
    ("Bananas", "Produce", (1.29, 2.49)),
    ("Apples Royal Gala", "Produce", (1.49, 2.99)),
    ("Oranges", "Produce", (0.99, 2.29)),
    ("Tomatoes on the Vine", "Produce", (1.99, 3.99)),
    ("Potatoes", "Produce", (0.69, 1.49)),
    ("Red Onions", "Produce", (0.99, 1.99)),
    ("Carrots", "Produce", (0.79, 1.59)),
    ("Lemons", "Produce", (1.49, 2.99)),
    ("Avocados", "Produce", (3.99, 6.99)),
    ("Grapes", "Produce", (2.49, 4.99)),
    ("Manchego Cheese", "Deli", (14.99, 24.99)),
    ("Serrano Ham", "Deli", (18.99, 39.99)),
    ("Chorizo", "Deli", (9.99, 16.99)),
    ("Olives", "Deli", (6.99, 11.99)),
    ("Chicken Breast", "Butcher", (6.99, 10.99)),
    ("Minced Beef", "Butcher", (7.99, 12.99)),
    ("Salmon Fillet", "Fishmonger", (15.99, 24.99)),
    ("Hake", "Fishmonger", (9.99, 16.99)),
)
_ENDINGS: Final = (
    Decimal("0.09"),
    Decimal("0.29"),
    Decimal("0.49"),
    Decimal("0.79"),
    Decimal("0.99"),
    Decimal("0.95"),
    Decimal("0.59"),
)
_CENT = Decimal("0.01")


def _shelf_price(rng: random.Random, low: float, high: float) -> Decimal:
    # Random floats only pick a euro amount; the price itself is built from Decimals.
    euros = int(rng.uniform(low, high))
    return Decimal(euros) + rng.choice(_ENDINGS)


def ean13(prefix: str, number: int) -> str:
    """A valid EAN-13: a 3-digit GS1 prefix, 9 digits of ``number``, the check digit."""
    body = f"{prefix}{number % 1_000_000_000:09d}"
    return body + gtin_check_digit(body)


def variable_measure_base(prefix: str, plu: int) -> str:
    body = f"{prefix}{plu % 100_000:05d}00000"
    return body + gtin_check_digit(body)


def demo_catalog(count: int, *, seed: int = 7) -> Iterator[DemoItem]:
    """``count`` items; the same seed gives the same catalog, item for item."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    weighed_every = 97  # about 1 % of a catalog is sold by weight
    for n in range(count):
        if n % weighed_every == 5:
            name, category, (low, high) = _WEIGHED[(n // weighed_every) % len(_WEIGHED)]
            variant = n // (weighed_every * len(_WEIGHED))
            if variant:
                name = f"{name} ({rng.choice(_BRANDS)} #{variant})"
            price = _shelf_price(rng, low, high)
            unit, weighed, tax = "kg", True, REDUCED
            # A scale label: "20" + 5-digit PLU + 5-digit price/weight + check. The catalog
            # holds the label with the embedded value zeroed, as scale-label rules expect.
            barcode = variable_measure_base("20", n // weighed_every)
        else:
            category, tax, (low, high), products, sizes = _PACKAGED[n % len(_PACKAGED)]
            product = products[(n // len(_PACKAGED)) % len(products)]
            name = f"{rng.choice(_BRANDS)} {product} {rng.choice(sizes)}"
            price = _shelf_price(rng, low, high)
            unit, weighed = "each", False
            barcode = ean13("841", 100_000 + n)
        margin = Decimal(rng.randint(55, 80)) / 100
        cost = (price * margin / Decimal("1.21")).quantize(_CENT)
        yield DemoItem(
            sku=f"SKU-{n + 1:07d}",
            name=name,
            category=category,
            unit=unit,
            price=price,
            cost=cost,
            weighed=weighed,
            barcode=barcode,
            tax_code=tax,
        )


@dataclass(frozen=True, slots=True)
class DemoStaff:
    email: str
    full_name: str
    role: str
    password: str
    pin: str


DEMO_STAFF: Final = (
    DemoStaff("owner@arcoiris.example", "Olivia Owner", "owner", "arcoiris-owner", "9999"),
    DemoStaff("manager@arcoiris.example", "Marta Manager", "manager", "arcoiris-manager", "1234"),
    DemoStaff("cashier@arcoiris.example", "Carlos Cashier", "cashier", "arcoiris-cashier", "0000"),
)
DEMO_ORG_NAME: Final = "Arcoiris Demo Market"
DEMO_ORG_SLUG: Final = "arcoiris-demo"
DEMO_CURRENCY: Final = "EUR"
DEMO_LOCALE: Final = "en_IE"
DEMO_TIMEZONE: Final = "Europe/Madrid"
