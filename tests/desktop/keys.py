"""Driving the real main window as a cashier or a manager does, from the keyboard: sign in
with a PIN, scan at scanner speed, press a key, answer a dialog, read the cart back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from tests.desktop.conftest import CASHIER_PIN, idle

if TYPE_CHECKING:
    from arcoiris_desktop.ui.main_window import MainWindow


def sign_in(qtbot, w: MainWindow, role: str = "cashier", pin: str = CASHIER_PIN) -> None:
    """Choose the first person with ``role``, type ``pin`` and Enter; wait for the sale."""
    w.login.choose_by_role(role)
    qtbot.keyClicks(w.login.pin, pin)
    qtbot.keyClick(w.login.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.sale)
    idle(qtbot, w)


def scan(qtbot, w: MainWindow, code: str) -> None:
    """A keyboard-wedge scanner: the digits, then Enter, as fast as events go."""
    qtbot.keyClicks(w.sale.scan_field, code)
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Return)
    idle(qtbot, w)


def key(qtbot, w: MainWindow, k: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press ``k`` on the sale screen's scan field, the till's window active first."""
    # Offscreen, a closed dialog leaves no active window (a desktop gives the till's back).
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow)
    qtbot.keyClick(w.sale.scan_field, k, modifier)


def dialog_of(qtbot, w: MainWindow, kind: type):
    """The sale screen's open dialog, once it is a ``kind``."""
    qtbot.waitUntil(lambda: isinstance(w.sale.active_dialog, kind), timeout=5000)
    return w.sale.active_dialog


def answer(qtbot, dialog, text: str) -> None:
    """Type ``text`` into a keypad or PIN dialog's field and Enter."""
    qtbot.keyClicks(dialog.field, text)
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)


def type_into(qtbot, field, text: str) -> None:
    """Clear ``field``, type ``text`` and Enter."""
    field.clear()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def cart_rows(w: MainWindow) -> list[tuple[str, str, str]]:
    """The cart as the cashier reads it: (name, quantity, line total) per row."""
    m = w.sale.cart_model
    return [
        (m.index(r, 0).data().split("\n")[0], m.index(r, 1).data(), m.index(r, 4).data())
        for r in range(m.rowCount())
    ]
