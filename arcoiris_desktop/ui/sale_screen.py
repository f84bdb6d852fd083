"""The sale screen: scan or search, the cart, totals, and every action a cashier takes.

Keyboard first: the scan field keeps the focus, so a barcode scanner (a keyboard that types
digits then Enter) adds items with no click. ``3*`` before a scan sells three. Typing words
searches as you type; arrows and Enter pick a result. Function keys: F2 quantity, F3 line
discount, F4 price override, F5 sale discount, Del void line, F8 park, F9 resume,
F12 pay, Ctrl+P reprint, Ctrl+R returns, Ctrl+L lock. A manager's keys (a cashier is asked
for a manager's PIN): F6 shift (open it, or the X report and closing), F10 stock moves,
Ctrl+I paid in, Ctrl+O paid out, Ctrl+D no-sale (opens the drawer), Ctrl+T the day's
takings; F7 attaches a customer.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.catalog.lookup import CatalogItem, ScanResult
from arcoiris_desktop.customers.service import CustomerInfo
from arcoiris_desktop.receipts.model import Receipt
from arcoiris_desktop.sales.cart import ApprovalRequired, Cart, CartError
from arcoiris_desktop.sales.service import NO_SHIFT, CompletedSale, ParkedInfo
from arcoiris_desktop.sales.tender import Tender
from arcoiris_desktop.shifts.service import ShiftInfo
from arcoiris_desktop.staff import Staff
from arcoiris_desktop.till import PrintOutcome, Till
from arcoiris_desktop.ui.banner import Banner
from arcoiris_desktop.ui.dialogs import (
    ApprovalDialog,
    KeypadDialog,
    OneDialog,
    ParkedDialog,
    ReceiptPreviewDialog,
    button,
)
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.manager_actions import ManagerActions
from arcoiris_desktop.ui.messages import cashier_message
from arcoiris_desktop.ui.models import CartModel, SearchModel
from arcoiris_desktop.ui.tender_dialog import TenderDialog
from arcoiris_desktop.ui.theme import ACCENT, DANGER, WARN
from arcoiris_desktop.ui.worker import Worker

logger = logging.getLogger(__name__)

_MULTIPLIER = re.compile(r"^(\d{1,4})\*(.*)$")
_CODE_LIKE = re.compile(r"^[0-9A-Za-z.\-_/]+$")
SEARCH_DELAY_MS = 150


class SaleScreen(QWidget):
    lock_requested = Signal()
    returns_requested = Signal()
    sale_completed = Signal(object)  # CompletedSale
    facts_written = Signal()  # a shift, stock move or customer went into the outbox

    def __init__(self, till: Till, worker: Worker) -> None:
        super().__init__()
        self.till = till
        self.worker = worker
        self.fmt = Formatter(till.config.currency, till.config.locale, till.config.timezone)
        self.cashier: Staff | None = None
        self.cart: Cart = till.new_cart()
        self.dialogs = OneDialog(on_closed=self.focus_scan)
        self.last_print: PrintOutcome | None = None
        self._pending_qty = Decimal(1)
        self.shift: ShiftInfo | None = None
        self.customer: CustomerInfo | None = None
        self.manager = ManagerActions(self, till=till, worker=worker, fmt=self.fmt, parent=self)

        root = QHBoxLayout(self)
        root.setContentsMargins(12, 12, 12, 12)
        left = QVBoxLayout()
        root.addLayout(left, 3)
        right = QVBoxLayout()
        root.addLayout(right, 2)

        self.banner = Banner()
        left.addWidget(self.banner)
        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("scan")
        self.scan_field.setPlaceholderText("Scan a barcode, or type to search  (3* = three of)")
        self.scan_field.returnPressed.connect(self._enter)
        self.scan_field.textEdited.connect(self._typed)
        self.scan_field.installEventFilter(self)
        left.addWidget(self.scan_field)

        self.search_model = SearchModel(self.fmt)
        self.search_view = QListView()
        self.search_view.setModel(self.search_model)
        self.search_view.setVisible(False)
        self.search_view.setMaximumHeight(240)
        self.search_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.search_view.clicked.connect(lambda idx: self._add_search_hit(idx.row()))
        left.addWidget(self.search_view)

        self.cart_model = CartModel(self.cart, self.fmt)
        self.cart_view = QTableView()
        self.cart_view.setModel(self.cart_model)
        self.cart_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cart_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cart_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cart_view.verticalHeader().setVisible(False)
        self.cart_view.setWordWrap(True)
        self.cart_view.setAlternatingRowColors(True)
        header = self.cart_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.cart_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        left.addWidget(self.cart_view, 1)

        # -- right: who, totals, actions -----------------------------------------------------
        self.who = QLabel("")
        self.who.setProperty("role", "muted")
        right.addWidget(self.who)
        self.shift_label = QLabel("")
        self.shift_label.setObjectName("shift-status")
        self.shift_label.setWordWrap(True)
        right.addWidget(self.shift_label)
        self.customer_label = QLabel("")
        self.customer_label.setObjectName("customer")
        self.customer_label.setWordWrap(True)
        self.customer_label.setVisible(False)
        right.addWidget(self.customer_label)
        totals = QFrame()
        totals.setProperty("role", "panel")
        grid = QGridLayout(totals)
        self.items_label = QLabel()
        self.subtotal_label = QLabel()
        self.discount_label = QLabel()
        self.tax_label = QLabel()
        self.total_label = QLabel()
        self.total_label.setProperty("role", "total")
        for row, (name, widget) in enumerate(
            [
                ("Items", self.items_label),
                ("Subtotal", self.subtotal_label),
                ("Discounts", self.discount_label),
                ("Tax included" if till.config.prices_include_tax else "Tax", self.tax_label),
            ]
        ):
            label = QLabel(name)
            label.setProperty("role", "muted")
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1, Qt.AlignmentFlag.AlignRight)
        total_name = QLabel("TOTAL")
        total_name.setProperty("role", "big")
        grid.addWidget(total_name, 4, 0)
        grid.addWidget(self.total_label, 4, 1, Qt.AlignmentFlag.AlignRight)
        # The change of the sale just done stays here, large, until the next item goes in:
        # whatever the printer or a banner does. Its row keeps its height while empty, so
        # showing it moves nothing a cashier could click.
        self.change_name = QLabel("CHANGE")
        self.change_name.setProperty("role", "big")
        self.change_label = QLabel("")
        self.change_label.setObjectName("change")
        self.change_label.setProperty("role", "total")
        for widget in (self.change_name, self.change_label):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
            widget.setVisible(False)
        grid.addWidget(self.change_name, 5, 0)
        grid.addWidget(self.change_label, 5, 1, Qt.AlignmentFlag.AlignRight)
        right.addWidget(totals)

        actions = QGridLayout()
        self.buttons: dict[str, Any] = {}
        spec: list[tuple[str, str, Callable[[], None], str | None]] = [
            ("qty", "Qty  F2", self.change_quantity, None),
            ("void", "Void line  Del", self.void_line, "danger"),
            ("line_discount", "Line disc.  F3", self.line_discount, None),
            ("sale_discount", "Sale disc.  F5", self.sale_discount, None),
            ("price", "Price  F4", self.override_price, None),
            ("park", "Park  F8", self.park, None),
            ("resume", "Resume  F9", self.resume, None),
            ("customer", "Customer  F7", self.manager.customer, None),
            ("shift", "Shift  F6", self.manager.shift, None),
            ("stock", "Stock  F10", self.manager.stock, None),
            ("reprint", "Reprint  ^P", self.reprint, None),
            ("returns", "Returns  ^R", self.returns_requested.emit, None),
            ("lock", "Lock  ^L", self.lock_requested.emit, None),
            # Paid in (^I), no-sale (^D) and the takings (^T, also on the X report) are keys
            # only: the grid's last cell is this one.
            ("paid_out", "Paid out  ^O", self.manager.paid_out, None),
        ]
        for i, (key, text, slot, role) in enumerate(spec):
            b = button(text, role)
            b.setObjectName(key)
            b.clicked.connect(slot)
            actions.addWidget(b, i // 2, i % 2)
            self.buttons[key] = b
        right.addLayout(actions)
        right.addStretch(1)
        self.pay_button = button("PAY  F12", "primary")
        self.pay_button.setObjectName("pay")
        self.pay_button.setMinimumHeight(72)
        self.pay_button.setStyleSheet("font-size: 24px;")
        self.pay_button.clicked.connect(self.pay)
        right.addWidget(self.pay_button)

        for keys, slot in [
            ("F2", self.change_quantity),
            ("F3", self.line_discount),
            ("F4", self.override_price),
            ("F5", self.sale_discount),
            ("Delete", self.void_line),
            ("F8", self.park),
            ("F9", self.resume),
            ("F12", self.pay),
            ("F6", self.manager.shift),
            ("F7", self.manager.customer),
            ("F10", self.manager.stock),
            ("F11", self.manager.printer),
            ("Ctrl+F6", self.manager.past_z),
            ("Ctrl+I", self.manager.paid_in),
            ("Ctrl+O", self.manager.paid_out),
            ("Ctrl+D", self.manager.no_sale),
            ("Ctrl+T", self.manager.takings),
            ("Ctrl+P", self.reprint),
            ("Ctrl+R", self.returns_requested.emit),
            ("Ctrl+L", self.lock_requested.emit),
        ]:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.timeout.connect(self._run_search)
        self._refresh()

    # -- state -----------------------------------------------------------------------------

    def start(self, cashier: Staff) -> None:
        self.cashier = cashier
        self.who.setText(
            f"{self.till.config.store_name} · {self.till.config.terminal_name} · "
            f"{cashier.full_name} ({cashier.role})"
        )
        self.worker.run(self.till.current_shift, done=self.set_shift, failed=self.fail)
        self.focus_scan()

    def set_shift(self, shift: ShiftInfo | None) -> None:
        self.shift = shift
        if shift is None:
            self.shift_label.setText("NO SHIFT OPEN: a manager opens one with F6")
            self.shift_label.setStyleSheet(f"color: {DANGER}; font-weight: 700;")
        elif self.fmt.is_earlier_day(shift.opened_at):
            # Yesterday's drawer still open: today's takings would land in it.
            self.shift_label.setText(
                f"Shift open since {self.fmt.when(shift.opened_at)}, an earlier day: "
                "a manager closes it with F6 and opens today's"
            )
            self.shift_label.setStyleSheet(f"color: {WARN}; font-weight: 700;")
        else:
            self.shift_label.setText(
                f"Shift open since {self.fmt.time(shift.opened_at)} · float "
                f"{self.fmt.money(shift.opening_float)} · {shift.opened_by_name}"
            )
            self.shift_label.setStyleSheet(f"color: {ACCENT}; font-weight: 600;")

    def set_customer(self, customer: CustomerInfo | None) -> None:
        """Attach a customer to the cart (None detaches); the label shows who."""
        self.customer = customer
        self.cart.set_customer(customer.id if customer else None)
        self._show_customer()

    def _show_customer(self) -> None:
        c = self.customer
        self.customer_label.setVisible(c is not None)
        if c is not None:
            self.customer_label.setText(
                f"Customer: {c.name}" + (f" · {c.contact}" if c.contact else "")
            )

    def focus_scan(self) -> None:
        self.scan_field.setFocus()

    def _refresh(self, changed_row: int | None = None) -> None:
        self.cart_model.refresh(changed_row)
        totals = self.cart.totals()
        self.items_label.setText(f"{self.cart.item_count.normalize():f}")
        self.subtotal_label.setText(self.fmt.money(totals.gross))
        self.discount_label.setText(self.fmt.money(-totals.discount_total))
        self.tax_label.setText(self.fmt.money(totals.tax_total))
        self.total_label.setText(self.fmt.money(totals.total))
        self.pay_button.setEnabled(not self.cart.is_empty)
        if not self.cart.is_empty:
            self.show_change(None)
        if changed_row is not None:
            self.cart_view.selectRow(changed_row)
            self.cart_view.scrollTo(self.cart_model.index(changed_row, 0))

    def _selected_row(self) -> int | None:
        rows = self.cart_view.selectionModel().selectedRows()
        if rows:
            return rows[0].row()
        return len(self.cart.lines) - 1 if self.cart.lines else None

    def fail(self, exc: BaseException) -> None:
        self.banner.error(cashier_message(exc))
        self.focus_scan()

    @property
    def active_dialog(self) -> QDialog | None:
        """The dialog open on this screen, if any (``dialogs.current``)."""
        return self.dialogs.current

    def facts_changed(self) -> None:
        """A shift, stock move or customer went into the outbox (the manager's keys)."""
        self.facts_written.emit()

    def note_print(self, outcome: PrintOutcome) -> None:
        self.last_print = outcome

    # -- scanning and search ---------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scan_field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if self.search_view.isVisible() and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                rows = self.search_model.rowCount()
                current = self.search_view.currentIndex().row()
                new = max(0, min(rows - 1, current + step)) if current >= 0 else 0
                self.search_view.setCurrentIndex(self.search_model.index(new))
                return True
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.cart.lines:
                # Up/Down choose the cart line that F2/F3/F4/Del act on.
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                chosen = self._selected_row()
                last = len(self.cart.lines) - 1
                row = last if chosen is None else max(0, min(last, chosen + step))
                self.cart_view.selectRow(row)
                self.cart_view.scrollTo(self.cart_model.index(row, 0))
                return True
            if event.key() == Qt.Key.Key_Delete and not self.scan_field.text():
                # The field would swallow Delete; with nothing typed it means "void line".
                self.void_line()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self._close_search()
                self.scan_field.clear()
                return True
        return super().eventFilter(watched, event)

    def _typed(self, text: str) -> None:
        stripped = text.strip()
        # Digits alone are a scan in progress (or a code typed by hand): no search.
        if len(stripped) >= 2 and not stripped.isdigit() and not _MULTIPLIER.match(stripped):
            self._search_timer.start(SEARCH_DELAY_MS)
        else:
            self._search_timer.stop()
            self._close_search()

    def _run_search(self) -> None:
        text = self.scan_field.text().strip()
        if not text:
            return
        self.worker.run(self.till.search, text, done=lambda hits: self._show_hits(text, hits))

    def _show_hits(self, text: str, hits: list[CatalogItem]) -> None:
        if self.scan_field.text().strip() != text:
            return  # the cashier kept typing; a newer search is coming
        self.search_model.set_items(hits)
        self.search_view.setVisible(bool(hits))
        if hits:
            self.search_view.setCurrentIndex(self.search_model.index(0))

    def _close_search(self) -> None:
        self.search_view.setVisible(False)
        self.search_model.set_items([])

    def _enter(self) -> None:
        text = self.scan_field.text().strip()
        if self.search_view.isVisible() and self.search_view.currentIndex().isValid():
            self._add_search_hit(self.search_view.currentIndex().row())
            return
        self.scan_field.clear()
        self._close_search()
        if not text:
            return
        qty = Decimal(1)
        m = _MULTIPLIER.match(text)
        if m:
            qty, text = Decimal(m.group(1)), m.group(2).strip()
            if not text:
                self._pending_qty = qty
                self.banner.info(f"Next item: {qty} of it")
                return
        elif self._pending_qty != 1:
            qty, self._pending_qty = self._pending_qty, Decimal(1)
        if not _CODE_LIKE.match(text):
            self.banner.error(f"Nothing found for “{text}”")
            return
        self.scan(text, qty)

    def scan(self, code: str, quantity: Decimal = Decimal(1)) -> None:
        self.worker.run(
            self.till.scan, code, done=lambda r: self._add_scan(r, quantity), failed=self.fail
        )

    def _add_scan(self, result: ScanResult, quantity: Decimal) -> None:
        try:
            row = self.cart.add_scan(result, quantity)
        except CartError as exc:
            self.fail(exc)
            return
        self.banner.clear_message()
        self._refresh(row)

    def _add_search_hit(self, row: int) -> None:
        item = self.search_model.item(row)
        self.scan_field.clear()
        self._close_search()
        if item is None:
            return
        if item.weighed:
            self.ask_number(
                f"Weight of {item.name} ({item.unit})",
                lambda w: self._add_item(item, w),
            )
            return
        qty, self._pending_qty = self._pending_qty, Decimal(1)
        self._add_item(item, qty)

    def _add_item(self, item: CatalogItem, quantity: Decimal) -> None:
        try:
            if item.weighed:
                row = self.cart.add_scan(ScanResult(item=item, barcode=item.sku, weight=quantity))
            else:
                row = self.cart.add_item(item, quantity)
        except CartError as exc:
            self.fail(exc)
            return
        self._refresh(row)
        self.focus_scan()

    # -- line and sale actions -----------------------------------------------------------------

    def ask_number(
        self, prompt: str, then: Callable[[Decimal], None], *, initial: str = ""
    ) -> None:
        dialog = KeypadDialog("Arcoiris POS", prompt, initial=initial, parent=self)

        def accepted() -> None:
            value = dialog.decimal()
            if value is None:
                self.banner.error(f"“{dialog.text}” is not a number")
            else:
                then(value)
            self.focus_scan()

        dialog.accepted.connect(accepted)
        self.dialogs.open(dialog)

    def _with_line(self, action: Callable[[int], None]) -> None:
        row = self._selected_row()
        if row is None:
            self.banner.error("The cart is empty")
            return
        action(row)

    def change_quantity(self) -> None:
        def ask(row: int) -> None:
            line = self.cart.lines[row]
            self.ask_number(
                f"Quantity of {line.name}",
                lambda q: self._apply(lambda: self.cart.set_quantity(row, q), row),
                initial=f"{line.quantity.normalize():f}",
            )

        self._with_line(ask)

    def void_line(self) -> None:
        """Remove the selected line, audited (who, what, how many, worth what). In a long
        cart, or for a line worth a lot, a manager's PIN first (the till's thresholds)."""

        def void(row: int) -> None:
            line = self.cart.lines[row]
            amount = self.cart.line_amount(row)
            if self.till.void_needs_approval(self.cart, row):
                self.ask_approval(
                    "void",
                    f"void {line.name} ({self.fmt.money(amount)})",
                    {"sku": line.sku, "quantity": str(line.quantity), "amount": str(amount)},
                    lambda approval: self._void(row, line.item_id, approval),
                )
                return
            self._void(row, line.item_id, None)

        self._with_line(void)

    def _void(self, row: int, item_id: uuid.UUID, approval: Approval | None) -> None:
        if row >= len(self.cart.lines) or self.cart.lines[row].item_id != item_id:
            self.banner.error("That line is no longer in the cart")
            return
        amount = self.cart.line_amount(row)
        try:
            line = self.cart.void_line(row)
        except CartError as exc:
            self.fail(exc)
            return
        assert self.cashier is not None
        self.worker.run(
            self.till.record_void,
            self.cashier,
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            amount=amount,
            approval=approval,
            done=lambda _: None,
            failed=self.fail,
        )
        by = f" (approved by {approval.approver_name})" if approval is not None else ""
        self.banner.info(f"Removed {line.name}{by}")
        self._refresh()

    def line_discount(self) -> None:
        def ask(row: int) -> None:
            line = self.cart.lines[row]
            self._ask_discount(
                f"Discount on {line.name} (amount, or 10%)",
                row,
                lambda a, pct: self._guarded(
                    lambda approval: self.cart.set_line_discount(row, a, approval),
                    row,
                    reason=f"discount {self.fmt.money(a)}{pct} on {line.name}",
                    details={"sku": line.sku, "amount": str(a)},
                ),
            )

        self._with_line(ask)

    def sale_discount(self) -> None:
        if self.cart.is_empty:
            self.banner.error("The cart is empty")
            return
        self._ask_discount(
            "Discount on the whole sale (amount, or 10%)",
            None,
            lambda a, pct: self._guarded(
                lambda approval: self.cart.set_sale_discount(a, approval),
                None,
                reason=f"sale discount {self.fmt.money(a)}{pct}",
                details={"amount": str(a)},
            ),
        )

    def _ask_discount(
        self, prompt: str, row: int | None, then: Callable[[Decimal, str], None]
    ) -> None:
        """A discount from the keypad: "10%" is 10 % of the line (``row``) or of the sale,
        rounded half-up to the cent; a plain number is an amount. ``then`` gets the amount
        (limits and approval apply to it as to any amount) and " (10%)" or ""."""
        dialog = KeypadDialog("Arcoiris POS", prompt, parent=self)

        def accepted() -> None:
            text = dialog.text
            try:
                amount, pct = self._discount_amount(text, row)
            except CartError as exc:
                self.fail(exc)
            else:
                if amount is None:
                    self.banner.error(f"“{text}” is not a number")
                else:
                    then(amount, pct)
            self.focus_scan()

        dialog.accepted.connect(accepted)
        self.dialogs.open(dialog)

    def _discount_amount(self, text: str, row: int | None) -> tuple[Decimal | None, str]:
        percent = text.endswith("%")
        number = text[:-1].strip() if percent else text
        try:
            value = Decimal(number.replace(",", "."))
        except InvalidOperation:
            return None, ""
        if not value.is_finite():
            return None, ""
        if not percent:
            return value, ""
        return self.cart.percent_discount(value, row), f" ({value.normalize():f}%)"

    def override_price(self) -> None:
        def ask(row: int) -> None:
            line = self.cart.lines[row]
            self.ask_number(
                f"New price for {line.name}",
                lambda p: self._guarded(
                    lambda approval: self.cart.override_price(row, p, approval),
                    row,
                    reason=f"price {self.fmt.money(p)} for {line.name}",
                    details={
                        "sku": line.sku,
                        "from": str(line.unit_price),
                        "to": str(p),
                    },
                ),
                initial=f"{line.unit_price.normalize():f}",
            )

        self._with_line(ask)

    def _apply(
        self, change: Callable[[], None], row: int | None, success: str | None = None
    ) -> None:
        try:
            change()
        except CartError as exc:
            self.fail(exc)
            return
        if success:
            self.banner.info(success)
        else:
            self.banner.clear_message()
        self._refresh(row)

    def _guarded(
        self,
        change: Callable[[Approval | None], None],
        row: int | None,
        *,
        reason: str,
        details: dict[str, str],
    ) -> None:
        """Try the change; if it needs a manager, ask for their PIN inline, then apply it."""
        try:
            change(None)
        except ApprovalRequired as needed:
            self.ask_approval(
                needed.action,
                reason,
                details,
                lambda approval: self._apply(
                    lambda: change(approval), row, f"Approved by {approval.approver_name}"
                ),
            )
            return
        except CartError as exc:
            self.fail(exc)
            return
        self.banner.clear_message()
        self._refresh(row)

    def ask_approval(
        self,
        action: str,
        reason: str,
        details: dict[str, str],
        then: Callable[[Approval], None],
    ) -> None:
        assert self.cashier is not None
        cashier = self.cashier
        dialog = ApprovalDialog(reason, parent=self)

        def accepted() -> None:
            pin = dialog.text

            def got(approval: Approval | None) -> None:
                if approval is None:
                    self.banner.error("Not approved: that is not a manager's PIN")
                    return
                then(approval)

            self.worker.run(
                self.till.approve,
                pin,
                action=action,
                cashier=cashier,
                details={**details, "reason": reason},
                done=got,
                failed=self.fail,
            )

        dialog.accepted.connect(accepted)
        self.dialogs.open(dialog)

    # -- park, pay, print ------------------------------------------------------------------

    def park(self) -> None:
        if self.cart.is_empty:
            self.banner.error("There is nothing to park")
            return
        assert self.cashier is not None
        cart, self.cart = self.cart, self.till.new_cart()
        self.cart_model.set_cart(self.cart)
        customer, self.customer = self.customer, None
        self._show_customer()
        self._refresh()

        def parked(_: uuid.UUID) -> None:
            self.banner.info("Sale parked. Resume it with F9.")

        def failed(exc: BaseException) -> None:
            self.cart = cart  # nothing was parked: the cart comes back as it was
            self.cart_model.set_cart(cart)
            self.customer = customer
            self._show_customer()
            self._refresh()
            self.fail(exc)

        self.worker.run(self.till.park, cart, self.cashier, done=parked, failed=failed)

    def resume(self) -> None:
        self.worker.run(self.till.parked, done=self._choose_parked, failed=self.fail)

    def _choose_parked(self, parked: list[ParkedInfo]) -> None:
        if not parked:
            self.banner.warn("No parked sales")
            return
        entries = [
            (
                str(p.id),
                f"{p.label}  ·  {p.lines} lines  ·  {self.fmt.money(p.total)}  ·  "
                f"{self.fmt.time(p.parked_at)}",
            )
            for p in parked
        ]
        dialog = ParkedDialog(entries, parent=self)

        def accepted() -> None:
            chosen = dialog.chosen()
            if chosen is None:
                return
            self.worker.run(
                self.till.resume, uuid.UUID(chosen), done=self._resumed, failed=self.fail
            )

        dialog.accepted.connect(accepted)
        self.dialogs.open(dialog)

    def _resumed(self, cart: Cart) -> None:
        if not self.cart.is_empty:
            # Do not lose what is on screen: park it in exchange.
            assert self.cashier is not None
            self.worker.run(self.till.park, self.cart, self.cashier, failed=self.fail)
        self.cart = cart
        self.cart_model.set_cart(cart)
        self.customer = None
        self._show_customer()
        if cart.customer_id is not None:
            self.worker.run(self.till.customer, cart.customer_id, done=self._resumed_customer)
        self._refresh()
        self.banner.info("Sale resumed")
        self.focus_scan()

    def _resumed_customer(self, customer: CustomerInfo | None) -> None:
        if customer is not None and self.cart.customer_id == customer.id:
            self.customer = customer
            self._show_customer()

    def pay(self) -> None:
        if self.cart.is_empty:
            self.banner.error("The cart is empty")
            return
        if self.dialogs.busy:
            return
        if self.shift is None:
            # The sale itself checks again, in its own transaction; this saves taking
            # the customer's money first.
            self.banner.error(NO_SHIFT)
            return
        tender = self.till.new_tender(self.cart.totals().total)
        dialog = TenderDialog(tender, self.fmt, parent=self)

        def accepted() -> None:
            self.complete(tender)

        dialog.accepted.connect(accepted)
        self.dialogs.open(dialog)

    def complete(self, tender: Tender) -> None:
        assert self.cashier is not None
        cart = self.cart
        self.pay_button.setEnabled(False)
        self.worker.run(
            self.till.complete,
            cart,
            tender,
            self.cashier,
            done=self._completed,
            failed=self._complete_failed,
        )

    def _complete_failed(self, exc: BaseException) -> None:
        self.pay_button.setEnabled(not self.cart.is_empty)
        self.fail(exc)

    def _completed(self, sale: CompletedSale) -> None:
        # The sale is on disk. Only now: a fresh cart, the receipt, the drawer.
        self.cart = self.till.new_cart()
        self.cart_model.set_cart(self.cart)
        self.customer = None
        self._show_customer()
        self._refresh()
        change = sale.receipt.change_total
        self.show_change(change if change else None)
        message = f"Sale {sale.receipt_code} done."
        if change:
            message += f"  Change: {self.fmt.money(change)}"
        self.banner.info(message)
        self.sale_completed.emit(sale)
        self.worker.run(
            self.till.print_receipt,
            sale.receipt,
            open_drawer=sale.receipt.opens_drawer,
            done=self._printed,
            failed=self._print_failed,
        )

    def show_change(self, change: Decimal | None) -> None:
        """The change to hand back, large beside the total; None hides it."""
        self.change_label.setText(self.fmt.money(change) if change is not None else "")
        self.change_name.setVisible(change is not None)
        self.change_label.setVisible(change is not None)

    def _printed(self, outcome: PrintOutcome) -> None:
        self.last_print = outcome
        if not outcome.ok:
            self.banner.warn(outcome.message)
        self.focus_scan()

    def _print_failed(self, exc: BaseException) -> None:
        """The printer path itself broke: say so; the change and the sale stand."""
        logger.error("printing failed", exc_info=exc)
        self.banner.warn("Receipt not printed. Use Reprint (Ctrl+P); the sale is saved.")
        self.focus_scan()

    def reprint(self) -> None:
        self.worker.run(self.till.last_receipt, done=self._reprint, failed=self._print_failed)

    def _reprint(self, receipt: Receipt | None) -> None:
        if receipt is None:
            self.banner.warn("No sale to reprint yet")
            return
        self.worker.run(
            self.till.print_receipt,
            receipt,
            open_drawer=False,
            done=self._show_reprint,
            failed=self._print_failed,
        )

    def _show_reprint(self, outcome: PrintOutcome) -> None:
        self.last_print = outcome
        if not outcome.ok:
            self.banner.warn(outcome.message)
        else:
            self.banner.info(outcome.message)
        self.show_receipt(outcome.text)

    def show_receipt(self, text: tuple[str, ...]) -> None:
        dialog = ReceiptPreviewDialog(text, "Receipt", parent=self)
        self.dialogs.open(dialog)

    def clear_for_lock(self) -> None:
        """Locking keeps the cart: the same cashier (or a manager) picks it up after."""
        self._close_search()
        self.scan_field.clear()
        self.dialogs.reject()
