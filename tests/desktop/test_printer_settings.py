"""The manager's receipt printer setting in the real window: a network printer on a
loopback socket the test runs, a test page through unsaved settings, Save, a sale printed
there, refused settings saving nothing, and the drawer kick switched off."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from decimal import Decimal as D

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from arcoiris_desktop.db.local import Setting
from arcoiris_desktop.receipts.printer_settings import (
    save_printer_settings,
    validate_printer_settings,
)
from arcoiris_desktop.receipts.printers import FilePrinter, NetworkPrinter
from arcoiris_desktop.till import Till
from arcoiris_desktop.ui.printer_dialog import PrinterDialog
from arcoiris_desktop.ui.shift_dialogs import ShiftReportDialog
from tests.desktop.conftest import MANAGER_PIN, MILK, idle
from tests.desktop.escpos_reader import parse_escpos
from tests.desktop.keys import dialog_of, key, sign_in


class LoopbackPrinter:
    """A TCP server on 127.0.0.1 that keeps every job (one connection) it receives."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.jobs: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                chunks = []
                while chunk := conn.recv(65536):
                    chunks.append(chunk)
            self.jobs.append(b"".join(chunks))

    @property
    def received(self) -> bytes:
        return b"".join(self.jobs)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.server.close()


@pytest.fixture
def loopback() -> Iterator[LoopbackPrinter]:
    printer = LoopbackPrinter()
    yield printer
    printer.close()


def _saved_printer(till: Till) -> object:
    with till.db.read() as session:
        row = session.get(Setting, "printer")
        return None if row is None else row.value


def _open_dialog(qtbot, w) -> PrinterDialog:
    sign_in(qtbot, w, "manager", MANAGER_PIN)
    w.sale.manager.printer()
    dialog = dialog_of(qtbot, w, PrinterDialog)
    assert isinstance(dialog, PrinterDialog)
    return dialog


def _choose_network(qtbot, dialog: PrinterDialog, port: int | str) -> None:
    dialog.kind_buttons["network"].click()
    dialog.host.clear()
    qtbot.keyClicks(dialog.host, "127.0.0.1")
    dialog.port.clear()
    qtbot.keyClicks(dialog.port, str(port))


def _cash_sale(till: Till, cashier) -> object:
    cart = till.new_cart()
    cart.add_scan(till.scan(MILK))
    tender = till.new_tender(cart.totals().total)
    tender.add_cash(D("10.00"))
    sale = till.complete(cart, tender, cashier)
    return till.print_receipt(sale.receipt, open_drawer=True)


def test_test_print_goes_to_the_network_printer_unsaved(
    qtbot, window, till, loopback, printed, tmp_path
):
    dialog = _open_dialog(qtbot, window)
    assert dialog.kind == "file"  # nothing set yet: the data folder's file
    assert dialog.path.text() == str(printed)
    _choose_network(qtbot, dialog, loopback.port)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: b"PRINTER TEST" in loopback.received, timeout=5000)
    idle(qtbot, window)
    page = parse_escpos(loopback.received)
    assert "PRINTER TEST" in page.texts
    assert f"Printer: 127.0.0.1:{loopback.port}" in page.texts
    assert page.cuts
    assert dialog.banner.kind == "banner-info"
    assert f"127.0.0.1:{loopback.port}" in dialog.banner.text()
    # Tried, not saved: the till still prints to its file.
    assert _saved_printer(till) is None
    assert isinstance(till.printer, FilePrinter)

    assert dialog.grab().save(str(tmp_path / "printer_dialog.png"))


def test_a_dead_printer_is_reported_in_the_dialog(qtbot, window, loopback):
    dialog = _open_dialog(qtbot, window)
    port = loopback.port
    loopback.close()  # nothing listens there any more
    _choose_network(qtbot, dialog, port)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.banner.kind == "banner-error", timeout=8000)
    assert "did not answer" in dialog.banner.text()
    assert dialog.isVisible()


