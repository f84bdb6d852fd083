"""Catalog pages written in bulk on the till (no server here: the rows are what HQ sends).

The search index must agree with the items after every commit, whatever the page did
(new items, renamed ones, barcodes moving between items), and a page that fails half-way
leaves nothing behind: no rows, no stale index, the triggers back on for every other writer.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from arcoiris_desktop.catalog.lookup import search
from arcoiris_desktop.db.database import DB_FILENAME, Database
from arcoiris_desktop.db.local import SyncState
from arcoiris_desktop.sync import mirror
from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax
from arcoiris_shared.db.pos import TaxRate

ORG = uuid.UUID("6f1c0a52-0000-4000-8000-000000000001")
STORE = uuid.UUID("6f1c0a52-0000-4000-8000-000000000002")
VAT = uuid.UUID("6f1c0a52-0000-4000-8000-000000000003")


def index_disagreements(db: Database) -> set[Any]:
    """Rows where the FTS index and the items (names, SKUs, barcodes) differ; empty: agree."""
    with db.read() as s:
        codes: dict[tuple[str, str], list[str]] = {}
        for org, item, code in s.execute(
            text("SELECT org_id, item_id, barcode FROM item_barcodes")
        ):
            codes.setdefault((org, item), []).append(code)
        expected = {
            (key, name, sku, tuple(sorted(codes.get((org, item), []))))
            for org, item, name, sku, key in s.execute(
                text(
                    "SELECT i.org_id, i.id, i.name, i.sku, k.id FROM items i "
                    "LEFT JOIN search_keys k ON k.org_id = i.org_id AND k.item_id = i.id"
                )
            )
        }
        indexed = {
            (rowid, name, sku, tuple(sorted(codes_text.split())))
            for rowid, name, sku, codes_text in s.execute(
                text("SELECT rowid, name, sku, codes FROM item_search")
            )
        }
    return expected ^ indexed


def _row(n: int, **changes: Any) -> dict[str, Any]:
    row = {
        "id": str(uuid.UUID(int=(0x5EED << 96) + n)),
        "sku": f"PULL-{n:05d}",
        "name": f"Pulled thing {n}",
        "category": "Tests",
        "unit": "each",
        "price": "2.4900",
        "cost": "1.1000",
        "tracked": True,
        "weighed": False,
        "is_active": True,
        "barcodes": [f"99{n:06d}"],
        "tax_rate_ids": [str(VAT)],
    }
    row.update(changes)
    return row


@pytest.fixture
def fresh(tmp_path: Path) -> Any:
    db = Database(tmp_path / DB_FILENAME)
    with db.write() as s:
        s.add(TaxRate(org_id=ORG, id=VAT, code="VAT21", name="VAT 21%", rate=Decimal("21")))
    yield db
    db.close()


def _page(db: Database, rows: list[dict[str, Any]], after: str | None, upto: str | None) -> None:
    with db.write() as s:
        mirror.apply_snapshot_page(
            s,
            org_id=ORG,
            location_id=STORE,
            entity="item",
            rows=rows,
            after=after,
            next_after=upto,
        )


def test_pages_land_exactly_and_search_finds_them(fresh: Database) -> None:
    rows = [_row(n) for n in range(30)]
    rows[3]["barcodes"] = ["99000003", "77000003"]
    rows[4].update(cost=None, category=None, tax_rate_ids=[])
    rows[5].update(price="0.4567", weighed=True, unit="kg", is_active=False)
    _page(fresh, rows[:10], None, rows[9]["id"])
    _page(fresh, rows[10:], rows[9]["id"], None)
    with fresh.read() as s:
        items = {str(i.id): i for i in s.scalars(select(Item))}
        codes = {(str(b.item_id), b.barcode) for b in s.scalars(select(ItemBarcode))}
        taxes = {(str(t.item_id), t.tax_rate_id) for t in s.scalars(select(ItemTax))}
        assert s.get(SyncState, mirror.SEARCH_BY_PAGE) is None
        found = search(s, ORG, "pulled thing 17")
        by_code = search(s, ORG, "77000003")
    assert len(items) == 30
    for r in rows:
        i = items[r["id"]]
        assert (i.sku, i.name, i.category, i.unit) == (
            r["sku"],
            r["name"],
            r["category"],
            r["unit"],
        )
        assert i.price == Decimal(r["price"])
        assert i.cost == (None if r["cost"] is None else Decimal(r["cost"]))
        assert (i.tracked, i.weighed, i.is_active) == (r["tracked"], r["weighed"], r["is_active"])
    assert codes == {(r["id"], c) for r in rows for c in r["barcodes"]}
    assert taxes == {(r["id"], VAT) for r in rows if r["tax_rate_ids"]}
    assert [i.name for i in found] == ["Pulled thing 17"]
    assert [i.name for i in by_code] == ["Pulled thing 3"]
    assert index_disagreements(fresh) == set()


def test_a_second_snapshot_renames_moves_barcodes_and_retires(fresh: Database) -> None:
    rows = [_row(n) for n in range(20)]
    _page(fresh, rows, None, None)
    # HQ since: item 2 renamed, item 7's barcode moved to item 15, item 11 gone.
    again = [r for r in rows if r["sku"] != "PULL-00011"]
    again[2] = _row(2, name="Renamed upstream")
    moved = rows[7]["barcodes"][0]
    again[[r["sku"] for r in again].index("PULL-00007")] = _row(7, barcodes=[])
    again[[r["sku"] for r in again].index("PULL-00015")] = _row(15, barcodes=["99000015", moved])
    _page(fresh, again[:8], None, again[7]["id"])
    _page(fresh, again[8:], again[7]["id"], None)
    with fresh.read() as s:
        gone = s.get(Item, (ORG, uuid.UUID(rows[11]["id"])))
        assert gone is not None and gone.is_active is False
        owner = s.scalar(select(ItemBarcode.item_id).where(ItemBarcode.barcode == moved))
        assert str(owner) == rows[15]["id"]
        assert [i.name for i in search(s, ORG, "renamed upstream")] == ["Renamed upstream"]
        assert "Pulled thing 2" not in {i.name for i in search(s, ORG, "pulled thing")}
    assert index_disagreements(fresh) == set()


def test_a_barcode_moving_in_from_outside_the_page_reindexes_its_old_item(
    fresh: Database,
) -> None:
    rows = [_row(n) for n in range(6)]
    _page(fresh, rows, None, None)
    stolen = rows[0]["barcodes"][0]
    with fresh.write() as s:  # a delta page holding only item 5, now with item 0's barcode
        mirror.apply_rows(
            s,
            org_id=ORG,
            location_id=STORE,
            entity="item",
            rows=[_row(5, barcodes=["99000005", stolen])],
        )
    with fresh.read() as s:
        owner = s.scalar(select(ItemBarcode.item_id).where(ItemBarcode.barcode == stolen))
        assert str(owner) == rows[5]["id"]
    assert index_disagreements(fresh) == set()


def _lose_power_half_way(db: Database) -> None:
    with db.write() as s:
        mirror.apply_snapshot_page(
            s,
            org_id=ORG,
            location_id=STORE,
            entity="item",
            rows=[_row(n, name=f"Half-way {n}") for n in range(3, 9)],
            after=None,
            next_after=None,
        )
        raise RuntimeError("the till lost power here")


def test_a_page_that_fails_half_way_leaves_nothing(fresh: Database) -> None:
    _page(fresh, [_row(n) for n in range(5)], None, None)
    with pytest.raises(RuntimeError, match="lost power"):
        _lose_power_half_way(fresh)
    with fresh.read() as s:
        assert s.get(SyncState, mirror.SEARCH_BY_PAGE) is None
        assert len(s.scalars(select(Item)).all()) == 5
        assert search(s, ORG, "half way") == []
    assert index_disagreements(fresh) == set()


def test_other_writers_still_keep_the_index_after_a_bulk_page(fresh: Database) -> None:
    _page(fresh, [_row(n) for n in range(3)], None, None)
    item_id = uuid.uuid4()
    with fresh.write() as s:
        s.add(
            Item(org_id=ORG, id=item_id, sku="LOCAL-1", name="Written one by one", price=Decimal(1))
        )
        s.flush()
        s.add(ItemBarcode(org_id=ORG, item_id=item_id, barcode="55500011"))
    with fresh.read() as s:
        assert [i.name for i in search(s, ORG, "one by one")] == ["Written one by one"]
    assert index_disagreements(fresh) == set()


def test_an_id_in_another_spelling_is_the_same_item(fresh: Database) -> None:
    row = _row(1)
    shouted = {**row, "id": "{" + row["id"].upper() + "}", "name": "Spelt loudly"}
    _page(fresh, [shouted], None, None)
    _page(fresh, [row], None, None)
    with fresh.read() as s:
        assert [(str(i.id), i.name) for i in s.scalars(select(Item))] == [
            (row["id"], "Pulled thing 1")
        ]
    assert index_disagreements(fresh) == set()
