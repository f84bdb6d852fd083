"""The catalog (items, barcodes, their taxes), locations, and the stock ledger."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.inv import Item, Location
from sync_server.changelog import service as changelog
from sync_server.errors import Conflict, NotFound, Unprocessable
from sync_server.inventory import repository
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
from sync_server.pos import repository as pos_repository


def _reads(db_session: Session, org_id: uuid.UUID, items: Sequence[Item]) -> list[ItemRead]:
    ids = [i.id for i in items]
    codes = repository.barcodes_of(db_session, org_id=org_id, item_ids=ids)
    taxes = repository.tax_rate_ids_of(db_session, org_id=org_id, item_ids=ids)
    return [
        ItemRead(
            id=i.id,
            sku=i.sku,
            name=i.name,
            category=i.category,
            unit=i.unit,
            price=i.price,
            cost=i.cost,
            tracked=i.tracked,
            weighed=i.weighed,
            is_active=i.is_active,
            reorder_point=i.reorder_point,
            barcodes=codes[i.id],
            tax_rate_ids=sorted(taxes[i.id]),
            created_at=i.created_at,
            updated_at=i.updated_at,
        )
        for i in items
    ]


def _check_barcodes_free(
    db_session: Session, org_id: uuid.UUID, barcodes: Sequence[str], item_id: uuid.UUID | None
) -> None:
    owners = repository.barcode_owners(db_session, org_id=org_id, barcodes=barcodes)
    taken = {code: str(owner) for code, owner in owners.items() if owner != item_id}
    if taken:
        raise Conflict(
            "Barcode already belongs to another item", code="barcode_taken", details=taken
        )


def _check_tax_rates(db_session: Session, org_id: uuid.UUID, rate_ids: Sequence[uuid.UUID]) -> None:
    known = pos_repository.tax_rate_ids(db_session, org_id=org_id)
    unknown = [str(r) for r in rate_ids if r not in known]
    if unknown:
        raise NotFound("Unknown tax rate", code="tax_rate_not_found", details=unknown)


def create_item(*, db_session: Session, org_id: uuid.UUID, data: ItemCreate) -> ItemRead:
    if repository.item_by_sku(db_session, org_id=org_id, sku=data.sku) is not None:
        raise Conflict(f"SKU {data.sku} already exists", code="sku_taken")
    _check_barcodes_free(db_session, org_id, data.barcodes, None)
    _check_tax_rates(db_session, org_id, data.tax_rate_ids)
    item = Item(org_id=org_id, **data.model_dump(exclude={"barcodes", "tax_rate_ids"}))
    db_session.add(item)
    db_session.flush()
    repository.replace_barcodes(db_session, org_id=org_id, item_id=item.id, barcodes=data.barcodes)
    repository.replace_taxes(db_session, org_id=org_id, item_id=item.id, rate_ids=data.tax_rate_ids)
    changelog.record(db_session, org_id=org_id, changes=[("item", item.id)])
    db_session.commit()
    return _reads(db_session, org_id, [item])[0]


def _get(db_session: Session, org_id: uuid.UUID, item_id: uuid.UUID) -> Item:
    item = repository.item(db_session, org_id=org_id, item_id=item_id)
    if item is None:
        raise NotFound("Item not found", code="item_not_found")
    return item


def get_item(*, db_session: Session, org_id: uuid.UUID, item_id: uuid.UUID) -> ItemRead:
    return _reads(db_session, org_id, [_get(db_session, org_id, item_id)])[0]


def get_item_by_barcode(*, db_session: Session, org_id: uuid.UUID, barcode: str) -> ItemRead:
    item = repository.item_by_barcode(db_session, org_id=org_id, barcode=barcode.strip())
    if item is None:
        raise NotFound(f"No item has barcode {barcode}", code="barcode_unknown")
    return _reads(db_session, org_id, [item])[0]


_NOT_NULL_ITEM_FIELDS = frozenset(
    {"sku", "name", "unit", "price", "tracked", "weighed", "is_active", "barcodes", "tax_rate_ids"}
)


def update_item(
    *, db_session: Session, org_id: uuid.UUID, item_id: uuid.UUID, data: ItemUpdate
) -> ItemRead:
    item = _get(db_session, org_id, item_id)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    nulls = sorted(k for k, v in changes.items() if v is None and k in _NOT_NULL_ITEM_FIELDS)
    if nulls:
        raise Unprocessable("These fields cannot be null", details=nulls)
    new_sku = changes.get("sku", item.sku)
    if new_sku != item.sku and repository.item_by_sku(db_session, org_id=org_id, sku=new_sku):
        raise Conflict(f"SKU {new_sku} already exists", code="sku_taken")
    barcodes = changes.pop("barcodes", None)
    rate_ids = changes.pop("tax_rate_ids", None)
    weighed = changes.get("weighed", item.weighed)
    if weighed and changes.get("unit", item.unit) == "each":
        raise Unprocessable("A weighed item is sold by weight or volume, not 'each'")
    if barcodes is not None:
        _check_barcodes_free(db_session, org_id, barcodes, item.id)
        repository.replace_barcodes(db_session, org_id=org_id, item_id=item.id, barcodes=barcodes)
    if rate_ids is not None:
        _check_tax_rates(db_session, org_id, rate_ids)
        repository.replace_taxes(db_session, org_id=org_id, item_id=item.id, rate_ids=rate_ids)
    for field, value in changes.items():
        setattr(item, field, value)
    item.updated_at = utcnow()
    changelog.record(db_session, org_id=org_id, changes=[("item", item.id)])
    db_session.commit()
    return _reads(db_session, org_id, [item])[0]


def deactivate_item(*, db_session: Session, org_id: uuid.UUID, item_id: uuid.UUID) -> None:
    """Items are never deleted: past sales point at them. They stop being sold."""
    item = _get(db_session, org_id, item_id)
    item.is_active = False
    item.updated_at = utcnow()
    changelog.record(db_session, org_id=org_id, changes=[("item", item.id)])
    db_session.commit()


def search_items(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    q: str | None,
    category: str | None,
    active: bool | None,
    limit: int,
    offset: int,
) -> list[ItemRead]:
    items = repository.search_items(
        db_session,
        org_id=org_id,
        q=q,
        category=category,
        active=active,
        limit=limit,
        offset=offset,
    )
    return _reads(db_session, org_id, items)


def create_location(
    *, db_session: Session, org_id: uuid.UUID, data: LocationCreate
) -> LocationRead:
    if repository.location_code_taken(db_session, org_id=org_id, code=data.code):
        raise Conflict(f"Location code {data.code} already exists", code="location_code_taken")
    loc = Location(org_id=org_id, **data.model_dump())
    db_session.add(loc)
    db_session.flush()
    changelog.record(db_session, org_id=org_id, changes=[("location", loc.id)])
    db_session.commit()
    return LocationRead.model_validate(loc)


def get_location(*, db_session: Session, org_id: uuid.UUID, location_id: uuid.UUID) -> Location:
    loc = repository.location(db_session, org_id=org_id, location_id=location_id)
    if loc is None:
        raise NotFound("Location not found", code="location_not_found")
    return loc


def update_location(
    *, db_session: Session, org_id: uuid.UUID, location_id: uuid.UUID, data: LocationUpdate
) -> LocationRead:
    loc = get_location(db_session=db_session, org_id=org_id, location_id=location_id)
    changes = data.model_dump(exclude_unset=True)
    for field in ("name", "is_active"):
        if field in changes and changes[field] is None:
            raise Unprocessable(f"{field} cannot be null", details={"field": field})
    for field, value in changes.items():
        setattr(loc, field, value)
    changelog.record(db_session, org_id=org_id, changes=[("location", loc.id)])
    db_session.commit()
    return LocationRead.model_validate(loc)


def list_locations(
    *, db_session: Session, org_id: uuid.UUID, limit: int, offset: int
) -> list[LocationRead]:
    rows = repository.locations(db_session, org_id=org_id, limit=limit, offset=offset)
    return [LocationRead.model_validate(r) for r in rows]


def list_stock_levels(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    item_id: uuid.UUID | None,
    location_id: uuid.UUID | None,
    negative_only: bool,
    limit: int,
    offset: int,
) -> list[StockLevelRead]:
    rows = repository.stock_levels(
        db_session,
        org_id=org_id,
        item_id=item_id,
        location_id=location_id,
        negative_only=negative_only,
        limit=limit,
        offset=offset,
    )
    return [
        StockLevelRead(
            item_id=lvl.item_id,
            sku=sku,
            name=name,
            location_id=lvl.location_id,
            quantity=lvl.quantity,
            negative=lvl.quantity < 0,
            updated_at=lvl.updated_at,
        )
        for lvl, sku, name in rows
    ]


def list_stock_movements(
    *,
    db_session: Session,
    org_id: uuid.UUID,
    item_id: uuid.UUID | None,
    location_id: uuid.UUID | None,
    reason: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
    offset: int,
) -> list[StockMovementRead]:
    rows = repository.stock_movements(
        db_session,
        org_id=org_id,
        item_id=item_id,
        location_id=location_id,
        reason=reason,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )
    return [StockMovementRead.model_validate(r) for r in rows]


def record_movement(
    *, db_session: Session, org_id: uuid.UUID, data: StockMovementCreate
) -> StockMovementRead:
    item = _get(db_session, org_id, data.item_id)
    if not item.tracked:
        raise Unprocessable(
            f"{item.sku} is not stock-tracked: it has no stock to move", code="item_not_tracked"
        )
    get_location(db_session=db_session, org_id=org_id, location_id=data.location_id)
    movement: dict[str, Any] = {
        "org_id": org_id,
        "id": uuid.uuid4(),
        "item_id": data.item_id,
        "location_id": data.location_id,
        "quantity": data.quantity,
        "unit_cost": data.unit_cost,
        "reason": data.reason,
        "source_type": "manual",
        "source_id": None,
        "terminal_id": None,
        "note": data.note,
        "occurred_at": utcnow(),
        "created_at": utcnow(),
    }
    repository.append_movements(db_session, movements=[movement])
    db_session.commit()
    return StockMovementRead.model_validate(movement)
