"""The manager's screens in the real window, driven from the keyboard: no sale without a
shift, F6 to open one with a PIN and a counted float, the X report, closing with a count
and the Z report on paper, F7 to find or add a customer, F10 to receive stock."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

from PySide6.QtCore import Qt
from sqlalchemy import select

from arcoiris_desktop.db.local import OutboxOp
from arcoiris_desktop.ui.customer_dialog import CustomerDialog
from arcoiris_desktop.ui.dialogs import ApprovalDialog
from arcoiris_desktop.ui.shift_dialogs import CashCountDialog, ShiftReportDialog
from arcoiris_desktop.ui.stock_dialog import StockMoveDialog
from arcoiris_desktop.ui.tender_dialog import TenderDialog
from tests.desktop.conftest import CASHIER_PIN, MANAGER_PIN, MILK, idle
from tests.desktop.escpos_reader import parse_escpos
from tests.desktop.keys import dialog_of, key, scan, sign_in, type_into


def test_no_pay_without_a_shift_then_a_manager_opens_one_at_the_cashiers_till(
    qtbot, no_shift_window, db
):
    w = no_shift_window
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    assert "NO SHIFT OPEN" in w.sale.shift_label.text()
    scan(qtbot, w, MILK)
    key(qtbot, w, Qt.Key.Key_F12)
    assert w.sale.banner.kind == "banner-error" and "No shift is open" in w.sale.banner.text()
    assert not isinstance(w.sale.active_dialog, TenderDialog), "no money taken first"

    key(qtbot, w, Qt.Key.Key_F6)
    type_into(qtbot, dialog_of(qtbot, w, ApprovalDialog).field, MANAGER_PIN)
    count = dialog_of(qtbot, w, CashCountDialog)
    type_into(qtbot, count.total_field, "12,5x")
    assert "not an amount" in count.error_label.text() and count.isVisible()
    type_into(qtbot, count.total_field, "150.005")
    assert "Enter again to confirm" in count.counted_label.text(), "one Enter never commits"
    qtbot.keyClick(count.total_field, Qt.Key.Key_Return)  # refused by the till: decimals
    qtbot.waitUntil(lambda: "decimals" in count.error_label.text())
    assert count.isVisible() and count.total_field.text() == "150.005", "nothing typed lost"
    type_into(qtbot, count.total_field, "150.00")
    assert w.sale.shift is None and "€150.00?" in count.ok.text()
    qtbot.keyClick(count.total_field, Qt.Key.Key_Return)
    qtbot.keyClick(count.total_field, Qt.Key.Key_Return)  # a stray third Enter: ignored
    qtbot.waitUntil(lambda: w.sale.shift is not None)
    assert not count.isVisible()
    assert "Shift open" in w.sale.shift_label.text() and "€150.00" in w.sale.shift_label.text()
    assert "Marta Manager" in w.sale.banner.text()
    with db.read() as s:
        (op,) = s.scalars(select(OutboxOp).where(OutboxOp.kind != "audit.recorded")).all()
    assert op.kind == "shift.opened" and op.payload["shift"]["opening_float"] == "150.00"
    assert w.sale.cart.lines, "the cart waited for the shift"


def test_a_wrong_pin_opens_no_shift(qtbot, no_shift_window, db):
    w = no_shift_window
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    key(qtbot, w, Qt.Key.Key_F6)
    type_into(qtbot, dialog_of(qtbot, w, ApprovalDialog).field, "9999-no")
    qtbot.waitUntil(lambda: w.sale.banner.kind == "banner-error")
    assert "Not approved" in w.sale.banner.text()
    assert not isinstance(w.sale.active_dialog, CashCountDialog)
    with db.read() as s:
        # Only the sign-in's audit entries go to HQ: no shift was opened.
        assert {op.kind for op in s.scalars(select(OutboxOp))} <= {"audit.recorded"}


def test_x_report_then_close_with_a_count_by_note_and_the_z_prints(
    qtbot, window, till, cashier, printed
):
    cart = till.new_cart()
    cart.add_scan(till.scan(MILK))
    tender = till.new_tender(cart.totals().total)
    tender.add_cash(D("10"))
    till.complete(cart, tender, cashier)  # 3.09 in cash; the float was 100.00
    w = window
    sign_in(qtbot, w, "manager", MANAGER_PIN)
    key(qtbot, w, Qt.Key.Key_F6)  # a manager: no PIN asked
    x = dialog_of(qtbot, w, ShiftReportDialog)
    assert x.values["Expected in drawer"].text() == "€103.09"
    assert x.values["Net takings"].text() == "€3.09"
    assert "X REPORT - SHIFT STILL OPEN" in x.text.toPlainText()
    assert "Carlos Cashier" in x.text.toPlainText()
    qtbot.keyClick(x, Qt.Key.Key_F6)  # close from the X report
    count = dialog_of(qtbot, w, CashCountDialog)
    qtbot.keyClicks(count.fields[D("50")], "2")
    qtbot.keyClicks(count.fields[D("2")], "1")
    count._pieces_changed()
    assert count.total_field.text() == "102.00" and count.total_field.isReadOnly()
    # Enter in a box moves on; it never closes the shift with half the drawer counted.
    qtbot.keyClick(count.fields[D("50")], Qt.Key.Key_Return)
    assert count.isVisible() and till.current_shift() is not None
    qtbot.keyClick(count.fields[D("2")], Qt.Key.Key_Return)
    qtbot.keyClick(count.total_field, Qt.Key.Key_Return)
    assert till.current_shift() is not None and "€102.00?" in count.ok.text()
    qtbot.keyClick(count.total_field, Qt.Key.Key_Return)  # confirmed
    z = dialog_of(qtbot, w, ShiftReportDialog)
    assert z.values["Expected"].text() == "€103.09"
    assert z.values["Counted"].text() == "€102.00"
    assert z.values["Short"].text() == "-€1.09"
    idle(qtbot, w)
    text = "\n".join(parse_escpos(printed.read_bytes()).texts)
    assert "Z REPORT - SHIFT CLOSED" in text and "SHORT" in text and "-€1.09" in text
    assert "2 x €50.00" in text
    assert "NO SHIFT OPEN" in w.sale.shift_label.text()
    assert till.current_shift() is None


def test_find_or_add_a_customer_and_the_receipt_names_them(qtbot, window, printed):
    w = window
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    scan(qtbot, w, MILK)
    key(qtbot, w, Qt.Key.Key_F7)
    picker = dialog_of(qtbot, w, CustomerDialog)
    qtbot.keyClicks(picker.search, "ortega")
    qtbot.waitUntil(lambda: picker.results.count() == 1)
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.sale.customer is not None)
    assert "Carmen Ortega" in w.sale.customer_label.text()

    key(qtbot, w, Qt.Key.Key_F7)  # a new customer instead
    picker = dialog_of(qtbot, w, CustomerDialog)
    qtbot.keyClicks(picker.search, "Lucia Mar")
    qtbot.waitUntil(lambda: picker.name.text() == "Lucia Mar")  # nobody: the form is filled
    qtbot.keyClicks(picker.email, "lucia@")
    qtbot.keyClick(picker.email, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: picker.banner.kind == "banner-error")
    assert "not an email" in picker.banner.text() and picker.isVisible()
    qtbot.keyClicks(picker.email, "example.com")
    qtbot.keyClick(picker.email, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.sale.customer is not None and w.sale.customer.name == "Lucia Mar")

    key(qtbot, w, Qt.Key.Key_F12)
    tender = dialog_of(qtbot, w, TenderDialog)
    qtbot.keyClicks(tender.cash_field, "5")
    qtbot.keyClick(tender.cash_field, Qt.Key.Key_Return)  # cash taken
    qtbot.keyClick(tender.cash_field, Qt.Key.Key_Return)  # done
    qtbot.waitUntil(lambda: w.sale.last_print is not None, timeout=5000)
    assert any("Customer: Lucia Mar" in line for line in w.sale.last_print.text)
    assert "Customer: Luc" in "\n".join(parse_escpos(printed.read_bytes()).texts)
    assert not w.sale.customer_label.isVisible(), "the next sale starts with no customer"


def test_receive_stock_from_the_keyboard(qtbot, window, till):
    w = window
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    milk = till.scan(MILK).item
    before = till.stock_of(milk.item_id)
    key(qtbot, w, Qt.Key.Key_F10)
    type_into(qtbot, dialog_of(qtbot, w, ApprovalDialog).field, MANAGER_PIN)
    dialog = dialog_of(qtbot, w, StockMoveDialog)
    type_into(qtbot, dialog.item_field, "no such thing at all")
    qtbot.waitUntil(lambda: dialog.banner.kind == "banner-error")
    type_into(qtbot, dialog.item_field, MILK)
    qtbot.waitUntil(lambda: dialog.item is not None)
    assert f"the till shows {before.normalize():f}" in dialog.item_label.text()
    type_into(qtbot, dialog.quantity, "1.5")  # milk is counted in whole units
    qtbot.waitUntil(lambda: dialog.banner.kind == "banner-error")
    assert "whole units" in dialog.banner.text()
    type_into(qtbot, dialog.quantity, "12")
    qtbot.keyClick(dialog.quantity, Qt.Key.Key_Return)  # an impatient second Enter
    qtbot.waitUntil(lambda: dialog.banner.kind == "banner-info")
    idle(qtbot, w)
    assert f"now {(before + 12).normalize():f}" in dialog.banner.text()
    assert till.stock_of(milk.item_id) == before + 12, "recorded once"
    assert dialog.item_field.text() == "" and dialog.item_field.hasFocus(), "ready for the next"
    assert dialog.item is None, "the next quantity never lands on the milk"


def test_a_shift_left_open_from_an_earlier_day_is_flagged(qtbot, window, till):
    import datetime as dt

    w = window
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    shift = till.current_shift()
    assert shift is not None and "float" in w.sale.shift_label.text()
    yesterday = dataclasses.replace(shift, opened_at=shift.opened_at - dt.timedelta(days=1))
    w.sale.set_shift(yesterday)
    assert "an earlier day" in w.sale.shift_label.text()
    assert "F6" in w.sale.shift_label.text()
