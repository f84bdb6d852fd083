"""Several tills selling the same few items at the same moment, each pushing as it sells,
against one HQ: their pushes meet in HQ's group commit and on the same stock rows. Every
sale arrives once, the shared items' stock at HQ moved by exactly what the tills sold, and
the books balance."""

from __future__ import annotations

import random
import threading
import uuid
from decimal import Decimal as D

from sqlalchemy import select

from arcoiris_shared.db.inv import ItemBarcode
from tests.sync.conftest import Terminal, hq_level
from tests.sync.helpers import check_invariants, drain


def test_tills_selling_the_same_items_at_once(live_server, make_terminal):
    tills = [make_terminal(f"C{k}") for k in range(4)]
    for t in tills:
        t.engine.sync_once()
        t.open_till()
    with tills[0].db.read() as s:
        shared = [
            (c, i)
            for c, i in s.execute(select(ItemBarcode.barcode, ItemBarcode.item_id))
            if not c.startswith("2")
        ][:3]
    store = tills[0].till.config.location_id
    before = {i: hq_level(live_server, i, store) for _, i in shared}
    sold: dict[str, list[str]] = {}
    units: dict[uuid.UUID, D] = {i: D(0) for _, i in shared}
    lock = threading.Lock()
    start = threading.Barrier(len(tills), timeout=30)
    failures: list[BaseException] = []

    def sell_and_push(t: Terminal, seed: int) -> None:
        try:
            rng = random.Random(seed)
            till = t.till
            assert till is not None
            cashier = next(s for s in till.staff() if s.role == "cashier")
            start.wait()
            for _ in range(6):
                cart = till.new_cart()
                for code, item_id in shared:
                    qty = D(rng.randint(1, 3))
                    cart.add_scan(till.scan(code), qty)
                    with lock:
                        units[item_id] += qty
                tender = till.new_tender(cart.totals().total)
                tender.add_card(None, f"AUTH{rng.randint(1000, 9999)}")
                receipt = till.complete(cart, tender, cashier).receipt_code
                with lock:
                    sold.setdefault(till.config.terminal_code, []).append(receipt)
                t.engine.sync_once()  # as the runner does after every sale
        except BaseException as exc:  # reported below, on the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=sell_and_push, args=(t, k)) for k, t in enumerate(tills)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not any(th.is_alive() for th in threads), "a till is still selling"
    assert not failures, failures
    for t in tills:
        drain(t)
    for _, item_id in shared:
        assert hq_level(live_server, item_id, store) == before[item_id] - units[item_id]
    check_invariants(live_server, tills, sold)
