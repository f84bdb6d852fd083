"""A manager's day of cash at a real till reaching the real HQ: a paid out, a paid in, a
no-sale and a close counted note by note. HQ ends with the till's movements booked, its
audit log, the close's Z number and count, and nothing flagged."""

from __future__ import annotations

import uuid
from decimal import Decimal as D

from sqlalchemy import select, text

from arcoiris_desktop.db.local import AuditEntry
from arcoiris_shared.db.inv import ItemBarcode
from arcoiris_shared.db.pos import CashMovement, Shift
from tests.sync.helpers import check_invariants, drain, hq_engine


def test_a_day_of_paid_ins_outs_and_a_counted_close_reaches_hq(live_server, make_terminal):
    t = make_terminal("CD1")  # not C0-C3: the concurrent test enrols those
    t.engine.sync_once()
    till = t.open_till()
    staff = till.staff()
    manager = next(s for s in staff if s.role == "manager")
    cashier = next(s for s in staff if s.role == "cashier")
    with t.db.read() as s:
        code = sorted(c for c in s.scalars(select(ItemBarcode.barcode)) if not c.startswith("2"))[0]
    cart = till.new_cart()
    cart.add_scan(till.scan(code), D(2))
    tender = till.new_tender(cart.totals().total)
    tender.add_cash(tender.cash_due)
    sold = [till.complete(cart, tender, cashier).receipt_code]
    till.pay_in_out(manager, kind="paid_out", amount=D("7.30"), account="postage", reason="Stamps")
    till.pay_in_out(manager, kind="paid_in", amount=D("20.00"), account="bank", reason="Change")
    till.no_sale(manager)
    expected = till.x_report(manager).expected_cash
    assert expected is not None
    # Counted to the cent, note by note where the notes allow, the rest in 1 cent coins.
    notes = {D("100"): int(expected // 100)}
    rest = expected - 100 * notes[D("100")]
    pieces = {**notes, D("0.01"): int(rest * 100)}
    report = till.close_shift(manager, counted_cash=expected, denominations=pieces)
    drain(t)

    with t.db.read() as s:
        local_shift = s.get(Shift, (live_server.org_id, report.shift_id))
        assert local_shift is not None and local_shift.z_number is not None
        local_moves = sorted(m.amount for m in s.scalars(select(CashMovement)))
        local_events = {
            e.event_id: e.action for e in s.scalars(select(AuditEntry)) if e.event_id is not None
        }
    assert local_moves == [D("-7.30"), D("20.00")] and local_events
    hq = hq_engine(live_server)
    try:
        with hq.connect() as c:
            shift = c.execute(
                text(
                    "SELECT z_number, closing_count, expected_cash FROM pos.shifts "
                    "WHERE org_id = :o AND id = :s"
                ),
                {"o": live_server.org_id, "s": report.shift_id},
            ).one()
            moves = c.execute(
                text("SELECT amount FROM pos.cash_movements WHERE org_id = :o AND shift_id = :s"),
                {"o": live_server.org_id, "s": report.shift_id},
            ).scalars()
            events = c.execute(
                text(
                    "SELECT id, action FROM pos.audit_events WHERE org_id = :o AND terminal_id = :t"
                ),
                {"o": live_server.org_id, "t": till.config.terminal_id},
            ).all()
    finally:
        hq.dispose()
    assert shift.z_number == local_shift.z_number
    assert shift.closing_count == local_shift.closing_count
    assert shift.expected_cash == expected
    assert sorted(moves) == local_moves
    # HQ keeps this till's log entry for entry, each under the till's action, once.
    hq_events = {uuid.UUID(str(i)): a for i, a in events}
    assert local_events.items() <= hq_events.items()
    # The manager's own no-sale and paid in/out are audited under their own names.
    hq_actions = [a for _, a in events]
    assert [hq_actions.count(a) for a in ("no_sale", "paid_in", "paid_out")] == [1, 1, 1]
    check_invariants(live_server, [t], {"CD1": sold})
