"""Returns: scan or type the receipt number, choose what comes back, a manager approves.

Quantities can never exceed what was sold minus what was already returned. The money goes
back to the original tender (card first, as paid) or in cash. A return without a receipt
is a separate button and needs its own approval.

The till's last sales are listed beside the receipt to pick from (Enter or a double click
loads one). Keys: Enter finds the typed receipt, F9 goes to the recent sales, F12 refunds,
Esc (or Ctrl+R) goes back to the sale; the sale screen's other function keys say so.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.approvals import Approval
from arcoiris_desktop.catalog.lookup import CatalogItem, ScanResult
from arcoiris_desktop.sales.history import RecentSale
from arcoiris_desktop.sales.refunds import SaleForReturn
from arcoiris_desktop.sales.service import CompletedSale
from arcoiris_desktop.staff import Staff
from arcoiris_desktop.till import PrintOutcome, Till
from arcoiris_desktop.ui.banner import Banner
from arcoiris_desktop.ui.dialogs import ApprovalDialog, OneDialog, ReceiptPreviewDialog, button
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.messages import cashier_message
from arcoiris_desktop.ui.worker import Worker

RETURN_COLUMN = 4
# The sale screen's keys that mean nothing here: they say where they work, never go dead.
SALE_SCREEN_KEYS = (
    "F2",
    "F3",
    "F4",
    "F5",
    "F6",
    "F7",
    "F8",
    "F10",
    "Ctrl+P",
    "Ctrl+I",
    "Ctrl+O",
    "Ctrl+D",
    "Ctrl+T",
)
KEY_HINT = "Enter find · F9 recent sales · F12 refund · Esc back to the sale"


class RefundScreen(QWidget):
    back = Signal()
    refunded = Signal(object)  # CompletedSale

    def __init__(self, till: Till, worker: Worker) -> None:
        super().__init__()
        self.till = till
        self.worker = worker
        self.fmt = Formatter(till.config.currency, till.config.locale, till.config.timezone)
        self.cashier: Staff | None = None
        self.original: SaleForReturn | None = None
        self.dialogs = OneDialog()
        self.last_print: PrintOutcome | None = None
        self.recent: list[RecentSale] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel("Returns")
        title.setProperty("role", "title")
        layout.addWidget(title)
        self.banner = Banner()
        layout.addWidget(self.banner)
        row = QHBoxLayout()
        self.code_field = QLineEdit()
        self.code_field.setObjectName("receipt-code")
        self.code_field.setPlaceholderText("Scan the receipt's barcode or type its number")
        self.code_field.returnPressed.connect(self.find_sale)
        row.addWidget(self.code_field, 3)
        find = button("Find sale", "primary")
        find.clicked.connect(self.find_sale)
        row.addWidget(find, 1)
        layout.addLayout(row)
        self.summary = QLabel("")
        self.summary.setProperty("role", "muted")
        layout.addWidget(self.summary)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Item", "Sold", "Returned", "Paid", "Return now"])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 5):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._update_total)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 3)
        side = QVBoxLayout()
        recent_title = QLabel("Recent sales on this till")
        recent_title.setProperty("role", "muted")
        side.addWidget(recent_title)
        self.recent_table = QTableWidget(0, 3)
        self.recent_table.setObjectName("recent-sales")
        self.recent_table.setHorizontalHeaderLabels(["Receipt", "Time", "Total"])
        self.recent_table.verticalHeader().setVisible(False)
        self.recent_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recent_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recent_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        recent_header = self.recent_table.horizontalHeader()
        recent_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            recent_header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.recent_table.itemActivated.connect(lambda item: self.pick_recent(item.row()))
        self.recent_table.cellDoubleClicked.connect(lambda row, _col: self.pick_recent(row))
        side.addWidget(self.recent_table, 1)
        middle.addLayout(side, 2)
        layout.addLayout(middle, 1)

        to_row = QHBoxLayout()
        self.to_original = QRadioButton("Back to the original tender")
        self.to_cash = QRadioButton("Cash")
        self.to_original.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.to_original)
        group.addButton(self.to_cash)
        to_row.addWidget(QLabel("Refund to:"))
        to_row.addWidget(self.to_original)
        to_row.addWidget(self.to_cash)
        to_row.addStretch(1)
        self.total_label = QLabel("")
        self.total_label.setProperty("role", "big")
        to_row.addWidget(self.total_label)
        layout.addLayout(to_row)

        actions = QHBoxLayout()
        back = button("Back to sale")
        back.clicked.connect(self.back.emit)
        self.no_receipt_button = button("No receipt…")
        self.no_receipt_button.setObjectName("no-receipt")
        self.no_receipt_button.clicked.connect(self.no_receipt)
        if till.config.no_receipt_returns == "nobody":
            self.no_receipt_button.setEnabled(False)
            self.no_receipt_button.setToolTip("This store takes returns with a receipt only")
        self.all_button = button("Return everything")
        self.all_button.clicked.connect(self.select_all)
        self.refund_button = button("Refund…", "primary")
        self.refund_button.setObjectName("do-refund")
        self.refund_button.clicked.connect(self.request_refund)
        actions.addWidget(back)
        actions.addWidget(self.no_receipt_button)
        actions.addStretch(1)
        actions.addWidget(self.all_button)
        actions.addWidget(self.refund_button)
        layout.addLayout(actions)
        self.hint = QLabel(KEY_HINT)
        self.hint.setObjectName("returns-keys")
        self.hint.setProperty("role", "muted")
        layout.addWidget(self.hint)
        self._set_enabled(False)

        # Window shortcuts, like the sale screen's: live only while this screen is shown
        # (a hidden screen's shortcuts do not fire), and an open dialog keeps its own Esc.
        for keys, slot in [
            ("Esc", self.back.emit),
            ("Ctrl+R", self.back.emit),
            ("F9", self.focus_recent),
            ("F12", self.request_refund),
        ]:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
        for keys in SALE_SCREEN_KEYS:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda k=keys: self._sale_key(k))

    @property
    def active_dialog(self) -> QDialog | None:
        """The dialog open on this screen, if any (``dialogs.current``)."""
        return self.dialogs.current

    def start(self, cashier: Staff) -> None:
        self.cashier = cashier
        self._forget_sale()
        self.banner.clear_message()
        self.code_field.clear()
        self.code_field.setFocus()
        self.load_recent()

    def _forget_sale(self) -> None:
        """Nothing on screen to refund: no sale, no lines, Refund… off."""
        self.original = None
        self.table.setRowCount(0)
        self.summary.setText("")
        self.total_label.setText("")
        self._set_enabled(False)

    def _sale_key(self, keys: str) -> None:
        self.banner.warn(f"{keys} works on the sale screen: Esc goes back to it")

    # -- the till's recent sales -------------------------------------------------------------

    def load_recent(self) -> None:
        self.worker.run(self.till.recent_sales, done=self._show_recent, failed=self._fail)

    def _show_recent(self, sales: list[RecentSale]) -> None:
        self.recent = list(sales)
        self.recent_table.setRowCount(len(self.recent))
        for r, sale in enumerate(self.recent):
            when = (
                self.fmt.when(sale.occurred_at)
                if self.fmt.is_earlier_day(sale.occurred_at)
                else self.fmt.time(sale.occurred_at)
            )
            for c, text in enumerate([sale.receipt_code, when, self.fmt.money(sale.total)]):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.recent_table.setItem(r, c, item)

    def focus_recent(self) -> None:
        self.recent_table.setFocus()
        if self.recent and self.recent_table.currentRow() < 0:
            self.recent_table.selectRow(0)

    def pick_recent(self, row: int) -> None:
        if 0 <= row < len(self.recent):
            self.lookup(self.recent[row].receipt_code)

    def _set_enabled(self, on: bool) -> None:
        self.refund_button.setEnabled(on)
        self.all_button.setEnabled(on)

    def _fail(self, exc: BaseException) -> None:
        self.banner.error(cashier_message(exc))

    def find_sale(self) -> None:
        code = self.code_field.text().strip()
        if not code:
            self.banner.error("Scan or type a receipt number")
            return
        self.lookup(code)

    def lookup(self, code: str) -> None:
        self.worker.run(self.till.find_for_return, code, done=self._show, failed=self._not_found)

    def _not_found(self, exc: BaseException) -> None:
        # The next scan starts on an empty field, and Refund… never acts on the sale that
        # was on screen before the failed lookup.
        self.code_field.clear()
        self._forget_sale()
        self._fail(exc)
        self.code_field.setFocus()

    def _show(self, sale: SaleForReturn) -> None:
        self.original = sale
        self.banner.clear_message()
        self.code_field.clear()  # found: the next scan is a new receipt, not appended
        when = self.fmt.when(sale.occurred_at)
        paid = ", ".join(f"{m} {self.fmt.money(a)}" for m, a in sale.payments)
        self.summary.setText(
            f"{sale.receipt_code} · {when} · total {self.fmt.money(sale.total)} · paid {paid}"
        )
        self.table.blockSignals(True)
        self.table.setRowCount(len(sale.lines))
        for r, line in enumerate(sale.lines):
            cells = [
                line.name,
                self.fmt.qty(line.sold, line.unit),
                self.fmt.qty(line.returned, line.unit),
                self.fmt.money(line.total),
                "0",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c != RETURN_COLUMN:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                else:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if c and c != RETURN_COLUMN:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.blockSignals(False)
        self._set_enabled(any(line.returnable > 0 for line in sale.lines))
        if not any(line.returnable > 0 for line in sale.lines):
            self.banner.warn("Everything on this receipt has already been returned")
        self._update_total()

    def set_quantity(self, row: int, quantity: Decimal) -> None:
        item = self.table.item(row, RETURN_COLUMN)
        if item is not None:
            item.setText(f"{quantity.normalize():f}")

    def select_all(self) -> None:
        if self.original is None:
            return
        for r, line in enumerate(self.original.lines):
            self.set_quantity(r, line.returnable)

    def quantities(self) -> dict[int, Decimal]:
        """What the cashier asked for, checked against what can still come back."""
        assert self.original is not None
        out: dict[int, Decimal] = {}
        for r, line in enumerate(self.original.lines):
            item = self.table.item(r, RETURN_COLUMN)
            text = item.text().strip().replace(",", ".") if item else "0"
            try:
                qty = Decimal(text or "0")
            except InvalidOperation as exc:
                raise ValueError(f"“{text}” is not a quantity for {line.name}") from exc
            if not qty.is_finite() or qty < 0:
                raise ValueError(f"Return quantities are positive ({line.name})")
            if qty > line.returnable:
                raise ValueError(
                    f"Only {self.fmt.qty(line.returnable, line.unit)} of {line.name} "
                    "can still be returned"
                )
            if qty:
                out[line.line_no] = qty
        return out

    def _update_total(self, *_: object) -> None:
        if self.original is None:
            return
        try:
            chosen = self.quantities()
        except ValueError as exc:
            self.total_label.setText("")
            self.banner.error(str(exc))
            return
        estimate = self.till.refund_estimate(self.original, chosen)
        self.total_label.setText(f"Refund ≈ {self.fmt.money(estimate)}")

    def request_refund(self) -> None:
        if self.original is None or self.cashier is None:
            return
        try:
            chosen = self.quantities()
        except ValueError as exc:
            self.banner.error(str(exc))
            return
        if not chosen:
            self.banner.error("Type how many of each item come back")
            return
        original = self.original
        cashier = self.cashier
        dialog = ApprovalDialog(f"refund on {original.receipt_code}", parent=self)

        def accepted() -> None:
            pin = dialog.text
            self.worker.run(
                self.till.approve,
                pin,
                action="refund",
                cashier=cashier,
                details={"receipt": original.receipt_code},
                done=lambda a: self._approved(a, original, chosen),
                failed=self._fail,
            )

        dialog.accepted.connect(accepted)
        self.dialogs.open(dialog)

    def _approved(
        self, approval: Approval | None, original: SaleForReturn, chosen: dict[int, Decimal]
    ) -> None:
        if approval is None:
            self.banner.error("Not approved: that is not a manager's PIN")
            return
        assert self.cashier is not None
        self.worker.run(
            self.till.refund,
            original,
            chosen,
            to="original" if self.to_original.isChecked() else "cash",
            cashier=self.cashier,
            approval=approval,
            done=self._done,
            failed=self._fail,
        )

    def _done(self, refund: CompletedSale) -> None:
        self.refunded.emit(refund)
        self.banner.info(
            f"Refund {refund.receipt_code}: {self.fmt.money(-refund.receipt.total)} back"
        )
        self.worker.run(
            self.till.print_receipt,
            refund.receipt,
            open_drawer=refund.receipt.opens_drawer,
            done=self._printed,
        )
        # Show the sale again: returned quantities are now up to date.
        if self.original is not None:
            self.worker.run(self.till.find_for_return, self.original.receipt_code, done=self._show)
        self.load_recent()

    def _printed(self, outcome: PrintOutcome) -> None:
        self.last_print = outcome
        if not outcome.ok:
            self.banner.warn(outcome.message)
        dialog = ReceiptPreviewDialog(outcome.text, "Refund receipt", parent=self)
        self.dialogs.open(dialog)

    # -- returns without a receipt -----------------------------------------------------------

    def no_receipt(self) -> None:
        if self.cashier is None:
            return
        dialog = NoReceiptDialog(self.till, self.worker, self.fmt, parent=self)
        dialog.accepted.connect(lambda: self._no_receipt_chosen(dialog))
        self.dialogs.open(dialog)

    def _no_receipt_chosen(self, dialog: NoReceiptDialog) -> None:
        items = dialog.items()
        if not items or self.cashier is None:
            return
        cashier = self.cashier
        approve = ApprovalDialog("return without a receipt", parent=self)

        def accepted() -> None:
            pin = approve.text

            def approved(approval: Approval | None) -> None:
                if approval is None:
                    self.banner.error("Not approved: that is not a manager's PIN")
                    return
                self.worker.run(
                    self.till.refund_without_receipt,
                    items,
                    cashier=cashier,
                    approval=approval,
                    done=self._done,
                    failed=self._fail,
                )

            self.worker.run(
                self.till.approve,
                pin,
                action="no_receipt_return",
                cashier=cashier,
                details={"items": str(len(items))},
                done=approved,
                failed=self._fail,
            )

        approve.accepted.connect(accepted)
        self.dialogs.open(approve)


class NoReceiptDialog(QDialog):
    """Scan what comes back; it is refunded in cash at today's price."""

    def __init__(
        self, till: Till, worker: Worker, fmt: Formatter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.till = till
        self.worker = worker
        self.fmt = fmt
        self._items: list[tuple[CatalogItem, Decimal]] = []
        self.setWindowTitle("Return without a receipt")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.banner = Banner()
        layout.addWidget(self.banner)
        self.scan_field = QLineEdit()
        self.scan_field.setPlaceholderText("Scan each item coming back")
        self.scan_field.returnPressed.connect(self._scan)
        layout.addWidget(self.scan_field)
        self.list = QTableWidget(0, 3)
        self.list.setHorizontalHeaderLabels(["Item", "Qty", "Today's price"])
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.list.verticalHeader().setVisible(False)
        layout.addWidget(self.list)
        self.total = QLabel("")
        self.total.setProperty("role", "big")
        layout.addWidget(self.total, alignment=Qt.AlignmentFlag.AlignRight)
        row = QHBoxLayout()
        cancel = button("Cancel")
        cancel.clicked.connect(self.reject)
        self.ok = button("Refund in cash…", "primary")
        self.ok.clicked.connect(self.accept)
        self.ok.setEnabled(False)
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(self.ok)
        layout.addLayout(row)
        self.scan_field.setFocus()

    def items(self) -> list[tuple[CatalogItem, Decimal]]:
        return list(self._items)

    def scan_code(self, code: str) -> None:
        self.worker.run(self.till.scan, code, done=self._add, failed=self._fail)

    def _scan(self) -> None:
        code = self.scan_field.text().strip()
        self.scan_field.clear()
        if code:
            self.scan_code(code)

    def _fail(self, exc: BaseException) -> None:
        self.banner.error(cashier_message(exc))

    def _add(self, result: ScanResult) -> None:
        qty = result.weight if result.weight is not None else Decimal(1)
        self._items.append((result.item, qty))
        r = self.list.rowCount()
        self.list.insertRow(r)
        for c, text in enumerate(
            [
                result.item.name,
                self.fmt.qty(qty, result.item.unit),
                self.fmt.money(result.item.price),
            ]
        ):
            self.list.setItem(r, c, QTableWidgetItem(text))
        worth = self.till.no_receipt_estimate(self._items)
        self.total.setText(f"Refund ≈ {self.fmt.money(worth)}")
        self.ok.setEnabled(True)
        self.banner.clear_message()
