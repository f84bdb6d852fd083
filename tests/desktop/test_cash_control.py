"""The till's cash control: paid ins and outs that move expected cash and go to HQ, the
no-sale, every audit entry synced, gapless Z numbers, a reason for a drawer out beyond the
org's threshold, and the float's and the close's counts by note kept."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, text

from arcoiris_desktop import staff as pins
from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.db.local import AuditEntry, OutboxOp
from arcoiris_desktop.shifts.cash import CashMovementError
from arcoiris_desktop.shifts.service import ManagerRequired, ReasonRequired, ShiftError
from arcoiris_desktop.ui.cash_dialogs import OverShortReasonDialog, PayDialog
from arcoiris_desktop.ui.dialogs import ApprovalDialog
from arcoiris_desktop.ui.shift_dialogs import CashCountDialog, ShiftReportDialog
from arcoiris_shared.db.base import utcnow
from tests.desktop.conftest import CASHIER_PIN, MANAGER_PIN, MILK, idle, sell_for_cash
from tests.desktop.escpos_reader import parse_escpos
from tests.desktop.keys import dialog_of, key, sign_in, type_into


def _ops(db, kind):
    with db.read() as s:
        return s.scalars(select(OutboxOp).where(OutboxOp.kind == kind).order_by(OutboxOp.seq)).all()


def _movement_rows(db):
    """The till's cash_movements rows as SQLite holds them (amounts in 1/10000ths, read
    back as Decimals)."""
    with db.read() as s:
        rows = s.execute(
            text("SELECT kind, amount, account, reason, staff_id, approved_by FROM cash_movements")
        ).all()
    return [(k, D(a) / 10000, acc, r, st, ap) for k, a, acc, r, st, ap in rows]


def test_a_paid_out_lowers_expected_cash_and_goes_to_hq_as_one_op(till, db, manager):
    shift = till.current_shift()
    before = till.x_report(manager).expected_cash
    moved = till.pay_in_out(
        manager, kind="paid_out", amount=D("12.50"), account="supplies", reason=" bin bags "
    )
    assert moved.amount == D("-12.50") and moved.reason == "bin bags"
    x = till.x_report(manager)
    assert x.expected_cash == before - D("12.50") == D("87.50")
    assert x.paid_out_total == D("-12.50") and x.paid_in_total == 0
    (line,) = x.cash_movements
    assert (line.kind, line.amount, line.account, line.reason, line.who) == (
        "paid_out",
        D("-12.50"),
        "Shop supplies",
        "bin bags",
        manager.full_name,
    )
    ((kind, amount, account, reason, staff_id, approved_by),) = _movement_rows(db)
    assert (kind, amount, account, reason) == (
        "paid_out",
        D("-12.50"),
        "supplies",
        "bin bags",
    )
    assert staff_id is not None and approved_by is None
    (op,) = _ops(db, "cash.moved")
    m = op.payload["movement"]
    assert m["kind"] == "paid_out" and m["amount"] == "-12.50" and m["account"] == "supplies"
    assert m["shift_id"] == str(shift.id) and m["staff_id"] == str(manager.user_id)
    assert m["location_id"] == str(till.config.location_id) and m["approved_by"] is None
    audits = [o.payload["entry"] for o in _ops(db, "audit.recorded")]
    assert audits[-1]["action"] == "paid_out" and audits[-1]["shift_id"] == str(shift.id)
    z = till.close_shift(manager, counted_cash=D("87.50"))
    assert z.over_short == 0 and z.expected_cash == D("87.50")
    assert any("Paid out (1)" in ln and "-€12.50" in ln for ln in till.shift_report_lines(z))


def test_a_paid_in_raises_expected_cash(till, manager):
    till.pay_in_out(manager, kind="paid_in", amount=D("50"), account="bank", reason="change")
    x = till.x_report(manager)
    assert x.expected_cash == D("150.00") and x.paid_in_total == D("50")


def test_a_cashier_needs_a_managers_pin_to_pay_out(till, db, cashier, manager):
    with pytest.raises(ManagerRequired) as needed:
        till.pay_in_out(cashier, kind="paid_out", amount=D("5"), account="postage", reason="stamps")
    assert needed.value.action == "cash.paid_out"
    wrong = Approval("cash.paid_in", manager.user_id, manager.full_name)
    with pytest.raises(ManagerRequired):
        till.pay_in_out(
            cashier,
            kind="paid_out",
            amount=D("5"),
            account="postage",
            reason="stamps",
            approval=wrong,
        )
    assert _movement_rows(db) == [] and _ops(db, "cash.moved") == []
    ok = Approval("cash.paid_out", manager.user_id, manager.full_name)
    till.pay_in_out(
        cashier, kind="paid_out", amount=D("5"), account="postage", reason="stamps", approval=ok
    )
    ((*_, staff_id, approved_by),) = _movement_rows(db)
    assert staff_id is not None and approved_by is not None
    (op,) = _ops(db, "cash.moved")
    assert op.payload["movement"]["staff_id"] == str(cashier.user_id)
    assert op.payload["movement"]["approved_by"] == str(manager.user_id)


@pytest.mark.parametrize(
    ("kind", "amount", "account", "reason", "message"),
    [
        ("paid_out", D("0"), "supplies", "x", "more than zero"),
        ("paid_out", D("-5"), "supplies", "x", "negative"),
        ("paid_out", D("1.005"), "supplies", "x", "decimals"),
        ("paid_out", D("NaN"), "supplies", "x", "an amount"),
        ("paid_out", D("5"), "other_income", "x", "from the list"),
        ("paid_in", D("5"), "postage", "x", "from the list"),
        ("paid_out", D("5"), "supplies", "   ", "Say what the cash is for"),
        ("paid_out", D("5"), "supplies", "x" * 201, "under 200"),
        ("refund", D("5"), "supplies", "x", "neither"),
    ],
)
def test_bad_paid_outs_are_refused_in_plain_words_and_nothing_is_written(
    till, db, manager, kind, amount, account, reason, message
):
    seq_before = len(_ops(db, "audit.recorded"))
    with pytest.raises(CashMovementError, match=message):
        till.pay_in_out(manager, kind=kind, amount=amount, account=account, reason=reason)
    assert _movement_rows(db) == [] and _ops(db, "cash.moved") == []
    assert len(_ops(db, "audit.recorded")) == seq_before


def test_no_paid_out_without_an_open_shift(bare_till, db, manager):
    with pytest.raises(CashMovementError, match="Open a shift"):
        bare_till.pay_in_out(manager, kind="paid_out", amount=D("1"), account="bank", reason="x")
    assert _movement_rows(db) == []


def test_a_no_sale_is_audited_synced_and_counted_and_kicks_the_drawer(
    till, db, cashier, manager, printed
):
    with pytest.raises(ManagerRequired) as needed:
        till.no_sale(cashier)
    assert needed.value.action == "drawer.no_sale"
    # As the screen does it: the manager's PIN (audited as the approval), then the no-sale.
    approval = till.approve(MANAGER_PIN, action="drawer.no_sale", cashier=cashier, details={})
    assert approval is not None
    outcome = till.no_sale(cashier, approval)
    assert outcome.ok and "drawer is open" in outcome.message
    assert printed.read_bytes().startswith(b"\x1bp"), "the drawer kick went to the printer"
    till.no_sale(manager)
    with db.read() as s:
        rows = s.scalars(select(AuditEntry).where(AuditEntry.action == "no_sale")).all()
    assert len(rows) == 2 and rows[0].approver_id == manager.user_id
    entries = [o.payload["entry"] for o in _ops(db, "audit.recorded")]
    no_sales = [e for e in entries if e["action"] == "no_sale"]
    assert [e["id"] for e in no_sales] == [str(r.event_id) for r in rows]
    assert till.x_report(manager).no_sales_count == 2


def test_a_no_sale_stands_when_the_drawer_cannot_be_kicked(till, db, manager):
    class Broken:
        def send(self, data: bytes) -> None:
            raise OSError("printer unplugged")

    till.printer = Broken()
    outcome = till.no_sale(manager)
    assert not outcome.ok and "open it with the key" in outcome.message
    assert till.x_report(manager).no_sales_count == 1


def test_every_audit_entry_goes_to_hq_failed_pins_too(till, db, cashier):
    with db.write() as s:
        assert pins.attempt_sign_in(s, cashier.user_id, "9999", now=utcnow()).status == "wrong"
        assert pins.attempt_sign_in(s, cashier.user_id, CASHIER_PIN, now=utcnow()).ok
    with db.read() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    ops = _ops(db, "audit.recorded")
    assert len(ops) == len(entries) >= 3  # the shift's opening, a wrong PIN, the sign-in
    assert [o.payload["entry"]["id"] for o in ops] == [str(e.event_id) for e in entries]
    failed = next(
        o.payload["entry"] for o in ops if o.payload["entry"]["action"] == "sign_in.failed"
    )
    assert failed["actor_id"] == str(cashier.user_id) and failed["details"] == {"in_a_row": 1}
    assert failed["shift_id"] == str(till.current_shift().id)
    assert failed["terminal_id"] == str(till.config.terminal_id)


def test_z_numbers_are_gapless_and_print(bare_till, db, manager, cashier):
    numbers = []
    for _ in range(3):
        bare_till.open_shift(manager, D("20.00"))
        sell_for_cash(bare_till, cashier, [MILK])
        expected = bare_till.x_report(manager).expected_cash
        z = bare_till.close_shift(manager, counted_cash=expected)
        numbers.append(z.z_number)
        lines = bare_till.print_shift_report(z).text
        assert f"Z No. {z.z_number}" in "\n".join(lines)
        assert f"Shift {str(z.shift_id)[:8]}" not in "\n".join(lines)
    assert numbers == [1, 2, 3]
    closes = [o.payload["shift"]["z_number"] for o in _ops(db, "shift.closed")]
    assert closes == [1, 2, 3]
    assert [c.z_number for c in bare_till.closed_shifts()] == [3, 2, 1]
    assert bare_till.past_z_report(bare_till.closed_shifts()[-1].shift_id).z_number == 1


def test_a_drawer_out_beyond_the_threshold_needs_a_reason_kept_everywhere(
    till, db, manager, printed
):
    till.config = dataclasses.replace(till.config, over_short_threshold=D("2.00"))
    with pytest.raises(ReasonRequired) as needed:
        till.close_shift(manager, counted_cash=D("95.00"))
    assert needed.value.over_short == D("-5.00") and needed.value.expected == D("100.00")
    assert till.current_shift() is not None and _ops(db, "shift.closed") == []
    with pytest.raises(ShiftError, match="under 200"):
        till.close_shift(manager, counted_cash=D("95.00"), reason="x" * 201)
    z = till.close_shift(
        manager, counted_cash=D("95.00"), reason="  a fiver given as change twice "
    )
    assert z.over_short_reason == "a fiver given as change twice" and z.z_number == 1
    (op,) = _ops(db, "shift.closed")
    assert op.payload["shift"]["over_short_reason"] == "a fiver given as change twice"
    outcome = till.print_shift_report(z)
    assert "Reason: a fiver given as change twice" in "\n".join(outcome.text)
    past = till.past_z_report(z.shift_id)
    assert past.over_short_reason == z.over_short_reason and past.z_number == 1


def test_within_the_threshold_no_reason_is_asked(till, manager):
    z = till.close_shift(manager, counted_cash=D("95.00"))  # the default threshold is 5.00
    assert z.over_short == D("-5.00") and z.over_short_reason is None


def test_the_floats_and_the_closes_counts_by_note_are_kept(bare_till, db, manager):
    bare_till.open_shift(manager, denominations={D("20"): 2, D("5"): 2, D("1"): 0})
    assert bare_till.current_shift().opening_float == D("50")
    (opened,) = _ops(db, "shift.opened")
    assert opened.payload["shift"]["opening_count"] == [["20", 2], ["5", 2]]
    with pytest.raises(ShiftError, match="do not agree"):
        bare_till.open_shift(manager, D("10"), denominations={D("20"): 1})
    z = bare_till.close_shift(manager, denominations={D("50"): 1})
    assert z.opening_denominations == ((D("20"), 2), (D("5"), 2))
    assert z.denominations == ((D("50"), 1),)
    (closed,) = _ops(db, "shift.closed")
    assert closed.payload["shift"]["closing_count"] == [["50", 1]]
    assert closed.payload["shift"]["opening_count"] == [["20", 2], ["5", 2]]
    past = bare_till.past_z_report(z.shift_id)
    assert past.denominations == z.denominations
    assert past.opening_denominations == z.opening_denominations
    text_ = "\n".join(bare_till.shift_report_lines(past))
    assert "Float by note and coin" in text_ and "Counted by note and coin" in text_


def test_the_config_reads_the_orgs_threshold_and_blind_close(db):
    from arcoiris_desktop.config import load_config, put_settings

    with db.write() as s:
        put_settings(s, {"over_short_threshold": "2.50", "blind_close": True})
    with db.read() as s:
        config = load_config(s)
    assert config.over_short_threshold == D("2.50") and config.blind_close is True
    with db.write() as s:
        put_settings(s, {"over_short_threshold": "lots"})
    with db.read() as s:
        assert load_config(s).over_short_threshold == D("5.00"), "a bad setting never blocks"


# -- the screens, from the keyboard ---------------------------------------------------------


def test_ctrl_o_a_cashier_pays_out_with_a_managers_pin(qtbot, window, till, db):
    w = window
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    key(qtbot, w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    pin = dialog_of(qtbot, w, ApprovalDialog)
    type_into(qtbot, pin.field, MANAGER_PIN)
    dialog = dialog_of(qtbot, w, PayDialog)
    assert dialog.windowTitle() == "Paid out"
    type_into(qtbot, dialog.amount_field, "abc")
    assert dialog.reason_field.hasFocus(), "Enter on the amount moves to the reason"
    qtbot.keyClick(dialog.reason_field, Qt.Key.Key_Return)
    assert "not an amount" in dialog.error_label.text()
    type_into(qtbot, dialog.amount_field, "7.20")
    type_into(qtbot, dialog.reason_field, "window cleaner")
    assert "Choose what the cash is for" in dialog.error_label.text()
    qtbot.keyClick(dialog.reason_field, Qt.Key.Key_F1)
    assert dialog.account == "petty_cash"
    qtbot.keyClick(dialog.reason_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    idle(qtbot, w)
    assert "Paid out €7.20" in w.sale.banner.text()
    ((kind, amount, account, reason, _staff, approved_by),) = _movement_rows(db)
    assert (kind, amount, account, reason) == (
        "paid_out",
        D("-7.20"),
        "petty_cash",
        "window cleaner",
    )
    assert approved_by is not None
    assert len(_ops(db, "cash.moved")) == 1


def test_a_refused_paid_out_keeps_the_dialog_and_says_why(qtbot, window, db):
    w = window
    sign_in(qtbot, w, "manager", MANAGER_PIN)
    key(qtbot, w, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = dialog_of(qtbot, w, PayDialog)
    assert dialog.windowTitle() == "Paid in"
    type_into(qtbot, dialog.amount_field, "1.001")
    qtbot.keyClick(dialog.reason_field, Qt.Key.Key_F2)
    type_into(qtbot, dialog.reason_field, "float top-up")
    idle(qtbot, w)
    assert "decimals" in dialog.error_label.text()
    assert dialog.isVisible() and dialog.amount_field.text() == "1.001", "nothing typed lost"
    assert _movement_rows(db) == []


def test_ctrl_d_opens_the_drawer_for_a_manager(qtbot, window, till, db, printed):
    w = window
    sign_in(qtbot, w, "manager", MANAGER_PIN)
    key(qtbot, w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "drawer is open" in w.sale.banner.text())
    with db.read() as s:
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "no_sale")).one()


def test_closing_out_beyond_the_threshold_asks_why_and_the_z_shows_its_number(
    qtbot, window, till, db, printed
):
    w = window
    sign_in(qtbot, w, "manager", MANAGER_PIN)
    key(qtbot, w, Qt.Key.Key_F6)
    report = dialog_of(qtbot, w, ShiftReportDialog)
    qtbot.keyClick(report, Qt.Key.Key_F6)
    count = dialog_of(qtbot, w, CashCountDialog)
    type_into(qtbot, count.total_field, "80.00")
    qtbot.keyClick(count.total_field, Qt.Key.Key_Return)
    why = dialog_of(qtbot, w, OverShortReasonDialog)
    assert "€20.00 short" in why.difference.text()
    assert till.current_shift() is not None, "nothing closed yet"
    qtbot.keyClick(why.reason_field, Qt.Key.Key_Return)
    assert "Say why" in why.error_label.text()
    type_into(qtbot, why.reason_field, "a twenty went to the bank")
    z = dialog_of(qtbot, w, ShiftReportDialog)
    assert "Z report No. 1" in z.windowTitle()
    idle(qtbot, w)
    (op,) = _ops(db, "shift.closed")
    assert op.payload["shift"]["over_short_reason"] == "a twenty went to the bank"
    assert op.payload["shift"]["z_number"] == 1
    assert "Z No. 1" in "\n".join(parse_escpos(printed.read_bytes()).texts)


def test_a_blind_close_hides_expected_until_the_count_is_in(till, manager, cashier):
    till.config = dataclasses.replace(till.config, blind_close=True)
    assert till.blind_close
    sell_for_cash(till, cashier, [MILK])
    x = till.x_report(manager)
    lines = "\n".join(till.shift_report_lines(x))
    assert "Expected in drawer: shown at the close" in lines
    assert "€103.09" not in lines
    z = till.close_shift(manager, counted_cash=D("103.09"))
    assert "€103.09" in "\n".join(till.shift_report_lines(z)), "the Z shows it, after"


def test_ctrl_d_asks_a_cashier_for_a_managers_pin_and_counts_once(qtbot, window, till, db):
    w = window
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    key(qtbot, w, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    type_into(qtbot, dialog_of(qtbot, w, ApprovalDialog).field, MANAGER_PIN)
    qtbot.waitUntil(lambda: "drawer is open" in w.sale.banner.text())
    manager = next(s for s in till.staff() if s.role == "manager")
    assert till.x_report(manager).no_sales_count == 1
