"""The takings as CSV for the manager's spreadsheet or the accountant (no Qt: domain code).

``takings_csv(view)`` writes one row per figure with the columns
``section,key,label,value,compared,change_pct``:

- ``section``: ``summary``, ``tax``, ``tender``, ``cashier``, ``hour``, ``top_revenue``,
  ``top_quantity``, ``audit`` or ``low_stock``.
- ``key``: what the row is, stable for a formula: a figure's name in ``summary``
  (``net_takings``, ``sales_count`` ...), a tax code, a tender method, a cashier's id, the
  local hour ``00``-``23``, an item's SKU, an audit entry's action.
- ``label``: the same in words (the cashier's name, the item's name, the audit entry as the
  manager reads it, with who did it and who approved it).
- ``value``: the period's figure; ``compared``: the comparison period's (for ``low_stock``:
  the item's reorder point, ``value`` being its level; empty for ``audit``).
- ``change_pct``: (value - compared) / |compared| x 100 to one decimal; empty when there is
  nothing to compare with (no comparison, or it was zero).

Numbers are plain decimals for any spreadsheet: a dot, no grouping, no currency sign,
money to the currency's places (``12.50``, ``-3.10``; JPY ``1250``), quantities with the
digits they have (``0.512``), counts as integers.

``sales_csv(db, config, period)`` writes one row per sale or refund of the period:
``receipt,time,kind,cashier,total,tax,tenders`` (time local ISO 8601; tenders
``cash 10.00; card 5.00``, a refund's negative).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from arcoiris_desktop.config import TerminalConfig
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.reports.takings import Period, TakingsView, change, span_of
from arcoiris_desktop.shifts.service import staff_names
from arcoiris_shared.db.pos import Payment, Sale
from arcoiris_shared.money import currency_exponent
from arcoiris_shared.takings import TENDER_ORDER, Figures, time_zone

COLUMNS = ("section", "key", "label", "value", "compared", "change_pct")
SALES_COLUMNS = ("receipt", "time", "kind", "cashier", "total", "tax", "tenders")
_ONE_DECIMAL = Decimal("0.1")

# (key, label, kind) of the summary rows: money, count or quantity.
_SUMMARY: tuple[tuple[str, str, str], ...] = (
    ("sales_count", "Sales", "count"),
    ("refunds_count", "Refunds", "count"),
    ("sales_total", "Sales total", "money"),
    ("refunds_total", "Refunds total", "money"),
    ("net_takings", "Net takings", "money"),
    ("gross", "Gross before discounts", "money"),
    ("discounts", "Discounts given", "money"),
    ("net_excl_tax", "Net excluding tax", "money"),
    ("tax_total", "Tax", "money"),
    ("cash_rounding", "Cash rounding", "money"),
    ("items_sold", "Items sold", "qty"),
    ("average_basket", "Average basket", "money"),
    ("items_per_basket", "Items per basket", "qty"),
    ("cash_sales", "Cash from sales", "money"),
    ("cash_refunds", "Cash paid back in refunds", "money"),
    ("paid_in", "Paid in", "money"),
    ("paid_out", "Paid out", "money"),
)


class _Numbers:
    def __init__(self, currency: str) -> None:
        self.unit = Decimal(1).scaleb(-currency_exponent(currency))

    def money(self, v: Decimal | None) -> str:
        return "" if v is None else f"{v.quantize(self.unit):f}"

    def as_kind(self, v: Decimal | int | None, kind: str) -> str:
        if v is None:
            return ""
        if kind == "count":
            return str(int(v))
        if kind == "qty":
            return qty(Decimal(v))
        return self.money(Decimal(v))


def qty(v: Decimal) -> str:
    """A quantity with the digits it has: ``3``, ``0.512`` (never ``3.000`` nor ``5E+1``)."""
    if v == v.to_integral_value():
        return f"{v.quantize(Decimal(1)):f}"
    return f"{v.normalize():f}"


def change_pct(value: Decimal | int | None, compared: Decimal | int | None) -> str:
    ratio = change(value, compared)
    return "" if ratio is None else f"{(ratio * 100).quantize(_ONE_DECIMAL):f}"


def takings_csv(view: TakingsView) -> str:
    """The view's figures, one row each (see the module's docstring)."""
    n = _Numbers(view.currency)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    f, c = view.figures, view.compared

    def row(section: str, key: str, label: str, value: str, compared: str, pct: str) -> None:
        w.writerow((section, key, label, value, compared, pct))

    for key, label, kind in _SUMMARY:
        a, b = getattr(f, key), getattr(c, key)
        row("summary", key, label, n.as_kind(a, kind), n.as_kind(b, kind), change_pct(a, b))

    ctax = {t.code: t for t in c.tax_by_rate}
    for t in f.tax_by_rate:
        b = ctax[t.code].amount if t.code in ctax else None
        row(
            "tax",
            t.code,
            f"{t.name} on {n.money(t.base)}",
            n.money(t.amount),
            n.money(b),
            change_pct(t.amount, b),
        )

    ctender = {t.method: t for t in c.by_tender}
    methods = sorted(
        {t.method for t in f.by_tender} | set(ctender),
        key=lambda m: (TENDER_ORDER.get(m, 9), m),
    )
    ftender = {t.method: t for t in f.by_tender}
    for m in methods:
        a = ftender[m].amount if m in ftender else Decimal(0)
        b = ctender[m].amount if m in ctender else Decimal(0)
        count = ftender[m].count if m in ftender else 0
        row("tender", m, f"{m.capitalize()} ({count})", n.money(a), n.money(b), change_pct(a, b))

    ccash = {x.cashier_id: x for x in c.by_cashier}
    for x in f.by_cashier:
        b = ccash[x.cashier_id].amount if x.cashier_id in ccash else None
        name = view.cashier_names.get(x.cashier_id, str(x.cashier_id))
        row(
            "cashier",
            str(x.cashier_id),
            f"{name} ({x.sales} sales, {x.refunds} refunds)",
            n.money(x.amount),
            n.money(b),
            change_pct(x.amount, b),
        )

    for hour in range(24):
        a, b = view.hours.get(hour, (Decimal(0), Decimal(0)))
        row("hour", f"{hour:02d}", f"{hour:02d}:00", n.money(a), n.money(b), change_pct(a, b))

    _top(row, n, "top_revenue", f.top_by_revenue, c, lambda i: n.money(i.amount), "amount")
    _top(row, n, "top_quantity", f.top_by_quantity, c, lambda i: qty(i.quantity), "quantity")

    for a_line in view.audit:
        who = a_line.by or "someone"
        approved = f", approved by {a_line.approved_by}" if a_line.approved_by else ""
        row(
            "audit",
            a_line.action,
            f"{a_line.at:%Y-%m-%d %H:%M} {a_line.what} (by {who}{approved})",
            n.money(a_line.amount),
            "",
            "",
        )

    for s in view.low_stock:
        row("low_stock", s.sku, s.name, qty(s.on_hand), qty(s.reorder_point), "")
    return out.getvalue()


def _top(row, n: _Numbers, section: str, items, compared: Figures, shown, attr: str) -> None:  # type: ignore[no-untyped-def]
    """The top items; compared with the same item's figure in the comparison's tops (empty
    when it was not among them)."""
    before = {i.item_id: i for i in (*compared.top_by_revenue, *compared.top_by_quantity)}
    for i in items:
        prev = before.get(i.item_id)
        a = getattr(i, attr)
        b = getattr(prev, attr) if prev is not None else None
        row(section, i.sku, i.name, shown(i), "" if prev is None else shown(prev), change_pct(a, b))


def sales_csv(db: Database, config: TerminalConfig, period: Period) -> str:
    """Every sale and refund of the period, one row each (see the module's docstring)."""
    n = _Numbers(config.currency)
    tz = time_zone(config.timezone)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(SALES_COLUMNS)
    with db.read() as session:
        span = span_of(session, config, period)
        where = [Sale.org_id == config.org_id]
        if span.scope.shift_ids is not None:
            where.append(Sale.shift_id.in_(span.scope.shift_ids))
        else:
            where += [Sale.occurred_at >= span.start, Sale.occurred_at < span.end]
        sales = session.execute(
            select(
                Sale.id,
                Sale.receipt_code,
                Sale.occurred_at,
                Sale.kind,
                Sale.cashier_id,
                Sale.total,
                Sale.tax_total,
            )
            .where(*where)
            .order_by(Sale.occurred_at, Sale.receipt_no)
        ).all()
        tenders: dict[uuid.UUID, list[tuple[str, Decimal]]] = defaultdict(list)
        for sale_id, method, amount in session.execute(
            select(Payment.sale_id, Payment.method, Payment.amount)
            .join(Sale, (Sale.org_id == Payment.org_id) & (Sale.id == Payment.sale_id))
            .where(*where)
            .order_by(Payment.sale_id, Payment.payment_no)
        ):
            tenders[sale_id].append((method, amount))
        names = staff_names(session, {s.cashier_id for s in sales})
    for sid, code, at, kind, cashier, total, tax in sales:
        w.writerow(
            (
                code,
                at.astimezone(tz).isoformat(timespec="seconds"),
                kind,
                names.get(cashier, str(cashier)),
                n.money(total),
                n.money(tax),
                "; ".join(f"{m} {n.money(a)}" for m, a in tenders.get(sid, [])),
            )
        )
    return out.getvalue()
