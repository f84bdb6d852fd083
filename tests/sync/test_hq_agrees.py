"""HQ works out every Z itself, from what the tills sent, and gets what the tills printed.

Two real tills against the real server: a day of sales with line and sale discounts, split
tenders, cash rounded to 0.05 on one till, refunds against receipts, money paid in and out,
and a short count; both shifts closed and synced. Each till's Z (as ``close_shift`` returned
it, and as ``past_z_report`` reprints it) is then HQ's ``/api/pos/shifts/{id}/z`` to the
cent, and HQ's whole-store takings for a till are both tills' own figures summed. And a
till offline across a close and a reopen: HQ puts every sale in the shift the till did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import types
import uuid
from collections.abc import Iterator
from decimal import Decimal as D
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, text

from arcoiris_desktop.reports.store import StoreUnavailable, store_takings
from arcoiris_desktop.reports.takings import Period
from arcoiris_desktop.sync.client import SyncClient
from arcoiris_shared import takings
from arcoiris_shared.db.inv import ItemBarcode
from arcoiris_shared.db.pos import Sale, Shift
from arcoiris_shared.demo import DEMO_STAFF
from tests.sync.conftest import Terminal, enrol_terminal, hq_headers
from tests.sync.helpers import drain, hq_engine

MANAGER_PIN = next(s.pin for s in DEMO_STAFF if s.role == "manager")
SUMMED = (
    "sales_count",
    "refunds_count",
    "sales_total",
    "refunds_total",
    "gross",
    "discounts",
    "net_excl_tax",
    "tax_total",
    "cash_rounding",
    "items_sold",
    "cash_sales",
    "cash_refunds",
    "paid_in",
    "paid_out",
    "movements_count",
)
"""The figures of a store that are the sums of its tills'."""


def _people(t: Terminal):
    till = t.till or t.open_till()
    staff = till.staff()
    manager = next(s for s in staff if s.role == "manager")
    cashier = next(s for s in staff if s.role == "cashier")
    return till, manager, cashier


def _codes(t: Terminal) -> list[str]:
    with t.db.read() as s:
        return sorted(c for c in s.scalars(select(ItemBarcode.barcode)) if not c.startswith("2"))


def _sell(till, cashier, codes, *, line_discount=False, sale_discount=False, split=False):
    cart = till.new_cart()
    for code in codes:
        cart.add_scan(till.scan(code), D(2))
    if line_discount:  # 5 %: within what a cashier may give
        cart.set_line_discount(0, cart.percent_discount(D(5), 0))
    if sale_discount:
        cart.set_sale_discount(cart.percent_discount(D(4)))
    tender = till.new_tender(cart.totals().total)
    if split:
        tender.add_card(D("1.00"), "AUTH1234")
    tender.add_cash(tender.cash_due + D("0.55"))  # change given
    return till.complete(cart, tender, cashier)


def _card(till, cashier, codes):
    cart = till.new_cart()
    for code in codes:
        cart.add_scan(till.scan(code), D(1))
    tender = till.new_tender(cart.totals().total)
    tender.add_card(None, "AUTH9999")
    return till.complete(cart, tender, cashier)


def _a_shift(t: Terminal, rng: random.Random, *, short: D) -> Any:
    """A shift's trading on ``t``, closed ``short`` under what the till expects; the Z."""
    till, manager, cashier = _people(t)
    codes = _codes(t)
    # An item at odd cents first: two of it cost a sum cash rounding moves.
    odd = next(c for c in codes if (till.scan(c).item.price * 2) % D("0.05"))
    first = _sell(till, cashier, [odd, *rng.sample(codes, 1)], line_discount=True)
    second = _sell(till, cashier, rng.sample(codes, 3), sale_discount=True, split=True)
    _sell(till, cashier, rng.sample(codes, 2), line_discount=True, sale_discount=True, split=True)
    _card(till, cashier, rng.sample(codes, 2))
    for done, to in ((first, "original"), (second, "cash")):
        original = till.find_for_return(done.receipt_code)
        ok = till.approve(MANAGER_PIN, action="refund", cashier=cashier, details={})
        till.refund(original, {1: D(1)}, to=to, cashier=cashier, approval=ok)
    paid_in = next(iter(till.cash_accounts("paid_in")))
    paid_out = next(iter(till.cash_accounts("paid_out")))
    till.pay_in_out(
        manager, kind="paid_in", amount=D("20.00"), account=paid_in, reason="Change from the bank"
    )
    till.pay_in_out(
        manager, kind="paid_out", amount=D("7.35"), account=paid_out, reason="Window cleaner"
    )
    expected = till.x_report(manager).expected_cash
    z = till.close_shift(
        manager, counted_cash=expected - short, reason="Coins dropped behind the drawer"
    )
    return z


