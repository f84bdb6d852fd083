"""The real main window, driven as a cashier drives it: PIN, scans at scanner speed, search,
a discount a manager approves, split tender, the printed bytes, a refund, park and resume.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from arcoiris_desktop.db.local import AuditEntry, OutboxOp
from arcoiris_desktop.ui.dialogs import ApprovalDialog, KeypadDialog, ParkedDialog
from arcoiris_desktop.ui.main_window import MainWindow
from arcoiris_desktop.ui.models import CartModel
from arcoiris_desktop.ui.tender_dialog import TenderDialog
from arcoiris_shared.db.pos import Sale
from tests.desktop.conftest import (
    BANANAS_512G,
    BREAD,
    CASHIER_PIN,
    MANAGER_PIN,
    MILK,
    WATER,
    idle,
)
from tests.desktop.escpos_reader import parse_escpos
from tests.desktop.keys import answer, cart_rows, scan, sign_in


def test_wrong_pin_keeps_the_till_locked(qtbot, window):
    window.login.choose_by_role("cashier")
    qtbot.keyClicks(window.login.pin, "9999")
    qtbot.keyClick(window.login.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.login.banner.kind == "banner-error")
    assert window.stack.currentWidget() is window.login
    assert "PIN" in window.login.banner.text()


def test_a_whole_sale_from_scan_to_receipt_and_its_refund(qtbot, window, db, printed: Path):
    w = window
    sign_in(qtbot, w)
    assert w.sale.scan_field.hasFocus()

    for code in (MILK, MILK, BREAD, BANANAS_512G):
        scan(qtbot, w, code)
    qtbot.keyClicks(w.sale.scan_field, "3*")
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Return)
    scan(qtbot, w, WATER)
    assert cart_rows(w) == [
        ("Fresco Whole Milk 250 g", "2", "€6.18"),
        ("La Huerta Sourdough Loaf 400 g", "1", "€3.99"),
        ("Bananas", "0.512 kg", "€0.92"),
        ("Nordhavn Sparkling Water 6 x 330 ml", "3", "€19.77"),
    ]
    assert w.sale.total_label.text() == "€30.86"

    # Search as you type, arrow down to the second hit, Enter adds it.
    qtbot.keyClicks(w.sale.scan_field, "sourdough")
    qtbot.waitUntil(lambda: w.sale.search_view.isVisible(), timeout=3000)
    hits = [w.sale.search_model.item(r) for r in range(w.sale.search_model.rowCount())]
    assert all("Sourdough" in h.name for h in hits) and len(hits) >= 2
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Down)
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Return)
    assert len(w.sale.cart.lines) == 5 and w.sale.cart.lines[4].name == hits[1].name
    assert not w.sale.search_view.isVisible() and w.sale.scan_field.text() == ""

    # A 25% discount on the water line: over the 10% limit, so a manager approves inline.
    w.sale.cart_view.selectRow(3)
    w.sale.line_discount()
    assert isinstance(w.sale.active_dialog, KeypadDialog)
    answer(qtbot, w.sale.active_dialog, "4.94")
    qtbot.waitUntil(lambda: isinstance(w.sale.active_dialog, ApprovalDialog))
    answer(qtbot, w.sale.active_dialog, MANAGER_PIN)
    qtbot.waitUntil(lambda: w.sale.cart.lines[3].discount == D("4.94"))
    assert w.sale.banner.text() == "Approved by Marta Manager"
    total = w.sale.cart.totals().total
    assert total == D("30.86") + hits[1].price - D("4.94")

    # Split tender: part card with its approval code, the rest cash with change.
    w.sale.pay()
    tender = w.sale.active_dialog
    assert isinstance(tender, TenderDialog)
    assert not tender.complete_btn.isEnabled()
    qtbot.keyClicks(tender.card_amount, "10.00")
    qtbot.keyClicks(tender.card_ref, "AUTH 482915")
    qtbot.keyClick(tender.card_ref, Qt.Key.Key_Return)
    qtbot.keyClicks(tender.cash_field, "50")
    qtbot.keyClick(tender.cash_field, Qt.Key.Key_Return)
    assert tender.tender.is_complete
    expected_change = D("50") - (total - D("10.00"))
    assert tender.change_label.text() == f"€{expected_change}"
    qtbot.mouseClick(tender.complete_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.sale.last_print is not None, timeout=5000)
    assert w.sale.cart.is_empty and w.sale.total_label.text() == "€0.00"
    assert f"Change: €{expected_change}" in w.sale.banner.text()

    # The bytes that went to the printer: a drawer kick (cash), then the receipt.
    data = printed.read_bytes()
    assert data.startswith(b"\x1bp")
    job = parse_escpos(data)
    text = "\n".join(job.texts)
    assert "T01-000001" in text
    assert "Bananas" in text and "0.512 kg x 1.79/kg" in text
    assert f"€{total}" in text and "AUTH 482915" in text
    assert any(code.endswith(b"T01-000001") for _, code in job.barcodes)
    assert job.images, "the logo prints at the top"
    with db.read() as s:
        sale = s.scalars(select(Sale)).one()
        assert sale.total == total and sale.approved_by is not None
        facts = s.scalars(select(OutboxOp.kind).where(OutboxOp.kind != "audit.recorded")).all()
        assert facts == ["shift.opened", "sale.completed"]
        actions = s.scalars(select(AuditEntry.action)).all()
        assert "discount" in actions and "discount.used" in actions

    # Return one water and the bananas against that receipt (scanned from its barcode).
    w.show_returns()
    qtbot.keyClicks(w.refunds.code_field, "T01-000001")
    qtbot.keyClick(w.refunds.code_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.refunds.original is not None)
    w.refunds.set_quantity(3, D(4))  # more than was sold
    assert w.refunds.banner.kind == "banner-error" and "Only 3" in w.refunds.banner.text()
    w.refunds.set_quantity(3, D(1))
    w.refunds.set_quantity(2, D("0.512"))
    w.refunds.to_cash.setChecked(True)
    qtbot.mouseClick(w.refunds.refund_button, Qt.MouseButton.LeftButton)
    assert isinstance(w.refunds.active_dialog, ApprovalDialog)
    answer(qtbot, w.refunds.active_dialog, MANAGER_PIN)
    qtbot.waitUntil(lambda: w.refunds.last_print is not None, timeout=5000)
    idle(qtbot, w)
    with db.read() as s:
        refund = s.scalars(select(Sale).where(Sale.kind == "refund")).one()
    assert refund.refund_of_sale_id == sale.id
    assert refund.receipt_code == "T01-000002"
    refund_text = "\n".join(parse_escpos(printed.read_bytes()[len(data) :]).texts)
    assert "REFUND" in refund_text and "T01-000001" in refund_text
    # The returned quantities now show on the screen.
    assert w.refunds.table.item(3, 2).text() == "1"


def test_cashier_mistakes_beep_and_keep_the_cart(qtbot, window):
    w = window
    sign_in(qtbot, w)
    scan(qtbot, w, MILK)
    before = cart_rows(w)
    for bad, words in [
        ("4006381333931", "Unknown barcode"),
        ("8410001000009", "check digit"),
        ("no such thing!", "Nothing found"),
    ]:
        qtbot.keyClicks(w.sale.scan_field, bad)
        w.sale._close_search()
        qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Return)
        idle(qtbot, w)
        assert w.sale.banner.kind == "banner-error", bad
        assert words.lower() in w.sale.banner.text().lower()
        assert "Traceback" not in w.sale.banner.text()
        assert cart_rows(w) == before

    # Short payment: Complete stays off, and Enter on an empty cash field pays the rest.
    w.sale.pay()
    tender = w.sale.active_dialog
    qtbot.keyClicks(tender.cash_field, "1")
    qtbot.keyClick(tender.cash_field, Qt.Key.Key_Return)
    assert not tender.complete_btn.isEnabled()
    tender._complete()
    assert tender.banner.kind == "banner-error" and "still owed" in tender.banner.text()
    tender.reject()
    assert cart_rows(w) == before

    # A wrong manager PIN approves nothing.
    w.sale.banner.clear_message()
    w.sale.override_price()
    answer(qtbot, w.sale.active_dialog, "0.50")
    qtbot.waitUntil(lambda: isinstance(w.sale.active_dialog, ApprovalDialog))
    answer(qtbot, w.sale.active_dialog, CASHIER_PIN)
    qtbot.waitUntil(lambda: w.sale.banner.kind == "banner-error")
    assert "Not approved" in w.sale.banner.text()
    assert w.sale.cart.lines[0].unit_price == D("3.09")


def test_park_serve_someone_else_and_resume(qtbot, window):
    w = window
    sign_in(qtbot, w)
    scan(qtbot, w, MILK)
    scan(qtbot, w, BREAD)
    first = cart_rows(w)
    w.sale.park()
    idle(qtbot, w)
    assert w.sale.cart.is_empty
    scan(qtbot, w, WATER)
    w.sale.park()
    idle(qtbot, w)
    w.sale.resume()
    qtbot.waitUntil(lambda: isinstance(w.sale.active_dialog, ParkedDialog))
    dialog = w.sale.active_dialog
    assert dialog.list.count() == 2
    dialog.list.setCurrentRow(0)
    dialog.accept()
    idle(qtbot, w)
    assert cart_rows(w) == first
    assert len(w.till.parked()) == 1


def test_lock_keeps_the_cart_for_whoever_signs_in(qtbot, window):
    w = window
    sign_in(qtbot, w)
    scan(qtbot, w, MILK)
    w.lock()
    assert w.stack.currentWidget() is w.login
    sign_in(qtbot, w, "manager", MANAGER_PIN)
    assert len(w.sale.cart.lines) == 1
    assert "Marta Manager" in w.sale.who.text()


def test_idle_till_locks_itself(qtbot, till):
    from dataclasses import replace

    till.config = replace(till.config, idle_lock_seconds=1)
    w = MainWindow(till)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.login.people.count() == 3)
    sign_in(qtbot, w)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.login, timeout=4000)
    assert "Locked" in w.login.banner.text()
    w.worker.shutdown()


def test_reprint_of_the_last_receipt(qtbot, window, printed: Path):
    w = window
    sign_in(qtbot, w)
    w.sale.reprint()
    qtbot.waitUntil(lambda: w.sale.banner.kind == "banner-warn")
    scan(qtbot, w, BREAD)
    w.sale.pay()
    w.sale.active_dialog._cash(D("5"))
    w.sale.active_dialog._complete()
    qtbot.waitUntil(lambda: w.sale.last_print is not None)
    first_len = printed.stat().st_size
    w.sale.last_print = None
    w.sale.reprint()
    qtbot.waitUntil(lambda: w.sale.last_print is not None)
    again = parse_escpos(printed.read_bytes()[first_len:])
    assert any("REPRINT" in t for t in again.texts)
    assert any("T01-000001" in t for t in again.texts)


def test_a_dead_printer_never_loses_the_sale(qtbot, till, db):
    from arcoiris_desktop.receipts.printers import PrinterError

    class Unplugged:
        name = "unplugged"

        def send(self, data: bytes) -> None:
            raise PrinterError("Printer 10.0.0.9:9100 did not answer")

    till.printer = Unplugged()
    w = MainWindow(till)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.login.people.count() == 3)
    sign_in(qtbot, w)
    scan(qtbot, w, MILK)
    w.sale.pay()
    w.sale.active_dialog._cash(D("10"))
    w.sale.active_dialog._complete()
    qtbot.waitUntil(lambda: w.sale.last_print is not None)
    assert not w.sale.last_print.ok
    assert w.sale.banner.kind == "banner-warn" and "Reprint" in w.sale.banner.text()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 1
    w.worker.shutdown()


def test_cart_model_is_a_well_behaved_qt_model(qtmodeltester, till):
    from arcoiris_desktop.ui.format import Formatter

    cart = till.new_cart()
    cart.add_scan(till.scan(MILK))
    cart.add_scan(till.scan(BANANAS_512G))
    model = CartModel(cart, Formatter("EUR", "en_IE"))
    qtmodeltester.check(model)


def test_return_without_a_receipt_needs_a_manager_and_pays_cash(qtbot, window, db):
    from arcoiris_desktop.ui.refund_screen import NoReceiptDialog

    w = window
    sign_in(qtbot, w)
    w.show_returns()
    qtbot.mouseClick(w.refunds.no_receipt_button, Qt.MouseButton.LeftButton)
    dialog = w.refunds.active_dialog
    assert isinstance(dialog, NoReceiptDialog)
    for code in (MILK, BANANAS_512G):
        qtbot.keyClicks(dialog.scan_field, code)
        qtbot.keyClick(dialog.scan_field, Qt.Key.Key_Return)
        idle(qtbot, w)
    assert dialog.list.rowCount() == 2
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert isinstance(w.refunds.active_dialog, ApprovalDialog)
    answer(qtbot, w.refunds.active_dialog, MANAGER_PIN)
    qtbot.waitUntil(lambda: w.refunds.last_print is not None, timeout=5000)
    with db.read() as s:
        refund = s.scalars(select(Sale).where(Sale.kind == "refund")).one()
    assert refund.refund_of_sale_id is None
    assert refund.total == -(D("3.09") + D("0.92"))


def test_function_keys_work_from_the_scan_field(qtbot, window):
    w = window
    sign_in(qtbot, w)
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow(), timeout=2000)
    scan(qtbot, w, MILK)
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_F8)  # park
    idle(qtbot, w)
    assert w.sale.cart.is_empty and len(w.till.parked()) == 1
    scan(qtbot, w, BREAD)
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_F12)  # pay
    assert isinstance(w.sale.active_dialog, TenderDialog)
    w.sale.active_dialog.reject()
    qtbot.keyClick(w.sale.scan_field, Qt.Key.Key_Delete)  # void the selected line
    assert w.sale.cart.is_empty
