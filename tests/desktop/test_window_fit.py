"""The till's window on the smallest till screen (1024x768), how it starts (maximised,
full screen or a window, from the ``window_mode`` setting), the focus coming back after a
dialog closes (a kiosk has no window manager to give it back), and the manager's PIN pad
keeping its width whatever the item is called.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from arcoiris_desktop.config import put_settings
from arcoiris_desktop.till import Till
from arcoiris_desktop.ui.dialogs import ApprovalDialog, KeypadDialog
from arcoiris_desktop.ui.main_window import MainWindow, window_mode_setting
from tests.desktop.conftest import BREAD, CASHIER_PIN, DEMO_PINS, MILK, WATER, idle
from tests.desktop.keys import scan, sign_in

SMALL = (1024, 768)


def _window(qtbot, till: Till) -> MainWindow:
    w = MainWindow(till, demo_pins=DEMO_PINS)
    qtbot.addWidget(w)
    return w


def _inside(w: QWidget, widget: QWidget) -> bool:
    """Whether all of ``widget`` is on ``w``'s area, and shown."""
    top_left = widget.mapTo(w, QPoint(0, 0))
    return widget.isVisible() and w.rect().contains(QRect(top_left, widget.size()))


def test_the_sale_and_sign_in_screens_fit_1024x768(qtbot, till: Till, tmp_path: Path):
    w = _window(qtbot, till)
    w.resize(*SMALL)
    w.show()
    qtbot.waitUntil(lambda: w.login.people.count() == 3)
    hint = w.minimumSizeHint()
    assert hint.width() <= SMALL[0] and hint.height() <= SMALL[1], hint
    assert w.minimumWidth() <= SMALL[0] and w.minimumHeight() <= SMALL[1]
    qtbot.waitUntil(lambda: (w.width(), w.height()) == SMALL)
    qtbot.waitUntil(lambda: w.queue.text() != "")
    qtbot.wait(50)  # the staff tiles show on the next turn of the event loop
    tiles = [b for b in w.login.findChildren(QPushButton) if b.objectName().startswith("staff-")]
    assert len(tiles) == 3 and all(_inside(w, b) for b in tiles)
    ok = next(b for b in w.login.findChildren(QPushButton) if b.text() == "OK")
    assert _inside(w, ok) and _inside(w, w.login.pin) and _inside(w, w.statusBar())
    assert _inside(w, w.queue) and _inside(w, w.sync_button)
    w.grab().save(str(tmp_path / "login1024.png"))  # to look at

    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    for code in (MILK, BREAD, WATER, MILK):
        scan(qtbot, w, code)
    idle(qtbot, w)
    QApplication.processEvents()
    assert (w.width(), w.height()) == SMALL
    assert w.sale.cart_model.rowCount() == 3
    for widget in (w.sale.total_label, w.sale.pay_button, w.sale.scan_field, w.statusBar()):
        assert _inside(w, widget), widget
    assert _inside(w, w.sync_button) and _inside(w, w.queue)
    # The status bar's Sync button is a status bar's height, not a full touch key's.
    assert w.statusBar().height() <= 40
    w.grab().save(str(tmp_path / "w1024.png"))


def test_show_for_till_starts_maximised_unless_the_setting_says_otherwise(qtbot, till: Till):
    assert window_mode_setting(till) == "maximised"
    w = _window(qtbot, till)
    assert w.show_for_till() == "maximised"
    qtbot.waitUntil(lambda: w.isVisible())
    assert w.isMaximized() and not w.isFullScreen()

    with till.db.write() as session:
        put_settings(session, {"window_mode": "fullscreen"})
    assert window_mode_setting(till) == "fullscreen"
    full = _window(qtbot, till)
    assert full.show_for_till() == "fullscreen"
    qtbot.waitUntil(lambda: full.isFullScreen())

    with till.db.write() as session:
        put_settings(session, {"window_mode": "window"})
    plain = _window(qtbot, till)
    assert plain.show_for_till() == "window"
    qtbot.waitUntil(lambda: plain.isVisible())
    assert not plain.isMaximized() and not plain.isFullScreen()
    assert (plain.width(), plain.height()) == SMALL

    with till.db.write() as session:
        put_settings(session, {"window_mode": "sideways"})
    assert window_mode_setting(till) == "maximised"  # unknown: the default, and a log line


def test_the_window_takes_the_focus_back_after_a_dialog_closes(qtbot, till: Till):
    w = _window(qtbot, till)
    w.resize(*SMALL)
    w.show()
    qtbot.waitUntil(lambda: w.login.people.count() == 3)
    sign_in(qtbot, w, "cashier", CASHIER_PIN)
    scan(qtbot, w, MILK)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)

    # A dialog opens and closes (Escape): without a window manager nothing else gives the
    # focus back.
    dialog = KeypadDialog("Arcoiris POS", "Quantity", parent=w.sale)
    dialog.open()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    assert QApplication.focusWidget() is w.sale.scan_field

    # F-keys work again without a click: F2 (quantity) opens its keypad from a real key.
    qtbot.keyClick(w, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), KeypadDialog))
    keypad = QApplication.activeModalWidget()
    assert isinstance(keypad, KeypadDialog)
    qtbot.keyClick(keypad.field, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=2000)
    # And the scanner types into the scan box again.
    scan(qtbot, w, BREAD)
    assert w.sale.cart_model.rowCount() == 2


def test_the_manager_pin_pad_keeps_its_width_with_a_long_item_name(
    qtbot, till: Till, tmp_path: Path
):
    name = ("Extra Virgin Olive Oil Cold Pressed Organic Family Size " * 4)[:200]
    assert len(name) == 200
    w = _window(qtbot, till)  # the dialog takes the till's style from its parent
    w.resize(*SMALL)
    w.show()
    dialog = ApprovalDialog(f"price override on {name}", parent=w)
    dialog.show()
    qtbot.waitUntil(dialog.isVisible)
    QApplication.processEvents()
    assert dialog.width() <= 480, dialog.width()
    assert dialog.height() <= 700, dialog.height()
    assert _inside(dialog, dialog.ok) and _inside(dialog, dialog.field)
    assert dialog.detail.isVisible() and dialog.detail.wordWrap()
    dialog.grab().save(str(tmp_path / "pin_long.png"))

    # A name with no spaces at all (a pasted code) wraps too, and the keys stay on screen.
    code = "X" * 200
    dialog2 = ApprovalDialog(f"price override on {code}", parent=w)
    dialog2.show()
    qtbot.waitUntil(dialog2.isVisible)
    QApplication.processEvents()
    assert dialog2.width() <= 480 and _inside(dialog2, dialog2.ok)
