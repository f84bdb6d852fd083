"""Pulled catalog rows into the till's mirrors: batch upserts inside the caller's
transaction (one page, one transaction, with its cursor). Nothing a past sale points at is
ever deleted: a tombstone retires it (``is_active = false``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from arcoiris_desktop.config import put_settings
from arcoiris_desktop.db.local import Setting, SnapshotSeen, StaffMember
from arcoiris_shared.db.base import utcnow
from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax, Location, StockLevel
from arcoiris_shared.db.pos import Customer, TaxRate

# Entities retired by flag, not deleted: past sales point at them.
_RETIRABLE: dict[str, Any] = {
    "item": Item,
    "tax_rate": TaxRate,
    "location": Location,
    "customer": Customer,
}


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _upsert(session: Session, model: Any, rows: list[dict[str, Any]], keys: Sequence[str]) -> None:
    if not rows:
        return
    stmt = sqlite_insert(model)
    columns = [c for c in rows[0] if c not in keys]
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys), set_={c: stmt.excluded[c] for c in columns}
    )
    session.execute(stmt, rows)


def apply_rows(
    session: Session,
    *,
    org_id: uuid.UUID,
    location_id: uuid.UUID,
    entity: str,
    rows: Sequence[dict[str, Any]],
) -> None:
    """Upsert rows of one entity as the server sent them."""
    if not rows:
        return
    now = utcnow()
    if entity == "item":
        items = [
            {
                "org_id": org_id,
                "id": uuid.UUID(r["id"]),
                "sku": r["sku"],
                "name": r["name"],
                "category": r.get("category"),
                "unit": r["unit"],
                "price": _dec(r["price"]),
                "cost": _dec(r.get("cost")),
                "tracked": r["tracked"],
                "weighed": r["weighed"],
                "is_active": r["is_active"],
                "created_at": now,
                "updated_at": now,
            }
            for r in rows
        ]
        _upsert(session, Item, items, ("org_id", "id"))
        ids = [i["id"] for i in items]
        codes = [c for r in rows for c in r.get("barcodes", [])]
        # A barcode may have moved between items: clear both sides before writing.
        session.execute(
            delete(ItemBarcode).where(
                ItemBarcode.org_id == org_id,
                ItemBarcode.item_id.in_(ids) | ItemBarcode.barcode.in_(codes),
            )
        )
        barcode_rows = [
            {"org_id": org_id, "item_id": uuid.UUID(r["id"]), "barcode": c}
            for r in rows
            for c in r.get("barcodes", [])
        ]
        if barcode_rows:
            session.execute(insert(ItemBarcode), barcode_rows)
        session.execute(delete(ItemTax).where(ItemTax.org_id == org_id, ItemTax.item_id.in_(ids)))
        known_rates = set(session.scalars(select(TaxRate.id).where(TaxRate.org_id == org_id)))
        tax_rows = [
            {"org_id": org_id, "item_id": uuid.UUID(r["id"]), "tax_rate_id": uuid.UUID(t)}
            for r in rows
            for t in r.get("tax_rate_ids", [])
            if uuid.UUID(t) in known_rates
        ]
        if tax_rows:
            session.execute(insert(ItemTax), tax_rows)
    elif entity == "tax_rate":
        _upsert(
            session,
            TaxRate,
            [
                {
                    "org_id": org_id,
                    "id": uuid.UUID(r["id"]),
                    "code": r["code"],
                    "name": r["name"],
                    "rate": _dec(r["rate"]),
                    "is_active": r["is_active"],
                    "created_at": now,
                }
                for r in rows
            ],
            ("org_id", "id"),
        )
    elif entity == "location":
        _upsert(
            session,
            Location,
            [
                {
                    "org_id": org_id,
                    "id": uuid.UUID(r["id"]),
                    "code": r["code"],
                    "name": r["name"],
                    "kind": r["kind"],
                    "address": r.get("address"),
                    "is_active": r["is_active"],
                    "created_at": now,
                }
                for r in rows
            ],
            ("org_id", "id"),
        )
        mine = next((r for r in rows if uuid.UUID(r["id"]) == location_id), None)
        if mine is not None:
            put_settings(
                session, {"store_name": mine["name"], "store_address": mine.get("address")}
            )
    elif entity == "customer":
        _upsert(
            session,
            Customer,
            [
                {
                    "org_id": org_id,
                    "id": uuid.UUID(r["id"]),
                    "name": r["name"],
                    "email": r.get("email"),
                    "phone": r.get("phone"),
                    "tax_id": r.get("tax_id"),
                    "is_active": r["is_active"],
                    "created_at": now,
                    "updated_at": now,
                }
                for r in rows
            ],
            ("org_id", "id"),
        )
    elif entity == "staff":
        _upsert(
            session,
            StaffMember,
            [
                {
                    "user_id": uuid.UUID(r["id"]),
                    "full_name": r["full_name"],
                    "role": r["role"],
                    "pin_hash": r.get("pin_hash"),
                    "is_active": r["is_active"],
                }
                for r in rows
            ],
            ("user_id",),
        )
    elif entity == "setting":
        put_settings(session, {r["id"]: r["value"] for r in rows})
    else:
        raise ValueError(f"unknown entity {entity!r}")


def retire(session: Session, *, org_id: uuid.UUID, entity: str, keys: Iterable[str]) -> None:
    """Tombstones: stop selling or using these; past sales keep pointing at them."""
    keys = list(keys)
    if not keys:
        return
    if entity == "setting":
        session.execute(delete(Setting).where(Setting.key.in_(keys)))
        return
    if entity == "staff":
        session.execute(
            update(StaffMember)
            .where(StaffMember.user_id.in_([uuid.UUID(k) for k in keys]))
            .values(is_active=False)
        )
        return
    model = _RETIRABLE[entity]
    session.execute(
        update(model)
        .where(model.org_id == org_id, model.id.in_([uuid.UUID(k) for k in keys]))
        .values(is_active=False)
    )


def mark_seen(session: Session, entity: str, keys: Iterable[str]) -> None:
    rows = [{"entity": entity, "entity_key": k} for k in keys]
    if rows:
        session.execute(sqlite_insert(SnapshotSeen).on_conflict_do_nothing(), rows)


def retire_unseen(session: Session, *, org_id: uuid.UUID, entity: str) -> None:
    """After a whole snapshot: what it did not deliver no longer exists at HQ."""
    seen = select(SnapshotSeen.entity_key).where(SnapshotSeen.entity == entity)
    if entity == "setting":
        return  # settings keep their local defaults; the snapshot sent every stored one
    if entity == "staff":
        current = session.scalars(select(StaffMember.user_id)).all()
        seen_keys = set(session.scalars(seen))
        gone = [str(u) for u in current if str(u) not in seen_keys]
        retire(session, org_id=org_id, entity=entity, keys=gone)
        return
    model = _RETIRABLE[entity]
    current_ids = session.scalars(select(model.id).where(model.org_id == org_id)).all()
    seen_keys = set(session.scalars(seen))
    gone = [str(i) for i in current_ids if str(i) not in seen_keys]
    for start in range(0, len(gone), 500):
        retire(session, org_id=org_id, entity=entity, keys=gone[start : start + 500])


def clear_seen(session: Session) -> None:
    session.execute(delete(SnapshotSeen))


def apply_stock(
    session: Session,
    *,
    org_id: uuid.UUID,
    location_id: uuid.UUID,
    levels: Sequence[dict[str, str]],
) -> None:
    """HQ's levels replace the local ones (items the till does not know are skipped)."""
    if not levels:
        return
    known = set(
        session.scalars(
            select(Item.id).where(
                Item.org_id == org_id, Item.id.in_([uuid.UUID(x["item_id"]) for x in levels])
            )
        )
    )
    now = utcnow()
    _upsert(
        session,
        StockLevel,
        [
            {
                "org_id": org_id,
                "item_id": uuid.UUID(x["item_id"]),
                "location_id": location_id,
                "quantity": Decimal(x["quantity"]),
                "updated_at": now,
            }
            for x in levels
            if uuid.UUID(x["item_id"]) in known
        ],
        ("org_id", "item_id", "location_id"),
    )
