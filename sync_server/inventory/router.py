"""``/api/inventory``: items with barcodes, locations, stock levels and movements."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status
from pydantic import AwareDatetime

from arcoiris_shared.enums import MovementReason
from sync_server.auth.permissions import Permission
from sync_server.deps import OrgContext, SessionDep, require
from sync_server.inventory import service
from sync_server.inventory.schemas import (
    ItemCreate,
    ItemRead,
    ItemUpdate,
    LocationCreate,
    LocationRead,
    LocationUpdate,
    StockLevelRead,
    StockMovementCreate,
    StockMovementRead,
)
from sync_server.schemas import Page, PageParams, make_page, page_params

router = APIRouter(prefix="/api/inventory", tags=["inventory"])

CatalogReader = Annotated[OrgContext, Depends(require(Permission.CATALOG_READ))]
CatalogWriter = Annotated[OrgContext, Depends(require(Permission.CATALOG_WRITE))]
LocationsWriter = Annotated[OrgContext, Depends(require(Permission.LOCATIONS_WRITE))]
StockReader = Annotated[OrgContext, Depends(require(Permission.STOCK_READ))]
StockWriter = Annotated[OrgContext, Depends(require(Permission.STOCK_WRITE))]
Paging = Annotated[PageParams, Depends(page_params)]


@router.get("/items")
def list_items(
    ctx: CatalogReader,
    session: SessionDep,
    paging: Paging,
    q: Annotated[str | None, Query(max_length=100)] = None,
    category: Annotated[str | None, Query(max_length=80)] = None,
    active: bool | None = True,
) -> Page[ItemRead]:
    rows = service.search_items(
        db_session=session,
        org_id=ctx.org_id,
        q=q.strip() if q else None,
        category=category,
        active=active,
        limit=paging.limit + 1,
        offset=paging.offset,
    )
    return make_page(rows, paging)


@router.post("/items", status_code=status.HTTP_201_CREATED)
def create_item(body: ItemCreate, ctx: CatalogWriter, session: SessionDep) -> ItemRead:
    return service.create_item(db_session=session, org_id=ctx.org_id, data=body)


@router.get("/items/by-barcode/{barcode}")
def item_by_barcode(
    barcode: Annotated[str, Path(max_length=32)], ctx: CatalogReader, session: SessionDep
) -> ItemRead:
    return service.get_item_by_barcode(db_session=session, org_id=ctx.org_id, barcode=barcode)


@router.get("/items/{item_id}")
def get_item(item_id: uuid.UUID, ctx: CatalogReader, session: SessionDep) -> ItemRead:
    return service.get_item(db_session=session, org_id=ctx.org_id, item_id=item_id)


@router.patch("/items/{item_id}")
def update_item(
    item_id: uuid.UUID, body: ItemUpdate, ctx: CatalogWriter, session: SessionDep
) -> ItemRead:
    return service.update_item(db_session=session, org_id=ctx.org_id, item_id=item_id, data=body)


@router.delete("/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
def deactivate_item(item_id: uuid.UUID, ctx: CatalogWriter, session: SessionDep) -> Response:
    service.deactivate_item(db_session=session, org_id=ctx.org_id, item_id=item_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/locations")
def list_locations(ctx: CatalogReader, session: SessionDep, paging: Paging) -> Page[LocationRead]:
    rows = service.list_locations(
        db_session=session, org_id=ctx.org_id, limit=paging.limit + 1, offset=paging.offset
    )
    return make_page(rows, paging)


@router.post("/locations", status_code=status.HTTP_201_CREATED)
def create_location(
    body: LocationCreate, ctx: LocationsWriter, session: SessionDep
) -> LocationRead:
    return service.create_location(db_session=session, org_id=ctx.org_id, data=body)


@router.patch("/locations/{location_id}")
def update_location(
    location_id: uuid.UUID, body: LocationUpdate, ctx: LocationsWriter, session: SessionDep
) -> LocationRead:
    return service.update_location(
        db_session=session, org_id=ctx.org_id, location_id=location_id, data=body
    )


@router.get("/stock-levels")
def list_stock_levels(
    ctx: StockReader,
    session: SessionDep,
    paging: Paging,
    item_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    negative_only: bool = False,
) -> Page[StockLevelRead]:
    rows = service.list_stock_levels(
        db_session=session,
        org_id=ctx.org_id,
        item_id=item_id,
        location_id=location_id,
        negative_only=negative_only,
        limit=paging.limit + 1,
        offset=paging.offset,
    )
    return make_page(rows, paging)


@router.get("/stock-movements")
def list_stock_movements(
    ctx: StockReader,
    session: SessionDep,
    paging: Paging,
    item_id: uuid.UUID | None = None,
    location_id: uuid.UUID | None = None,
    reason: MovementReason | None = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
) -> Page[StockMovementRead]:
    rows = service.list_stock_movements(
        db_session=session,
        org_id=ctx.org_id,
        item_id=item_id,
        location_id=location_id,
        reason=reason,
        since=since,
        until=until,
        limit=paging.limit + 1,
        offset=paging.offset,
    )
    return make_page(rows, paging)


@router.post("/stock-movements", status_code=status.HTTP_201_CREATED)
def record_stock_movement(
    body: StockMovementCreate, ctx: StockWriter, session: SessionDep
) -> StockMovementRead:
    return service.record_movement(db_session=session, org_id=ctx.org_id, data=body)
