"""A whole store day on two tills, offline, then reconnected through faults: shifts opened
and closed (one short, one over), stock received, written off and counted, a customer made
at one till and sold to, a refund. Afterwards HQ's takings, stock, shifts, cash and trial
balance match what the tills recorded, to the cent, and the other till knows the customer.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal as D

import httpx
from sqlalchemy import select, text

from arcoiris_desktop.stock.service import MoveLine
from arcoiris_shared.db.inv import ItemBarcode
from arcoiris_shared.db.pos import Customer, Payment, Sale
from tests.sync.conftest import Terminal, hq_headers
from tests.sync.helpers import check_invariants, drain, hq_engine, sell

FAULTS = [
    "drop_before",
    "drop_after",
    "5xx",
    "duplicate",
    "replay_old",
    "timeout_before",
    "timeout_after",
]


BALANCES = ("cash", "cash_over_short", "goods_received", "stock_adjustments")


def _balance(c, org, key: str) -> D:
    """An account's debits less its credits at HQ, by the account's system key."""
    return c.execute(
        text(
            "SELECT coalesce(sum(jl.debit - jl.credit), 0) FROM acct.journal_lines jl "
            "JOIN acct.chart_of_accounts a "
            "ON a.org_id = jl.org_id AND a.id = jl.account_id "
            "WHERE jl.org_id = :o AND a.system_key = :k"
        ),
        {"o": org, "k": key},
    ).scalar()


def _people(t: Terminal):
    till = t.till or t.open_till()
    staff = till.staff()
    return (
        till,
        next(s for s in staff if s.role == "manager"),
        next(s for s in staff if s.role == "cashier"),
    )


def _an_item(t: Terminal, n: int):
    """The n-th plain (not scale-label) barcode and what it scans to."""
    with t.db.read() as s:
        codes = sorted(c for c in s.scalars(select(ItemBarcode.barcode)) if not c.startswith("2"))
    assert t.till is not None
    return codes[n], t.till.scan(codes[n]).item


def _cash_sale(t: Terminal, barcode: str, qty: D, customer=None):
    till, _, cashier = _people(t)
    cart = till.new_cart()
    cart.add_scan(till.scan(barcode), qty)
    if customer is not None:
        cart.set_customer(customer.id)
    tender = till.new_tender(cart.totals().total)
    tender.add_cash(tender.cash_due)
    return till.complete(cart, tender, cashier)


def _takings_report_matches_the_tills(
    live_server, tills: list[Terminal], since: dt.datetime
) -> None:
    """HQ's takings report (what a manager reads at HQ) says, per till and per tender, what
    the tills' own records say."""
    local_by_till: dict[str, D] = {}
    local_by_tender: dict[str, D] = {}
    for t in tills:
        assert t.till is not None
        with t.db.read() as s:
            sales = s.scalars(select(Sale)).all()
            local_by_till[str(t.till.config.terminal_id)] = sum((x.total for x in sales), D(0))
            for p in s.scalars(select(Payment)):
                local_by_tender[p.method] = local_by_tender.get(p.method, D(0)) + p.amount
    with httpx.Client(base_url=live_server.url) as hq:
        h = hq_headers(hq, live_server.org_id, "manager")
        when = {"since": since.isoformat()}
        by_till = hq.get("/api/reports/takings", params={"group_by": "terminal", **when}, headers=h)
        by_tender = hq.get("/api/reports/takings", params={"group_by": "tender", **when}, headers=h)
    assert by_till.status_code == by_tender.status_code == 200
    hq_by_till = {r["key"]: D(r["takings"]) for r in by_till.json()["rows"]}
    assert {k: hq_by_till.get(k) for k in local_by_till} == local_by_till
    assert {r["key"]: D(r["takings"]) for r in by_tender.json()["rows"]} == local_by_tender


