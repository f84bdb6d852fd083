"""The takings rollup (``db.local.TakingsRollup``): each sale's and refund's sums added to
its local day's rows in the transaction that writes it (``add``), read back for whole days
(``day_figures``) through the same assembly as the figures read from the facts
(``arcoiris_shared.takings.assemble``), and rebuilt from the facts (``rebuild``, which
migration t0008 runs).

Why: a month of 150,000 sales is half a million lines; summed from the facts it took the
takings screen 6 s, from the rollup well under one (benchmarks/bench_takings.py).

The day is the sale's local date in the till's time zone when it was written. If the org's
time zone ever changes, the days already summed keep the old zone's dates until
``rebuild`` runs (not yet wired to the setting: see the issue 12 note).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from arcoiris_desktop.db.local import TakingsRollup
from arcoiris_shared.db.pos import Payment, Sale, SaleLine, SaleTax
from arcoiris_shared.takings import (
    QUARTER,
    Figures,
    Scope,
    assemble,
    day_range,
    time_zone,
    with_movements,
)

ZERO = Decimal(0)
_VALUES = ("n", "v1", "v2", "v3", "v4", "v5", "v6")


def local_day(moment: dt.datetime, timezone: str) -> str:
    return moment.astimezone(time_zone(timezone)).date().isoformat()


def add(
    session: Session,
    timezone: str,
    sale: Sale,
    lines: Sequence[SaleLine],
    taxes: Sequence[SaleTax],
    payments: Sequence[Payment],
) -> None:
    """Add one sale or refund to its day's rows, in the caller's transaction."""
    day = local_day(sale.occurred_at, timezone)
    quarter = int(sale.occurred_at.timestamp()) // QUARTER
    rows: list[dict[str, Any]] = [
        {
            "section": "sales",
            "key": f"{sale.kind}|{sale.cashier_id}|{quarter}",
            "n": 1,
            "v1": sale.gross,
            "v2": sale.discount_total,
            "v3": sale.net,
            "v4": sale.tax_total,
            "v5": sale.total,
            "v6": sale.cash_rounding,
        }
    ]
    for p in payments:
        rows.append({"section": "pay", "key": f"{p.method}|{sale.kind}", "n": 1, "v1": p.amount})
    for t in taxes:
        rows.append(
            {
                "section": "tax",
                "key": t.tax_code,
                "label": t.tax_name,
                "v1": t.base,
                "v2": t.amount,
                "v3": t.rate,
            }
        )
    for ln in lines:
        rows.append(
            {
                "section": "item",
                "key": str(ln.item_id),
                "v1": ln.quantity if sale.kind == "sale" else ZERO,
                "v2": ln.quantity,
                "v3": ln.total,
            }
        )
    summed = [
        {"day": day, "label": None, **dict.fromkeys(_VALUES, 0), **row}
        for row in rows
        if row["section"] != "tax"
    ]
    session.execute(_ADD, summed)
    if taxes:
        session.execute(
            _ADD_TAX,
            [
                {"day": day, **dict.fromkeys(_VALUES, 0), **row}
                for row in rows
                if row["section"] == "tax"
            ],
        )


def _upsert(*, latest: tuple[str, ...] = ()) -> Any:
    """One statement for many rows (executemany): each value added to the row's own, but
    for the ``latest`` columns, which take the newest value (a tax's name and rate)."""
    stmt = insert(TakingsRollup)
    added: dict[str, Any] = {
        name: getattr(TakingsRollup, name) + getattr(stmt.excluded, name)
        for name in _VALUES
        if name not in latest
    }
    added.update({name: getattr(stmt.excluded, name) for name in latest})
    return stmt.on_conflict_do_update(index_elements=["day", "section", "key"], set_=added)


# Built once: compiling an upsert per row cost ~4 ms a sale; two executemany cost ~0.2 ms.
_ADD = _upsert()
_ADD_TAX = _upsert(latest=("label", "v3"))


def day_figures(
    session: Session,
    *,
    org_id: uuid.UUID,
    timezone: str,
    first: dt.date,
    last: dt.date,
    top: int,
) -> Figures:
    """The figures of the local days ``first``..``last`` (both included) from the rollup,
    with the cash paid in and out from the facts."""
    r = TakingsRollup
    grouped = session.execute(
        select(
            r.section,
            r.key,
            func.max(r.label),
            func.sum(r.n),
            *(func.sum(getattr(r, v)).label(v) for v in _VALUES[1:]),
        )
        .where(r.day >= first.isoformat(), r.day <= last.isoformat())
        .group_by(r.section, r.key)
    ).all()
    rates = {
        key: rate
        for key, rate in session.execute(
            select(r.key, r.v3)
            .where(r.section == "tax", r.day >= first.isoformat(), r.day <= last.isoformat())
            .order_by(r.day)
        )
    }
    sales_rows, pay_rows, tax_rows, item_rows = [], [], [], []
    for section, key, label, n, v1, v2, v3, v4, v5, v6 in grouped:
        if section == "sales":
            kind, cashier, quarter = key.split("|")
            sales_rows.append((kind, uuid.UUID(cashier), int(quarter), n, v1, v2, v3, v4, v5, v6))
        elif section == "pay":
            method, kind = key.split("|")
            pay_rows.append((method, kind, n, v1))
        elif section == "tax":
            tax_rows.append((key, label or key, rates.get(key, ZERO), v1, v2))
        elif section == "item":
            item_rows.append((uuid.UUID(key), v1, v2, v3))
    start, end = day_range(first, timezone, (last - first).days + 1)
    scope = Scope(org_id=org_id, start=start, end=end)
    if not sales_rows:
        return with_movements(session, scope, Figures())
    figs = assemble(session, org_id, sales_rows, pay_rows, tax_rows, item_rows, top=top)
    return with_movements(session, scope, figs)


def rebuild(conn: Connection) -> None:
    """The rollup worked out again from every sale and refund on the till, set-based (a
    day per sale is the one thing SQL cannot say here: the time zone's rules are Python's).
    Runs on a plain connection, inside the caller's transaction (migration t0008)."""
    raw = conn.execute(text("SELECT value FROM settings WHERE key = 'timezone'")).scalar()
    timezone = json.loads(raw) if isinstance(raw, str) else (raw or "UTC")
    if not isinstance(timezone, str):
        timezone = "UTC"
    tz = time_zone(timezone)
    conn.execute(text("DELETE FROM takings_rollup"))
    conn.execute(text("DROP TABLE IF EXISTS temp.sale_day"))
    conn.execute(text("CREATE TEMP TABLE sale_day (id CHAR(32) PRIMARY KEY, day TEXT)"))
    days = [
        {"id": sid, "day": dt.datetime.fromisoformat(at).astimezone(tz).date().isoformat()}
        for sid, at in conn.execute(text("SELECT id, occurred_at FROM sales"))
    ]
    if days:
        conn.execute(text("INSERT INTO temp.sale_day (id, day) VALUES (:id, :day)"), days)
    # Money is stored x10^4 and quantities x10^3 on the till (db.types): a quantity goes
    # into the rollup's money-scaled column times 10.
    statements = (
        """INSERT INTO takings_rollup (day, section, key, label, n, v1, v2, v3, v4, v5, v6)
           SELECT d.day, 'sales',
                  s.kind || '|' || lower(substr(s.cashier_id, 1, 8) || '-' ||
                  substr(s.cashier_id, 9, 4) || '-' || substr(s.cashier_id, 13, 4) || '-' ||
                  substr(s.cashier_id, 17, 4) || '-' || substr(s.cashier_id, 21)) || '|' ||
                  CAST(CAST(strftime('%s', substr(s.occurred_at, 1, 19)) AS INTEGER) / 900
                       AS TEXT),
                  NULL, count(*), sum(s.gross), sum(s.discount_total), sum(s.net),
                  sum(s.tax_total), sum(s.total), sum(s.cash_rounding)
             FROM sales s JOIN temp.sale_day d ON d.id = s.id
            GROUP BY 1, 3""",
        """INSERT INTO takings_rollup (day, section, key, label, n, v1, v2, v3, v4, v5, v6)
           SELECT d.day, 'pay', p.method || '|' || s.kind, NULL, count(*), sum(p.amount),
                  0, 0, 0, 0, 0
             FROM payments p JOIN sales s ON s.org_id = p.org_id AND s.id = p.sale_id
             JOIN temp.sale_day d ON d.id = s.id
            GROUP BY 1, 3""",
        """INSERT INTO takings_rollup (day, section, key, label, n, v1, v2, v3, v4, v5, v6)
           SELECT d.day, 'tax', t.tax_code, max(t.tax_name), 0, sum(t.base), sum(t.amount),
                  max(t.rate), 0, 0, 0
             FROM sale_taxes t JOIN temp.sale_day d ON d.id = t.sale_id
            GROUP BY 1, 3""",
        """INSERT INTO takings_rollup (day, section, key, label, n, v1, v2, v3, v4, v5, v6)
           SELECT d.day, 'item',
                  lower(substr(l.item_id, 1, 8) || '-' || substr(l.item_id, 9, 4) || '-' ||
                  substr(l.item_id, 13, 4) || '-' || substr(l.item_id, 17, 4) || '-' ||
                  substr(l.item_id, 21)),
                  NULL, 0,
                  sum(CASE WHEN s.kind = 'sale' THEN l.quantity ELSE 0 END) * 10,
                  sum(l.quantity) * 10, sum(l.total), 0, 0, 0
             FROM sale_lines l JOIN sales s ON s.org_id = l.org_id AND s.id = l.sale_id
             JOIN temp.sale_day d ON d.id = s.id
            GROUP BY 1, 3""",
    )
    for sql in statements:
        conn.execute(text(sql))
    conn.execute(text("DROP TABLE temp.sale_day"))
