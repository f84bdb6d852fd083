"""An item snapshot page made as JSON by PostgreSQL says exactly what the rows loaded one by
one say: same rows, keys, text forms (ids, money, arrays in byte order, nulls) and paging."""

from __future__ import annotations

import uuid
from decimal import Decimal

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from sync_server.sync import pull
from tests.server.conftest import OrgWorld


def _add_items(db: Session, world: OrgWorld, n: int) -> None:
    rate = db.execute(
        text("SELECT id FROM pos.tax_rates WHERE org_id = :o ORDER BY code LIMIT 2"),
        {"o": world.org_id},
    ).scalars()
    rates = list(rate)
    for k in range(n):
        item = uuid.uuid4()
        db.execute(
            text(
                "INSERT INTO inv.items (org_id, id, sku, name, category, unit, price, cost, "
                "tracked, weighed, is_active, created_at, updated_at) VALUES (:o, :i, :sku, "
                ":name, :cat, 'each', :price, :cost, :tracked, false, :active, now(), now())"
            ),
            {
                "o": world.org_id,
                "i": item,
                "sku": f"JSON-{k:03d}",
                "name": f'Café "{k}" \\ tab\there ñ',
                "cat": None if k % 3 == 0 else "Tests",
                "price": Decimal("2.49") + k,
                "cost": None if k % 4 == 0 else Decimal("1.1"),
                "tracked": k % 2 == 0,
                "active": k % 5 != 0,
            },
        )
        for code in [f"99{k:06d}", f"1{k:07d}", f"Z{k}"][: k % 4]:
            db.execute(
                text(
                    "INSERT INTO inv.item_barcodes (org_id, barcode, item_id) VALUES (:o, :b, :i)"
                ),
                {"o": world.org_id, "b": code, "i": item},
            )
        for r in rates[: k % 3]:
            db.execute(
                text(
                    "INSERT INTO inv.item_taxes (org_id, item_id, tax_rate_id) VALUES (:o, :i, :r)"
                ),
                {"o": world.org_id, "i": item, "r": r},
            )
    db.flush()


def test_item_pages_as_json_equal_the_rows_loaded_one_by_one(
    db: Session, world_a: OrgWorld
) -> None:
    _add_items(db, world_a, 23)
    after: str | None = None
    pages = 0
    while True:
        made = orjson.loads(
            pull.snapshot_json(
                db_session=db, org_id=world_a.org_id, entity="item", after=after, limit=5
            )
        )
        loaded = pull.snapshot(
            db_session=db, org_id=world_a.org_id, entity="item", after=after, limit=5
        ).model_dump(mode="json")
        assert made == loaded
        pages += 1
        after = made["next_after"]
        if after is None:
            break
    assert pages == 5  # 24 items by five: the last page is short
    empty = pull.snapshot_json(
        db_session=db,
        org_id=world_a.org_id,
        entity="item",
        after=str(uuid.UUID(int=2**128 - 1)),
        limit=5,
    )
    assert orjson.loads(empty)["rows"] == [] and orjson.loads(empty)["next_after"] is None


def test_other_entities_pages_are_the_model_as_json(db: Session, world_a: OrgWorld) -> None:
    for entity in ("setting", "tax_rate", "location", "staff", "customer"):
        made = pull.snapshot_json(
            db_session=db, org_id=world_a.org_id, entity=entity, after=None, limit=100
        )
        loaded = pull.snapshot(
            db_session=db, org_id=world_a.org_id, entity=entity, after=None, limit=100
        )
        assert orjson.loads(made) == loaded.model_dump(mode="json")
