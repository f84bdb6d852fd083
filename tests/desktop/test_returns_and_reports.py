"""The Returns screen driven from the keyboard (Esc back to the sale, the sale screen's keys
never dead, the till's recent sales to pick from), a failed lookup that leaves nothing
behind, and the X/Z report's top items net of refunds with counts in good English."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.db.database import Database
from arcoiris_desktop.sales.history import recent_sales
from arcoiris_desktop.till import Till
from arcoiris_desktop.ui.main_window import MainWindow
from tests.desktop.conftest import (
    BREAD,
    MILK,
    WATER,
    idle,
    open_shift,
    sell_for_cash,
    shown_window,
)
from tests.desktop.keys import key, sign_in

STORE_ZONE = "America/Mexico_City"  # never UTC: the times shown must be the store's


_sell = sell_for_cash


@pytest.fixture
def store_till(db: Database, data_dir: Path) -> Till:
    """A till with a shift open in a store whose clock is not UTC."""
    base = Till(db, data_dir=data_dir)
    t = Till(db, data_dir=data_dir, config=dataclasses.replace(base.config, timezone=STORE_ZONE))
    open_shift(t)
    return t


@pytest.fixture
def window(qtbot, store_till: Till):
    yield from shown_window(qtbot, store_till)


def to_returns(qtbot, w: MainWindow) -> None:
    """Sign in as the cashier and go to Returns the keyboard way (Ctrl+R)."""
    sign_in(qtbot, w)
    key(qtbot, w, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.refunds)
    idle(qtbot, w)


def find(qtbot, w: MainWindow, code: str) -> None:
    qtbot.keyClicks(w.refunds.code_field, code)
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_Return)
    idle(qtbot, w)


# -- keys ----------------------------------------------------------------------------------


def test_escape_goes_back_to_the_sale_and_no_function_key_is_dead(qtbot, window):
    w = window
    to_returns(qtbot, w)
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_Escape)
    assert w.stack.currentWidget() is w.sale
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert w.stack.currentWidget() is w.refunds
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_F2)  # the sale screen's quantity key
    assert w.refunds.banner.kind == "banner-warn" and "sale screen" in w.refunds.banner.text()
    assert "Esc" in w.refunds.hint.text() and "F12" in w.refunds.hint.text()
    qtbot.keyClick(w.refunds.recent_table, Qt.Key.Key_Escape)  # from anywhere on the screen
    assert w.stack.currentWidget() is w.sale
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert w.stack.currentWidget() is w.sale, "Ctrl+R goes back the way it came"


def test_f12_refunds_the_sale_on_screen(qtbot, window, store_till, cashier):
    sold = _sell(store_till, cashier, [MILK])
    w = window
    to_returns(qtbot, w)
    find(qtbot, w, sold.receipt_code)
    assert w.refunds.original is not None
    w.refunds.select_all()
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_F12)
    dialog = w.refunds.active_dialog
    assert dialog is not None  # the manager's PIN is asked for
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.isActiveWindow(), timeout=2000)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and w.refunds.active_dialog is None
    assert w.stack.currentWidget() is w.refunds, "Esc closes the dialog, not the screen"
    w.activateWindow()  # offscreen hands activation back only when asked
    qtbot.waitUntil(lambda: w.isActiveWindow(), timeout=2000)
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_Escape)
    assert w.stack.currentWidget() is w.sale


# -- a failed lookup --------------------------------------------------------------------------


def test_a_failed_lookup_clears_the_field_and_the_sale_on_screen(
    qtbot, window, store_till, cashier
):
    sold = _sell(store_till, cashier, [MILK, BREAD])
    w = window
    to_returns(qtbot, w)
    find(qtbot, w, sold.receipt_code)
    assert w.refunds.original is not None and w.refunds.refund_button.isEnabled()
    assert w.refunds.code_field.text() == ""

    find(qtbot, w, "T01-999999")
    assert w.refunds.banner.kind == "banner-error"
    assert w.refunds.code_field.text() == "", "the next scan would be appended to it"
    assert w.refunds.original is None and w.refunds.table.rowCount() == 0
    assert w.refunds.summary.text() == ""
    assert not w.refunds.refund_button.isEnabled()
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_F12)
    assert w.refunds.active_dialog is None, "Refund… acted on the sale that went away"

    find(qtbot, w, sold.receipt_code)  # the next scan starts clean
    assert w.refunds.original is not None
    assert w.refunds.original.receipt_code == sold.receipt_code


# -- the till's recent sales -----------------------------------------------------------------


def test_recent_sales_are_this_tills_sales_newest_first(store_till, db, cashier, manager):
    a = _sell(store_till, cashier, [MILK])
    b = _sell(store_till, cashier, [BREAD])
    ok = Approval("refund", manager.user_id, manager.full_name)
    store_till.refund(store_till.find_for_return(a.receipt_code), {1: D(1)}, to="cash",
                      cashier=cashier, approval=ok)  # fmt: skip
    got = store_till.recent_sales()
    assert [s.receipt_code for s in got] == [b.receipt_code, a.receipt_code], "no refunds"
    assert [s.total for s in got] == [b.receipt.total, a.receipt.total]
    assert [s.receipt_code for s in recent_sales(db, store_till.config, limit=1)] == [
        b.receipt_code
    ]


def test_pick_a_recent_sale_from_the_keyboard(qtbot, window, store_till, cashier, tmp_path):
    sales = [_sell(store_till, cashier, [code]) for code in (MILK, BREAD, WATER)]
    w = window
    to_returns(qtbot, w)
    table = w.refunds.recent_table
    assert table.rowCount() == 3
    zone = ZoneInfo(STORE_ZONE)
    for row, sale in enumerate(reversed(sales)):
        assert table.item(row, 0).text() == sale.receipt_code
        assert table.item(row, 2).text() == w.refunds.fmt.money(sale.receipt.total)
    shown = table.item(0, 1).text()
    now_local = dt.datetime.now(dt.UTC).astimezone(zone)
    hours = {(now_local - dt.timedelta(minutes=m)).strftime("%H:%M") for m in range(3)}
    assert shown in hours, f"{shown} is not the store's time ({STORE_ZONE})"
    w.refunds.banner.clear_message()
    assert w.refunds.grab().save(str(tmp_path / "returns.png"))

    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_F9)
    assert table.hasFocus() and table.currentRow() == 0
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    idle(qtbot, w)
    assert w.refunds.original is not None
    assert w.refunds.original.receipt_code == sales[1].receipt_code
    assert w.refunds.refund_button.isEnabled()
    assert w.refunds.grab().save(str(tmp_path / "returns-picked.png"))


# -- the X/Z report ----------------------------------------------------------------------------


def test_top_items_are_net_of_refunds_and_counts_are_plural_by_count(till, cashier, manager):
    a = _sell(till, cashier, [MILK, MILK, BREAD])
    _sell(till, cashier, [WATER])
    ok = Approval("refund", manager.user_id, manager.full_name)
    original = till.find_for_return(a.receipt_code)
    milk_line = next(ln for ln in original.lines if ln.sold == 2)
    bread_line = next(ln for ln in original.lines if ln is not milk_line)
    till.refund(original, {milk_line.line_no: D(1), bread_line.line_no: D(1)}, to="cash",
                cashier=cashier, approval=ok)  # fmt: skip

    x = till.x_report(manager)
    top = {i.sku: (i.quantity, i.amount) for i in x.top_items}
    assert top[milk_line.sku] == (D(1), milk_line.total / 2), "the milk that came back counted"
    assert bread_line.sku not in top, "all the bread came back: none of it was sold"
    assert len(top) == 2

    text = "\n".join(till.shift_report_lines(x))
    assert "2 sales, 1 refund " in text + " " and "1 refunds" not in text
    assert "TOP ITEMS" in text


def test_one_sale_is_singular(till, cashier, manager):
    _sell(till, cashier, [MILK])
    text = "\n".join(till.shift_report_lines(till.x_report(manager)))
    assert "  1 sale " in text and "1 sales" not in text
