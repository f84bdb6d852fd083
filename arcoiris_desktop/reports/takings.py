"""The day's takings for the manager's screen (CONTRACT; the service fills it in).

``takings(db, config, period)`` answers, from the till's own database (offline), with the
figures of the period (``arcoiris_shared.takings.figures``), the same figures for the
comparison period (the same dates whole weeks earlier: a day against the same weekday last
week; a range of n days against the range ceil(n/7) weeks earlier), the audit list and the
items at or below their reorder point.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from arcoiris_shared.takings import Figures


@dataclass(frozen=True, slots=True)
class Period:
    """What the manager picked: a day (``first`` = ``last``), a range of days (local
    dates, both included), or one shift (``shift_id``; the dates are its own)."""

    first: dt.date
    last: dt.date
    shift_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: dt.datetime  # store's local time
    action: str  # e.g. "line.voided", "price.override", "refund", "drawer.no_sale", ...
    what: str  # in words, for the manager: "Voided 2 x Milk (3.10)"
    by: str  # who did it (name)
    approved_by: str | None  # who approved it (name), if anyone
    amount: Decimal | None


@dataclass(frozen=True, slots=True)
class LowStock:
    item_id: uuid.UUID
    sku: str
    name: str
    on_hand: Decimal
    reorder_point: Decimal


@dataclass(frozen=True, slots=True)
class TakingsView:
    period: Period
    label: str  # "Thursday 3 December 2026", "1–31 December 2026", "Shift Z 42"
    compare_label: str  # "Thursday 26 November 2026"
    figures: Figures
    compared: Figures
    hours: dict[int, tuple[Decimal, Decimal]]  # local hour 0-23 -> (this, compared) Σ amount
    cashier_names: dict[uuid.UUID, str]
    audit: tuple[AuditLine, ...]
    low_stock: tuple[LowStock, ...]
    source: Literal["till", "store"]  # this till's own database, or HQ's whole store
    as_of: dt.datetime | None  # for "store": HQ's last sync (local time)
    note: str  # e.g. "This till only: HQ cannot be reached" ("" when nothing to say)
    currency: str
    locale: str
