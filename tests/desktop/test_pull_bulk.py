"""A first snapshot into an empty catalog: items are staged page by page (each page with its
cursor, as always) and join the catalog in the last page's transaction, with the catalog's
indexes and the search index built set-based. Between pages the till holds no items and an
index that agrees with that; after the last, exactly the schema the migrations make and a
search index that agrees with the items. A till that already has items never takes this
path."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from arcoiris_desktop.catalog.lookup import item_by_barcode, search
from arcoiris_desktop.db.database import DB_FILENAME, Database
from arcoiris_desktop.db.local import SyncState
from arcoiris_desktop.sync import mirror
from arcoiris_shared.db.inv import Item, ItemBarcode, ItemTax
from tests.desktop.conftest import schema_drift
from tests.desktop.pull_rows import ORG, STORE, VAT, apply_page, index_disagreements, item_row


def _schema(db: Database) -> set[tuple[str, str, str, str | None]]:
    with db.read() as s:
        return {
            (t, n, tbl, sql)
            for t, n, tbl, sql in s.execute(
                text(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master "
                    "WHERE name NOT LIKE 'sqlite_%'"
                )
            )
        }


def _pending(db: Database) -> bool:
    with db.read() as s:
        return s.get(SyncState, mirror.BULK_LOAD) is not None


def _staged_keys(db: Database) -> set[int]:
    with db.read() as s:
        return set(
            s.scalars(
                text("SELECT k.id FROM search_keys k JOIN pull_staged_items p ON p.id = k.item_id")
            )
        )


def _count(db: Database, model: Any) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _stage_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    stage = mirror._stage_items

    def counted(session: Any, org_id: Any, rows: Any) -> None:
        calls.append(len(rows))
        stage(session, org_id, rows)

    monkeypatch.setattr(mirror, "_stage_items", counted)
    return calls


def test_an_empty_catalog_loads_whole_at_the_last_page(
    fresh: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reference = Database(tmp_path / "reference" / DB_FILENAME)
    expected_schema = _schema(reference)
    reference.close()
    calls = _stage_calls(monkeypatch)
    rows = [item_row(n) for n in range(30)]
    rows[3]["barcodes"] = ["99000003", "77000003"]
    rows[4].update(cost=None, category=None, tax_rate_ids=[])
    rows[5].update(price="0.4567", weighed=True, unit="kg", is_active=False)
    rows[6]["tax_rate_ids"] = ["00000000-0000-4000-8000-00000000dead"]  # a rate not known here
    apply_page(fresh, rows[:10], None, rows[9]["id"])
    # Between pages: staged, not in the catalog; nothing found (the search index holds the
    # staged items already, and that is all it may disagree on while the load is pending).
    assert _pending(fresh)
    assert _count(fresh, Item) == 0
    assert {key for key, *_ in index_disagreements(fresh)} <= _staged_keys(fresh)
    with fresh.read() as s:
        assert search(s, ORG, "pulled thing") == []
        assert item_by_barcode(s, ORG, "99000001") is None
    apply_page(fresh, rows[10:20], rows[9]["id"], rows[19]["id"])
    apply_page(fresh, rows[20:], rows[19]["id"], None)
    assert calls == [10, 10, 10]
    assert not _pending(fresh)
    assert _schema(fresh) == expected_schema, "same tables, indexes and triggers as migrated"
    with fresh.read() as s:
        assert s.get(SyncState, mirror.SEARCH_BY_PAGE) is None
        items = {str(i.id): i for i in s.scalars(select(Item))}
        codes = {(str(b.item_id), b.barcode) for b in s.scalars(select(ItemBarcode))}
        taxes = {(str(t.item_id), t.tax_rate_id) for t in s.scalars(select(ItemTax))}
        assert [i.name for i in search(s, ORG, "pulled thing 17")] == ["Pulled thing 17"]
        assert [i.name for i in search(s, ORG, "77000003")] == ["Pulled thing 3"]
        assert [i.name for i in search(s, ORG, "pull-00021")] == ["Pulled thing 21"]
        found = item_by_barcode(s, ORG, "99000012")
        assert found is not None and found.name == "Pulled thing 12"
        config = dict(
            s.execute(text("SELECT k, v FROM item_search_config WHERE k != 'version'")).all()
        )
    assert config in ({}, {"automerge": 4, "crisismerge": 16})
    assert len(items) == 30
    for r in rows:
        i = items[r["id"]]
        assert (i.sku, i.name, i.category, i.unit, i.price, i.cost) == (
            r["sku"],
            r["name"],
            r["category"],
            r["unit"],
            Decimal(r["price"]),
            None if r["cost"] is None else Decimal(r["cost"]),
        )
        assert (i.tracked, i.weighed, i.is_active) == (r["tracked"], r["weighed"], r["is_active"])
    assert codes == {(r["id"], c) for r in rows for c in r["barcodes"]}
    assert taxes == {(r["id"], VAT) for r in rows if r["tax_rate_ids"] and r["sku"] != "PULL-00006"}
    assert index_disagreements(fresh) == set()
    with fresh.engine.connect() as conn:
        assert schema_drift(conn) == []


def test_a_barcode_that_moved_between_pages_stays_with_the_later_owner(
    fresh: Database,
) -> None:
    rows = [item_row(n) for n in range(10)]
    moved = rows[1]["barcodes"][0]
    rows[8]["barcodes"] = ["99000008", moved]  # HQ moved it after page one was sent
    apply_page(fresh, rows[:5], None, rows[4]["id"])
    apply_page(fresh, rows[5:], rows[4]["id"], None)
    with fresh.read() as s:
        owner = s.scalar(select(ItemBarcode.item_id).where(ItemBarcode.barcode == moved))
        assert str(owner) == rows[8]["id"]
        assert [i.name for i in search(s, ORG, moved)] == ["Pulled thing 8"]
    assert index_disagreements(fresh) == set()


def _lose_power_at_the_last_page(db: Database, rows: list[dict[str, Any]], after: str) -> None:
    with db.write() as s:
        mirror.apply_snapshot_page(
            s,
            org_id=ORG,
            location_id=STORE,
            entity="item",
            rows=rows,
            after=after,
            next_after=None,
        )
        raise RuntimeError("the till lost power here")


def test_a_load_that_fails_at_the_end_keeps_its_pages_and_finishes_later(
    fresh: Database,
) -> None:
    rows = [item_row(n) for n in range(12)]
    apply_page(fresh, rows[:6], None, rows[5]["id"])
    with pytest.raises(RuntimeError, match="lost power"):
        _lose_power_at_the_last_page(fresh, rows[6:], rows[5]["id"])
    assert _pending(fresh) and _count(fresh, Item) == 0
    assert {key for key, *_ in index_disagreements(fresh)} <= _staged_keys(fresh)
    apply_page(fresh, rows[6:], rows[5]["id"], None)  # the resumed till asks for it again
    assert not _pending(fresh) and _count(fresh, Item) == 12
    assert index_disagreements(fresh) == set()


def test_a_load_begun_again_from_its_first_page_starts_clean(
    fresh: Database,
) -> None:
    rows = [item_row(n) for n in range(8)]
    apply_page(fresh, rows[:4], None, rows[3]["id"])
    apply_page(fresh, rows[:4], None, rows[3]["id"])
    apply_page(fresh, rows[4:], rows[3]["id"], None)
    assert _count(fresh, Item) == 8 and _count(fresh, ItemBarcode) == 8
    assert index_disagreements(fresh) == set()


def test_a_till_with_items_takes_the_page_by_page_path(
    fresh: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [item_row(n) for n in range(10)]
    apply_page(fresh, rows[:3], None, None)
    calls = _stage_calls(monkeypatch)
    again = [item_row(n, name=f"Again {n}") for n in range(10)]
    apply_page(fresh, again[:5], None, again[4]["id"])
    assert not _pending(fresh)
    with fresh.read() as s:  # the first page is in the catalog at once
        assert [i.name for i in search(s, ORG, "again 2")] == ["Again 2"]
    apply_page(fresh, again[5:], again[4]["id"], None)
    assert calls == []
    assert _count(fresh, Item) == 10
    assert index_disagreements(fresh) == set()
