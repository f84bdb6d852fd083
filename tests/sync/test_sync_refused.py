"""What the till does when HQ (or what stands in front of it) will not take what it sends:
a batch too large is halved once and stays halved; an op too large alone, or a request HQ
calls wrong, stops the queue with a message a person can act on, and the catalog keeps
coming down meanwhile, so the till never sells at yesterday's prices."""

from __future__ import annotations

import random
import uuid
from decimal import Decimal as D

import httpx
import pytest
from sqlalchemy import select

from arcoiris_desktop.sync.client import RequestRefused, SyncClient
from arcoiris_shared.db.inv import Item
from tests.sync.conftest import hq_headers
from tests.sync.helpers import check_invariants, queued, sell


def test_a_batch_too_large_is_halved_and_stays_halved(live_server, make_terminal):
    t = make_terminal("R51")
    t.engine.sync_once()
    t.open_till()
    sold = {"R51": sell(t, random.Random(51), 20)}
    assert queued(t, audits=False) == 21  # the 20 sales and the shift's opening
    n = queued(t)  # with the audit log's entries, more than 12 but fewer than 25
    assert 12 < n < 25
    t.wire.max_ops = 7
    status = t.engine.sync_once()
    assert status.last_error is None and status.waiting == 0
    # 50 -> 25 -> 12 refused, then 6 at a time to the end (n waiting: n, n, 12 refused).
    halves = [(n, 413), (n, 413), (12, 413)] + [(6, 0)] * (n // 6) + [(n % 6, 0)] * (n % 6 > 0)
    assert t.wire.pushes == halves
    check_invariants(live_server, [t], sold)


def test_an_op_too_large_alone_stops_the_queue_but_not_the_catalog(live_server, make_terminal):
    t = make_terminal("R52")
    t.engine.sync_once()
    till = t.open_till()
    sell(t, random.Random(52), 2)
    waiting = queued(t)  # the shift's opening, the two sales and their audit entries
    with httpx.Client(base_url=live_server.url) as hq:
        h = hq_headers(hq, live_server.org_id)
        item = hq.get("/api/inventory/items?limit=1", headers=h).json()["items"][0]
        r = hq.patch(f"/api/inventory/items/{item['id']}", headers=h, json={"price": "7.77"})
        assert r.status_code == 200, r.text
    t.wire.max_ops = 0  # nothing gets through, not even one op
    status = t.engine.sync_once()
    assert status.blocked is not None
    assert "larger than HQ accepts" in status.blocked and "nothing was deleted" in status.blocked
    assert queued(t, audits=False) == 3  # the shift's opening and the two sales
    assert status.waiting == waiting  # all kept
    with t.db.read() as s:
        assert s.get(Item, (live_server.org_id, uuid.UUID(item["id"]))).price == D("7.77")
    found = till.find_item(item["sku"])
    assert found is not None and found.price == D("7.77")

    # HQ's catalog answers badly too: what the till says is still the op that waits.
    t.wire.only, t.wire.plan = "/api/sync/pull", ["5xx"]
    status = t.engine.sync_once()
    assert t.wire.log[-1] == "5xx"
    assert status.last_error is not None and "larger than HQ accepts" in status.last_error
    t.wire.only = "/api/sync/push"

    t.wire.max_ops = None  # the proxy is fixed: the queue drains, the warning goes
    status = t.engine.sync_once()
    assert status.blocked is None and status.waiting == 0


def test_a_request_hq_calls_wrong_is_not_retried_as_if_transient(live_server, make_terminal):
    t = make_terminal("R53")
    client = SyncClient(live_server.url, t.engine.credentials.load(), transport=t.wire)
    try:
        with pytest.raises(RequestRefused, match=r"refused the request \(422\)") as refused:
            client.pull(-1, 10)
        assert refused.value.retry is False
    finally:
        client.close()


def test_an_op_hq_refuses_is_shown_on_the_status_bar_and_listed_with_why(
    qtbot, live_server, make_terminal, tmp_path
):
    from arcoiris_desktop.db.local import OutboxOp
    from arcoiris_desktop.ui.main_window import MainWindow
    from arcoiris_desktop.ui.sync_dialog import SyncDialog

    t = make_terminal("R54")
    t.engine.sync_once()
    till = t.open_till()
    receipts = sell(t, random.Random(54), 2)
    with t.db.write() as s:  # the last sale's total no longer its lines' sum: HQ says no
        row = s.scalars(
            select(OutboxOp).where(OutboxOp.kind == "sale.completed").order_by(OutboxOp.seq.desc())
        ).first()
        assert row is not None and row.payload["sale"]["receipt_code"] == receipts[1]
        payload = dict(row.payload)
        payload["sale"] = {**payload["sale"], "total": "999.00"}
        row.payload = payload
    w = MainWindow(till)
    qtbot.addWidget(w)
    w.show()
    w._poke_sync()
    qtbot.waitUntil(lambda: w.last_sync is not None and w.last_sync.rejected == 1, timeout=10_000)
    assert w.queue.text().startswith("⚠ 1 refused by HQ · Online · 0 waiting")
    w.show_sync()
    qtbot.waitUntil(lambda: isinstance(w.active_dialog, SyncDialog))
    dialog = w.active_dialog
    assert dialog.tabs.currentWidget() is dialog.refused
    assert dialog.refused.rowCount() == 1
    assert dialog.refused.item(0, 2).text() == receipts[1]
    assert "sum of the lines" in dialog.refused.item(0, 3).text()
    dialog.grab().save(str(tmp_path / "sync-refused.png"))
    for size in ((1024, 768), (1920, 1080)):  # as a till's screen shows it
        w.resize(*size)
        qtbot.wait(20)
        w.grab().save(str(tmp_path / f"window-refused-{size[0]}x{size[1]}.png"))
    dialog.close()
    w.close()
