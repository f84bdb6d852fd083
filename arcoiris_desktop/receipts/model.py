"""What a receipt says, as plain data: the sales code builds it, the printers render it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    name: str
    sku: str
    quantity: Decimal
    unit: str  # "each", "kg", ...
    unit_price: Decimal
    total: Decimal  # what the customer pays for the line (after its discounts)
    discount: Decimal = Decimal(0)  # line + share of sale discount, as a positive amount
    tax_codes: tuple[str, ...] = ()
    note: str | None = None  # e.g. "Price override", "Returned"


@dataclass(frozen=True, slots=True)
class ReceiptTax:
    code: str
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ReceiptPayment:
    method: str  # "cash", "card", ...
    amount: Decimal
    tendered: Decimal | None = None
    change: Decimal = Decimal(0)
    reference: str | None = None  # the card terminal's approval code


@dataclass(frozen=True, slots=True)
class Receipt:
    kind: Literal["sale", "refund"]
    receipt_code: str  # printed and encoded as a barcode, scanned back for returns
    occurred_at: dt.datetime
    store_name: str
    store_address: str | None
    terminal_name: str
    cashier_name: str
    currency: str
    locale: str
    prices_include_tax: bool
    lines: tuple[ReceiptLine, ...]
    taxes: tuple[ReceiptTax, ...]
    gross: Decimal
    discount_total: Decimal
    net: Decimal
    tax_total: Decimal
    total: Decimal
    payments: tuple[ReceiptPayment, ...]
    cash_rounding: Decimal = Decimal(0)
    header: str = ""
    footer: str = ""
    refund_of_code: str | None = None
    reprint: bool = False
    customer_name: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def change_total(self) -> Decimal:
        return sum((p.change for p in self.payments), Decimal(0))

    @property
    def opens_drawer(self) -> bool:
        """Cash in or out means the drawer opens."""
        return any(p.method == "cash" for p in self.payments)
