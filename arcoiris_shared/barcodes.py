"""Barcode checks both sides apply: GTIN check digits (via python-stdnum) and allowed shapes.

A GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) with a wrong check digit is a typo, never a product;
other symbologies (Code 128 labels, in-house codes) only have to look like a code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from stdnum import ean

GTIN_LENGTHS: Final = frozenset({8, 12, 13, 14})
_SHAPE = re.compile(r"^[0-9A-Za-z.\-_/]{1,32}$")


class InvalidBarcode(ValueError):
    pass


def is_gtin_shaped(code: str) -> bool:
    return code.isdigit() and len(code) in GTIN_LENGTHS


def gtin_check_digit(body: str) -> str:
    """The check digit that completes ``body`` (all but the last digit of a GTIN)."""
    return str(ean.calc_check_digit(body))


def validate_barcode(code: str) -> str:
    """Return the barcode, stripped, or raise ``InvalidBarcode`` saying what is wrong."""
    code = code.strip()
    if not _SHAPE.match(code):
        raise InvalidBarcode("a barcode is 1-32 letters, digits or . - _ / with no spaces")
    if is_gtin_shaped(code) and not ean.is_valid(code):
        raise InvalidBarcode(
            f"{code} fails the GTIN check digit (expected {gtin_check_digit(code[:-1])})"
        )
    return code


@dataclass(frozen=True, slots=True)
class VariableMeasureRule:
    """How an in-store label (GS1 prefix 20-29) embeds an item code and a weight or a price.

    ``prefix`` + ``item_digits`` digits of item code + value digits up to the 12th digit +
    the EAN-13 check digit. The catalog holds the label with the value digits zeroed.
    """

    prefix: str
    item_digits: int = 5
    value: Literal["weight", "price"] = "weight"
    value_decimals: int = 3

    def __post_init__(self) -> None:
        if not (self.prefix.isdigit() and 1 <= len(self.prefix) <= 3):
            raise ValueError(f"rule prefix {self.prefix!r} must be 1-3 digits")
        if not "20" <= self.prefix[:2].ljust(2, "0") <= "29":
            raise ValueError(f"rule prefix {self.prefix!r} is outside GS1's in-store range 20-29")
        if self.value_digits < 3:
            raise ValueError("a rule needs at least 3 digits for its value")

    @property
    def value_digits(self) -> int:
        return 12 - len(self.prefix) - self.item_digits

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> VariableMeasureRule:
        value = str(data.get("value", "weight"))
        if value not in ("weight", "price"):
            raise ValueError(f"rule value must be weight or price, not {value!r}")
        return cls(
            prefix=str(data["prefix"]),
            item_digits=int(str(data.get("item_digits", 5))),
            value="weight" if value == "weight" else "price",
            value_decimals=int(str(data.get("value_decimals", 3 if value == "weight" else 2))),
        )


DEFAULT_VARIABLE_MEASURE_RULES: Final = (
    VariableMeasureRule("20", 5, "weight", 3),
    VariableMeasureRule("21", 5, "weight", 3),
    VariableMeasureRule("22", 5, "price", 2),
)


@dataclass(frozen=True, slots=True)
class VariableMeasure:
    base_barcode: str  # the catalog's label: value digits zeroed, check digit recomputed
    value: Literal["weight", "price"]
    amount: Decimal  # kilograms (or the item's unit) for weight, money for price


def parse_variable_measure(
    code: str, rules: Sequence[VariableMeasureRule] = DEFAULT_VARIABLE_MEASURE_RULES
) -> VariableMeasure | None:
    """The embedded weight or price of a scale label, or None if no rule matches.

    A label whose check digit fails raises ``InvalidBarcode``: a misread must never price
    a sale.
    """
    if not (code.isdigit() and len(code) == 13):
        return None
    for rule in sorted(rules, key=lambda r: -len(r.prefix)):
        if not code.startswith(rule.prefix):
            continue
        if not ean.is_valid(code):
            raise InvalidBarcode(f"{code} fails the check digit: scan it again")
        start = len(rule.prefix) + rule.item_digits
        digits = code[start:12]
        body = code[:start] + "0" * len(digits)
        return VariableMeasure(
            base_barcode=body + gtin_check_digit(body),
            value=rule.value,
            amount=Decimal(int(digits)).scaleb(-rule.value_decimals),
        )
    return None
