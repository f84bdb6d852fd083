"""Barcode checks both sides apply: GTIN check digits (via python-stdnum) and allowed shapes.

A GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) with a wrong check digit is a typo, never a product;
other symbologies (Code 128 labels, in-house codes) only have to look like a code.
"""

from __future__ import annotations

import re
from typing import Final

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
