"""The level a till shows, through the gap between HQ's acknowledgement and the next stock
pull: HQ's level + what HQ has not counted yet, never a movement missing, never twice."""

from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy import func, select

from arcoiris_desktop.db.local import AckedMovement
from arcoiris_desktop.stock.service import MoveLine
from arcoiris_shared.db.inv import ItemBarcode
from tests.sync.conftest import Terminal, hq_level


def _card_sale(till, code: str, qty: D) -> None:
    cashier = next(s for s in till.staff() if s.role == "cashier")
    cart = till.new_cart()
    cart.add_scan(till.scan(code), qty)
    tender = till.new_tender(cart.totals().total)
    tender.add_card(None, "AUTH1")
    till.complete(cart, tender, cashier)


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

    manager = next(s for s in till.staff() if s.role == "manager")
    _card_sale(till, code, D(3))
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


def test_a_stock_pull_broken_off_and_resumed_after_more_acks_counts_nothing_twice(
    live_server, make_terminal
):
    """The first pass of levels is cut after its first page; the till sells an item whose
    level is on a later page, and HQ acknowledges it; the pass resumes and brings that level,
    which already counts the sale. The till shows HQ's level: the sale once."""
    t = make_terminal("S2")
    t.wire.only, t.wire.plan = "/api/sync/stock", ["ok", "drop_before"]
    status = t.engine.sync_once()
    assert status.last_error is not None  # the catalog is in; levels only for page one
    till = t.open_till()
    with t.db.read() as s:
        codes = [c for c in s.scalars(select(ItemBarcode.barcode)) if not c.startswith("2")]
    code = max(codes, key=lambda c: till.scan(c).item.item_id)  # on the pass's last page
    item = till.scan(code).item
    _card_sale(till, code, D(3))

    status = t.engine.sync_once()  # the sale is acknowledged, then the pass goes on
    assert status.last_error is None and status.waiting == 0
    at_hq = hq_level(live_server, item.item_id, till.config.location_id)
    assert till.stock_of(item.item_id) == at_hq
    assert _acked(t) == 0
