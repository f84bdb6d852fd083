"""``/api/reports``: takings across stores, grouped the way HQ asks."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import AwareDatetime

from sync_server.auth.permissions import Permission
from sync_server.deps import OrgContext, SessionDep, require
from sync_server.reports import service
from sync_server.reports.schemas import GroupBy, Takings

router = APIRouter(prefix="/api/reports", tags=["reports"])

SalesReader = Annotated[OrgContext, Depends(require(Permission.SALES_READ))]


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
    return service.takings(
        db_session=session,
        ctx=ctx,
        group_by=group_by,
        since=since,
        until=until,
        location_id=location_id,
    )
