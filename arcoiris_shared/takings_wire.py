"""``takings.Figures`` on the wire: the one (de)serialisation HQ's store-takings route and the
till's client both use, so a till rebuilds exactly the figures HQ computed.

Lossless: amounts travel as decimal strings with the exponent they were summed at
(``Decimal("12.3400")`` comes back as ``Decimal("12.3400")``), counts as integers, ids as
UUID strings, ``by_quarter``'s keys as the UTC quarter-hour numbers. ``StoreTakingsWire`` is
the whole answer of ``GET /api/sync/takings``: the store's figures for a local date range,
the same dates whole weeks earlier to compare with, when HQ last heard from each of the
store's tills, and the cashiers' names.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from arcoiris_shared.takings import (
    Bucket,
    Cashier,
    Figures,
    ItemFigure,
    TaxTotal,
    Tender,
)

MAX_DAYS = 366
"""The longest range HQ sums for a till in one request."""


class _Wire(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid", frozen=True)


class TaxTotalWire(_Wire):
    code: str
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal


class TenderWire(_Wire):
    method: str
    count: int
    amount: Decimal


class CashierWire(_Wire):
    cashier_id: uuid.UUID
    sales: int
    refunds: int
    amount: Decimal


class ItemFigureWire(_Wire):
    item_id: uuid.UUID
    sku: str
    name: str
    quantity: Decimal
    amount: Decimal


class BucketWire(_Wire):
    sales: int
    amount: Decimal


class FiguresWire(_Wire):
    """Every field of ``takings.Figures``, typed as JSON carries it (see the module)."""

    sales_count: int
    refunds_count: int
    sales_total: Decimal
    refunds_total: Decimal
    gross: Decimal
    discounts: Decimal
    net_excl_tax: Decimal
    tax_total: Decimal
    cash_rounding: Decimal
    items_sold: Decimal
    cash_sales: Decimal
    cash_refunds: Decimal
    paid_in: Decimal
    paid_out: Decimal
    movements_count: int
    tax_by_rate: tuple[TaxTotalWire, ...]
    by_tender: tuple[TenderWire, ...]
    by_cashier: tuple[CashierWire, ...]
    by_quarter: dict[int, BucketWire]
    top_by_revenue: tuple[ItemFigureWire, ...]
    top_by_quantity: tuple[ItemFigureWire, ...]


def figures_wire(figs: Figures) -> FiguresWire:
    """``figs`` as the response model HQ's routes return."""
    return FiguresWire.model_validate(figs)


def figures_to_wire(figs: Figures) -> dict[str, Any]:
    """``figs`` as JSON-ready data (strings, ints, lists, dicts)."""
    return figures_wire(figs).model_dump(mode="json")


def figures_from_wire(data: FiguresWire | dict[str, Any]) -> Figures:
    """The ``Figures`` that ``figures_to_wire`` was given, rebuilt (raises pydantic's
    ``ValidationError`` on data that is not a figures document)."""
    w = data if isinstance(data, FiguresWire) else FiguresWire.model_validate(data)
    return Figures(
        sales_count=w.sales_count,
        refunds_count=w.refunds_count,
        sales_total=w.sales_total,
        refunds_total=w.refunds_total,
        gross=w.gross,
        discounts=w.discounts,
        net_excl_tax=w.net_excl_tax,
        tax_total=w.tax_total,
        cash_rounding=w.cash_rounding,
        items_sold=w.items_sold,
        cash_sales=w.cash_sales,
        cash_refunds=w.cash_refunds,
        paid_in=w.paid_in,
        paid_out=w.paid_out,
        movements_count=w.movements_count,
        tax_by_rate=tuple(TaxTotal(**t.model_dump()) for t in w.tax_by_rate),
        by_tender=tuple(Tender(**t.model_dump()) for t in w.by_tender),
        by_cashier=tuple(Cashier(**c.model_dump()) for c in w.by_cashier),
        by_quarter={q: Bucket(b.sales, b.amount) for q, b in sorted(w.by_quarter.items())},
        top_by_revenue=tuple(ItemFigure(**i.model_dump()) for i in w.top_by_revenue),
        top_by_quantity=tuple(ItemFigure(**i.model_dump()) for i in w.top_by_quantity),
    )


def compared_range(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The same dates whole weeks earlier, so weekdays line up: a day against the same
    weekday a week before, ``n`` days against the ``ceil(n / 7)`` weeks before them."""
    days = (last - first).days + 1
    back = dt.timedelta(days=math.ceil(days / 7) * 7)
    return first - back, last - back


class TillSeen(_Wire):
    terminal_id: uuid.UUID
    code: str
    name: str
    last_push_at: dt.datetime | None  # when HQ last received ops from it (None: never)


class StoreTakingsWire(_Wire):
    """``GET /api/sync/takings``: the asking terminal's store, all its tills."""

    location_id: uuid.UUID
    location_name: str
    timezone: str
    first: dt.date
    last: dt.date
    figures: FiguresWire
    compared_first: dt.date
    compared_last: dt.date
    compared: FiguresWire
    as_of: dt.datetime | None  # the newest push HQ received from any till of the store
    tills: tuple[TillSeen, ...]
    names: dict[uuid.UUID, str]  # cashier id -> full name, for ``by_cashier``
