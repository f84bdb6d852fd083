"""A till told to take a snapshot again (its cursor is older than HQ's change log keeps, or
HQ's catalog rows changed shape) replaces its catalog and keeps every op still waiting for
HQ: the queue drains afterwards, exactly once."""

from __future__ import annotations

import random

import httpx
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from arcoiris_desktop.db.local import SyncState
from arcoiris_shared.sync_protocol import CATALOG_SCHEMA
from sync_server.changelog import service as changelog
from sync_server.sync import pull as pull_service
from tests.sync.conftest import hq_headers
from tests.sync.helpers import catalog_matches, check_invariants, queued, sell


def _state(t, key: str) -> str | None:
    with t.db.read() as s:
        row = s.get(SyncState, key)
        return row.value if row is not None else None


def test_a_till_behind_the_log_or_on_an_old_schema_snapshots_and_keeps_its_queue(
    live_server, make_terminal, monkeypatch
):
    t = make_terminal("Q1")
    t.engine.sync_once()
    assert _state(t, "catalog_schema") == str(CATALOG_SCHEMA)
    t.open_till()
    sold = {"Q1": sell(t, random.Random(71), 3)}
    waiting = queued(t)  # the shift's opening, the three sales and their audit entries
    with httpx.Client(base_url=live_server.url) as hq:
        h = hq_headers(hq, live_server.org_id)
        item = hq.get("/api/inventory/items?limit=1", headers=h).json()["items"][0]
        r = hq.patch(f"/api/inventory/items/{item['id']}", headers=h, json={"price": "3.33"})
        assert r.status_code == 200, r.text
    engine = create_engine(live_server.database_url)
    try:
        with Session(engine) as s:  # HQ forgets every change made so far
            floor = changelog.prune(s, org_id=live_server.org_id, keep=0)
            s.commit()
    finally:
        engine.dispose()
    assert int(_state(t, "catalog_cursor") or 0) < floor

    t.wire.max_ops = 0  # the push is refused; the pull goes on, and it is told to snapshot
    status = t.engine.sync_once()
    assert status.blocked is not None and "larger than HQ accepts" in status.blocked
    assert queued(t, audits=False) == 4  # the shift's opening and the three sales
    assert status.waiting == waiting  # all kept, audit entries too
    assert int(_state(t, "catalog_cursor") or 0) >= floor
    catalog_matches(live_server, t)  # the new price came with the snapshot

    # HQ's rows change shape: every till loaded under the old one takes a snapshot.
    t.wire.max_ops = None
    monkeypatch.setattr(pull_service, "CATALOG_SCHEMA", CATALOG_SCHEMA + 1)
    status = t.engine.sync_once()
    assert status.last_error is None and status.waiting == 0
    assert _state(t, "catalog_schema") == str(CATALOG_SCHEMA + 1)
    catalog_matches(live_server, t)
    check_invariants(live_server, [t], sold)


def test_a_row_hq_deletes_comes_down_as_a_tombstone(live_server, make_terminal):
    from arcoiris_shared.db.pos import Customer

    t = make_terminal("Q2")
    t.engine.sync_once()
    with httpx.Client(base_url=live_server.url) as hq:
        h = hq_headers(hq, live_server.org_id)
        r = hq.post(
            "/api/pos/customers", headers=h, json={"name": "Erase Me", "phone": "600111222"}
        )
        assert r.status_code in (200, 201), r.text
        customer_id = r.json()["id"]
    t.engine.sync_once()
    with t.db.read() as s:
        assert s.scalar(select(Customer.is_active).where(Customer.name == "Erase Me")) is True
    engine = create_engine(live_server.database_url)
    try:
        with Session(engine) as s:  # erased at HQ (no sale points at it there)
            s.execute(
                text("DELETE FROM pos.customers WHERE org_id = :o AND id = :c"),
                {"o": live_server.org_id, "c": customer_id},
            )
            changelog.record(
                s, org_id=live_server.org_id, changes=[("customer", customer_id)], deleted=True
            )
            s.commit()
    finally:
        engine.dispose()
    status = t.engine.sync_once()
    assert status.last_error is None
    with t.db.read() as s:  # kept for the till's own records, never offered again
        assert s.scalar(select(Customer.is_active).where(Customer.name == "Erase Me")) is False
    assert t.open_till().find_customers("Erase") == []
