"""A manager's cash dialogs: a paid in or paid out (how much, for which account, why), and
the reason a close needs when the drawer is over or short beyond the org's threshold.

Keyboard first, as the count: type the amount, Enter moves to the reason, F1..F4 pick the
account, Enter on the reason records it. Each dialog emits ``submitted`` once and stays
open until ``finish()``: what the till refuses comes back as ``show_error`` in plain words,
with nothing typed lost. Widgets only: the domain checks and writes (``shifts.cash``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.ui.dialogs import button
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.theme import DANGER, WARN

TITLES = {"paid_in": "Paid in", "paid_out": "Paid out"}
PROMPTS = {
    "paid_in": "Cash put into the drawer (not a sale)",
    "paid_out": "Cash taken out of the drawer (not a refund)",
}
ERROR_STYLE = "color: #b3261e; font-weight: 600;"


def _amount(text: str) -> Decimal | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class PayDialog(QDialog):
    """A paid in or paid out: the amount as a positive figure, one account from the short
    list (radio rows, F1..F4), and what it was for. ``submitted`` (Decimal amount, account
    key, reason)."""

    submitted = Signal(object, str, str)

    def __init__(
        self,
        kind: str,
        accounts: dict[str, str],
        fmt: Formatter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.fmt = fmt
        self.busy = False
        self.error_label = QLabel("")
        self.setWindowTitle(TITLES.get(kind, kind))
        self.setModal(True)
        layout = QVBoxLayout(self)
        title = QLabel(TITLES.get(kind, kind))
        title.setProperty("role", "title")
        layout.addWidget(title)
        prompt = QLabel(PROMPTS.get(kind, ""))
        prompt.setProperty("role", "muted")
        layout.addWidget(prompt)

        form = QFormLayout()
        self.amount_field = QLineEdit()
        self.amount_field.setObjectName("cash-amount")
        self.amount_field.setPlaceholderText("0.00")
        self.amount_field.setStyleSheet("font-size: 22px; padding: 4px 8px;")
        self.amount_field.textEdited.connect(self._edited)
        form.addRow(f"Amount ({fmt.currency})", self.amount_field)
        layout.addLayout(form)

        what = QLabel("What is it for?  (F1 to pick the first, and so on)")
        what.setStyleSheet("font-weight: 600; margin-top: 6px;")
        layout.addWidget(what)
        self.account_group = QButtonGroup(self)
        self.account_buttons: dict[str, QRadioButton] = {}
        for n, (key, label) in enumerate(accounts.items(), start=1):
            radio = QRadioButton(f"{label}   F{n}")
            radio.setObjectName(f"account-{key}")
            radio.toggled.connect(self._edited)
            self.account_group.addButton(radio)
            self.account_buttons[key] = radio
            layout.addWidget(radio)
        if len(self.account_buttons) == 1:
            next(iter(self.account_buttons.values())).setChecked(True)

        reason_form = QFormLayout()
        self.reason_field = QLineEdit()
        self.reason_field.setObjectName("cash-reason")
        self.reason_field.setMaxLength(200)
        self.reason_field.setPlaceholderText(
            "Who or what, e.g. “window cleaner”" if kind == "paid_out" else "e.g. “change, bank”"
        )
        self.reason_field.textEdited.connect(self._edited)
        reason_form.addRow("Reason", self.reason_field)
        layout.addLayout(reason_form)

        self.error_label.setObjectName("cash-error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)

        row = QHBoxLayout()
        cancel = button("Cancel  Esc")
        cancel.clicked.connect(self.reject)
        self.ok = button(f"Record {TITLES.get(kind, kind).lower()}  ↵", "primary")
        self.ok.setObjectName("cash-ok")
        self.ok.clicked.connect(self.accept)
        for b in (cancel, self.ok):
            b.setAutoDefault(False)  # Enter is the fields' to handle
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(self.ok)
        layout.addLayout(row)
        self.amount_field.returnPressed.connect(self._amount_entered)
        self.reason_field.returnPressed.connect(self.accept)
        self.amount_field.setFocus()
        self.setMinimumWidth(520)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # F1..F9 pick the account (as a key the fields do not take, it arrives here).
        n = event.key() - Qt.Key.Key_F1.value + 1
        buttons = list(self.account_buttons.values())
        if 1 <= n <= min(9, len(buttons)):
            buttons[n - 1].setChecked(True)
            return
        super().keyPressEvent(event)

    @property
    def account(self) -> str | None:
        return next((k for k, b in self.account_buttons.items() if b.isChecked()), None)

    def _edited(self, _change: object = None) -> None:
        self.error_label.setText("")

    def _amount_entered(self) -> None:
        self.reason_field.setFocus()
        self.reason_field.selectAll()

    def accept(self) -> None:
        if self.busy:  # on its way: a second Enter records nothing
            return
        text = self.amount_field.text().strip()
        amount = _amount(text)
        if not text:
            self._refuse("Type the amount first", self.amount_field)
            return
        if amount is None:
            self._refuse(f"“{text}” is not an amount", self.amount_field)
            return
        if amount <= 0:
            self._refuse("Type the amount as a positive figure", self.amount_field)
            return
        account = self.account
        if account is None:
            keys = f"F1 to F{len(self.account_buttons)}" if len(self.account_buttons) > 1 else "F1"
            self.show_error(f"Choose what the cash is for ({keys})")
            return
        reason = self.reason_field.text().strip()
        if not reason:
            self._refuse("Say what the cash is for in the reason", self.reason_field)
            return
        self.busy = True
        self.ok.setEnabled(False)
        self.submitted.emit(amount, account, reason)

    def _refuse(self, message: str, field: QLineEdit) -> None:
        self.show_error(message)
        field.setFocus()

    def finish(self) -> None:
        super().accept()

    def show_error(self, message: str) -> None:
        self.busy = False
        self.ok.setEnabled(True)
        self.error_label.setText(message)


class OverShortReasonDialog(QDialog):
    """The drawer is over or short beyond the threshold: the difference in large type, the
    count and what was expected, and the reason to close with. ``submitted`` (reason)."""

    submitted = Signal(str)

    def __init__(
        self,
        over_short: Decimal,
        expected: Decimal,
        counted: Decimal,
        threshold: Decimal,
        fmt: Formatter,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.busy = False
        self.error_label = QLabel("")
        self.setWindowTitle("Close shift — reason needed")
        self.setModal(True)
        layout = QVBoxLayout(self)
        word = "over" if over_short > 0 else "short"
        title = QLabel(f"The drawer is {word}")
        title.setProperty("role", "title")
        layout.addWidget(title)
        self.difference = QLabel(fmt.money(abs(over_short)) + f" {word}")
        self.difference.setObjectName("over-short")
        colour = DANGER if over_short < 0 else WARN
        self.difference.setStyleSheet(f"color: {colour}; font-size: 30px; font-weight: 800;")
        layout.addWidget(self.difference)
        figures = QLabel(
            f"Counted {fmt.money(counted)}, expected {fmt.money(expected)}. More than "
            f"{fmt.money(threshold)} either way needs a reason on the Z report."
        )
        figures.setProperty("role", "muted")
        figures.setWordWrap(True)
        layout.addWidget(figures)
        form = QFormLayout()
        self.reason_field = QLineEdit()
        self.reason_field.setObjectName("over-short-reason")
        self.reason_field.setMaxLength(200)
        self.reason_field.setPlaceholderText("e.g. “€10 change given twice”, “float was short”")
        self.reason_field.textEdited.connect(lambda _t: self.error_label.setText(""))
        self.reason_field.returnPressed.connect(self.accept)
        form.addRow("Reason", self.reason_field)
        layout.addLayout(form)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        row = QHBoxLayout()
        cancel = button("Count again  Esc")
        cancel.clicked.connect(self.reject)
        self.ok = button("Close shift  ↵", "danger")
        self.ok.setObjectName("reason-ok")
        self.ok.clicked.connect(self.accept)
        for b in (cancel, self.ok):
            b.setAutoDefault(False)
        row.addWidget(cancel)
        row.addStretch(1)
        row.addWidget(self.ok)
        layout.addLayout(row)
        self.reason_field.setFocus()
        self.setMinimumWidth(600)

    def accept(self) -> None:
        if self.busy:
            return
        reason = self.reason_field.text().strip()
        if not reason:
            self.show_error("Say why the drawer is out before closing")
            self.reason_field.setFocus()
            return
        self.busy = True
        self.ok.setEnabled(False)
        self.submitted.emit(reason)

    def finish(self) -> None:
        super().accept()

    def show_error(self, message: str) -> None:
        self.busy = False
        self.ok.setEnabled(True)
        self.error_label.setText(message)
