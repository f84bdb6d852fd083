"""Small dialogs the sale screen opens: a number pad, the manager's PIN, a receipt preview,
the parked sales list. Keyboard first (type and Enter), touch friendly (big keys).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

# Keypad dialogs keep this width whatever their text says: a long item name wraps instead
# of pushing the keys and OK off a 1024-pixel screen.
KEYPAD_WIDTH = 420
_LONG_WORD = re.compile(r"(\S{20})(?=\S)")


def wrappable(text: str) -> str:
    """``text`` with a zero-width space in every run of 20 characters without a space, so a
    word-wrapped label can break a long code or name too."""
    return _LONG_WORD.sub("\\1\u200b", text)


def wrapped_label(text: str, role: str | None = None) -> QLabel:
    label = QLabel(wrappable(text))
    if role:
        label.setProperty("role", role)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class OneDialog:
    """The one modal dialog a screen has open at a time.

    Every modal a screen opens goes through :meth:`open`, which makes it ``current`` until
    it finishes (accepted, rejected or closed), so a key that would open another checks
    :attr:`busy` and does nothing meanwhile; tests find the open dialog as ``current``.
    When a dialog's own handler opens the next one (a quantity, then a manager's PIN),
    the first finishing does not forget the second. ``on_closed`` runs when the current
    dialog finishes and none follows it (the sale screen puts the focus back on the scan
    field)."""

    def __init__(self, on_closed: Callable[[], None] | None = None) -> None:
        self.current: QDialog | None = None
        self._on_closed = on_closed

    @property
    def busy(self) -> bool:
        return self.current is not None

    def open(self, dialog: QDialog) -> QDialog:
        self.current = dialog
        dialog.finished.connect(lambda _result, d=dialog: self._finished(d))
        dialog.open()
        return dialog

    def _finished(self, dialog: QDialog) -> None:
        if self.current is not dialog:
            return  # a dialog its handler opened is current now
        self.current = None
        if self._on_closed is not None:
            self._on_closed()

    def reject(self) -> None:
        """Close the open dialog, if any, as Esc would (locking the till)."""
        if self.current is not None:
            self.current.reject()

    def accept(self) -> None:
        if self.current is not None:
            self.current.accept()


def choice_row(
    owner: QWidget,
    options: Sequence[tuple[str, str]],
    prefix: str,
    on_toggle: Callable[[], None],
) -> tuple[QHBoxLayout, QButtonGroup, dict[str, QRadioButton]]:
    """One row of radio buttons, one per (key, label), named ``{prefix}-{key}``, each
    calling ``on_toggle`` when it changes; a stretch after them."""
    row = QHBoxLayout()
    group = QButtonGroup(owner)
    buttons: dict[str, QRadioButton] = {}
    for key, text in options:
        radio = QRadioButton(text)
        radio.setObjectName(f"{prefix}-{key}")
        group.addButton(radio)
        buttons[key] = radio
        row.addWidget(radio)
        radio.toggled.connect(on_toggle)
    row.addStretch(1)
    return row, group, buttons


def button(text: str, role: str | None = None, parent: QWidget | None = None) -> QPushButton:
    b = QPushButton(text, parent)
    if role:
        b.setProperty("role", role)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b


class KeypadDialog(QDialog):
    """Ask for a number (quantity, amount, discount) or a PIN, with a keypad beside the field."""

    def __init__(
        self,
        title: str,
        prompt: str,
        *,
        initial: str = "",
        secret: bool = False,
        decimals: bool = True,
        detail: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setFixedWidth(KEYPAD_WIDTH)
        self.error_label = wrapped_label("", "muted")
        self.error_label.setStyleSheet("color: #b3261e;")
        layout = QVBoxLayout(self)
        self.heading = wrapped_label(prompt, "big")
        layout.addWidget(self.heading)
        self.detail = wrapped_label(detail)
        self.detail.setVisible(bool(detail))
        layout.addWidget(self.detail)
        self.field = QLineEdit(initial)
        self.field.setAlignment(Qt.AlignmentFlag.AlignRight)
        if secret:
            self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.selectAll()
        layout.addWidget(self.field)
        layout.addWidget(self.error_label)
        grid = QGridLayout()
        keys = ["7", "8", "9", "4", "5", "6", "1", "2", "3", "0", "." if decimals else "00", "⌫"]
        for i, key in enumerate(keys):
            b = button(key, "key")
            b.clicked.connect(lambda _=False, k=key: self._press(k))
            grid.addWidget(b, i // 3, i % 3)
        layout.addLayout(grid)
        row = QHBoxLayout()
        cancel = button("Cancel")
        cancel.clicked.connect(self.reject)
        self.ok = ok = button("OK", "primary")
        ok.clicked.connect(self.accept)
        row.addWidget(cancel)
        row.addWidget(ok)
        layout.addLayout(row)
        self.field.returnPressed.connect(self.accept)
        self.field.setFocus()

    def _press(self, key: str) -> None:
        if key == "⌫":
            self.field.backspace()
        else:
            self.field.insert(key)
        self.field.setFocus()

    @property
    def text(self) -> str:
        return self.field.text().strip()

    def decimal(self) -> Decimal | None:
        try:
            value = Decimal(self.text.replace(",", "."))
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    def show_error(self, message: str) -> None:
        self.error_label.setText(wrappable(message))


class ApprovalDialog(KeypadDialog):
    """The inline manager prompt: the cashier stays signed in; a manager types their PIN."""

    def __init__(self, reason: str, parent: QWidget | None = None) -> None:
        super().__init__(
            "Manager approval",
            "Manager PIN",
            secret=True,
            decimals=False,
            detail=reason,
            parent=parent,
        )


class ReceiptPreviewDialog(QDialog):
    def __init__(
        self, lines: list[str] | tuple[str, ...], title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setProperty("role", "receipt")
        self.text.setReadOnly(True)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(10)
        self.text.setFont(font)
        width = self.text.fontMetrics().horizontalAdvance("M" * 44) + 40
        self.text.setMinimumWidth(width)
        self.text.setMinimumHeight(520)
        layout.addWidget(self.text)
        close = button("Close", "primary")
        close.clicked.connect(self.accept)
        layout.addWidget(close)


class ParkedDialog(QDialog):
    """Pick a parked sale to resume."""

    def __init__(self, entries: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Parked sales")
        layout = QVBoxLayout(self)
        title = QLabel("Resume which sale?")
        title.setProperty("role", "big")
        layout.addWidget(title)
        self.list = QListWidget()
        for key, label in entries:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _: self.accept())
        layout.addWidget(self.list)
        row = QHBoxLayout()
        cancel = button("Cancel")
        cancel.clicked.connect(self.reject)
        ok = button("Resume", "primary")
        ok.clicked.connect(self.accept)
        row.addWidget(cancel)
        row.addWidget(ok)
        layout.addLayout(row)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))
