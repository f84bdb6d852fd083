"""HQ's reports: takings across stores, grouped the way HQ asks."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from sync_server.deps import OrgContext
from sync_server.reports import repository
from sync_server.reports.schemas import GroupBy, Takings, TakingsRow


def takings(
    *,
    db_session: Session,
    ctx: OrgContext,
    group_by: GroupBy,
    since: dt.datetime | None,
    until: dt.datetime | None,
    location_id: uuid.UUID | None,
) -> Takings:
    """Money in minus money out per group, and over all of them (days in the org's zone)."""
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
        for k, label, s, r, sold, refunded, tax in repository.takings(
            db_session,
            org_id=ctx.org_id,
            timezone=ctx.org.timezone,
            group_by=group_by,
            since=since,
            until=until,
            location_id=location_id,
        )
    ]
    return Takings(
        group_by=group_by,
        since=since,
        until=until,
        rows=rows,
        total=sum((r.takings for r in rows), Decimal(0)),
    )
