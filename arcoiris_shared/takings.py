"""A day's (a shift's, a range's) takings from the synced facts: ONE definition of every
figure a Z report, the manager's takings screen and HQ's Z route show, computed in SQL over
the shared tables so the till's SQLite and HQ's PostgreSQL run the same statements.

``figures(session, scope)`` reads sales, refunds, their payments, tax summaries and lines,
and the cash paid in and out, that fall in ``scope`` (shifts, terminals, a store, a time
range: all given parts must hold). Amounts are signed as stored: a refund's are negative,
a paid out is negative, so every total is a plain sum.

What each figure is:
- ``sales_total`` Σ total of sales; ``refunds_total`` Σ total of refunds (negative);
  ``net_takings`` their sum (tax included: what the customer paid, refunds taken off).
- ``gross`` Σ gross of sales (before any discount); ``discounts`` Σ discount of sales.
- ``net_excl_tax`` and ``tax_total``: Σ net and Σ tax of sales and refunds.
- ``tax_by_rate``: the receipts' tax summaries summed per tax code.
- ``items_sold``: Σ quantity of the sales' lines (a kilo of apples counts 1).
- ``average_basket`` sales_total / sales_count; ``items_per_basket`` items_sold / sales_count.
- ``by_tender``: Σ payments per method (refunds' payouts negative), with their count.
- ``cash_sales`` / ``cash_refunds``: the cash payments of sales / refunds.
- ``paid_in`` / ``paid_out`` (negative): the cash movements.
- ``by_cashier``: per cashier, sales, refunds and Σ total.
- ``by_quarter``: per UTC quarter hour (epoch seconds // 900), sales and Σ total of sales
  and refunds: ``by_local_hour`` maps them to the hours of any time zone, whole or not.
- ``top_by_revenue`` / ``top_by_quantity``: items net of refunds, the first ``top`` of each.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, ColumnElement, Integer, and_, case, cast, func, select
from sqlalchemy.orm import Session

from arcoiris_shared.cash import expected_cash, over_short
from arcoiris_shared.db.pos import CashMovement, Payment, Sale, SaleLine, SaleTax, Shift

ZERO = Decimal(0)
QUARTER = 900  # seconds in a bucket of ``by_quarter``
TOP = 10
TENDER_ORDER = {"cash": 0, "card": 1, "voucher": 2, "other": 3}


@dataclass(frozen=True, slots=True)
class Scope:
    """Which facts count. Every part given must hold; ``start`` inclusive, ``end``
    exclusive, both aware (UTC or not)."""

    org_id: uuid.UUID
    shift_ids: tuple[uuid.UUID, ...] | None = None
    terminal_ids: tuple[uuid.UUID, ...] | None = None
    location_id: uuid.UUID | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class TaxTotal:
    code: str
    name: str
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Tender:
    method: str
    count: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Cashier:
    cashier_id: uuid.UUID
    sales: int
    refunds: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ItemFigure:
    item_id: uuid.UUID
    sku: str
    name: str
    quantity: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Bucket:
    sales: int
    amount: Decimal  # Σ total of sales and refunds in it


@dataclass(frozen=True, slots=True)
class Figures:
    sales_count: int = 0
    refunds_count: int = 0
    sales_total: Decimal = ZERO
    refunds_total: Decimal = ZERO
    gross: Decimal = ZERO
    discounts: Decimal = ZERO
    net_excl_tax: Decimal = ZERO
    tax_total: Decimal = ZERO
    cash_rounding: Decimal = ZERO
    items_sold: Decimal = ZERO
    cash_sales: Decimal = ZERO
    cash_refunds: Decimal = ZERO
    paid_in: Decimal = ZERO
    paid_out: Decimal = ZERO
    movements_count: int = 0
    tax_by_rate: tuple[TaxTotal, ...] = ()
    by_tender: tuple[Tender, ...] = ()
    by_cashier: tuple[Cashier, ...] = ()
    by_quarter: dict[int, Bucket] = field(default_factory=dict)
    top_by_revenue: tuple[ItemFigure, ...] = ()
    top_by_quantity: tuple[ItemFigure, ...] = ()

    @property
    def net_takings(self) -> Decimal:
        return self.sales_total + self.refunds_total

    @property
    def average_basket(self) -> Decimal | None:
        return self.sales_total / self.sales_count if self.sales_count else None

    @property
    def items_per_basket(self) -> Decimal | None:
        return self.items_sold / self.sales_count if self.sales_count else None

    @property
    def cash_movements(self) -> Decimal:
        return self.paid_in + self.paid_out

    def by_local_hour(self, zone: str) -> dict[dt.datetime, Bucket]:
        """``by_quarter`` summed per hour of ``zone``'s clock, keyed by the local hour's
        start (aware); hours with nothing sold are absent."""
        tz = time_zone(zone)
        out: dict[dt.datetime, list[Any]] = {}
        for quarter, b in self.by_quarter.items():
            local = dt.datetime.fromtimestamp(quarter * QUARTER, dt.UTC).astimezone(tz)
            hour = local.replace(minute=0, second=0, microsecond=0)
            acc = out.setdefault(hour, [0, ZERO])
            acc[0] += b.sales
            acc[1] += b.amount
        return {h: Bucket(n, a) for h, (n, a) in sorted(out.items())}


def time_zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return dt.UTC


def day_range(day: dt.date, zone: str, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """The instants (UTC) from ``day``'s local midnight to ``days`` later's, in ``zone``."""
    tz = time_zone(zone)
    start = dt.datetime.combine(day, dt.time(), tz)
    end = dt.datetime.combine(day + dt.timedelta(days=days), dt.time(), tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _quarter(col: Any, dialect: str) -> ColumnElement[Any]:
    """A timestamp's UTC quarter hour as the database can group it fastest. PostgreSQL:
    epoch seconds // 900. The till's SQLite keeps times as fixed-width UTC ISO text
    (``UTCDateTime``): there the key is the text's hour and the quarter within it
    ("2026-12-03T09|2"), cut with ``substr`` (a third of ``strftime``'s cost over a month
    of sales) and turned into the epoch quarter by :func:`_epoch_quarter`."""
    if dialect == "sqlite":
        minute = cast(func.substr(col, 15, 2), Integer)
        return func.substr(col, 1, 13).concat("|").concat(minute.op("/")(15))
    return cast(func.floor(func.extract("epoch", col) / QUARTER), BigInteger)


def _epoch_quarter(key: Any, seen: dict[Any, int]) -> int:
    """The epoch quarter (seconds // 900) of ``_quarter``'s key, whichever database."""
    if isinstance(key, int):
        return key
    if key in seen:
        return seen[key]
    hour, q = str(key).split("|")
    start = dt.datetime.strptime(hour, "%Y-%m-%dT%H").replace(tzinfo=dt.UTC)
    seen[key] = value = int(start.timestamp()) // QUARTER + int(q)
    return value


def _where(fact: type[Sale] | type[CashMovement], scope: Scope) -> list[ColumnElement[bool]]:
    """``scope`` as conditions on a fact table (sales, cash movements: both have the org,
    shift, terminal, store and moment columns by the same names)."""
    where: list[ColumnElement[bool]] = [fact.org_id == scope.org_id]
    if scope.shift_ids is not None:
        where.append(fact.shift_id.in_(scope.shift_ids))
    if scope.terminal_ids is not None:
        where.append(fact.terminal_id.in_(scope.terminal_ids))
    if scope.location_id is not None:
        where.append(fact.location_id == scope.location_id)
    if scope.start is not None:
        where.append(fact.occurred_at >= scope.start)
    if scope.end is not None:
        where.append(fact.occurred_at < scope.end)
    return where


def _of_sales(scope: Scope, child: Any) -> ColumnElement[bool]:
    return and_(Sale.org_id == child.org_id, Sale.id == child.sale_id, *_where(Sale, scope))


def figures(session: Session, scope: Scope, *, top: int = TOP) -> Figures:
    """Every figure of ``scope`` (see the module's docstring), in five statements."""
    dialect = session.get_bind().dialect.name
    quarter = _quarter(Sale.occurred_at, dialect).label("quarter")
    rows = session.execute(
        select(
            Sale.kind,
            Sale.cashier_id,
            quarter,
            func.count(),
            func.sum(Sale.gross),
            func.sum(Sale.discount_total),
            func.sum(Sale.net),
            func.sum(Sale.tax_total),
            func.sum(Sale.total),
            func.sum(Sale.cash_rounding),
        )
        .where(*_where(Sale, scope))
        .group_by(Sale.kind, Sale.cashier_id, quarter)
    ).all()
    if not rows:
        return with_movements(session, scope, Figures())
    pay_rows = session.execute(
        select(Payment.method, Sale.kind, func.count(), func.sum(Payment.amount))
        .join(Sale, _of_sales(scope, Payment))
        .group_by(Payment.method, Sale.kind)
    ).all()
    tax_rows = session.execute(
        select(
            SaleTax.tax_code,
            func.max(SaleTax.tax_name),
            func.max(SaleTax.rate),
            func.sum(SaleTax.base),
            func.sum(SaleTax.amount),
        )
        .join(Sale, _of_sales(scope, SaleTax))
        .group_by(SaleTax.tax_code)
        .order_by(SaleTax.tax_code)
    ).all()
    item_rows = session.execute(
        select(
            SaleLine.item_id,
            func.sum(case((Sale.kind == "sale", SaleLine.quantity), else_=0)),
            func.sum(SaleLine.quantity),
            func.sum(SaleLine.total),
        )
        .join(Sale, _of_sales(scope, SaleLine))
        .group_by(SaleLine.item_id)
    ).all()
    figs = assemble(session, scope.org_id, rows, pay_rows, tax_rows, item_rows, top=top)
    return with_movements(session, scope, figs)


def assemble(
    session: Session,
    org_id: uuid.UUID,
    rows: Sequence[Any],
    pay_rows: Sequence[Any],
    tax_rows: Sequence[Any],
    item_rows: Sequence[Any],
    *,
    top: int = TOP,
) -> Figures:
    """The figures from their grouped sums (what ``figures`` reads from the facts, and the
    till's rollup holds per day): sales by (kind, cashier, quarter key, count, gross,
    discount, net, tax, total, rounding); payments by (method, kind, count, amount); taxes
    by (code, name, rate, base, amount); lines by (item, sold quantity, quantity, total).
    Cash movements are not in it (``with_movements``)."""
    counts = {"sale": 0, "refund": 0}
    totals = {"sale": ZERO, "refund": ZERO}
    gross = discounts = net = tax = rounding = ZERO
    cashiers: dict[uuid.UUID, list[Any]] = {}
    quarters: dict[int, list[Any]] = {}
    keys: dict[Any, int] = {}
    for kind, cashier, q_key, n, g, d, ne, t, total, r in rows:
        q = _epoch_quarter(q_key, keys)
        counts[kind] += n
        totals[kind] += total
        net += ne
        tax += t
        rounding += r
        if kind == "sale":
            gross += g
            discounts += d
        c = cashiers.setdefault(cashier, [0, 0, ZERO])
        c[0 if kind == "sale" else 1] += n
        c[2] += total
        b = quarters.setdefault(q, [0, ZERO])
        if kind == "sale":
            b[0] += n
        b[1] += total

    tenders: dict[str, list[Any]] = defaultdict(lambda: [0, ZERO])
    cash = {"sale": ZERO, "refund": ZERO}
    for method, kind, n, amount in pay_rows:
        tenders[method][0] += n
        tenders[method][1] += amount
        if method == "cash":
            cash[kind] += amount

    taxes = tuple(
        TaxTotal(code, name, rate, base, amount)
        for code, name, rate, base, amount in sorted(tax_rows, key=lambda t: t[0])
    )

    # Items summed by id only: the name and SKU (the lines' snapshot) are fetched for the
    # few that make a top list, not carried through the month's half a million lines.
    items_sold = ZERO
    sums: list[tuple[uuid.UUID, Decimal, Decimal]] = []
    for item_id, sold, qty, amount in item_rows:
        items_sold += _dec(sold)
        if qty > 0:  # an item that only came back was not sold
            sums.append((item_id, qty, amount))
    by_revenue = sorted(sums, key=lambda i: (-i[2], str(i[0])))[:top]
    by_quantity = sorted(sums, key=lambda i: (-i[1], str(i[0])))[:top]
    labels = _item_labels(session, org_id, {i[0] for i in (*by_revenue, *by_quantity)})

    def item(i: tuple[uuid.UUID, Decimal, Decimal]) -> ItemFigure:
        sku, name = labels.get(i[0], ("", ""))
        return ItemFigure(i[0], sku, name, i[1], i[2])

    tops_revenue = sorted(map(item, by_revenue), key=lambda i: (-i.amount, i.sku))
    tops_quantity = sorted(map(item, by_quantity), key=lambda i: (-i.quantity, i.sku))

    return Figures(
        sales_count=counts["sale"],
        refunds_count=counts["refund"],
        sales_total=totals["sale"],
        refunds_total=totals["refund"],
        gross=gross,
        discounts=discounts,
        net_excl_tax=net,
        tax_total=tax,
        cash_rounding=rounding,
        items_sold=items_sold,
        cash_sales=cash["sale"],
        cash_refunds=cash["refund"],
        tax_by_rate=taxes,
        by_tender=tuple(
            Tender(m, n, a)
            for m, (n, a) in sorted(
                tenders.items(), key=lambda kv: (TENDER_ORDER.get(kv[0], 9), kv[0])
            )
        ),
        by_cashier=tuple(
            sorted(
                (Cashier(cid, s, r, a) for cid, (s, r, a) in cashiers.items()),
                key=lambda c: (-c.amount, str(c.cashier_id)),
            )
        ),
        by_quarter={q: Bucket(n, a) for q, (n, a) in sorted(quarters.items())},
        top_by_revenue=tuple(tops_revenue),
        top_by_quantity=tuple(tops_quantity),
    )


def _item_labels(
    session: Session, org_id: uuid.UUID, ids: set[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str]]:
    """The SKU and name a line of each item was sold under (one indexed look-up each)."""
    out = {}
    for item_id in ids:
        row = session.execute(
            select(SaleLine.sku, SaleLine.name)
            .where(SaleLine.org_id == org_id, SaleLine.item_id == item_id)
            .limit(1)
        ).first()
        if row is not None:
            out[item_id] = (row[0], row[1])
    return out


def _dec(value: Any) -> Decimal:
    """A SUM over a CASE of an exact column: SQLite returns the scaled integer untyped."""
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(int(value)).scaleb(-3)


def with_movements(session: Session, scope: Scope, figs: Figures) -> Figures:
    paid = {"paid_in": ZERO, "paid_out": ZERO}
    n_moves = 0
    for kind, n, amount in session.execute(
        select(CashMovement.kind, func.count(), func.sum(CashMovement.amount))
        .where(*_where(CashMovement, scope))
        .group_by(CashMovement.kind)
    ):
        paid[kind] += amount
        n_moves += n
    if not n_moves:
        return figs
    return replace(
        figs, paid_in=paid["paid_in"], paid_out=paid["paid_out"], movements_count=n_moves
    )


@dataclass(frozen=True, slots=True)
class ZFigures:
    """A shift's Z: its figures and the drawer's cash, as the till and HQ both work it out."""

    shift_id: uuid.UUID
    terminal_id: uuid.UUID
    z_number: int | None
    opening_float: Decimal
    figures: Figures
    expected_cash: Decimal
    counted_cash: Decimal | None
    over_short: Decimal | None
    over_short_reason: str | None


def drawer_expected(opening_float: Decimal, figs: Figures) -> Decimal:
    """Expected cash: the float, the cash of sales and refunds, the cash paid in and out."""
    return expected_cash(
        opening_float, (figs.cash_sales, figs.cash_refunds), (figs.paid_in, figs.paid_out)
    )


def z_figures(session: Session, shift: Shift, *, top: int = TOP) -> ZFigures:
    """The Z of ``shift`` from the facts in ``session``'s database (counted and over/short
    from the shift's own count, None while it is open)."""
    figs = figures(session, Scope(org_id=shift.org_id, shift_ids=(shift.id,)), top=top)
    expected = drawer_expected(shift.opening_float, figs)
    counted = shift.counted_cash
    return ZFigures(
        shift_id=shift.id,
        terminal_id=shift.terminal_id,
        z_number=shift.z_number,
        opening_float=shift.opening_float,
        figures=figs,
        expected_cash=expected,
        counted_cash=counted,
        over_short=None if counted is None else over_short(counted, expected),
        over_short_reason=shift.over_short_reason,
    )