def test_saved_network_printer_prints_the_next_sale(qtbot, window, till, loopback, cashier):
    dialog = _open_dialog(qtbot, window)
    _choose_network(qtbot, dialog, loopback.port)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    idle(qtbot, window)
    assert _saved_printer(till) == {
        "kind": "network",
        "host": "127.0.0.1",
        "port": str(loopback.port),
        "drawer_kick": "on",
    }
    assert isinstance(till.printer, NetworkPrinter)
    assert f"127.0.0.1:{loopback.port}" in window.sale.banner.text()

    outcome = _cash_sale(till, cashier)
    assert outcome.ok, outcome.message
    qtbot.waitUntil(lambda: len(loopback.jobs) >= 2, timeout=5000)
    data = loopback.received
    assert data.startswith(b"\x1bp")  # drawer kick first, on by default
    receipt = parse_escpos(data)
    assert any("Milk" in text for text in receipt.texts)
    # A new Till (the next start) reads the same setting.
    assert isinstance(Till(till.db, data_dir=till.data_dir).printer, NetworkPrinter)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("port", "70000", "1 to 65535"),
        ("port", "0", "1 to 65535"),
        ("port", "91x", "1 to 65535"),
        ("host", "", "host"),
    ],
)
def test_invalid_network_settings_are_refused_and_nothing_saved(
    qtbot, window, till, field, value, words
):
    dialog = _open_dialog(qtbot, window)
    _choose_network(qtbot, dialog, 9100)
    getattr(dialog, field).setText(value)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    idle(qtbot, window)
    assert dialog.isVisible()
    assert dialog.banner.kind == "banner-error"
    assert words in dialog.banner.text()
    assert _saved_printer(till) is None
    assert isinstance(till.printer, FilePrinter)


def test_usb_ids_must_be_hex(qtbot, window, till):
    dialog = _open_dialog(qtbot, window)
    dialog.kind_buttons["usb"].click()
    assert dialog.vendor_id.isEnabled() and not dialog.host.isEnabled()
    dialog.vendor_id.setText("04g8")
    dialog.product_id.setText("0202")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "hexadecimal" in dialog.banner.text()
    assert _saved_printer(till) is None
    assert validate_printer_settings(
        {"kind": "usb", "vendor_id": "0x4B8", "product_id": "202"}
    ) == {"kind": "usb", "vendor_id": "04b8", "product_id": "0202", "drawer_kick": "on"}


def test_drawer_kick_off_never_kicks(qtbot, window, till, loopback, cashier):
    dialog = _open_dialog(qtbot, window)
    _choose_network(qtbot, dialog, loopback.port)
    dialog.drawer_kick.setChecked(False)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    idle(qtbot, window)
    assert _saved_printer(till)["drawer_kick"] == "off"  # type: ignore[index]

    outcome = _cash_sale(till, cashier)
    assert outcome.ok, outcome.message
    qtbot.waitUntil(lambda: bool(loopback.jobs), timeout=5000)
    qtbot.wait(100)
    assert len(loopback.jobs) == 1  # the receipt only
    assert b"\x1bp" not in loopback.received
    receipt = parse_escpos(loopback.received)
    assert receipt.cuts and not any(c.startswith(b"\x1bp") for c in receipt.commands)


def test_escape_closes_without_saving(qtbot, window, till):
    dialog = _open_dialog(qtbot, window)
    dialog.kind_buttons["network"].click()
    dialog.host.setText("10.0.0.9")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert window.sale.active_dialog is None
    assert _saved_printer(till) is None


def test_reached_from_the_x_report(qtbot, window):
    sign_in(qtbot, window, "manager", MANAGER_PIN)
    key(qtbot, window, Qt.Key.Key_F6)
    report = dialog_of(qtbot, window, ShiftReportDialog)
    button = report.findChild(type(report.print_button), "printer-settings")
    assert button is not None and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = dialog_of(qtbot, window, PrinterDialog)
    assert not report.isVisible()
    assert dialog.isVisible()
    QApplication.processEvents()


def test_save_keeps_other_printer_keys(db, till):
    from arcoiris_desktop.config import put_settings

    with db.write() as session:
        put_settings(session, {"printer": {"kind": "file", "path": "/x", "timeout": "5"}})
    saved = save_printer_settings(db, {"kind": "network", "host": "h", "port": "9100"})
    assert saved == {
        "timeout": "5",
        "kind": "network",
        "host": "h",
        "port": "9100",
        "drawer_kick": "on",
    }
