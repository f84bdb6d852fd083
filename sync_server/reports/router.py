"""``/api/reports``: takings across stores, grouped the way HQ asks."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime, BaseModel
from sqlalchemy import Date, case, cast, func, literal, select

from arcoiris_shared.db.inv import Location
from arcoiris_shared.db.pos import Payment, Sale, Terminal
from sync_server.auth.permissions import Permission
from sync_server.deps import OrgContext, SessionDep, require

router = APIRouter(prefix="/api/reports", tags=["reports"])

SalesReader = Annotated[OrgContext, Depends(require(Permission.SALES_READ))]
GroupBy = Literal["day", "store", "terminal", "tender"]


class TakingsRow(BaseModel):
    key: str
    label: str
    sales: int
    refunds: int
    sold: Decimal
    refunded: Decimal
    takings: Decimal
    tax: Decimal


class Takings(BaseModel):
    group_by: GroupBy
    since: dt.datetime | None
    until: dt.datetime | None
    rows: list[TakingsRow]
    total: Decimal


@router.get("/takings")
def takings(
    ctx: SalesReader,
    session: SessionDep,
    group_by: GroupBy = "day",
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
    location_id: uuid.UUID | None = None,
) -> Takings:
    """Money in minus money out. By tender it sums payments (cash rounding included, as it
    went into the drawer); otherwise sales, refunds and tax as the receipts say."""
    filters = [Sale.org_id == ctx.org_id]
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
        zone = ctx.org.timezone
        choices: dict[str, tuple[Any, Any, list[tuple[Any, Any]]]] = {
            "day": (
                cast(func.timezone(zone, Sale.occurred_at), Date),
                cast(func.timezone(zone, Sale.occurred_at), Date),
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
    rows = [
        TakingsRow(
            key=str(k),
            label=str(label),
            sales=int(s),
            refunds=int(r),
            sold=Decimal(sold),
            refunded=Decimal(refunded),
            takings=Decimal(sold) - Decimal(refunded),
            tax=Decimal(tax),
        )
        for k, label, s, r, sold, refunded, tax in session.execute(stmt)
    ]
    return Takings(
        group_by=group_by,
        since=since,
        until=until,
        rows=rows,
        total=sum((r.takings for r in rows), Decimal(0)),
    )