def test_a_store_day_offline_reaches_hq_whole(live_server, make_terminal):
    day_began = dt.datetime.now(dt.UTC)
    hq = hq_engine(live_server)
    try:
        with hq.connect() as c:  # the books as the day begins
            before = {key: _balance(c, live_server.org_id, key) for key in BALANCES}
    finally:
        hq.dispose()
    a, b = make_terminal("D1"), make_terminal("D2")
    for t in (a, b):
        t.engine.sync_once()
        t.open_till()
        t.wire.plan = ["drop_before"] * 20  # the network goes away for the day

    till_a, manager_a, _ = _people(a)
    till_b, manager_b, _ = _people(b)
    code, item = _an_item(a, 0)
    _, counted_item = _an_item(b, 1)

    # Till A: goods in, a breakage, a new customer who buys, a day's selling, a close short.
    till_a.receive_stock(manager_a, [MoveLine(item.item_id, D(24), D("1.10"))], note="delivery")
    till_a.adjust_stock(manager_a, item.item_id, D(2), why="damage", note="dropped a crate")
    ana = till_a.add_customer(manager_a, "Ana García", phone="+34 600 123 456")
    sold = {"D1": [_cash_sale(a, code, D(3), customer=ana).receipt_code]}
    sold["D1"] += sell(a, random.Random(1), 4)
    report_a = till_a.x_report(manager_a)
    closed_a = till_a.close_shift(manager_a, counted_cash=report_a.expected_cash - D("0.50"))

    # Till B: a stock count, selling, a close over.
    before_count = till_b.stock_of(counted_item.item_id)
    till_b.count_stock(manager_b, counted_item.item_id, before_count + 5, note="shelf count")
    sold["D2"] = sell(b, random.Random(2), 5)
    report_b = till_b.x_report(manager_b)
    closed_b = till_b.close_shift(manager_b, counted_cash=report_b.expected_cash + D("0.20"))

    # Back online, through every kind of fault, until both queues are empty.
    for t in (a, b):
        t.wire.plan = list(FAULTS)
        drain(t)
    check_invariants(live_server, [a, b], sold)

    hq = hq_engine(live_server)
    try:
        with hq.connect() as c:
            org = live_server.org_id
            shifts = {
                str(r.terminal_id): r
                for r in c.execute(
                    text(
                        "SELECT terminal_id, status, expected_cash, counted_cash, over_short "
                        "FROM pos.shifts WHERE org_id = :o"
                    ),
                    {"o": org},
                )
            }
            closes = ((till_a, closed_a, D("-0.50")), (till_b, closed_b, D("0.20")))
            for till, closed, diff in closes:
                row = shifts[str(till.config.terminal_id)]
                assert row.status == "closed"
                assert row.expected_cash == closed.expected_cash
                assert row.counted_cash == closed.counted_cash
                assert row.over_short == diff

            def balance(key: str) -> D:
                return _balance(c, org, key)

            # Cash on hand: what the two tills took in cash, less the shortage, plus the
            # overage (HQ is the session's: each balance is read as it moved today).
            cash_taken = c.execute(
                text(
                    "SELECT coalesce(sum(p.amount), 0) FROM pos.payments p "
                    "JOIN pos.sales s ON s.org_id = p.org_id AND s.id = p.sale_id "
                    "WHERE p.org_id = :o AND p.method = 'cash' AND s.terminal_id IN (:a, :b)"
                ),
                {"o": org, "a": till_a.config.terminal_id, "b": till_b.config.terminal_id},
            ).scalar()
            moved = {key: balance(key) - was for key, was in before.items()}
            assert moved["cash"] == cash_taken - D("0.50") + D("0.20")
            assert moved["cash_over_short"] == D("0.50") - D("0.20")
            # Goods received at cost, awaiting the supplier's invoice; the breakage written
            # off and the five found by the count written back, each at its item's cost.
            assert moved["goods_received"] == -D("26.40")
            assert item.cost is not None and counted_item.cost is not None
            written_off = 2 * item.cost - 5 * counted_item.cost
            assert moved["stock_adjustments"] == written_off.quantize(D("0.01"))

            level = c.execute(
                text(
                    "SELECT quantity FROM inv.stock_levels "
                    "WHERE org_id = :o AND item_id = :i AND location_id = :l"
                ),
                {"o": org, "i": counted_item.item_id, "l": till_b.config.location_id},
            ).scalar()
            # HQ's level after the count is what the till counted, less what it sold since.
            assert level == till_b.stock_of(counted_item.item_id)
    finally:
        hq.dispose()

    _takings_report_matches_the_tills(live_server, [a, b], day_began)

    # The customer made at till A reaches till B with its next pull.
    b.engine.sync_once()
    with b.db.read() as s:
        names = set(s.scalars(select(Customer.name)))
    assert "Ana García" in names
