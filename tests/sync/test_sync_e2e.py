"""Terminals and HQ over a real loopback connection, through every fault the wire can make.

After the faults stop and the queues drain, the invariants: every sale exactly once at HQ,
stock = opening + Σ movements, every journal balances, and each till's catalog equals
HQ's at its cursor.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal as D

from sqlalchemy import func, select, text

from arcoiris_shared.db.inv import Item, ItemBarcode
from arcoiris_shared.db.pos import Sale
from tests.sync.conftest import hq_headers
from tests.sync.helpers import (
    catalog_matches,
    check_invariants,
    drain,
    hq_engine,
    queued,
    sell,
)


def test_enrol_snapshot_sell_and_push(live_server, make_terminal):
    t = make_terminal("T11")
    status = t.engine.sync_once()
    assert status.last_error is None and status.catalog_version > 0
    catalog_matches(live_server, t)
    till = t.open_till()
    assert till.config.currency == "EUR" and till.config.store_name.startswith("Arcoiris")
    sold = {"T11": sell(t, random.Random(1), 5)}
    assert queued(t, audits=False) == 6  # shift.opened, then the five sales
    assert t.engine.refresh_status().waiting == queued(t)  # and their audit entries
    drain(t)
    check_invariants(live_server, [t], sold)


def test_every_fault_on_the_wire_and_still_exactly_once(live_server, make_terminal):
    t = make_terminal("T12")
    t.engine.sync_once()
    t.open_till()
    rng = random.Random(12)
    sold = {"T12": []}
    faults = [
        "drop_before",
        "drop_after",
        "5xx",
        "timeout_before",
        "timeout_after",
        "duplicate",
        "replay_old",
        "drop_after",
        "duplicate",
    ]
    for fault in faults:
        sold["T12"] += sell(t, rng, 3)
        t.wire.plan = [fault]
        status = t.engine.sync_once()
        if fault in ("drop_before", "drop_after", "5xx", "timeout_before", "timeout_after"):
            assert status.last_error is not None
            assert status.online is (fault == "5xx")
            assert t.engine.next_delay() <= 60
    drain(t)
    assert "drop_after" in t.wire.log
    check_invariants(live_server, [t], sold)


def test_two_terminals_sell_the_same_items_offline_then_reconnect(live_server, make_terminal):
    a, b = make_terminal("T21"), make_terminal("T22")
    for t in (a, b):
        t.engine.sync_once()
        t.open_till()
    # The network goes away: both keep selling.
    for t in (a, b):
        t.wire.plan = ["drop_before"] * 3
    sold = {"T21": sell(a, random.Random(21), 6), "T22": sell(b, random.Random(22), 6)}
    for t in (a, b):
        assert t.engine.sync_once().online is False
    for t in (a, b):
        drain(t)
    check_invariants(live_server, [a, b], sold)


def test_catalog_changes_at_hq_reach_the_till(live_server, make_terminal):
    import httpx

    t = make_terminal("T31")
    t.engine.sync_once()
    with httpx.Client(base_url=live_server.url) as hq:
        h = hq_headers(hq, live_server.org_id)
        item = hq.get("/api/inventory/items?limit=1", headers=h).json()["items"][0]
        r = hq.patch(
            f"/api/inventory/items/{item['id']}",
            headers=h,
            json={"price": "9.87", "name": "Renamed at HQ"},
        )
        assert r.status_code == 200, r.text
        new = hq.post(
            "/api/inventory/items",
            headers=h,
            json={
                "sku": f"NEW-{uuid.uuid4().hex[:6]}",
                "name": "Brand new thing",
                "price": "1.23",
                "barcodes": ["96385074"],
            },
        ).json()
    t.engine.sync_once()
    till = t.open_till()
    assert till.scan("96385074").item.name == "Brand new thing"
    with t.db.read() as s:
        renamed = s.get(Item, (live_server.org_id, uuid.UUID(item["id"])))
        assert renamed.name == "Renamed at HQ" and renamed.price == D("9.87")
    assert [i.name for i in till.search("renamed at")] == ["Renamed at HQ"]
    del new
    catalog_matches(live_server, t)


def test_revoked_terminal_keeps_selling_and_its_queue(live_server, make_terminal):
    import httpx

    t = make_terminal("T41")
    t.engine.sync_once()
    t.open_till()
    with httpx.Client(base_url=live_server.url) as hq:
        h = hq_headers(hq, live_server.org_id, "manager")
        hq.patch(
            f"/api/pos/terminals/{t.till.config.terminal_id}", headers=h, json={"status": "revoked"}
        )
    sell(t, random.Random(41), 2)
    waiting = queued(t)  # the shift's opening, the two sales and their audit entries
    status = t.engine.sync_once()
    assert status.blocked and "revoked" in status.blocked
    assert queued(t, audits=False) == 3  # the shift's opening and the two sales
    assert status.waiting == waiting  # all kept
    with t.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 2


def test_stock_on_the_till_is_hq_level_plus_what_hq_has_not_seen(live_server, make_terminal):
    t = make_terminal("T51")
    t.engine.sync_once()
    till = t.open_till()
    cashier = next(s for s in till.staff() if s.role == "cashier")
    with t.db.read() as s:
        code = next(c for c in s.scalars(select(ItemBarcode.barcode)) if not c.startswith("2"))
    item = till.scan(code).item
    start = till.stock_of(item.item_id)

    def sell(qty: int) -> None:
        cart = till.new_cart()
        cart.add_scan(till.scan(code), D(qty))
        tender = till.new_tender(cart.totals().total)
        tender.add_card(None, "AUTH")
        till.complete(cart, tender, cashier)

    sell(2)
    assert till.stock_of(item.item_id) == start - 2  # offline: counted from the queue
    drain(t)
    assert till.stock_of(item.item_id) == start - 2  # acked: inside HQ's level, not twice
    hq = hq_engine(live_server)
    with hq.connect() as c:
        level = c.execute(
            text("SELECT quantity FROM inv.stock_levels WHERE org_id = :o AND item_id = :i"),
            {"o": live_server.org_id, "i": item.item_id},
        ).scalar()
    hq.dispose()
    assert level == start - 2
    sell(1)
    assert till.stock_of(item.item_id) == start - 3


def test_the_window_syncs_in_the_background_and_shows_it(qtbot, live_server, make_terminal):
    from arcoiris_desktop.ui.main_window import MainWindow
    from arcoiris_desktop.ui.sync_dialog import SyncDialog

    t = make_terminal("T61")
    t.engine.sync_once()
    till = t.open_till()
    w = MainWindow(till)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.last_sync is not None and w.last_sync.online, timeout=10_000)
    assert w.queue.text().startswith("Online · 0 waiting")
    sell(t, random.Random(61), 2)
    w._poke_sync()
    qtbot.waitUntil(
        lambda: w.last_sync.waiting == 0 and "0 waiting" in w.queue.text(), timeout=10_000
    )
    w.show_sync()
    qtbot.waitUntil(lambda: isinstance(w.active_dialog, SyncDialog))
    w.grab().save(str(t.data_dir / "window.png"))
    w.close()


def test_hq_takings_match_what_the_tills_recorded(live_server, make_terminal):
    import httpx

    # HQ is the session's: earlier tests' tills sold there too, one with cash rounded to
    # 0.05 (which HQ's by-tender figures include, as it went into the drawer). The report is
    # read from this test's start, so it is this till's day.
    since = {"since": dt.datetime.now(dt.UTC).isoformat()}
    t = make_terminal("T81")
    t.engine.sync_once()
    till = t.open_till()
    sell(t, random.Random(81), 4)
    drain(t)
    with t.db.read() as s:
        mine = s.scalars(select(Sale).where(Sale.terminal_id == till.config.terminal_id)).all()
        local_total = sum(x.total for x in mine)
    with httpx.Client(base_url=live_server.url) as hq:
        h = hq_headers(hq, live_server.org_id, "manager")
        by_terminal = hq.get(
            "/api/reports/takings", params={"group_by": "terminal", **since}, headers=h
        ).json()
        row = next(r for r in by_terminal["rows"] if r["key"] == str(till.config.terminal_id))
        assert D(row["takings"]) == local_total and row["sales"] == 4
        for group in ("day", "store", "tender"):
            report = hq.get(
                "/api/reports/takings", params={"group_by": group, **since}, headers=h
            ).json()
            assert D(report["total"]) == D(by_terminal["total"]), group
        r = hq.get("/api/reports/takings", headers=hq_headers(hq, live_server.org_id, "cashier"))
        assert r.status_code == 403
