"""Catalog pages written in bulk on the till (no server here: the rows are what HQ sends).

The search index must agree with the items after every commit, whatever the page did
(new items, renamed ones, barcodes moving between items), and a page that fails half-way
leaves nothing behind: no rows, no stale index, the triggers back on for every other writer.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from arcoiris_desktop.catalog.lookup import search
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import SyncState
from arcoiris_desktop.sync import mirror
from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax
from tests.desktop.pull_rows import ORG, STORE, VAT, apply_page, index_disagreements, item_row


def test_pages_land_exactly_and_search_finds_them(fresh: Database) -> None:
    rows = [item_row(n) for n in range(30)]
    rows[3]["barcodes"] = ["99000003", "77000003"]
    rows[4].update(cost=None, category=None, tax_rate_ids=[])
    rows[5].update(price="0.4567", weighed=True, unit="kg", is_active=False)
    apply_page(fresh, rows[:10], None, rows[9]["id"])
    apply_page(fresh, rows[10:], rows[9]["id"], None)
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
    rows = [item_row(n) for n in range(20)]
    apply_page(fresh, rows, None, None)
    # HQ since: item 2 renamed, item 7's barcode moved to item 15, item 11 gone.
    again = [r for r in rows if r["sku"] != "PULL-00011"]
    again[2] = item_row(2, name="Renamed upstream")
    moved = rows[7]["barcodes"][0]
    again[[r["sku"] for r in again].index("PULL-00007")] = item_row(7, barcodes=[])
    again[[r["sku"] for r in again].index("PULL-00015")] = item_row(
        15, barcodes=["99000015", moved]
    )
    apply_page(fresh, again[:8], None, again[7]["id"])
    apply_page(fresh, again[8:], again[7]["id"], None)
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
    rows = [item_row(n) for n in range(6)]
    apply_page(fresh, rows, None, None)
    stolen = rows[0]["barcodes"][0]
    with fresh.write() as s:  # a delta page holding only item 5, now with item 0's barcode
        mirror.apply_rows(
            s,
            org_id=ORG,
            location_id=STORE,
            entity="item",
            rows=[item_row(5, barcodes=["99000005", stolen])],
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
            rows=[item_row(n, name=f"Half-way {n}") for n in range(3, 9)],
            after=None,
            next_after=None,
        )
        raise RuntimeError("the till lost power here")


def test_a_page_that_fails_half_way_leaves_nothing(fresh: Database) -> None:
    apply_page(fresh, [item_row(n) for n in range(5)], None, None)
    with pytest.raises(RuntimeError, match="lost power"):
        _lose_power_half_way(fresh)
    with fresh.read() as s:
        assert s.get(SyncState, mirror.SEARCH_BY_PAGE) is None
        assert len(s.scalars(select(Item)).all()) == 5
        assert search(s, ORG, "half way") == []
    assert index_disagreements(fresh) == set()


def test_other_writers_still_keep_the_index_after_a_bulk_page(fresh: Database) -> None:
    apply_page(fresh, [item_row(n) for n in range(3)], None, None)
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
    row = item_row(1)
    shouted = {**row, "id": "{" + row["id"].upper() + "}", "name": "Spelt loudly"}
    apply_page(fresh, [shouted], None, None)
    apply_page(fresh, [row], None, None)
    with fresh.read() as s:
        assert [(str(i.id), i.name) for i in s.scalars(select(Item))] == [
            (row["id"], "Pulled thing 1")
        ]
    assert index_disagreements(fresh) == set()
