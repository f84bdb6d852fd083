"""``/api/pos``: customers, tax rates, terminals, sales (read), flagged sales and shifts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import AwareDatetime

from arcoiris_shared.enums import SaleKind
from sync_server.auth.permissions import Permission
from sync_server.deps import OrgContext, SessionDep, require
from sync_server.pos import service
from sync_server.pos.schemas import (
    CustomerCreate,
    CustomerRead,
    CustomerUpdate,
    FlaggedSaleRead,
    FlaggedShiftRead,
    SaleDetail,
    SaleRead,
    ShiftZRead,
    TaxRateCreate,
    TaxRateRead,
    TaxRateUpdate,
    TerminalCreate,
    TerminalRead,
    TerminalUpdate,
)
from sync_server.schemas import Page, PageParams, make_page, page_params

router = APIRouter(prefix="/api/pos", tags=["pos"])

CustomersReader = Annotated[OrgContext, Depends(require(Permission.CUSTOMERS_READ))]
CustomersWriter = Annotated[OrgContext, Depends(require(Permission.CUSTOMERS_WRITE))]
TaxReader = Annotated[OrgContext, Depends(require(Permission.TAX_READ))]
TaxWriter = Annotated[OrgContext, Depends(require(Permission.TAX_WRITE))]
TerminalsReader = Annotated[OrgContext, Depends(require(Permission.TERMINALS_READ))]
TerminalsWriter = Annotated[OrgContext, Depends(require(Permission.TERMINALS_WRITE))]
SalesReader = Annotated[OrgContext, Depends(require(Permission.SALES_READ))]
Paging = Annotated[PageParams, Depends(page_params)]


@router.get("/customers")
def list_customers(
    ctx: CustomersReader,
    session: SessionDep,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[CustomerRead]:
    rows = service.list_customers(
        db_session=session,
        org_id=ctx.org_id,
        q=q.strip() if q else None,
        limit=paging.limit + 1,
        offset=paging.offset,
    )
    return make_page(rows, paging)


@router.post("/customers", status_code=status.HTTP_201_CREATED)
def create_customer(
    body: CustomerCreate, ctx: CustomersWriter, session: SessionDep
) -> CustomerRead:
    return service.create_customer(db_session=session, org_id=ctx.org_id, data=body)


@router.get("/customers/{customer_id}")
def get_customer(customer_id: uuid.UUID, ctx: CustomersReader, session: SessionDep) -> CustomerRead:
    return service.get_customer(db_session=session, org_id=ctx.org_id, customer_id=customer_id)


@router.patch("/customers/{customer_id}")
def update_customer(
    customer_id: uuid.UUID, body: CustomerUpdate, ctx: CustomersWriter, session: SessionDep
) -> CustomerRead:
    return service.update_customer(
        db_session=session, org_id=ctx.org_id, customer_id=customer_id, data=body
    )


@router.get("/tax-rates")
def list_tax_rates(ctx: TaxReader, session: SessionDep) -> list[TaxRateRead]:
    return service.list_tax_rates(db_session=session, org_id=ctx.org_id)


@router.post("/tax-rates", status_code=status.HTTP_201_CREATED)
def create_tax_rate(body: TaxRateCreate, ctx: TaxWriter, session: SessionDep) -> TaxRateRead:
    return service.create_tax_rate(db_session=session, org_id=ctx.org_id, data=body)


@router.patch("/tax-rates/{tax_rate_id}")
def update_tax_rate(
    tax_rate_id: uuid.UUID, body: TaxRateUpdate, ctx: TaxWriter, session: SessionDep
) -> TaxRateRead:
    return service.update_tax_rate(
        db_session=session, org_id=ctx.org_id, tax_rate_id=tax_rate_id, data=body
    )


@router.get("/terminals")
def list_terminals(ctx: TerminalsReader, session: SessionDep, paging: Paging) -> Page[TerminalRead]:
    rows = service.list_terminals(
        db_session=session, org_id=ctx.org_id, limit=paging.limit + 1, offset=paging.offset
    )
    return make_page(rows, paging)


@router.post("/terminals", status_code=status.HTTP_201_CREATED)
def create_terminal(
    body: TerminalCreate, ctx: TerminalsWriter, session: SessionDep
) -> TerminalRead:
    return service.create_terminal(db_session=session, org_id=ctx.org_id, data=body)


@router.patch("/terminals/{terminal_id}")
def update_terminal(
    terminal_id: uuid.UUID, body: TerminalUpdate, ctx: TerminalsWriter, session: SessionDep
) -> TerminalRead:
    return service.update_terminal(
        db_session=session, org_id=ctx.org_id, terminal_id=terminal_id, data=body
    )


@router.get("/sales")
def list_sales(
    ctx: SalesReader,
    session: SessionDep,
    paging: Paging,
    terminal_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    kind: SaleKind | None = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
) -> Page[SaleRead]:
    rows = service.list_sales(
        db_session=session,
        org_id=ctx.org_id,
        terminal_id=terminal_id,
        location_id=location_id,
        kind=kind,
        since=since,
        until=until,
        limit=paging.limit + 1,
        offset=paging.offset,
    )
    return make_page(rows, paging)


@router.get("/sales/flagged")
def list_flagged_sales(
    ctx: SalesReader, session: SessionDep, paging: Paging
) -> Page[FlaggedSaleRead]:
    """Sales recorded as the till sent them but flagged: HQ's recomputation with the shared
    calculator disagrees (the reason says where). Latest flagged first."""
    rows = service.list_flagged_sales(
        db_session=session, org_id=ctx.org_id, limit=paging.limit + 1, offset=paging.offset
    )
    return make_page(rows, paging)


@router.get("/shifts/flagged")
def list_flagged_shifts(
    ctx: SalesReader, session: SessionDep, paging: Paging
) -> Page[FlaggedShiftRead]:
    """Shift closes recorded as the till counted them but flagged: HQ makes the expected
    cash different. Latest flagged first."""
    rows = service.list_flagged_shifts(
        db_session=session, org_id=ctx.org_id, limit=paging.limit + 1, offset=paging.offset
    )
    return make_page(rows, paging)


@router.get("/shifts/{shift_id}/z")
def get_shift_z(shift_id: uuid.UUID, ctx: SalesReader, session: SessionDep) -> ShiftZRead:
    """HQ's own Z of the shift, worked out from the sales, refunds and cash movements HQ
    received with the till's own definition of each figure, beside what the till said at
    the close (``till_expected_cash``) and whether the two agree."""
    return service.shift_z(db_session=session, org_id=ctx.org_id, shift_id=shift_id)


@router.get("/sales/{sale_id}")
def get_sale(sale_id: uuid.UUID, ctx: SalesReader, session: SessionDep) -> SaleDetail:
    return service.get_sale(db_session=session, org_id=ctx.org_id, sale_id=sale_id)
