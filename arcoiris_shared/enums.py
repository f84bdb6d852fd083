"""The string enumerations both sides validate against (stored as TEXT, checked by CHECK).

Plain tuples of strings, not database enum types: adding a value is a code change and one
constraint, never an ``ALTER TYPE``.
"""

from __future__ import annotations

from typing import Final, Literal

ROLES: Final = ("owner", "manager", "cashier")
Role = Literal["owner", "manager", "cashier"]

UNITS: Final = ("each", "kg", "g", "lb", "l", "m")
Unit = Literal["each", "kg", "g", "lb", "l", "m"]

LOCATION_KINDS: Final = ("store", "warehouse")
LocationKind = Literal["store", "warehouse"]

TERMINAL_STATUSES: Final = ("active", "revoked")

SALE_KINDS: Final = ("sale", "refund")
SaleKind = Literal["sale", "refund"]

PAYMENT_METHODS: Final = ("cash", "card", "voucher", "other")
PaymentMethod = Literal["cash", "card", "voucher", "other"]

SHIFT_STATUSES: Final = ("open", "closed")

# Cash put into (paid in) or taken out of (paid out) the drawer for something not a sale.
CASH_MOVEMENT_KINDS: Final = ("paid_in", "paid_out")
CashMovementKind = Literal["paid_in", "paid_out"]

MOVEMENT_REASONS: Final = (
    "sale",
    "refund",
    "receipt",
    "adjustment",
    "count",
    "transfer_in",
    "transfer_out",
    "opening",
)
MovementReason = Literal[
    "sale", "refund", "receipt", "adjustment", "count", "transfer_in", "transfer_out", "opening"
]

ACCOUNT_TYPES: Final = ("asset", "liability", "equity", "revenue", "expense")
AccountType = Literal["asset", "liability", "equity", "revenue", "expense"]

TAX_ROUNDING: Final = ("per_line", "per_receipt")
