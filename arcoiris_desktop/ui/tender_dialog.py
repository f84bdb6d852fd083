"""Taking payment: amount due, quick cash buttons, change due, card with approval code, split.

The dialog only collects payments into a ``Tender`` (pure domain); completing the sale is
the sale screen's job once this dialog is accepted.

Keyboard as mouse: Enter on the cash received takes it and shows the change, large, and
stops there; only a second Enter (or Complete sale) completes. Editing the amount after
that takes the cash back off, and Enter shows the new change first.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
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
from arcoiris_desktop.ui.theme import ACCENT, MUTED


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
        self.change_caption = self._muted("Change")
        grid.addWidget(self.change_caption, 2, 0)
        self.change_label = QLabel()
        self.change_label.setProperty("role", "change")
        grid.addWidget(self.change_label, 2, 1, Qt.AlignmentFlag.AlignRight)
        self.next_hint = QLabel("")
        self.next_hint.setObjectName("tender-next")
        self.next_hint.setProperty("role", "muted")
        self.next_hint.setAlignment(Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.next_hint, 3, 0, 1, 2)
        outer.addWidget(panel)
        # The cash field text whose change is on screen (its payment the last one).
        self._shown: str | None = None

        cash_row = QHBoxLayout()
        self.cash_field = QLineEdit()
        self.cash_field.setPlaceholderText("Cash received")
        self.cash_field.returnPressed.connect(self._cash_from_field)
        self.cash_field.textEdited.connect(self._cash_edited)
        cash_row.addWidget(self.cash_field, 2)
        cash_btn = button("Cash", "primary")
        cash_btn.clicked.connect(lambda _=False: self._cash_from_field(enter=False))
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
        for b in (cash_btn, card_btn, self.undo_btn, cancel, self.complete_btn):
            # Never a default button: Enter in a field must not click one behind its back.
            b.setAutoDefault(False)
            b.setDefault(False)
        self._refresh()
        self.cash_field.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter that a field leaves unhandled would click the dialog's default button: the
        # fields decide what Enter does, nothing else.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    @staticmethod
    def _muted(text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "muted")
        return label

    def _refresh(self) -> None:
        t = self.tender
        due = t.cash_owed
        self.due_label.setText(self.fmt.money(t.owed))
        if t.remaining > 0 and due != t.remaining:
            self.due_label.setText(f"{self.fmt.money(t.remaining)}  (cash {self.fmt.money(due)})")
        self.change_label.setText(self.fmt.money(t.change))
        shown = t.is_complete and bool(t.payments)
        # The change, once the sale is paid: larger still, so the cashier cannot miss it.
        self.change_label.setStyleSheet("font-size: 52px;" if shown else "")
        self.due_label.setStyleSheet(f"color: {MUTED};" if shown else "")  # paid: €0.00
        self.change_caption.setText("Change to give" if shown else "Change")
        self.change_caption.setStyleSheet(
            f"font-size: 22px; font-weight: 700; color: {ACCENT};" if shown else ""
        )
        self.next_hint.setText("Enter again to complete the sale  ↵" if shown else "")
        self.next_hint.setVisible(shown)
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
        for amount in t.quick_cash_amounts():
            b = button(self.fmt.money(amount), "key")
            b.clicked.connect(lambda _=False, a=amount: self._cash(a))
            self.quick_row.addWidget(b)
        self.complete_btn.setEnabled(t.is_complete)
        self.undo_btn.setEnabled(bool(t.payments))
        if t.is_complete:
            # Stay on the cash field: the next Enter there completes (not a button's focus,
            # which the Enter that took the cash would press at once).
            self.cash_field.setFocus()

    def _parse(self, text: str) -> Decimal | None:
        try:
            value = Decimal(text.strip().replace(",", "."))
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    def _cash(self, amount: Decimal) -> None:
        self._withdraw_shown()
        t = self.tender
        if t.remaining > 0 and amount > t.max_cash:
            self.banner.error(
                f"{self.fmt.money(amount)} in cash for {self.fmt.money(t.cash_due)} due? "
                f"Surely a typo or a scan: at most {self.fmt.money(t.max_cash)}"
            )
            self.cash_field.setFocus()
            self.cash_field.selectAll()
            return
        try:
            t.add_cash(amount)
        except TenderError as exc:
            self.banner.error(str(exc))
            return
        self.banner.clear_message()
        if t.is_complete:
            # Keep what was received on screen beside the change; Enter again completes.
            self._shown = f"{amount}"
            self.cash_field.setText(self._shown)
            self.cash_field.selectAll()
        else:
            self.cash_field.clear()
        self._refresh()

    def _withdraw_shown(self) -> None:
        """The cash whose change is on screen is taken back off (its amount was edited)."""
        if self._shown is None:
            return
        self._shown = None
        if self.tender.payments and self.tender.payments[-1].method == "cash":
            self.tender.remove_last()
        self._refresh()

    def _cash_edited(self, _text: str) -> None:
        if self._shown is not None:
            self._withdraw_shown()
            self.banner.info("Press Enter to show the change")

    def _cash_from_field(self, *, enter: bool = True) -> None:
        """Enter on the cash field (or the Cash button): take the cash and show the change;
        Enter once the change is on screen (or on an empty field, paid) completes."""
        text = self.cash_field.text().strip()
        if self.tender.is_complete and (not text or text == self._shown):
            if enter:
                self._complete()
            return
        if not text:
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
        self._shown = None
        self.cash_field.clear()
        self._refresh()

    def _complete(self) -> None:
        if not self.tender.is_complete:
            self.banner.error(f"{self.fmt.money(self.tender.remaining)} is still owed")
            return
        self.accept()
