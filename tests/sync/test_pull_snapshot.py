"""A till pulling the catalog from scratch over the real server: what it ends with equals
HQ's catalog field by field, search finds it, and a till killed in the middle of the
snapshot resumes where it stood with a search index that always agrees with its items."""

from __future__ import annotations

import random
import signal
import time
import uuid
from decimal import Decimal

from sqlalchemy import select

from arcoiris_desktop.db.local import SyncState
from arcoiris_desktop.sync import mirror
from arcoiris_shared.db.inv import Item, ItemBarcode
from tests.desktop.pull_rows import index_disagreements
from tests.sync.conftest import start_child
from tests.sync.helpers import SLOW_PULL_CHILD, hq_catalog, in_snapshot, till_catalog


def test_from_scratch_the_till_holds_hq_catalog_and_finds_it(live_server, make_terminal):
    t = make_terminal("P01")
    status = t.engine.sync_once()
    assert status.last_error is None and status.catalog_version > 0
    hq = hq_catalog(live_server)
    assert till_catalog(t) == hq
    assert index_disagreements(t.db) == set()
    with t.db.read() as s:
        assert s.get(SyncState, mirror.SEARCH_BY_PAGE) is None
    till = t.open_till()
    some = random.Random(1).sample(sorted(v for v in hq.values() if not v[7]), 5)
    for sku, name, *_, barcodes, _taxes in some:
        assert name in {i.name for i in till.search(name)}
        assert sku in {i.sku for i in till.search(sku)}
        assert till.scan(next(iter(barcodes))).item.sku == sku


def test_a_second_snapshot_retires_what_hq_lacks_and_mends_local_drift(live_server, make_terminal):
    t = make_terminal("P02")
    t.engine.sync_once()
    hq = hq_catalog(live_server)
    with t.db.read() as s:
        a, b = sorted(s.scalars(select(Item.id).where(Item.weighed.is_(False))).all())[:2]
        moved = s.scalar(select(ItemBarcode.barcode).where(ItemBarcode.item_id == b))
    ghost = uuid.uuid4()
    with t.db.write() as s:  # the till drifted: an item HQ no longer has, a barcode moved
        s.add(
            Item(
                org_id=live_server.org_id,
                id=ghost,
                sku="GHOST-1",
                name="Ghost of a deleted item",
                price=Decimal("1.00"),
            )
        )
        item = s.get(Item, (live_server.org_id, a))
        assert item is not None
        item.name = "Stale local name"
        s.execute(ItemBarcode.__table__.delete().where(ItemBarcode.barcode == moved))
        s.add(ItemBarcode(org_id=live_server.org_id, item_id=a, barcode=moved))
        # No cursor: HQ answers with a snapshot.
        state = s.get(SyncState, "catalog_cursor")
        assert state is not None
        state.value = "0"
    assert index_disagreements(t.db) == set()
    assert t.engine.sync_once().last_error is None
    local = till_catalog(t)
    assert local.pop(str(ghost))[8] is False, "retired, not deleted"
    assert local == hq
    assert index_disagreements(t.db) == set()
    till = t.open_till()
    assert till.search("stale local") == [] and till.search("ghost") == []
    assert till.scan(moved).item.item_id == b


def test_killed_mid_snapshot_resumes_and_search_always_agrees(live_server, make_terminal):
    t = make_terminal("P03")
    rng = random.Random(3)
    killed_inside = 0
    for _ in range(4):
        proc = start_child(SLOW_PULL_CHILD, t.data_dir, "PULLING")
        time.sleep(rng.uniform(0.15, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        killed_inside += in_snapshot(t)
        with t.db.read() as s:
            assert s.get(SyncState, mirror.SEARCH_BY_PAGE) is None
            staging = s.get(SyncState, mirror.BULK_LOAD) is not None
        if staging:  # a first load: no items until its last page (tests/sync/test_pull_bulk)
            assert till_catalog(t) == {}
        else:
            assert index_disagreements(t.db) == set(), "the index agrees after every kill"
    assert killed_inside, "at least one kill landed in the middle of the snapshot"
    assert t.engine.sync_once().last_error is None
    assert not in_snapshot(t)
    assert till_catalog(t) == hq_catalog(live_server)
    assert index_disagreements(t.db) == set()
    name = next(iter(hq_catalog(live_server).values()))[1]
    assert name in {i.name for i in t.open_till().search(name)}
