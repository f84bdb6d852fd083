"""What every op kind's handler shares: the batch it stages rows into, what the batch
points at (loaded once), and how a handler says no.

A handler never writes. It checks one op against what HQ holds plus what the ops before it
in the same push staged, then stages rows as tuples in the column order of ``COLUMNS``;
``ingest`` writes the whole batch with a few COPYs and set-based statements.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sync_server.accounting.service import JournalEntry

ZERO = Decimal(0)

Row = tuple[Any, ...]

# COPY column order of the rows handlers stage, per table.
COLUMNS: dict[str, tuple[str, ...]] = {
    "pos.sales": (
        "org_id", "id", "kind", "terminal_id", "location_id", "shift_id", "receipt_no",
        "receipt_code", "refund_of_sale_id", "cashier_id", "approved_by", "customer_id",
        "currency", "prices_include_tax", "tax_rounding", "gross", "discount_total", "net",
        "tax_total", "total", "cash_rounding", "occurred_at", "created_at",
    ),
    "pos.sale_lines": (
        "org_id", "sale_id", "line_no", "item_id", "sku", "name", "quantity", "unit_price",
        "gross", "line_discount", "sale_discount", "net", "tax", "total", "unit_cost", "taxes",
        "price_overridden", "refund_of_line_no",
    ),
    "pos.sale_taxes": ("org_id", "sale_id", "tax_code", "tax_name", "rate", "base", "amount"),
    "pos.payments": (
        "org_id", "sale_id", "payment_no", "method", "amount", "tendered", "change",
        "reference", "occurred_at",
    ),
    "inv.stock_movements": (
        "org_id", "id", "item_id", "location_id", "quantity", "unit_cost", "reason",
        "source_type", "source_id", "terminal_id", "note", "occurred_at", "created_at",
    ),
    "pos.shifts": (
        "org_id", "id", "terminal_id", "status", "currency", "opened_by", "opened_at",
        "opening_float", "closed_by", "closed_at", "expected_cash", "counted_cash",
        "over_short",
    ),
}  # fmt: skip


class Rejected(Exception):
    """A business rule says no: the op is acknowledged as rejected with this reason."""


@dataclass
class Needs:
    """The keys a batch's payloads point at, gathered before anything is checked."""

    items: set[str] = field(default_factory=set)
    sales: set[str] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)
    shifts: set[str] = field(default_factory=set)


@dataclass
class ShiftState:
    terminal_id: str
    status: str
    currency: str


@dataclass
class References:
    """What HQ holds of what the batch points at; handlers add what they stage, so an op
    sees the ops before it in the same push."""

    items: set[str]
    locations: set[str]
    sales: dict[str, str]  # id -> kind
    customers: set[str]
    shifts: dict[str, ShiftState]


@dataclass
class Batch:
    rows: dict[str, list[Row]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    # (org_id, item_id, location_id) -> Σ quantity, as strings of the ids
    stock_deltas: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    journals: list[JournalEntry] = field(default_factory=list)
    # sales and refunds staged, booked by PostgreSQL once written (see kinds.sales.book)
    sales_to_book: list[str] = field(default_factory=list)
    # shift id -> the closing values, for shifts opened before this push
    shift_closes: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    # (period, account id) -> (debit, credit): written last (see ingest)
    balance_moves: dict[tuple[dt.date, uuid.UUID], tuple[Decimal, Decimal]] = field(
        default_factory=dict
    )

    def move_stock(self, item_id: str, location_id: str, quantity: Decimal) -> None:
        key = (item_id, location_id)
        self.stock_deltas[key] = self.stock_deltas.get(key, ZERO) + quantity


@dataclass
class Context:
    """One push: who sends it and what it may touch."""

    org_id: str
    terminal_id: str
    terminal_location_id: str
    currency: str
    zone: dt.tzinfo
    accounts: dict[str, uuid.UUID]  # system key -> account id
    now: str
    refs: References
    batch: Batch

    def account(self, system_key: str) -> uuid.UUID:
        found = self.accounts.get(system_key)
        if found is None:
            raise Rejected(f"the chart of accounts has no {system_key} account to post to")
        return found

    def local_date(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(self.zone).date()

    def check_owner(self, org_id: str, terminal_id: str | None = None) -> None:
        if org_id != self.org_id:
            raise Rejected("it belongs to another organization")
        if terminal_id is not None and terminal_id != self.terminal_id:
            raise Rejected("it says another terminal made it")
