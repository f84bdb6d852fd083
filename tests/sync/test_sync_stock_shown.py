"""The level a till shows, through the gap between HQ's acknowledgement and the next stock
pull: HQ's level + what HQ has not counted yet, never a movement missing, never twice."""

from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy import func, select

from arcoiris_desktop.db.local import AckedMovement
from arcoiris_desktop.stock.service import MoveLine
from arcoiris_shared.db.inv import ItemBarcode
from tests.sync.conftest import Terminal


def _acked(t: Terminal) -> int:
    with t.db.read() as s:
        return s.scalar(select(func.count()).select_from(AckedMovement)) or 0


def test_a_sale_hq_acknowledged_stays_counted_until_its_levels_arrive(make_terminal):
    t = make_terminal("S1")
    t.engine.sync_once()
    till = t.open_till()
    t.engine.sync_once()  # the shift goes up; levels as HQ has them
    with t.db.read() as s:
        code = sorted(c for c in s.scalars(select(ItemBarcode.barcode)) if not c.startswith("2"))[0]
    item = till.scan(code).item
    start = till.stock_of(item.item_id)

    cashier = next(s for s in till.staff() if s.role == "cashier")
    manager = next(s for s in till.staff() if s.role == "manager")
    cart = till.new_cart()
    cart.add_scan(till.scan(code), D(3))
    tender = till.new_tender(cart.totals().total)
    tender.add_card(None, "AUTH1")
    till.complete(cart, tender, cashier)
    till.receive_stock(manager, [MoveLine(item.item_id, D(10))], note="delivery")
    assert till.stock_of(item.item_id) == start + 7

    # HQ acknowledges both ops, then the stock pull is lost on the wire.
    t.wire.only, t.wire.plan = "/api/sync/stock", ["drop_before"]
    status = t.engine.sync_once()
    assert status.waiting == 0 and status.last_error is not None
    assert _acked(t) == 2, "acknowledged, but not in the levels the till holds"
    assert till.stock_of(item.item_id) == start + 7, "nothing missing in the gap"

    # The next pull brings HQ's levels, which count both ops: the till stops adding them.
    status = t.engine.sync_once()
    assert status.last_error is None
    assert _acked(t) == 0
    assert till.stock_of(item.item_id) == start + 7, "and nothing counted twice"
