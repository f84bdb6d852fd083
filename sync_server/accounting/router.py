"""``/api/accounting``: the chart of accounts, journals, the trial balance."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from sync_server.accounting import service
from sync_server.accounting.schemas import (
    AccountCreate,
    AccountRead,
    JournalCreate,
    JournalRead,
    TrialBalance,
)
from sync_server.auth.permissions import Permission
from sync_server.deps import OrgContext, SessionDep, require
from sync_server.schemas import Page, PageParams, make_page, page_params

router = APIRouter(prefix="/api/accounting", tags=["accounting"])

Reader = Annotated[OrgContext, Depends(require(Permission.ACCOUNTING_READ))]
Writer = Annotated[OrgContext, Depends(require(Permission.ACCOUNTING_WRITE))]
Paging = Annotated[PageParams, Depends(page_params)]


@router.get("/accounts")
def list_accounts(ctx: Reader, session: SessionDep) -> list[AccountRead]:
    return service.list_accounts(db_session=session, org_id=ctx.org_id)


@router.post("/accounts", status_code=status.HTTP_201_CREATED)
def create_account(body: AccountCreate, ctx: Writer, session: SessionDep) -> AccountRead:
    return service.create_account(db_session=session, org_id=ctx.org_id, data=body)


@router.get("/journals")
def list_journals(
    ctx: Reader,
    session: SessionDep,
    paging: Paging,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    source_type: Annotated[str | None, Query(max_length=32)] = None,
) -> Page[JournalRead]:
    rows = service.list_journals(
        db_session=session,
        org_id=ctx.org_id,
        date_from=date_from,
        date_to=date_to,
        source_type=source_type,
        limit=paging.limit + 1,
        offset=paging.offset,
    )
    return make_page(rows, paging)


@router.post("/journals", status_code=status.HTTP_201_CREATED)
def create_journal(body: JournalCreate, ctx: Writer, session: SessionDep) -> JournalRead:
    return service.create_manual_journal(
        db_session=session, org_id=ctx.org_id, user_id=ctx.user_id, data=body
    )


@router.get("/journals/{journal_id}")
def get_journal(journal_id: uuid.UUID, ctx: Reader, session: SessionDep) -> JournalRead:
    return service.get_journal(db_session=session, org_id=ctx.org_id, journal_id=journal_id)


@router.get("/trial-balance")
def trial_balance(ctx: Reader, session: SessionDep, as_of: dt.date | None = None) -> TrialBalance:
    return service.trial_balance(db_session=session, org_id=ctx.org_id, as_of=as_of)
