"""What every op kind's handler shares: the batch it stages rows into, what the batch
points at (loaded once), and how a handler says no.

A handler never writes. It checks one op against what HQ holds plus what the ops before it
in the same push staged, then stages rows as dicts keyed by column (``Row``);
``ingest`` writes the whole batch with a few COPYs and set-based statements.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table

from arcoiris_shared.cash import DEFAULT_OVER_SHORT_THRESHOLD
from arcoiris_shared.db.inv import StockMovement
from arcoiris_shared.db.pos import CashMovement, Payment, Sale, SaleLine, SaleTax, Shift
from arcoiris_shared.money import RoundingMode
from arcoiris_shared.ops import LineRow
from sync_server.accounting.service import JournalEntry
from sync_server.pos.audit import AuditEvent

ZERO = Decimal(0)

# A staged row: its values keyed by column name; ingest turns the batch's rows into tuples in
# ``COLUMNS`` order in one place (``bulk.copy_staged``), so no handler ever spells an order.
Row = dict[str, Any]

# The tables a push writes with COPY, and their columns: the shared table definitions'.
COLUMNS: dict[str, tuple[str, ...]] = {
    t.fullname: tuple(c.key for c in t.columns)
    for t in (
        cast(Table, model.__table__)
        for model in (
            Shift,
            Sale,
            SaleLine,
            SaleTax,
            Payment,
            StockMovement,
            CashMovement,
            AuditEvent,
        )
    )
}


class Rejected(Exception):
    """A business rule says no: the op is acknowledged as rejected with this reason."""


@dataclass
class Needs:
    """The keys a batch's payloads point at, gathered before anything is checked."""

    items: set[str] = field(default_factory=set)
    sales: set[str] = field(default_factory=set)
    customers: set[str] = field(default_factory=set)
    shifts: set[str] = field(default_factory=set)
    # shifts closing in this push: HQ sums the cash of their sales it already holds
    closing_shifts: set[str] = field(default_factory=set)
    # sales refunded with a receipt in this push: HQ reads their lines and what earlier
    # refunds returned of them, so each refund line is checked as the share it must be
    refunded_sales: set[str] = field(default_factory=set)
    # paid ins/outs and audit entries: HQ says which ids it already holds
    cash_movements: set[str] = field(default_factory=set)
    audit_events: set[str] = field(default_factory=set)
    # (terminal id, Z number) of the closes in this push: HQ says which are taken
    z_numbers: set[tuple[str, int]] = field(default_factory=set)


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
    # closing shift id -> Σ cash payments of its sales and refunds, and of its paid ins
    # and outs (signed), HQ already holds
    shift_cash: dict[str, Decimal] = field(default_factory=dict)
    cash_movements: set[str] = field(default_factory=set)
    audit_events: set[str] = field(default_factory=set)
    # (terminal id, Z number) already used, at HQ or by a close staged earlier in the push
    z_numbers: set[tuple[str, int]] = field(default_factory=set)
    # refunded sale id -> its lines by line_no (held at HQ or staged earlier in the push)
    sold_lines: dict[str, dict[int, LineRow]] = field(default_factory=dict)
    # refunded sale id -> line_no -> quantity returned by earlier refunds (positive)
    returned: dict[str, dict[int, Decimal]] = field(default_factory=dict)


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
    # shift id -> Σ cash payments of its sales and refunds, and its paid ins and outs,
    # staged in this push
    shift_cash: dict[str, Decimal] = field(default_factory=dict)
    # facts recorded but flagged for a person to look at (rows of pos.flags)
    flags: list[Row] = field(default_factory=list)
    # (period, account id) -> (debit, credit): written last (see ingest)
    balance_moves: dict[tuple[dt.date, uuid.UUID], tuple[Decimal, Decimal]] = field(
        default_factory=dict
    )

    def add_shift_cash(self, shift_id: str, amount: Decimal) -> None:
        self.shift_cash[shift_id] = self.shift_cash.get(shift_id, ZERO) + amount

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
    rounding: RoundingMode = RoundingMode.HALF_UP  # the org's (org setting rounding_mode)
    # beyond this over/short a close needs a reason (org setting over_short_threshold)
    over_short_threshold: Decimal = DEFAULT_OVER_SHORT_THRESHOLD

    def account(self, system_key: str) -> uuid.UUID:
        found = self.accounts.get(system_key)
        if found is None:
            raise Rejected(f"the chart of accounts has no {system_key} account to post to")
        return found

    def flag(self, source_type: str, source_id: str, reason: str) -> None:
        """Record the fact, and flag it for a person: it happened, but HQ's own arithmetic
        says otherwise."""
        self.batch.flags.append(
            {
                "org_id": self.org_id,
                "source_type": source_type,
                "source_id": source_id,
                "terminal_id": self.terminal_id,
                "reason": reason,
                "flagged_at": self.now,
            }
        )

    def local_date(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(self.zone).date()

    def check_owner(self, org_id: str, terminal_id: str | None = None) -> None:
        if org_id != self.org_id:
            raise Rejected("it belongs to another organization")
        if terminal_id is not None and terminal_id != self.terminal_id:
            raise Rejected("it says another terminal made it")
