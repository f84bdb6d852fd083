"""A store manager's whole day on the real window, by key events: open with a float counted
note by note, sales, a paid out, the X report, a refund, a no-sale, a close with a short
count and its reason; then the day's takings against last week. Every figure on the Z
report and on the takings screen is checked against direct SQL on the till's database
(money is stored there as integers x10^4), not against the code that computed it."""

from __future__ import annotations

import json
from decimal import Decimal as D

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import text

from arcoiris_desktop.ui.cash_dialogs import OverShortReasonDialog, PayDialog
from arcoiris_desktop.ui.dialogs import ApprovalDialog
from arcoiris_desktop.ui.shift_dialogs import CashCountDialog, ShiftReportDialog
from arcoiris_desktop.ui.takings_screen import TakingsDialog
from tests.desktop.conftest import BREAD, CASHIER_PIN, MANAGER_PIN, MILK, WATER, idle
from tests.desktop.escpos_reader import parse_escpos
from tests.desktop.keys import dialog_of, key, scan, sign_in, type_into

CTRL = Qt.KeyboardModifier.ControlModifier


def _money(db, sql: str, **params) -> D:
    with db.read() as s:
        value = s.execute(text(sql), params).scalar()
    return D(int(value or 0)).scaleb(-4)


def _pay_cash(qtbot, w, cash: str) -> None:
    key(qtbot, w, Qt.Key.Key_F12)
    tender = w.sale.active_dialog
    qtbot.waitUntil(lambda: tender is not None and tender.isVisible())
    type_into(qtbot, tender.cash_field, cash)
    for _ in range(3):  # Enter shows the change, the next completes
        if not tender.isVisible():
            break
        qtbot.keyClick(tender.cash_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not tender.isVisible())
    idle(qtbot, w)
    preview = w.sale.active_dialog  # the receipt preview
    if preview is not None:
        qtbot.keyClick(preview, Qt.Key.Key_Escape)
    idle(qtbot, w)


