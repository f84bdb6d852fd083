"""A fresh till's first snapshot over the real server, killed (SIGKILL) while its items are
being staged: the killed till holds no half catalog and an index that agrees with that, and
the restarted till finishes the load with the migrated indexes, a search index that agrees
and HQ's catalog. A till that already has items re-snapshots page by page."""

from __future__ import annotations

import random
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from arcoiris_desktop.db.database import DB_FILENAME, Database
from arcoiris_desktop.db.local import SyncState
from arcoiris_desktop.sync import mirror
from arcoiris_shared.db.inv import Item
from tests.desktop.pull_rows import index_disagreements
from tests.sync.conftest import start_child
from tests.sync.helpers import SLOW_PULL_CHILD, hq_catalog, in_snapshot, till_catalog


def _indexes(db: Database) -> set[tuple[str, str | None]]:
    with db.read() as s:
        return {
            (n, sql)
            for n, sql in s.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")
            )
        }


def _bulk_pending(data_dir: Path) -> bool:
    conn = sqlite3.connect(f"file:{data_dir / DB_FILENAME}?mode=ro", uri=True, timeout=5)
    try:
        row = conn.execute("SELECT 1 FROM sync_state WHERE key = ?", (mirror.BULK_LOAD,))
        return row.fetchone() is not None
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


def test_killed_while_staging_resumes_and_ends_with_indexes_and_search(
    live_server: Any, make_terminal: Any, tmp_path: Path
) -> None:
    reference = Database(tmp_path / "reference" / DB_FILENAME)
    migrated = _indexes(reference)
    reference.close()
    t = make_terminal("PB1")
    rng = random.Random(7)
    killed_staging = 0
    name = sorted(hq_catalog(live_server).values())[0][1]
    for _ in range(3):
        proc = start_child(SLOW_PULL_CHILD, t.data_dir, "PULLING")
        deadline = time.monotonic() + 30
        while proc.poll() is None and not _bulk_pending(t.data_dir):
            assert time.monotonic() < deadline, "the till never started staging"
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.3))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        with t.db.read() as s:
            staging = s.get(SyncState, mirror.BULK_LOAD) is not None
            items = int(s.scalar(select(func.count()).select_from(Item)) or 0)
            assert s.get(SyncState, mirror.SEARCH_BY_PAGE) is None
        if staging:
            killed_staging += 1
            assert in_snapshot(t)
            assert items == 0, "no half catalog while staging"
            assert t.open_till().search(name) == [], "what the index holds finds no item"
        else:
            assert index_disagreements(t.db) == set()
        assert _indexes(t.db) >= migrated, "no index ever missing"
        if not staging and items:
            break  # that one finished the load before the kill: nothing more to kill
    assert killed_staging, "at least one kill landed while the items were staged"
    assert t.engine.sync_once().last_error is None
    assert not in_snapshot(t)
    with t.db.read() as s:
        assert s.get(SyncState, mirror.BULK_LOAD) is None
    assert _indexes(t.db) == migrated
    hq = hq_catalog(live_server)
    assert till_catalog(t) == hq
    assert index_disagreements(t.db) == set()
    till = t.open_till()
    for sku, name, *_, barcodes, _taxes in random.Random(2).sample(
        sorted(v for v in hq.values() if not v[7]), 5
    ):
        assert name in {i.name for i in till.search(name)}
        assert sku in {i.sku for i in till.search(sku)}
        assert till.scan(next(iter(barcodes))).item.sku == sku


def test_a_till_with_items_re_snapshots_page_by_page(
    live_server: Any, make_terminal: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = make_terminal("PB2")
    staged: list[int] = []
    stage = mirror._stage_items

    def counted(session: Any, org_id: Any, rows: Any) -> None:
        staged.append(len(rows))
        stage(session, org_id, rows)

    monkeypatch.setattr(mirror, "_stage_items", counted)
    assert t.engine.sync_once().last_error is None
    assert staged, "the first snapshot into an empty catalog was staged"
    staged.clear()
    with t.db.write() as s:  # no cursor: HQ answers with a snapshot
        state = s.get(SyncState, "catalog_cursor")
        assert state is not None
        state.value = "0"
    assert t.engine.sync_once().last_error is None
    assert staged == [], "a till with items never stages"
    assert till_catalog(t) == hq_catalog(live_server)
    assert index_disagreements(t.db) == set()
