"""Pages made for speed say exactly what the rows loaded one by one say: an item snapshot page
made as JSON by PostgreSQL (same rows, keys, text forms: ids, money, arrays in byte order,
nulls; same paging) and stock levels read as text."""

from __future__ import annotations

import uuid
from decimal import Decimal

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from arcoiris_shared.db.inv import StockLevel
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


def test_stock_pages_carry_levels_as_the_loaded_values_print(
    db: Session, world_a: OrgWorld
) -> None:
    _add_items(db, world_a, 7)
    store = db.execute(
        text("SELECT id FROM inv.locations WHERE org_id = :o ORDER BY code LIMIT 1"),
        {"o": world_a.org_id},
    ).scalar_one()
    db.execute(
        text(
            "INSERT INTO inv.stock_levels (org_id, item_id, location_id, quantity, updated_at) "
            "SELECT :o, i.id, :l, (row_number() OVER (ORDER BY i.id) - 3) * 1.25, now() "
            "FROM inv.items i WHERE i.org_id = :o AND i.sku LIKE 'JSON-%' "
            "ON CONFLICT DO NOTHING"
        ),
        {"o": world_a.org_id, "l": store},
    )
    expected = [
        {"item_id": str(level.item_id), "quantity": str(level.quantity)}
        for level in db.scalars(
            select(StockLevel)
            .where(StockLevel.org_id == world_a.org_id, StockLevel.location_id == store)
            .order_by(StockLevel.item_id)
        )
    ]
    since: str | None = None
    levels: list[dict[str, str]] = []
    while True:
        page = orjson.loads(
            pull.stock(
                db_session=db, org_id=world_a.org_id, location_id=store, since=since, limit=3
            ).model_dump_json()
        )
        levels += page["levels"]
        since = page["next_since"]
        if not page["has_more"]:
            break
    assert levels == expected and any(q["quantity"].startswith("-") for q in levels)


def test_a_prepared_page_query_seeks_the_index_whatever_its_plan(db, world_a):
    """psycopg prepares what it runs often, and PostgreSQL may then plan it once for any
    values: every page of a snapshot must still start at its key in the index (a filter
    over every item before it made a million-item snapshot's last pages ~20x slower)."""
    values = {
        ":org": ("uuid", f"'{world_a.org_id}'"),
        ":limit": ("int", "10"),
        ":after": ("uuid", f"'{uuid.uuid4()}'"),
    }
    db.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    db.execute(text("SET LOCAL enable_seqscan = off"))
    for way in ("all", "after"):  # (a delta's keys: a join, planned by table size)
        sql, types, args = str(pull._ITEMS_JSON_SQL[way]), [], []
        for name, (kind, value) in values.items():
            if name in sql:
                types.append(kind)
                args.append(value)
                sql = sql.replace(name, f"${len(types)}")
        db.execute(text(f"PREPARE page_{way} ({', '.join(types)}) AS {sql}"))
        plan = "\n".join(
            db.execute(text(f"EXPLAIN EXECUTE page_{way} ({', '.join(args)})")).scalars()
        )
        db.execute(text(f"DEALLOCATE page_{way}"))
        scan = plan[plan.index("using pk_items on items i") :].splitlines()[1]
        assert "Index Cond" in scan, (way, plan)
        if way == "after":
            assert "id > $3" in scan, plan
    db.rollback()


def test_a_prepared_stock_since_query_seeks_the_store_by_time_index(db, world_a):
    """Every till's stock pull after its first asks for the levels changed since a moment:
    planned for any values, it still starts at that moment in HQ's index."""
    import datetime as dt

    from sqlalchemy.dialects import postgresql

    stmt = pull.levels_since(
        world_a.org_id, uuid.uuid4(), dt.datetime.now(dt.UTC), uuid.uuid4(), 10
    )
    compiled = stmt.compile(dialect=postgresql.dialect())
    sql, args = str(compiled), []
    for k, (name, value) in enumerate(compiled.params.items(), 1):
        sql = sql.replace(f"%({name})s", f"${k}")
        args.append(f"'{value}'")
    db.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    db.execute(text("SET LOCAL enable_seqscan = off"))
    db.execute(text(f"PREPARE levels_since AS {sql}"))
    plan = "\n".join(
        db.execute(text(f"EXPLAIN EXECUTE levels_since ({', '.join(args)})")).scalars()
    )
    db.execute(text("DEALLOCATE levels_since"))
    db.rollback()
    scan = plan[plan.index("ix_stock_levels_org_id_location_id_updated_at") :].splitlines()[1]
    assert "Index Cond" in scan and "updated_at" in scan, plan