def test_a_managers_whole_day_by_keys(qtbot, no_shift_window, db, printed):
    w = no_shift_window
    sign_in(qtbot, w, "manager", MANAGER_PIN)

    # Open: the float counted note by note.
    key(qtbot, w, Qt.Key.Key_F6)
    count = dialog_of(qtbot, w, CashCountDialog)
    type_into(qtbot, count.fields[D(50)], "1")
    type_into(qtbot, count.fields[D(20)], "2")
    type_into(qtbot, count.fields[D(10)], "1")
    assert count.total_field.text() == "100.00", "the notes add up as they are typed"
    qtbot.keyClick(count.total_field, Qt.Key.Key_Return)  # "Open shift with €100.00?"
    qtbot.keyClick(count.total_field, Qt.Key.Key_Return)  # yes
    qtbot.waitUntil(lambda: w.sale.shift is not None)
    with db.read() as s:
        float_, opening_count = s.execute(
            text("SELECT opening_float, opening_count FROM shifts")
        ).one()
    assert D(float_).scaleb(-4) == D(100)
    assert json.loads(opening_count) == [["50", 1], ["20", 2], ["10", 1]]

    # Sales: a cashier sells three baskets for cash.
    key(qtbot, w, Qt.Key.Key_L, CTRL)
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    for basket, cash in (([MILK, BREAD], "20.00"), ([WATER], "10.00"), ([MILK, MILK], "10.00")):
        for code in basket:
            scan(qtbot, w, code)
        _pay_cash(qtbot, w, cash)

    # A paid out: the cashier asks, the manager's PIN approves.
    key(qtbot, w, Qt.Key.Key_O, CTRL)
    type_into(qtbot, dialog_of(qtbot, w, ApprovalDialog).field, MANAGER_PIN)
    pay = dialog_of(qtbot, w, PayDialog)
    type_into(qtbot, pay.amount_field, "4.50")
    qtbot.keyClick(pay.reason_field, Qt.Key.Key_F3)  # postage
    type_into(qtbot, pay.reason_field, "stamps")
    qtbot.waitUntil(lambda: not pay.isVisible())
    idle(qtbot, w)

    # A refund of one milk from the third sale, with the manager's PIN.
    receipt = _one(db, "SELECT receipt_code FROM sales ORDER BY receipt_no DESC LIMIT 1")
    key(qtbot, w, Qt.Key.Key_R, CTRL)
    type_into(qtbot, w.refunds.code_field, receipt)
    qtbot.waitUntil(lambda: w.refunds.original is not None)
    w.refunds.set_quantity(0, D(1))
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_F12)
    pin = w.refunds.active_dialog
    assert isinstance(pin, ApprovalDialog)
    type_into(qtbot, pin.field, MANAGER_PIN)
    # The PIN's argon2 check and the refund's durable write run on the worker: wait for the
    # refund itself (and its receipt printed), not for a banner a later message may replace.
    qtbot.waitUntil(
        lambda: _one(db, "SELECT count(*) FROM sales WHERE kind = 'refund'") == 1,
        timeout=20000,
    )
    qtbot.waitUntil(lambda: w.refunds.last_print is not None, timeout=20000)
    idle(qtbot, w)
    preview = w.refunds.active_dialog
    if preview is not None:
        qtbot.keyClick(preview, Qt.Key.Key_Escape)
    w.activateWindow()  # offscreen hands activation back only when asked
    qtbot.waitUntil(lambda: w.isActiveWindow(), timeout=2000)
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_Escape)
    assert w.stack.currentWidget() is w.sale

    # The manager: a no-sale, the X report, then the close, 6.00 short with a reason.
    key(qtbot, w, Qt.Key.Key_L, CTRL)
    sign_in(qtbot, w, "manager", MANAGER_PIN)
    key(qtbot, w, Qt.Key.Key_D, CTRL)
    qtbot.waitUntil(lambda: "drawer is open" in w.sale.banner.text())
    idle(qtbot, w)
    key(qtbot, w, Qt.Key.Key_F6)
    x = dialog_of(qtbot, w, ShiftReportDialog)
    x_text = x.text.toPlainText()
    expected = _money(
        db,
        "SELECT (SELECT opening_float FROM shifts)"
        " + (SELECT coalesce(sum(amount), 0) FROM payments WHERE method = 'cash')"
        " + (SELECT coalesce(sum(amount), 0) FROM cash_movements)",
    )
    assert expected == D("100") + _money(db, "SELECT sum(total) FROM sales") - D("4.50"), (
        "all tenders were cash: the drawer holds the float, the takings, less 4.50"
    )
    assert f"{expected:,.2f}" in x_text
    qtbot.keyClick(x, Qt.Key.Key_F6)
    close = dialog_of(qtbot, w, CashCountDialog)
    short = expected - D(6)
    type_into(qtbot, close.total_field, f"{short:.2f}")
    qtbot.keyClick(close.total_field, Qt.Key.Key_Return)
    why = dialog_of(qtbot, w, OverShortReasonDialog)
    type_into(qtbot, why.reason_field, "a twenty given as a ten")
    z = dialog_of(qtbot, w, ShiftReportDialog)
    assert "Z report No. 1" in z.windowTitle()
    idle(qtbot, w)

    # The Z against the database.
    with db.read() as s:
        counted, over_short, reason, z_number = s.execute(
            text("SELECT counted_cash, over_short, over_short_reason, z_number FROM shifts")
        ).one()
    assert D(counted).scaleb(-4) == short and D(over_short).scaleb(-4) == D(-6)
    assert reason == "a twenty given as a ten" and z_number == 1
    z_text = "\n".join(parse_escpos(printed.read_bytes()).texts)
    sales_total = _money(db, "SELECT sum(total) FROM sales WHERE kind = 'sale'")
    refunds_total = _money(db, "SELECT sum(total) FROM sales WHERE kind = 'refund'")
    tax_total = _money(db, "SELECT sum(tax_total) FROM sales")
    for figure in (sales_total, -refunds_total, tax_total, expected, short, D(6), D("4.50")):
        assert f"{figure:,.2f}" in z_text, figure
    assert "Z No. 1" in z_text and "a twenty given as a ten" in z_text
    assert "No-sales" in z_text or "No sale" in z_text or "no-sale" in z_text.lower()
    qtbot.keyClick(z, Qt.Key.Key_Escape)
    idle(qtbot, w)

    # The day's takings: Ctrl+T; the tiles say what the database says.
    key(qtbot, w, Qt.Key.Key_T, CTRL)
    takings = dialog_of(qtbot, w, TakingsDialog)
    qtbot.waitUntil(lambda: takings.view is not None)
    view = takings.view
    assert view.figures.net_takings == sales_total + refunds_total
    assert view.figures.sales_count == 3 and view.figures.refunds_count == 1
    assert view.figures.tax_total == tax_total
    assert view.figures.paid_out == D("-4.50")
    net_tile = takings.findChild(QLabel, "value-net_takings")
    assert f"{sales_total + refunds_total:,.2f}" in net_tile.text()
    actions = {a.action for a in view.audit}
    assert {"paid_out", "no_sale", "refund"} <= actions, actions
    qtbot.keyClick(takings, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not takings.isVisible())


def _one(db, sql: str):
    with db.read() as s:
        return s.execute(text(sql)).scalar_one()


def test_a_cashiers_pin_does_not_open_the_takings(qtbot, window):
    w = window
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    key(qtbot, w, Qt.Key.Key_T, CTRL)
    pin = dialog_of(qtbot, w, ApprovalDialog)
    type_into(qtbot, pin.field, CASHIER_PIN)
    idle(qtbot, w)
    assert not isinstance(w.sale.active_dialog, TakingsDialog)
    assert "manager" in w.sale.banner.text().lower()
