"""The money a screen shows comes from the domain, in the till's currency: the refund
screen's estimate is what the refund pays (JPY without decimals, BHD to the fils), the
payment dialog's quick-cash buttons are the currency's next notes up. Driven by real keys.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import select

from arcoiris_desktop.db.database import Database
from arcoiris_desktop.sales.tender import Tender, quick_cash
from arcoiris_desktop.till import Till
from arcoiris_desktop.ui.dialogs import ApprovalDialog
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.main_window import MainWindow
from arcoiris_desktop.ui.refund_screen import RETURN_COLUMN
from arcoiris_desktop.ui.tender_dialog import TenderDialog
from arcoiris_shared.db.pos import Sale
from tests.desktop.conftest import (
    BANANAS_512G,
    MANAGER_PIN,
    MILK,
    WATER,
    idle,
    open_shift,
    sell_for_cash,
    shown_window,
)
from tests.desktop.keys import sign_in


def till_in(currency: str, db: Database, data_dir) -> Till:
    base = Till(db, data_dir=data_dir)
    till = Till(db, data_dir=data_dir, config=dataclasses.replace(base.config, currency=currency))
    open_shift(till, D(10000))
    return till


def type_return_quantity(qtbot, w: MainWindow, row: int, text: str) -> None:
    """Into the Return now cell as a cashier does: double-click it, type, Enter."""
    table = w.refunds.table
    cell = table.visualItemRect(table.item(row, RETURN_COLUMN)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    editors = table.viewport().findChildren(QLineEdit)
    assert editors, "the cell opened no editor"
    editor = editors[-1]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The delegate commits the edit on the next turn of the event loop.
    qtbot.waitUntil(lambda: table.item(row, RETURN_COLUMN).text() == text)


def open_on_returns(qtbot, till: Till, receipt_code: str):
    gen = shown_window(qtbot, till)
    w = next(gen)
    sign_in(qtbot, w)
    w.show_returns()
    qtbot.keyClicks(w.refunds.code_field, receipt_code)
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.refunds.original is not None, timeout=5000)
    return w, gen


def refund_on_screen(qtbot, w: MainWindow, db: Database) -> Sale:
    qtbot.mouseClick(w.refunds.refund_button, Qt.MouseButton.LeftButton)
    assert isinstance(w.refunds.active_dialog, ApprovalDialog)
    qtbot.keyClicks(w.refunds.active_dialog.field, MANAGER_PIN)
    qtbot.keyClick(w.refunds.active_dialog.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.refunds.last_print is not None, timeout=5000)
    idle(qtbot, w)
    with db.read() as s:
        return s.scalars(
            select(Sale).where(Sale.kind == "refund").order_by(Sale.receipt_code.desc())
        ).first()


def test_a_yen_refund_estimate_is_what_the_refund_pays_in_whole_yen(qtbot, db, data_dir):
    till = till_in("JPY", db, data_dir)
    cashier = next(s for s in till.staff() if s.role == "cashier")
    manager = next(s for s in till.staff() if s.role == "manager")
    sale = sell_for_cash(till, cashier, [WATER, WATER, WATER])  # 3 x 6.59 -> ¥20
    assert sale.receipt.total == D(20)
    # One water came back already: ¥7 of the ¥20 (20/3 rounds to 7).
    first = till.find_for_return(sale.receipt_code)
    approval = till.approve(MANAGER_PIN, action="refund", cashier=manager, details={})
    till.refund(first, {1: D(1)}, to="cash", cashier=manager, approval=approval)

    w, gen = open_on_returns(qtbot, till, sale.receipt_code)
    try:
        type_return_quantity(qtbot, w, 0, "1")
        # The second water's share is ¥13 - ¥7 = ¥6, not a third of ¥20 (¥6.67 -> ¥7).
        assert w.refunds.total_label.text() == "Refund ≈ JP¥6"
        w.refunds.to_cash.setChecked(True)
        refund = refund_on_screen(qtbot, w, db)
        assert refund.total == D(-6), "the estimate on screen is what the refund paid"
    finally:
        next(gen, None)


def test_a_dinar_refund_estimate_keeps_its_three_decimals(qtbot, db, data_dir):
    till = till_in("BHD", db, data_dir)
    cashier = next(s for s in till.staff() if s.role == "cashier")
    sale = sell_for_cash(till, cashier, [BANANAS_512G])  # 0.512 kg x 1.79 -> BHD 0.916
    assert sale.receipt.total == D("0.916")
    w, gen = open_on_returns(qtbot, till, sale.receipt_code)
    try:
        type_return_quantity(qtbot, w, 0, "0.256")
        # Half the bananas: BHD 0.458, to the fils (not 0.46 rounded to the cent).
        assert w.refunds.total_label.text() == "Refund ≈ BHD0.458"
        w.refunds.to_cash.setChecked(True)
        refund = refund_on_screen(qtbot, w, db)
        assert refund.total == D("-0.458")
    finally:
        next(gen, None)


# -- quick cash: the currency's next notes up -----------------------------------------------

QUICK = [
    ("EUR", "en_IE", "23.45", ["€23.45", "€25.00", "€30.00", "€40.00", "€50.00"]),
    ("EUR", "en_IE", "7.20", ["€7.20", "€10.00", "€20.00", "€50.00", "€100.00"]),
    ("USD", "en_US", "23.45", ["$23.45", "$24.00", "$25.00", "$30.00", "$40.00"]),
    ("GBP", "en_GB", "23.45", ["£23.45", "£25.00", "£30.00", "£40.00", "£50.00"]),
    ("MXN", "es_MX", "187.50", ["$187.50", "$200.00", "$500.00", "$1,000.00"]),
    ("JPY", "ja_JP", "1280", ["￥1,280", "￥1,300", "￥1,400", "￥1,500", "￥2,000"]),
]


@pytest.mark.parametrize(("currency", "locale", "due", "shown"), QUICK)
def test_quick_cash_buttons_are_the_next_notes_up(qtbot, currency, locale, due, shown):
    dialog = TenderDialog(Tender(total=D(due), currency=currency), Formatter(currency, locale))
    qtbot.addWidget(dialog)
    dialog.show()
    buttons = [dialog.quick_row.itemAt(i).widget() for i in range(dialog.quick_row.count())]
    assert [b.text() for b in buttons] == shown
    # The second button pays with the smallest sensible note: change is the difference.
    qtbot.mouseClick(buttons[1], Qt.MouseButton.LeftButton)
    paid = D(quick_cash(D(due), currency)[1])
    assert dialog.tender.is_complete and dialog.tender.change == paid - D(due)
    assert not dialog.quick_row.count(), "nothing left to pay: no quick cash"


def test_a_currency_without_a_note_list_still_gets_round_amounts():
    # CHF is not in arcoiris_shared.cash.DENOMINATIONS: 1-2-5 notes up to its largest.
    assert quick_cash(D("23.45"), "CHF") == [D("23.45"), D(30), D(40), D(50), D(100)]
    assert quick_cash(D(0), "EUR") == []


def test_the_payment_dialog_on_the_till_offers_the_next_euro_notes(qtbot, till):
    gen = shown_window(qtbot, till)
    w = next(gen)
    try:
        sign_in(qtbot, w)
        qtbot.keyClicks(w.sale.scan_field, MILK)
        qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Return)
        idle(qtbot, w)
        qtbot.waitUntil(lambda: w.sale.shift is not None, timeout=5000)
        qtbot.keyClick(w.sale, Qt.Key.Key_F12)
        qtbot.waitUntil(lambda: isinstance(w.sale.active_dialog, TenderDialog))
        row = w.sale.active_dialog.quick_row
        texts = [row.itemAt(i).widget().text() for i in range(row.count())]
        assert texts == ["€3.09", "€5.00", "€10.00", "€20.00", "€50.00"]
        w.sale.active_dialog.reject()
    finally:
        next(gen, None)
