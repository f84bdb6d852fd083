"""Queries on the ``inv`` tables, and the batch-shaped stock ledger write."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, or_, select, text
from sqlalchemy.orm import Session

from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax, Location, StockLevel, StockMovement
from sync_server.bulk import copy_rows


def item(db_session: Session, *, org_id: uuid.UUID, item_id: uuid.UUID) -> Item | None:
    return db_session.get(Item, (org_id, item_id))


def item_by_sku(db_session: Session, *, org_id: uuid.UUID, sku: str) -> Item | None:
    return db_session.scalars(select(Item).where(Item.org_id == org_id, Item.sku == sku)).first()


def item_by_barcode(db_session: Session, *, org_id: uuid.UUID, barcode: str) -> Item | None:
    return db_session.scalars(
        select(Item)
        .join(ItemBarcode, (ItemBarcode.org_id == Item.org_id) & (ItemBarcode.item_id == Item.id))
        .where(ItemBarcode.org_id == org_id, ItemBarcode.barcode == barcode)
    ).first()


def search_items(
    db_session: Session,
    *,
    org_id: uuid.UUID,
    q: str | None,
    category: str | None,
    active: bool | None,
    limit: int,
    offset: int,
) -> Sequence[Item]:
    stmt = select(Item).where(Item.org_id == org_id)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        by_barcode = select(ItemBarcode.item_id).where(
            ItemBarcode.org_id == org_id, ItemBarcode.barcode == q
        )
        stmt = stmt.where(
            or_(
                Item.name.ilike(pattern, escape="\\"),
                Item.sku.ilike(pattern, escape="\\"),
                Item.id.in_(by_barcode),
            )
        )
    if category:
        stmt = stmt.where(Item.category == category)
    if active is not None:
        stmt = stmt.where(Item.is_active.is_(active))
    stmt = stmt.order_by(Item.name, Item.id).limit(limit).offset(offset)
    return db_session.scalars(stmt).all()


def barcodes_of(
    db_session: Session, *, org_id: uuid.UUID, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    out: dict[uuid.UUID, list[str]] = {i: [] for i in item_ids}
    if item_ids:
        rows = db_session.execute(
            select(ItemBarcode.item_id, ItemBarcode.barcode)
            .where(ItemBarcode.org_id == org_id, ItemBarcode.item_id.in_(item_ids))
            .order_by(ItemBarcode.barcode)
        )
        for item_id, code in rows:
            out[item_id].append(code)
    return out


def tax_rate_ids_of(
    db_session: Session, *, org_id: uuid.UUID, item_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    out: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in item_ids}
    if item_ids:
        rows = db_session.execute(
            select(ItemTax.item_id, ItemTax.tax_rate_id).where(
                ItemTax.org_id == org_id, ItemTax.item_id.in_(item_ids)
            )
        )
        for item_id, rate_id in rows:
            out[item_id].append(rate_id)
    return out


def barcode_owners(
    db_session: Session, *, org_id: uuid.UUID, barcodes: Sequence[str]
) -> dict[str, uuid.UUID]:
    if not barcodes:
        return {}
    rows = db_session.execute(
        select(ItemBarcode.barcode, ItemBarcode.item_id).where(
            ItemBarcode.org_id == org_id, ItemBarcode.barcode.in_(barcodes)
        )
    )
    return {code: item_id for code, item_id in rows}


def replace_barcodes(
    db_session: Session, *, org_id: uuid.UUID, item_id: uuid.UUID, barcodes: Sequence[str]
) -> None:
    db_session.execute(
        delete(ItemBarcode).where(ItemBarcode.org_id == org_id, ItemBarcode.item_id == item_id)
    )
    if barcodes:
        db_session.execute(
            insert(ItemBarcode),
            [{"org_id": org_id, "item_id": item_id, "barcode": b} for b in barcodes],
        )


def replace_taxes(
    db_session: Session, *, org_id: uuid.UUID, item_id: uuid.UUID, rate_ids: Sequence[uuid.UUID]
) -> None:
    db_session.execute(delete(ItemTax).where(ItemTax.org_id == org_id, ItemTax.item_id == item_id))
    if rate_ids:
        db_session.execute(
            insert(ItemTax),
            [{"org_id": org_id, "item_id": item_id, "tax_rate_id": r} for r in rate_ids],
        )


def location(db_session: Session, *, org_id: uuid.UUID, location_id: uuid.UUID) -> Location | None:
    return db_session.get(Location, (org_id, location_id))


def location_code_taken(db_session: Session, *, org_id: uuid.UUID, code: str) -> bool:
    found = db_session.scalar(
        select(Location.id).where(Location.org_id == org_id, Location.code == code)
    )
    return found is not None


def locations(
    db_session: Session, *, org_id: uuid.UUID, limit: int, offset: int
) -> Sequence[Location]:
    return db_session.scalars(
        select(Location)
        .where(Location.org_id == org_id)
        .order_by(Location.code)
        .limit(limit)
        .offset(offset)
    ).all()


def stock_levels(
    db_session: Session,
    *,
    org_id: uuid.UUID,
    item_id: uuid.UUID | None,
    location_id: uuid.UUID | None,
    negative_only: bool,
    limit: int,
    offset: int,
) -> Sequence[tuple[StockLevel, str, str]]:
    stmt = (
        select(StockLevel, Item.sku, Item.name)
        .join(Item, (Item.org_id == StockLevel.org_id) & (Item.id == StockLevel.item_id))
        .where(StockLevel.org_id == org_id)
    )
    if item_id is not None:
        stmt = stmt.where(StockLevel.item_id == item_id)
    if location_id is not None:
        stmt = stmt.where(StockLevel.location_id == location_id)
    if negative_only:
        stmt = stmt.where(StockLevel.quantity < 0)
    stmt = stmt.order_by(Item.sku, StockLevel.location_id).limit(limit).offset(offset)
    return [(lvl, sku, name) for lvl, sku, name in db_session.execute(stmt).all()]


def stock_movements(
    db_session: Session,
    *,
    org_id: uuid.UUID,
    item_id: uuid.UUID | None,
    location_id: uuid.UUID | None,
    reason: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    limit: int,
    offset: int,
) -> Sequence[StockMovement]:
    stmt = select(StockMovement).where(StockMovement.org_id == org_id)
    if item_id is not None:
        stmt = stmt.where(StockMovement.item_id == item_id)
    if location_id is not None:
        stmt = stmt.where(StockMovement.location_id == location_id)
    if reason is not None:
        stmt = stmt.where(StockMovement.reason == reason)
    if since is not None:
        stmt = stmt.where(StockMovement.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(StockMovement.occurred_at < until)
    stmt = stmt.order_by(StockMovement.occurred_at.desc(), StockMovement.id)
    return db_session.scalars(stmt.limit(limit).offset(offset)).all()


def append_movements(db_session: Session, *, movements: Sequence[dict[str, Any]]) -> None:
    """Append movements and move the levels by their deltas, two statements in all.

    Levels are upserted in a fixed key order so concurrent writers lock rows in the same
    order and cannot deadlock each other. Negative levels are allowed: a sale that
    happened is never refused for want of recorded stock.
    """
    if not movements:
        return
    copy_rows(db_session, StockMovement.__table__, movements)  # type: ignore[arg-type]
    deltas: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], Decimal] = {}
    for m in movements:
        key = (m["org_id"], m["item_id"], m["location_id"])
        deltas[key] = deltas.get(key, Decimal(0)) + m["quantity"]
    _move_levels(db_session, deltas.items())


def _move_levels(
    db_session: Session,
    deltas: Iterable[tuple[tuple[uuid.UUID, uuid.UUID, uuid.UUID], Decimal]],
) -> None:
    by_org: dict[uuid.UUID, dict[tuple[str, str], Decimal]] = {}
    for (o, i, loc), q in deltas:
        by_org.setdefault(o, {})[(str(i), str(loc))] = q
    for org_id, moves in by_org.items():
        move_levels(db_session, org_id=org_id, deltas=moves)


_MOVE_LEVELS = text(
    """
    INSERT INTO inv.stock_levels AS l (org_id, item_id, location_id, quantity, updated_at)
    SELECT :org_id, d.item_id, d.location_id, d.quantity, now()
    FROM unnest(CAST(:items AS uuid[]), CAST(:locations AS uuid[]), CAST(:quantities AS numeric[]))
         AS d(item_id, location_id, quantity)
    ON CONFLICT (org_id, item_id, location_id)
    DO UPDATE SET quantity = l.quantity + EXCLUDED.quantity, updated_at = EXCLUDED.updated_at
    """
)


def move_levels(
    db_session: Session, *, org_id: uuid.UUID, deltas: dict[tuple[str, str], Decimal]
) -> None:
    """Move stock levels by {(item_id, location_id): delta} in one statement.

    Rows are upserted in key order so concurrent writers lock them in the same order and
    cannot deadlock each other. Negative levels are allowed."""
    if not deltas:
        return
    keys = sorted(k for k, q in deltas.items() if q)
    if not keys:
        return
    db_session.execute(
        _MOVE_LEVELS,
        {
            "org_id": org_id,
            "items": [i for i, _ in keys],
            "locations": [loc for _, loc in keys],
            "quantities": [str(deltas[k]) for k in keys],
        },
    )
