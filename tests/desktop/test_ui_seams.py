"""The till's UI seams: one dialog at a time on a screen, whatever keys are pressed; the
manager's keys know the sale screen only through ``ManagerHost``; the screens import
each other in one direction only."""

from __future__ import annotations

import ast
from pathlib import Path

from PySide6.QtCore import Qt

from arcoiris_desktop.ui.dialogs import ApprovalDialog, KeypadDialog
from arcoiris_desktop.ui.shift_dialogs import ShiftReportDialog
from arcoiris_desktop.ui.tender_dialog import TenderDialog
from tests.desktop.conftest import MANAGER_PIN, MILK, idle
from tests.desktop.keys import scan, sign_in

UI = Path(__file__).resolve().parents[2] / "arcoiris_desktop" / "ui"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
    return out


def test_a_key_that_opens_a_dialog_does_nothing_while_one_is_open(qtbot, window):
    w = window
    sign_in(qtbot, w)
    scan(qtbot, w, MILK)
    # F6 asks the worker whether a shift is open; F2 opens the quantity pad at once. The
    # shift's answer comes back with the pad open: no PIN pad on top of it.
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_F6)
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_F2)
    keypad = w.sale.dialogs.current
    assert isinstance(keypad, KeypadDialog) and keypad.isVisible()
    idle(qtbot, w)
    assert w.sale.dialogs.current is keypad, "a second dialog opened over the first"
    assert not any(
        isinstance(d, ApprovalDialog) and d.isVisible() for d in w.findChildren(ApprovalDialog)
    )
    qtbot.keyClick(keypad.field, Qt.Key.Key_Escape)
    assert w.sale.dialogs.current is None and not w.sale.dialogs.busy
    qtbot.waitUntil(lambda: w.sale.scan_field.hasFocus())
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_F12)
    assert isinstance(w.sale.dialogs.current, TenderDialog), "once closed, F12 pays"
    w.sale.dialogs.reject()
    assert w.sale.dialogs.current is None


def test_a_dialog_opened_from_another_is_the_one_left_open(qtbot, window):
    """The X report needs a manager's PIN from a cashier: the PIN pad closing must not
    forget the report that follows it, and nothing opens over the report."""
    w = window
    sign_in(qtbot, w)
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: isinstance(w.sale.dialogs.current, ApprovalDialog), timeout=5000)
    pad = w.sale.dialogs.current
    qtbot.keyClicks(pad.field, MANAGER_PIN)
    qtbot.keyClick(pad.field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(w.sale.dialogs.current, ShiftReportDialog), timeout=5000)
    report = w.sale.dialogs.current
    w.sale.manager.customer()  # F7's action, as a late callback would run it
    w.sale.pay()
    idle(qtbot, w)
    assert w.sale.dialogs.current is report
    report.reject()
    assert w.sale.dialogs.current is None


def test_manager_actions_know_the_screen_only_through_its_host_interface():
    source = (UI / "manager_actions.py").read_text()
    assert "arcoiris_desktop.ui.sale_screen" not in imported_modules(UI / "manager_actions.py")
    # No reaching into the screen's privates: every use of the host is a public name.
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "host"
        ):
            assert not node.attr.startswith("_"), f"host.{node.attr}"


def test_screens_import_each_other_one_way_only():
    graph = {
        path.stem: {
            m.rsplit(".", 1)[-1]
            for m in imported_modules(path)
            if m.startswith("arcoiris_desktop.ui.")
        }
        for path in UI.glob("*.py")
    }
    for module, deps in graph.items():
        for dep in deps:
            assert module not in graph.get(dep, set()), f"{module} <-> {dep}"


def test_no_screen_sets_its_open_dialog_by_hand():
    for path in UI.glob("*.py"):
        text = path.read_text()
        assert "active_dialog =" not in text, path.name
        assert 'setattr(self, "active_dialog"' not in text, path.name