def _hq_z(hq: httpx.Client, headers: dict[str, str], shift_id: uuid.UUID) -> dict[str, Any]:
    r = hq.get(f"/api/pos/shifts/{shift_id}/z", headers=headers)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _money(value: str | None) -> D | None:
    return None if value is None else D(value)


def _same_z(report: Any, hq: dict[str, Any], till_figs: takings.ZFigures) -> None:
    """The till's Z report is HQ's Z to the cent, figure by figure."""
    assert hq["z_number"] == report.z_number is not None
    assert hq["sales_count"] == report.sales_count
    assert hq["refunds_count"] == report.refunds_count
    assert D(hq["sales_total"]) == report.sales_total
    assert D(hq["refunds_total"]) == report.refunds_total
    assert D(hq["net_takings"]) == report.net_takings
    # discounts: see test_hq_and_the_till_count_discounts_alike
    assert D(hq["tax_total"]) == report.tax_total
    assert D(hq["cash_rounding"]) == report.cash_rounding
    assert {t["method"]: (t["count"], D(t["amount"])) for t in hq["by_tender"]} == {
        t.method: (t.count, t.amount) for t in report.by_tender
    }
    assert D(hq["cash_sales"]) == report.cash_sales
    assert D(hq["cash_refunds"]) == report.cash_refunds
    assert D(hq["paid_in"]) == report.paid_in_total
    assert D(hq["paid_out"]) == report.paid_out_total
    assert D(hq["opening_float"]) == report.opening_float
    assert D(hq["expected_cash"]) == report.expected_cash
    assert _money(hq["counted_cash"]) == report.counted_cash
    assert _money(hq["over_short"]) == report.over_short
    assert hq["over_short_reason"] == report.over_short_reason
    # Tax by rate is not on the printed Z: the till's own figures, by the same definition.
    assert [(t["code"], D(t["base"]), D(t["amount"])) for t in hq["tax_by_rate"]] == [
        (t.code, t.base, t.amount) for t in till_figs.figures.tax_by_rate
    ]
    assert hq["agrees"] is True
    assert D(hq["till_expected_cash"]) == report.expected_cash


def _till_z(t: Terminal, shift_id: uuid.UUID) -> takings.ZFigures:
    with t.db.read() as s:
        shift = s.get(Shift, (t.till.config.org_id, shift_id))  # type: ignore[union-attr]
        assert shift is not None
        return takings.z_figures(s, shift)


def _till_figures(t: Terminal, day: dt.date) -> takings.Figures:
    config = t.till.config  # type: ignore[union-attr]
    start, end = takings.day_range(day, config.timezone)
    with t.db.read() as s:
        return takings.figures(
            s,
            takings.Scope(
                org_id=config.org_id, terminal_ids=(config.terminal_id,), start=start, end=end
            ),
        )


def _tenders(f: takings.Figures) -> dict[str, D]:
    return {t.method: t.amount for t in f.by_tender}


@dataclasses.dataclass
class Day:
    tills: list[tuple[Terminal, Any]]  # (terminal, its Z as close_shift returned it)
    period: Period
    before: takings.Figures  # HQ's store figures before the day's trading
    hq_z: dict[uuid.UUID, dict[str, Any]]


@pytest.fixture(scope="module")
def day(live_server, tmp_path_factory) -> Iterator[Day]:
    """Two tills' shifts traded, closed (short) and synced; HQ's Z of each."""
    rng = random.Random(12)
    base = tmp_path_factory.mktemp("hq-agrees")
    one, two = (enrol_terminal(live_server, base / code, code) for code in ("HQZ1", "HQZ2"))
    try:
        for t in (one, two):
            drain(t)  # the catalog and the staff
            t.open_till()
        till = one.till
        assert till is not None
        till.config = dataclasses.replace(till.config, cash_rounding_increment=D("0.05"))
        today = dt.datetime.now(ZoneInfo(till.config.timezone)).date()
        period = Period(today, today)
        before = store_takings(one.engine, till.config, period).figures
        z_one = _a_shift(one, rng, short=D("0.40"))
        z_two = _a_shift(two, rng, short=D("1.00"))
        assert z_one.cash_rounding != 0  # the rounding did happen on till one
        assert z_one.paid_out_total == D("-7.35") and z_one.over_short == D("-0.40")
        for t in (one, two):
            drain(t)
        with httpx.Client(base_url=live_server.url) as hq:
            headers = hq_headers(hq, live_server.org_id, "manager")
            hq_z = {z.shift_id: _hq_z(hq, headers, z.shift_id) for z in (z_one, z_two)}
        yield Day([(one, z_one), (two, z_two)], period, before, hq_z)
    finally:
        for t in (one, two):
            t.db.close()


