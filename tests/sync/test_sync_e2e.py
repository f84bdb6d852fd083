"""Terminals and HQ over a real loopback connection, through every fault the wire can make.

After the faults stop and the queues drain, the invariants: every sale exactly once at HQ,
stock = opening + Σ movements, every journal balances, and each till's catalog equals
HQ's at its cursor.
"""

from __future__ import annotations

import random
import uuid
from decimal import Decimal as D

from sqlalchemy import create_engine, func, select, text

from arcoiris_desktop.db.local import OutboxOp, StaffMember
from arcoiris_shared.db.inv import Item, ItemBarcode
from arcoiris_shared.db.pos import Sale
from tests.sync.conftest import Terminal, hq_headers


def _sell(t: Terminal, rng: random.Random, n: int) -> list[str]:
    till = t.till or t.open_till()
    cashier = next(s for s in till.staff() if s.role == "cashier")
    with t.db.read() as s:
        codes = [c for c in s.scalars(select(ItemBarcode.barcode)) if not c.startswith("2")]
    receipts = []
    for _ in range(n):
        cart = till.new_cart()
        for code in rng.sample(codes, rng.randint(1, 3)):
            cart.add_scan(till.scan(code), D(rng.randint(1, 3)))
        tender = till.new_tender(cart.totals().total)
        if rng.random() < 0.5:
            tender.add_card(None, f"AUTH{rng.randint(1000, 9999)}")
        else:
            tender.add_cash(tender.cash_due + D(rng.randint(0, 20)))
        receipts.append(till.complete(cart, tender, cashier).receipt_code)
    return receipts


def _drain(t: Terminal, rounds: int = 30) -> None:
    for _ in range(rounds):
        status = t.engine.sync_once()
        if status.waiting == 0 and status.last_error is None:
            return
    raise AssertionError(f"queue did not drain: {t.engine.status}")


def _hq(live_server):
    return create_engine(live_server.database_url)


def _check_invariants(live_server, terminals: list[Terminal], sold: dict[str, list[str]]):
    hq = _hq(live_server)
    try:
        with hq.connect() as c:
            org = live_server.org_id
            for t in terminals:
                cfg = t.till.config if t.till else None
                assert cfg is not None
                codes = (
                    c.execute(
                        text(
                            "SELECT receipt_code FROM pos.sales "
                            "WHERE org_id = :o AND terminal_id = :t"
                        ),
                        {"o": org, "t": cfg.terminal_id},
                    )
                    .scalars()
                    .all()
                )
                assert sorted(codes) == sorted(sold[cfg.terminal_code]), "every sale, once"
                with t.db.read() as s:
                    assert s.scalar(select(func.count()).select_from(OutboxOp)) == 0
            unbalanced = c.execute(
                text(
                    "SELECT journal_id FROM acct.journal_lines WHERE org_id = :o "
                    "GROUP BY journal_id HAVING sum(debit) <> sum(credit)"
                ),
                {"o": org},
            ).all()
            assert unbalanced == []
            tb = c.execute(
                text("SELECT sum(debit) - sum(credit) FROM acct.journal_lines WHERE org_id = :o"),
                {"o": org},
            ).scalar()
            assert tb == 0
            wrong_stock = c.execute(
                text(
                    "SELECT l.item_id FROM inv.stock_levels l LEFT JOIN ("
                    "  SELECT item_id, location_id, sum(quantity) q FROM inv.stock_movements "
                    "  WHERE org_id = :o GROUP BY item_id, location_id) m "
                    "ON m.item_id = l.item_id AND m.location_id = l.location_id "
                    "WHERE l.org_id = :o AND l.quantity <> coalesce(m.q, 0)"
                ),
                {"o": org},
            ).all()
            assert wrong_stock == [], "stock = opening + Σ movements"
            sales_total = c.execute(
                text("SELECT coalesce(sum(total), 0) FROM pos.sales WHERE org_id = :o"), {"o": org}
            ).scalar()
            revenue = c.execute(
                text(
                    "SELECT coalesce(sum(jl.credit - jl.debit), 0) FROM acct.journal_lines jl "
                    "JOIN acct.chart_of_accounts a "
                    "ON a.org_id = jl.org_id AND a.id = jl.account_id "
                    "WHERE jl.org_id = :o AND a.system_key IN ('sales_revenue', 'sales_refunds', "
                    "'tax_payable')"
                ),
                {"o": org},
            ).scalar()
            assert revenue == sales_total, "takings in the books to the cent"
    finally:
        hq.dispose()


