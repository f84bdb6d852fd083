"""A Z report, once dismissed, can be seen and printed again: the manager lists the till's
closed shifts and opens one, and it reads as it did at the close."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt

from arcoiris_desktop.shifts.service import ShiftError
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.shift_dialogs import PastZDialog
from tests.desktop.conftest import BREAD, MILK, open_shift, sell_for_cash


def test_past_z_reports_read_as_they_did_at_the_close(till, cashier, manager, tmp_path, qtbot):
    sell_for_cash(till, cashier, [MILK], cash=D("5"))
    first = till.close_shift(manager, counted_cash=D("103.09"))
    open_shift(till)
    sell_for_cash(till, cashier, [BREAD, BREAD], cash=D("10"))
    second = till.close_shift(manager, counted_cash=D("107.00"))
    open_shift(till)  # a third, still open: not a Z yet

    closed = till.closed_shifts()
    assert [c.shift_id for c in closed] == [second.shift_id, first.shift_id]
    assert closed[0].over_short == D("-0.98") and closed[0].closed_by_name == manager.full_name

    again = till.past_z_report(first.shift_id)
    assert again.kind == "Z" and again.made_at == first.made_at
    assert till.shift_report_lines(again) == till.shift_report_lines(first)
    with pytest.raises(ShiftError, match="still open"):
        till.past_z_report(till.current_shift().id)

    fmt = Formatter("EUR", "en_IE", till.config.timezone)
    dialog = PastZDialog(closed, fmt)
    qtbot.addWidget(dialog)
    dialog.show()
    chosen = []
    dialog.chosen.connect(chosen.append)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert chosen == [first.shift_id]
    assert dialog.table.item(0, 3).text() == "-€0.98"
    dialog.grab().save(str(tmp_path / "past-z.png"))


def test_a_manager_reaches_past_z_reports_and_the_printer_by_key(qtbot, till, manager):
    """Ctrl+F6 on the sale screen lists past Z reports, Enter opens the chosen one as the
    Z report dialog; F11 opens the receipt printer setting."""
    from arcoiris_desktop.ui.printer_dialog import PrinterDialog
    from arcoiris_desktop.ui.shift_dialogs import ShiftReportDialog
    from tests.desktop.conftest import MANAGER_PIN, idle, shown_window
    from tests.desktop.keys import sign_in

    closed = till.close_shift(manager, counted_cash=D("100.00"))
    windows = shown_window(qtbot, till)
    w = next(windows)
    sign_in(qtbot, w, "manager", MANAGER_PIN)
    w.activateWindow()
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_F6, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(w.sale.active_dialog, PastZDialog), timeout=5000)
    listing = w.sale.active_dialog
    qtbot.keyClick(listing.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(w.sale.active_dialog, ShiftReportDialog), timeout=5000)
    report = w.sale.active_dialog
    assert "Z report" in report.windowTitle()
    assert report.text.toPlainText() == "\n".join(till.shift_report_lines(closed))
    qtbot.keyClick(report, Qt.Key.Key_Escape)
    idle(qtbot, w)
    qtbot.waitUntil(lambda: w.sale.active_dialog is None, timeout=5000)
    qtbot.waitUntil(lambda: w.isActiveWindow() and w.sale.scan_field.hasFocus())
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: isinstance(w.sale.active_dialog, PrinterDialog), timeout=5000)
    next(windows, None)  # stops the window's worker
