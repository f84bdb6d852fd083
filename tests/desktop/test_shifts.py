"""Shifts on the real SQLite file: open with a float, sell inside it, X report, count and
close with over/short, the Z report on paper, and the ops HQ receives, in order."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.db.local import OutboxOp
from arcoiris_desktop.sales.service import SaleError
from arcoiris_desktop.shifts.service import ManagerRequired, ShiftError
from arcoiris_desktop.till import Till
from arcoiris_shared.cash import CashError, count_total, expected_cash, over_short
from arcoiris_shared.db.pos import Sale, Shift
from tests.desktop.conftest import BREAD, MILK, WATER, open_shift
from tests.desktop.escpos_reader import parse_escpos


def _sell(till: Till, cashier, codes, *, cash: D | None = None, card: bool = False, extra: int = 0):
    cart = till.new_cart()
    for code in codes:
        cart.add_scan(till.scan(code))
    tender = till.new_tender(cart.totals().total)
    if card:
        tender.add_card(None, "AUTH-1")
    else:
        tender.add_cash(cash if cash is not None else tender.cash_due + extra)
    return till.complete(cart, tender, cashier)


def _ops(db, *, audits=False):
    """The outbox, the facts only unless ``audits`` (every audit entry has its op too)."""
    with db.read() as s:
        query = select(OutboxOp).order_by(OutboxOp.seq)
        if not audits:
            query = query.where(OutboxOp.kind != "audit.recorded")
        return s.scalars(query).all()


def test_no_sale_and_no_refund_without_an_open_shift(bare_till, db, cashier):
    with pytest.raises(SaleError, match="No shift is open"):
        _sell(bare_till, cashier, [MILK])
    with db.read() as s:
        assert s.scalars(select(Sale)).all() == []
    assert _ops(db) == []


def test_a_cashier_needs_a_managers_pin_to_open_and_the_manager_is_named(
    bare_till, db, cashier, manager
):
    with pytest.raises(ManagerRequired) as needed:
        bare_till.open_shift(cashier, D("150"))
    assert needed.value.action == "shift.open"
    ok = Approval("shift.open", manager.user_id, manager.full_name)
    shift = bare_till.open_shift(cashier, D("150.00"), approval=ok)
    assert shift.opened_by == manager.user_id and shift.opened_by_name == manager.full_name
    assert bare_till.current_shift() == shift
    (op,) = _ops(db)
    assert op.kind == "shift.opened"
    assert op.payload == {
        "shift": {
            "org_id": str(bare_till.config.org_id),
            "id": str(shift.id),
            "terminal_id": str(bare_till.config.terminal_id),
            "currency": "EUR",
            "opened_by": str(manager.user_id),
            "opened_at": shift.opened_at.isoformat(),
            "opening_float": "150.00",
            "opening_count": None,
        }
    }
    (audited,) = (o for o in _ops(db, audits=True) if o.kind == "audit.recorded")
    entry = audited.payload["entry"]
    assert (entry["action"], entry["shift_id"]) == ("shift.opened", str(shift.id))
    assert entry["approver_id"] == str(manager.user_id)


def test_one_open_shift_per_till_and_bad_floats_are_refused(bare_till, db, manager):
    for bad, message in [
        (D("-5"), "negative"),
        (D("10.001"), "decimals"),
        (D("NaN"), "amount"),
        (D("99999999"), "mistake"),
    ]:
        with pytest.raises(CashError, match=message):
            bare_till.open_shift(manager, bad)
    bare_till.open_shift(manager, D("0"))
    with pytest.raises(ShiftError, match="already open"):
        bare_till.open_shift(manager, D("100"))
    with db.read() as s:
        assert len(s.scalars(select(Shift)).all()) == 1
    assert [op.kind for op in _ops(db)] == ["shift.opened"]


def test_sales_and_refunds_name_the_shift_and_the_reports_add_up(till, db, cashier, manager):
    shift = till.current_shift()
    assert shift is not None
    a = _sell(till, cashier, [MILK, MILK, BREAD], cash=D("20"))  # 10.17 cash
    b = _sell(till, cashier, [WATER], card=True)  # 6.59 card
    c = _sell(till, manager, [BREAD])  # 3.99 cash, sold by the manager
    ok = Approval("refund", manager.user_id, manager.full_name)
    back = till.refund(till.find_for_return(a.receipt_code), {1: D(1)}, to="cash",
                       cashier=cashier, approval=ok)  # fmt: skip
    with db.read() as s:
        shift_ids = {x.shift_id for x in s.scalars(select(Sale))}
    assert shift_ids == {shift.id}
    for done in (a, b, c):
        assert done.receipt.total > 0

    x = till.x_report(manager)
    assert x.kind == "X" and x.sales_count == 3 and x.refunds_count == 1
    assert x.sales_total == D("10.17") + D("6.59") + D("3.99")
    assert x.refunds_total == back.receipt.total == D("-3.09")
    assert x.net_takings == x.sales_total + x.refunds_total
    assert {(t.method, t.amount) for t in x.by_tender} == {
        ("cash", D("10.17") + D("3.99") - D("3.09")),
        ("card", D("6.59")),
    }
    assert x.cash_sales == D("14.16") and x.cash_refunds == D("-3.09")
    assert x.expected_cash == D("100.00") + D("14.16") - D("3.09")
    by_name = {c.name: c for c in x.by_cashier}
    assert by_name[cashier.full_name].sales == 2 and by_name[cashier.full_name].refunds == 1
    assert by_name[cashier.full_name].amount == D("10.17") + D("6.59") - D("3.09")
    assert by_name[manager.full_name].amount == D("3.99")
    amounts = [i.amount for i in x.top_items]
    assert amounts == sorted(amounts, reverse=True)
    milk = next(i for i in x.top_items if i.sku == a.receipt.lines[0].sku)
    assert (milk.quantity, milk.amount) == (D(1), D("3.09"))  # net of the refund
    assert {i.sku for i in x.top_items} == {ln.sku for ln in a.receipt.lines} | {
        ln.sku for ln in b.receipt.lines
    }
    assert till.current_shift() == shift, "an X report closes nothing"

    z = till.close_shift(manager, counted_cash=D("110.00"))
    assert z.kind == "Z" and z.expected_cash == x.expected_cash == D("111.07")
    assert z.counted_cash == D("110.00") and z.over_short == D("-1.07")
    assert z.closed_by_name == manager.full_name
    assert till.current_shift() is None
    with db.read() as s:
        row = s.get(Shift, (till.config.org_id, shift.id))
        assert row.status == "closed" and row.over_short == D("-1.07")
    ops = _ops(db)
    assert [op.kind for op in ops] == [
        "shift.opened",
        "sale.completed",
        "sale.completed",
        "sale.completed",
        "sale.refunded",
        "shift.closed",
    ]
    assert all(op.payload["sale"]["shift_id"] == str(shift.id) for op in ops[1:5])
    closed = ops[-1].payload["shift"]
    assert closed["id"] == str(shift.id) and closed["opening_float"] == "100.00"
    assert (closed["expected_cash"], closed["counted_cash"], closed["over_short"]) == (
        "111.07",
        "110.00",
        "-1.07",
    )
    assert closed["closed_by"] == str(manager.user_id)
    with pytest.raises(SaleError, match="No shift is open"):
        _sell(till, cashier, [MILK])
    with pytest.raises(ShiftError, match="No shift is open"):
        till.close_shift(manager, counted_cash=D("1"))


def test_a_cashier_cannot_see_the_x_report_or_close_without_a_manager(till, cashier, manager):
    with pytest.raises(ManagerRequired):
        till.x_report(cashier)
    with pytest.raises(ManagerRequired):
        till.close_shift(cashier, counted_cash=D("100"))
    ok = Approval("shift.close", manager.user_id, manager.full_name)
    z = till.close_shift(cashier, counted_cash=D("100.00"), approval=ok)
    assert z.over_short == 0 and z.closed_by_name == manager.full_name


def test_a_count_by_note_and_coin(till, db, manager):
    with pytest.raises(ShiftError, match="Count the cash"):
        till.close_shift(manager)
    with pytest.raises(CashError, match="not a EUR note"):
        till.close_shift(manager, denominations={D("3"): 1})
    with pytest.raises(ShiftError, match="do not agree"):
        till.close_shift(manager, counted_cash=D("5"), denominations={D("50"): 2})
    assert till.current_shift() is not None, "a refused count loses nothing"
    z = till.close_shift(
        manager,
        denominations={D("50"): 1, D("20"): 2, D("0.50"): 3, D("1"): 0},
        reason="A tenner went to the bank unrecorded",
    )
    assert z.counted_cash == D("91.50") and z.over_short == D("-8.50")
    assert z.denominations == ((D("50"), 1), (D("20"), 2), (D("0.50"), 3))
    payload = _ops(db)[-1].payload
    assert payload["shift"]["closing_count"] == [["50", 1], ["20", 2], ["0.50", 3]]
    assert "denominations" not in payload


def test_the_z_report_prints_through_the_receipt_printer(till, cashier, manager, printed):
    _sell(till, cashier, [MILK], cash=D("5"))
    z = till.close_shift(manager, counted_cash=D("103.50"))
    outcome = till.print_shift_report(z)
    assert outcome.ok
    job = parse_escpos(printed.read_bytes())
    text = "\n".join(job.texts)
    assert "Z REPORT - SHIFT CLOSED" in text
    assert "Expected in drawer" in text and "€103.09" in text
    assert "OVER" in text and "€0.41" in text
    assert "Fresco Whole Milk" in text and cashier.full_name in text
    assert all(len(line) <= 42 for line in outcome.text)
    assert "Z REPORT - SHIFT CLOSED" in "\n".join(outcome.text), "the screen shows it too"


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    opening=st.decimals(min_value=0, max_value=500, places=2),
    sales=st.lists(
        st.tuples(st.sampled_from([MILK, BREAD, WATER]), st.booleans(), st.integers(0, 30)),
        max_size=5,
    ),
    counted=st.decimals(min_value=0, max_value=900, places=2),
)
def test_expected_cash_is_float_plus_cash_taken_and_over_short_is_the_difference(
    bare_till, cashier, manager, opening, sales, counted
):
    """Whatever mix of cash and card sales, with whatever change given, the drawer
    should hold the float plus the cash the sales kept."""
    if bare_till.current_shift() is not None:  # left open by a failing example
        bare_till.close_shift(manager, counted_cash=D(0), reason="left open")
    open_shift(bare_till, opening)
    kept = D(0)
    for code, by_card, extra in sales:
        done = _sell(bare_till, cashier, [code], card=by_card, extra=extra)
        if not by_card:
            kept += done.receipt.total  # tendered minus the change given back
    z = bare_till.close_shift(manager, counted_cash=counted, reason="counted twice")
    assert z.expected_cash == expected_cash(opening, [kept]) == opening + kept
    assert z.over_short == over_short(counted, z.expected_cash) == counted - opening - kept


@given(st.dictionaries(st.sampled_from([D("50"), D("0.20"), D("2")]), st.integers(0, 999)))
def test_a_count_by_denomination_is_exact(pieces):
    assert count_total(pieces, "EUR") == sum((f * n for f, n in pieces.items()), D(0))


def test_the_reports_show_cash_rounding_so_the_tenders_add_up(till, cashier, manager, printed):
    """Where cash is rounded to the coin, the drawer holds the rounded amount: the tenders
    then add up to the takings plus the rounding, and the report says how much that is."""
    from dataclasses import replace

    till.config = replace(till.config, cash_rounding_increment=D("0.05"))
    _sell(till, cashier, [MILK], cash=D("5"))  # 3.09, rounded to 3.10 in cash
    _sell(till, cashier, [MILK, BREAD], cash=D("10"))  # 7.08, rounded to 7.10
    _sell(till, cashier, [WATER], card=True)  # cards are never rounded

    x = till.x_report(manager)
    assert x.cash_rounding == D("0.03")
    tenders = sum((t.amount for t in x.by_tender), D(0))
    assert tenders == x.net_takings + x.cash_rounding
    assert x.expected_cash == D("100.00") + D("3.10") + D("7.10")
    text = "\n".join(till.shift_report_lines(x))
    assert "incl. cash rounding" in text and "€0.03" in text
    assert till.print_shift_report(x).ok
    assert "incl. cash rounding" in "\n".join(parse_escpos(printed.read_bytes()).texts)
