"""Taking payment: amount due, quick cash buttons, change due, card with approval code, split.

The dialog only collects payments into a ``Tender`` (pure domain); completing the sale is
the sale screen's job once this dialog is accepted.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.sales.tender import Tender, TenderError
from arcoiris_desktop.ui.banner import Banner
from arcoiris_desktop.ui.dialogs import button
from arcoiris_desktop.ui.format import Formatter

NOTES = (Decimal(5), Decimal(10), Decimal(20), Decimal(50), Decimal(100))


def quick_amounts(due: Decimal) -> list[Decimal]:
    """Exact, then the notes a customer would hand over for this amount."""
    if due <= 0:
        return []
    out = [due]
    for note in NOTES:
        if note > due and note not in out:
            out.append(note)
        if len(out) == 4:
            break
    return out


class TenderDialog(QDialog):
    def __init__(self, tender: Tender, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tender = tender
        self.fmt = fmt
        self.setWindowTitle("Payment")
        self.setModal(True)
        self.setMinimumWidth(620)
        outer = QVBoxLayout(self)
        self.banner = Banner()
        outer.addWidget(self.banner)

        panel = QFrame()
        panel.setProperty("role", "panel")
        grid = QGridLayout(panel)
        grid.addWidget(self._muted("Total"), 0, 0)
        self.total_label = QLabel(fmt.money(tender.total))
        self.total_label.setProperty("role", "big")
        grid.addWidget(self.total_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self._muted("Still to pay"), 1, 0)
        self.due_label = QLabel()
        self.due_label.setProperty("role", "total")
        grid.addWidget(self.due_label, 1, 1, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self._muted("Change"), 2, 0)
        self.change_label = QLabel()
        self.change_label.setProperty("role", "change")
        grid.addWidget(self.change_label, 2, 1, Qt.AlignmentFlag.AlignRight)
        outer.addWidget(panel)

        cash_row = QHBoxLayout()
        self.cash_field = QLineEdit()
        self.cash_field.setPlaceholderText("Cash received")
        self.cash_field.returnPressed.connect(self._cash_from_field)
        cash_row.addWidget(self.cash_field, 2)
        cash_btn = button("Cash", "primary")
        cash_btn.clicked.connect(self._cash_from_field)
        cash_row.addWidget(cash_btn, 1)
        outer.addLayout(cash_row)

        self.quick_row = QHBoxLayout()
        outer.addLayout(self.quick_row)

        card_row = QHBoxLayout()
        self.card_amount = QLineEdit()
        self.card_amount.setPlaceholderText("Card amount")
        self.card_ref = QLineEdit()
        self.card_ref.setPlaceholderText("Approval code")
        self.card_ref.returnPressed.connect(self._card)
        card_btn = button("Card", "primary")
        card_btn.clicked.connect(self._card)
        card_row.addWidget(self.card_amount, 2)
        card_row.addWidget(self.card_ref, 2)
        card_row.addWidget(card_btn, 1)
        outer.addLayout(card_row)

        self.payments = QListWidget()
        self.payments.setMaximumHeight(110)
        outer.addWidget(self.payments)

        actions = QHBoxLayout()
        self.undo_btn = button("Remove last payment", "danger")
        self.undo_btn.clicked.connect(self._undo)
        cancel = button("Back to sale")
        cancel.clicked.connect(self.reject)
        self.complete_btn = button("Complete sale", "primary")
        self.complete_btn.clicked.connect(self._complete)
        actions.addWidget(self.undo_btn)
        actions.addStretch(1)
        actions.addWidget(cancel)
        actions.addWidget(self.complete_btn)
        outer.addLayout(actions)
        self._refresh()
        self.cash_field.setFocus()

    @staticmethod
    def _muted(text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "muted")
        return label

    def _refresh(self) -> None:
        t = self.tender
        due = t.cash_due if t.remaining > 0 else Decimal(0)
        self.due_label.setText(self.fmt.money(max(t.remaining, Decimal(0))))
        if t.remaining > 0 and due != t.remaining:
            self.due_label.setText(f"{self.fmt.money(t.remaining)}  (cash {self.fmt.money(due)})")
        self.change_label.setText(self.fmt.money(t.change))
        self.payments.clear()
        for p in t.payments:
            extra = ""
            if p.method == "cash" and p.tendered is not None:
                extra = f"  given {self.fmt.money(p.tendered)}, change {self.fmt.money(p.change)}"
            if p.reference:
                extra = f"  ref {p.reference}"
            self.payments.addItem(f"{p.method.title()}  {self.fmt.money(p.amount)}{extra}")
        while self.quick_row.count():
            item = self.quick_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                # Hide and detach now: deleteLater alone leaves it drawn until the next loop.
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        for amount in quick_amounts(due):
            b = button(self.fmt.money(amount), "key")
            b.clicked.connect(lambda _=False, a=amount: self._cash(a))
            self.quick_row.addWidget(b)
        self.complete_btn.setEnabled(t.is_complete)
        self.undo_btn.setEnabled(bool(t.payments))
        if t.is_complete:
            self.complete_btn.setFocus()

    def _parse(self, text: str) -> Decimal | None:
        try:
            value = Decimal(text.strip().replace(",", "."))
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    def _cash(self, amount: Decimal) -> None:
        try:
            self.tender.add_cash(amount)
        except TenderError as exc:
            self.banner.error(str(exc))
            return
        self.banner.clear_message()
        self.cash_field.clear()
        self._refresh()

    def _cash_from_field(self) -> None:
        text = self.cash_field.text()
        if not text.strip():
            if self.tender.is_complete:
                self._complete()
                return
            self._cash(self.tender.cash_due)
            return
        amount = self._parse(text)
        if amount is None:
            self.banner.error(f"{text!r} is not an amount")
            return
        self._cash(amount)

    def _card(self) -> None:
        text = self.card_amount.text().strip()
        amount = None
        if text:
            amount = self._parse(text)
            if amount is None:
                self.banner.error(f"{text!r} is not an amount")
                return
        try:
            self.tender.add_card(amount, self.card_ref.text())
        except TenderError as exc:
            self.banner.error(str(exc))
            return
        self.banner.clear_message()
        self.card_amount.clear()
        self.card_ref.clear()
        self._refresh()

    def _undo(self) -> None:
        self.tender.remove_last()
        self._refresh()

    def _complete(self) -> None:
        if not self.tender.is_complete:
            self.banner.error(f"{self.fmt.money(self.tender.remaining)} is still owed")
            return
        self.accept()
