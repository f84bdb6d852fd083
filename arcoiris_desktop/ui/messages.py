"""What a cashier reads when something fails: the domain's own words, never a traceback."""

from __future__ import annotations

import logging

from arcoiris_desktop.catalog.lookup import UnknownBarcode
from arcoiris_desktop.sales.cart import CartError
from arcoiris_desktop.sales.service import SaleError

logger = logging.getLogger(__name__)


def cashier_message(exc: BaseException) -> str:
    """What a cashier reads for a failure: the domain's own words, never a traceback."""
    if isinstance(exc, CartError | SaleError | UnknownBarcode | ValueError):
        text = str(exc)
        return text[:1].upper() + text[1:]
    logger.error("unexpected failure at the till", exc_info=exc)
    return "Something went wrong; the sale is safe. Try again or call a manager."