def _catalog_matches(live_server, t: Terminal) -> None:
    hq = _hq(live_server)
    try:
        with hq.connect() as c:
            server_items = {
                (str(r[0]), r[1], r[2], r[3])
                for r in c.execute(
                    text("SELECT id, sku, name, price FROM inv.items WHERE org_id = :o"),
                    {"o": live_server.org_id},
                )
            }
        with t.db.read() as s:
            local = {(str(i.id), i.sku, i.name, i.price) for i in s.scalars(select(Item))}
            staff = {m.full_name for m in s.scalars(select(StaffMember))}
        assert local == server_items
        assert {"Marta Manager", "Carlos Cashier"} <= staff
    finally:
        hq.dispose()


def test_enrol_snapshot_sell_and_push(live_server, make_terminal):
    t = make_terminal("T11")
    status = t.engine.sync_once()
    assert status.last_error is None and status.catalog_version > 0
    _catalog_matches(live_server, t)
    till = t.open_till()
    assert till.config.currency == "EUR" and till.config.store_name.startswith("Arcoiris")
    sold = {"T11": _sell(t, random.Random(1), 5)}
    assert t.engine.refresh_status().waiting == 6  # shift.opened, then the five sales
    _drain(t)
    _check_invariants(live_server, [t], sold)


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
        sold["T12"] += _sell(t, rng, 3)
        t.wire.plan = [fault]
        status = t.engine.sync_once()
        if fault in ("drop_before", "drop_after", "5xx", "timeout_before", "timeout_after"):
            assert status.last_error is not None
            assert status.online is (fault == "5xx")
            assert t.engine.next_delay() <= 60
    _drain(t)
    assert "drop_after" in t.wire.log
    _check_invariants(live_server, [t], sold)


def test_two_terminals_sell_the_same_items_offline_then_reconnect(live_server, make_terminal):
    a, b = make_terminal("T21"), make_terminal("T22")
    for t in (a, b):
        t.engine.sync_once()
        t.open_till()
    # The network goes away: both keep selling.
    for t in (a, b):
        t.wire.plan = ["drop_before"] * 3
    sold = {"T21": _sell(a, random.Random(21), 6), "T22": _sell(b, random.Random(22), 6)}
    for t in (a, b):
        assert t.engine.sync_once().online is False
    for t in (a, b):
        _drain(t)
    _check_invariants(live_server, [a, b], sold)


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
    _catalog_matches(live_server, t)


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
    _sell(t, random.Random(41), 2)
    status = t.engine.sync_once()
    assert status.blocked and "revoked" in status.blocked
    assert status.waiting == 3  # the shift's opening and the two sales
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
    _drain(t)
    assert till.stock_of(item.item_id) == start - 2  # acked: inside HQ's level, not twice
    hq = _hq(live_server)
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
    _sell(t, random.Random(61), 2)
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

    t = make_terminal("T81")
    t.engine.sync_once()
    till = t.open_till()
    _sell(t, random.Random(81), 4)
    _drain(t)
    with t.db.read() as s:
        mine = s.scalars(select(Sale).where(Sale.terminal_id == till.config.terminal_id)).all()
        local_total = sum(x.total for x in mine)
    with httpx.Client(base_url=live_server.url) as hq:
        h = hq_headers(hq, live_server.org_id, "manager")
        by_terminal = hq.get("/api/reports/takings?group_by=terminal", headers=h).json()
        row = next(r for r in by_terminal["rows"] if r["key"] == str(till.config.terminal_id))
        assert D(row["takings"]) == local_total and row["sales"] == 4
        for group in ("day", "store", "tender"):
            report = hq.get(f"/api/reports/takings?group_by={group}", headers=h).json()
            assert D(report["total"]) == D(by_terminal["total"]), group
        r = hq.get("/api/reports/takings", headers=hq_headers(hq, live_server.org_id, "cashier"))
        assert r.status_code == 403
