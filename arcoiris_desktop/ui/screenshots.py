"""``make screenshots``: render the till's screens to PNG from a fresh demo store.

Drives the real window offscreen (sign in, open the shift with a manager's PIN and a
counted float, scan a full cart, pay, preview the receipt, refund it, attach a customer,
receive stock, pay cash out, the X report, count the drawer, say why it is short and close
with the Z report) and saves what
a cashier or manager would see at 1024x768 and 1920x1080 (dialogs at their own size).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

SIZES = ((1024, 768), (1920, 1080))


def _wait(app: object, until: Callable[[], bool], timeout: float = 10.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not until():
        QApplication.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get there")
        time.sleep(0.01)
    QApplication.processEvents()


def render(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QWidget

    from arcoiris_desktop.catalog.demo import DEMO_TILL_STAFF, seed_demo
    from arcoiris_desktop.db.database import DB_FILENAME, Database
    from arcoiris_desktop.till import Till
    from arcoiris_desktop.ui.cash_dialogs import OverShortReasonDialog, PayDialog
    from arcoiris_desktop.ui.customer_dialog import CustomerDialog
    from arcoiris_desktop.ui.dialogs import ApprovalDialog
    from arcoiris_desktop.ui.first_run import FirstRunDialog
    from arcoiris_desktop.ui.main_window import MainWindow
    from arcoiris_desktop.ui.shift_dialogs import CashCountDialog, ShiftReportDialog
    from arcoiris_desktop.ui.stock_dialog import StockMoveDialog
    from arcoiris_desktop.ui.tender_dialog import TenderDialog

    app = QApplication.instance() or QApplication([])
    out.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        db = Database(data / DB_FILENAME)
        seed_demo(db, items=2_000)
        till = Till(db, data_dir=data)
        pins = {s.full_name.split()[0]: s.pin for s in DEMO_TILL_STAFF}
        window = MainWindow(till, demo_pins=pins)
        window.show()

        def shoot(name: str, widget: QWidget | None = None) -> None:
            for w, h in SIZES:
                window.resize(w, h)
                _wait(app, lambda: True)
                target = widget or window
                path = out / f"{name}-{w}x{h}.png"
                target.grab().save(str(path))
                saved.append(path)
            window.resize(*SIZES[0])

        def shoot_dialog(name: str, dialog: QWidget, size: tuple[int, int] | None = None) -> None:
            if size is not None:
                dialog.resize(*size)
            _wait(app, lambda: True)
            path = out / f"{name}.png"
            dialog.grab().save(str(path))
            saved.append(path)

        def approve() -> None:
            """A manager types their PIN at the cashier's prompt."""
            _wait(app, lambda: isinstance(window.sale.active_dialog, ApprovalDialog))
            prompt = window.sale.active_dialog
            assert isinstance(prompt, ApprovalDialog)
            prompt.field.setText(pins["Marta"])
            prompt.accept()

        def dialog_of(kind: type) -> Any:
            _wait(app, lambda: isinstance(window.sale.active_dialog, kind))
            return window.sale.active_dialog

        _wait(app, lambda: window.login.people.count() > 0)
        shoot("01-login")
        window.login.choose_by_role("cashier")
        window.login.pin.setText("0000")
        window.login.submit()
        _wait(app, lambda: window.stack.currentWidget() is window.sale)
        sale = window.sale
        _wait(app, lambda: not window.worker.busy and sale.shift_label.text() != "")
        shoot("09-no-shift")
        sale.manager.shift()
        approve()
        count = dialog_of(CashCountDialog)
        for face, n in (("50", 1), ("20", 1), ("10", 2), ("5", 2), ("1", 5), ("0.50", 4)):
            count.fields[Decimal(face)].setText(str(n))
        count._pieces_changed()
        shoot_dialog("10-shift-open-count", count)
        count.accept()  # asks "Open shift with …?"
        count.accept()  # confirmed
        _wait(app, lambda: sale.shift is not None)
        codes = [
            "8410001000008",
            "8410001000015",
            "8410001000022",
            "8410001000039",
            "2000000005126",
            "8410001000046",
            "8410001000060",
            "8410001000077",
        ]
        for code in codes:
            sale.scan_field.setText(code)
            sale._enter()
            _wait(app, lambda: not window.worker.busy)
        sale.scan_field.setText("3*8410001000084")
        sale._enter()
        _wait(app, lambda: not window.worker.busy)
        sale.scan_field.setText("whole mi")
        sale._typed("whole mi")
        _wait(app, lambda: sale.search_view.isVisible(), timeout=5)
        shoot("02-sale-search")
        sale.scan_field.clear()
        sale._close_search()
        shoot("03-sale-full-cart")
        sale.pay()
        dialog = sale.active_dialog
        assert isinstance(dialog, TenderDialog)
        dialog.card_amount.setText("10.00")
        dialog.card_ref.setText("AUTH 482915")
        dialog._card()
        dialog.resize(620, 640)
        _wait(app, lambda: True)
        path = out / "04-tender-split.png"
        dialog.grab().save(str(path))
        saved.append(path)
        dialog.cash_field.setText("50")
        dialog._cash_from_field()
        _wait(app, lambda: True)
        path = out / "04-tender-change.png"
        dialog.grab().save(str(path))
        saved.append(path)
        dialog.accept()
        _wait(app, lambda: sale.last_print is not None)
        sale.show_receipt(sale.last_print.text if sale.last_print else ())
        preview = sale.active_dialog
        assert preview is not None
        _wait(app, lambda: True)
        path = out / "05-receipt-preview.png"
        preview.grab().save(str(path))
        saved.append(path)
        preview.accept()
        _wait(app, lambda: True)
        printed_lines = sale.last_print.text if sale.last_print else ()
        window.show_returns()
        receipt_code = next((ln.split()[-1] for ln in printed_lines if "T01-" in ln), "T01-000001")
        window.refunds.code_field.setText(receipt_code)
        window.refunds.find_sale()
        _wait(app, lambda: window.refunds.original is not None)
        window.refunds.set_quantity(0, Decimal(1))
        window.refunds.set_quantity(4, Decimal("0.512"))
        shoot("06-refund")
        window.show_sync()
        _wait(app, lambda: window.active_dialog is not None)
        sync_dialog = window.active_dialog
        assert sync_dialog is not None
        _wait(app, lambda: True)
        path = out / "07-sync.png"
        sync_dialog.grab().save(str(path))
        saved.append(path)
        window.show_enrol()
        _wait(
            app,
            lambda: window.active_dialog is not None and window.active_dialog is not sync_dialog,
        )
        enrol = window.active_dialog
        assert enrol is not None
        _wait(app, lambda: True)
        path = out / "08-enrol.png"
        enrol.grab().save(str(path))
        saved.append(path)
        enrol.reject()
        welcome = FirstRunDialog(lambda **_: None)  # a till's first start, before HQ knows it
        welcome.show()
        shoot_dialog("08-first-run", welcome, (620, welcome.sizeHint().height()))
        welcome.reject()
        window.show_sale()
        _wait(app, lambda: True)

        # A customer for the next sale: found by a few letters.
        sale.manager.customer()
        picker = dialog_of(CustomerDialog)
        picker.search.setText("ana")
        picker.search_requested.emit("ana")
        _wait(app, lambda: picker.results.count() > 0)
        shoot_dialog("11-customer-picker", picker)
        picker.results.setCurrentRow(0)
        picker.search.returnPressed.emit()
        _wait(app, lambda: sale.customer is not None)
        for code in codes[:3]:
            sale.scan_field.setText(code)
            sale._enter()
            _wait(app, lambda: not window.worker.busy)
        shoot("12-sale-with-customer")

        # Goods in: a manager's PIN, the item scanned, the quantity.
        sale.manager.stock()
        approve()
        stock = dialog_of(StockMoveDialog)
        stock.item_field.setText(codes[0])
        stock.item_field.returnPressed.emit()
        _wait(app, lambda: stock.item is not None)
        stock.quantity.setText("24")
        stock.cost.setText("1.10")
        stock.note.setText("Delivery note 4471")
        stock.record.click()
        _wait(app, lambda: not window.worker.busy and stock.banner.kind)
        stock.set_mode("adjustment")
        stock.item_field.setText(codes[1])
        stock.item_field.returnPressed.emit()
        _wait(app, lambda: not window.worker.busy and stock.item is not None)
        stock.quantity.setText("2")
        stock.note.setText("Crate dropped at delivery")
        shoot_dialog("13-stock-move", stock)
        stock.reject()

        # A paid out: the window cleaner paid from the drawer, with a manager's PIN.
        sale.manager.paid_out()
        approve()
        paying = dialog_of(PayDialog)
        paying.amount_field.setText("25.00")
        paying.account_buttons["petty_cash"].setChecked(True)
        paying.reason_field.setText("Window cleaner, March")
        shoot_dialog("13b-paid-out", paying)
        paying.accept()
        _wait(app, lambda: not window.worker.busy and sale.active_dialog is None)

        # The X report, then closing: count the drawer, the Z report.
        sale.manager.shift()
        approve()
        x_report = dialog_of(ShiftReportDialog)
        shoot_dialog("14-x-report", x_report, (640, 740))
        x_report.close_shift_button.click()
        approve()
        closing = dialog_of(CashCountDialog)
        closing.total_field.setText("110.00")  # short: the manager is asked why
        closing._show_total()
        closing.accept()  # the confirmation a manager sees before the count becomes a fact
        shoot_dialog("15-cash-count-close", closing)
        closing.accept()
        why = dialog_of(OverShortReasonDialog)
        why.reason_field.setText("Change for a €50 given as for a €20, customer came back")
        shoot_dialog("15b-close-reason", why)
        why.accept()
        z_report = dialog_of(ShiftReportDialog)
        _wait(app, lambda: not window.worker.busy)
        shoot_dialog("16-z-report", z_report, (640, 740))
        z_report.reject()
        _wait(app, lambda: True)
        shoot("17-shift-closed")
        window.close()
        db.close()
    # The manager's takings: a real day on its own demo till, last week's beside it.
    from arcoiris_desktop.ui.takings_shots import render_takings_screenshots

    saved.extend(render_takings_screenshots(out))
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    for path in render(args.out):
        print(path)


if __name__ == "__main__":
    main()
