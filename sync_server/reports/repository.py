"""Queries over the ``pos`` and ``inv`` tables for HQ's reports: sums, never rows."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Date, case, cast, func, literal, select
from sqlalchemy.orm import Session

from arcoiris_shared.db.inv import Location
from arcoiris_shared.db.pos import Payment, Sale, Terminal
from sync_server.reports.schemas import GroupBy


def takings(
    db_session: Session,
    *,
    org_id: uuid.UUID,
    timezone: str,
    group_by: GroupBy,
    since: dt.datetime | None,
    until: dt.datetime | None,
    location_id: uuid.UUID | None,
) -> list[tuple[Any, Any, int, int, Any, Any, Any]]:
    """One ``(key, label, sales, refunds, sold, refunded, tax)`` per group, in key order.
    By tender it sums payments (cash rounding included, as it went into the drawer) and the
    tax is 0; otherwise sales, refunds and tax as the receipts say, days in ``timezone``."""
    filters = [Sale.org_id == org_id]
    if since is not None:
        filters.append(Sale.occurred_at >= since)
    if until is not None:
        filters.append(Sale.occurred_at < until)
    if location_id is not None:
        filters.append(Sale.location_id == location_id)
    is_sale = Sale.kind == "sale"
    if group_by == "tender":
        amount = Payment.amount
        stmt = (
            select(
                Payment.method,
                Payment.method,
                func.count(func.distinct(case((is_sale, Sale.id)))),
                func.count(func.distinct(case((~is_sale, Sale.id)))),
                func.coalesce(func.sum(case((is_sale, amount), else_=0)), 0),
                func.coalesce(func.sum(case((~is_sale, -amount), else_=0)), 0),
                literal(0),
            )
            .join(Sale, (Sale.org_id == Payment.org_id) & (Sale.id == Payment.sale_id))
            .where(*filters)
            .group_by(Payment.method)
            .order_by(Payment.method)
        )
    else:
        choices: dict[str, tuple[Any, Any, list[tuple[Any, Any]]]] = {
            "day": (
                cast(func.timezone(timezone, Sale.occurred_at), Date),
                cast(func.timezone(timezone, Sale.occurred_at), Date),
                [],
            ),
            "store": (
                Sale.location_id,
                Location.name,
                [(Location, Location.id == Sale.location_id)],
            ),
            "terminal": (
                Sale.terminal_id,
                Terminal.name,
                [(Terminal, Terminal.id == Sale.terminal_id)],
            ),
        }
        key_col, label_col, joins = choices[group_by]
        stmt = select(
            key_col,
            label_col,
            func.count(case((is_sale, 1))),
            func.count(case((~is_sale, 1))),
            func.coalesce(func.sum(case((is_sale, Sale.total), else_=0)), 0),
            func.coalesce(func.sum(case((~is_sale, -Sale.total), else_=0)), 0),
            func.coalesce(func.sum(Sale.tax_total), 0),
        ).select_from(Sale)
        for target, on in joins:
            stmt = stmt.join(target, (target.org_id == Sale.org_id) & on)
        stmt = stmt.where(*filters).group_by(key_col, label_col).order_by(key_col)
    return [tuple(row) for row in db_session.execute(stmt)]