def test_hq_z_is_the_tills_z_to_the_cent(day: Day):
    for t, z in day.tills:
        assert t.till is not None
        hq_z = day.hq_z[z.shift_id]
        mine = _till_z(t, z.shift_id)
        _same_z(z, hq_z, mine)
        _same_z(t.till.past_z_report(z.shift_id), hq_z, mine)  # and as it is reprinted


def test_hq_and_the_till_count_discounts_alike(day: Day):
    """Discounts given are the sales' (a refund hands back a discounted price; it gives no
    discount): the till's Z and HQ's say the same."""
    for _, z in day.tills:
        assert D(day.hq_z[z.shift_id]["discounts"]) == z.discount_total


def test_hq_whole_store_is_both_tills_summed(day: Day):
    (one, _), (two, _) = day.tills
    assert one.till is not None
    figs, compared, as_of, names = store_takings(one.engine, one.till.config, day.period)
    assert as_of is not None and compared.sales_count >= 0
    ours = [_till_figures(t, day.period.first) for t in (one, two)]
    for name in SUMMED:
        grown = getattr(figs, name) - getattr(day.before, name)
        assert grown == sum((getattr(f, name) for f in ours), D(0)), name
    for method in ("cash", "card"):
        grown = _tenders(figs).get(method, D(0)) - _tenders(day.before).get(method, D(0))
        assert grown == sum((_tenders(f).get(method, D(0)) for f in ours), D(0)), method
    cashier = next(s for s in one.till.staff() if s.role == "cashier")
    assert names[cashier.user_id] == cashier.full_name


def test_a_till_offline_across_a_close_and_a_reopen_keeps_its_sales_in_their_shifts(
    live_server, make_terminal
):
    rng = random.Random(7)
    t = make_terminal("HQZ3")
    drain(t)
    till = t.open_till()
    _, manager, cashier = _people(t)
    codes = _codes(t)

    t.wire.plan = ["drop_before"] * 40  # the network goes
    first_shift = till.current_shift()
    assert first_shift is not None
    _sell(till, cashier, rng.sample(codes, 2))
    _card(till, cashier, rng.sample(codes, 1))
    t.engine.sync_once()
    assert not t.engine.status.online and t.engine.status.waiting > 0
    z1 = till.close_shift(manager, counted_cash=till.x_report(manager).expected_cash)
    till.open_shift(manager, D("80.00"))
    _sell(till, cashier, rng.sample(codes, 3), split=True)
    _card(till, cashier, rng.sample(codes, 2))
    t.engine.sync_once()
    assert t.engine.status.waiting > 0
    nowhere = SyncClient("http://127.0.0.1:9", "x.y")  # what offline looks like to it
    with pytest.raises(StoreUnavailable, match="HQ cannot be reached"):
        store_takings(nowhere, till.config, Period(dt.date.today(), dt.date.today()))
    nowhere.close()
    with pytest.raises(StoreUnavailable, match="not connected to HQ"):
        store_takings(_NotEnrolled(), till.config, Period(dt.date.today(), dt.date.today()))

    t.wire.plan = []  # and comes back
    drain(t)
    with t.db.read() as s:
        at_till = {i: sh for i, sh in s.execute(select(Sale.id, Sale.shift_id))}
    engine = hq_engine(live_server)
    try:
        with engine.connect() as c:
            at_hq = dict(
                c.execute(
                    text("SELECT id, shift_id FROM pos.sales WHERE terminal_id = :t"),
                    {"t": till.config.terminal_id},
                ).all()
            )
    finally:
        engine.dispose()
    assert at_hq == at_till and len(set(at_till.values())) == 2
    with httpx.Client(base_url=live_server.url) as hq:
        headers = hq_headers(hq, live_server.org_id, "owner")
        z = _hq_z(hq, headers, z1.shift_id)
        assert z["sales_count"] == z1.sales_count == 2 and z["agrees"] is True
        assert D(z["sales_total"]) == z1.sales_total


class _NotEnrolled:
    """A till's sync engine before any enrolment: no HQ address, no credential."""

    credentials = types.SimpleNamespace(load=lambda: None)
    client_factory = SyncClient

    def server_url(self) -> str | None:
        return None
