"""A manager's shift dialogs: counting cash (the opening float, the drawer at closing) note
by note or as a total, and the X/Z report as it prints, with expected, counted and
over/short in large type. Keyboard first: Tab between fields, Enter to confirm.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QIntValidator, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.shifts.history import ClosedShift
from arcoiris_desktop.ui.dialogs import button
from arcoiris_desktop.ui.format import Formatter
from arcoiris_shared.cash import count_total
from arcoiris_shared.money import quantize

ROWS_PER_COLUMN = 5
# No till drawer holds more: a larger count is a barcode scanned into the box, or a slip.
MAX_COUNTED = Decimal("99999.99")


class CountBox(QLineEdit):
    """A count box whose Enter always means "next": ``entered`` is emitted on Enter even
    when the box is empty (a validator's QLineEdit says nothing then, and the Enter falls
    through to the dialog) and the key goes no further."""

    entered = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            self.entered.emit()
            return
        super().keyPressEvent(event)


class CashCountDialog(QDialog):
    """Count cash: pieces per note and coin (optional), or the total typed at once.

    Enter in a note or coin box (empty or not) moves to the next one, the last to the
    total; Enter on the total (or OK) asks "… with €X?" and a second Enter confirms: a
    count is a fact HQ books, so one stray key must never close a drawer half counted. A
    total over ``max_total`` (a barcode scanned in) is refused before it is ever offered.
    Then ``submitted`` (total, pieces) is emitted once and the dialog stays open until
    ``finish()``: a count the till refuses comes back as ``show_error`` with nothing typed
    lost."""

    submitted = Signal(object, object)  # Decimal total, dict[Decimal, int] pieces

    def __init__(
        self,
        title: str,
        prompt: str,
        fmt: Formatter,
        denominations: tuple[Decimal, ...],
        *,
        ok_text: str = "OK",
        max_total: Decimal = MAX_COUNTED,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.fmt = fmt
        self.max_total = max_total
        layout = QVBoxLayout(self)
        heading = QLabel(prompt)
        heading.setProperty("role", "big")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.fields: dict[Decimal, QLineEdit] = {}
        if denominations:
            hint = QLabel(
                "How many of each note and coin (Enter or Tab moves on), or just the total below"
            )
            hint.setProperty("role", "muted")
            layout.addWidget(hint)
            grid = QGridLayout()
            grid.setHorizontalSpacing(14)
            for i, face in enumerate(denominations):
                col, row = divmod(i, ROWS_PER_COLUMN)
                label = QLabel(f"{fmt.money(face)}  x")
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                field = CountBox()
                field.setObjectName(f"count-{face}")
                field.setValidator(QIntValidator(0, 99999, field))
                field.setAlignment(Qt.AlignmentFlag.AlignRight)
                field.setMaximumWidth(90)
                field.setStyleSheet("font-size: 17px; padding: 4px 6px;")
                field.textEdited.connect(self._pieces_changed)
                field.entered.connect(lambda face=face: self._next_after(face))
                grid.addWidget(label, row, col * 2)
                grid.addWidget(field, row, col * 2 + 1)
                self.fields[face] = field
            layout.addLayout(grid)
        total_row = QHBoxLayout()
        total_label = QLabel("Total counted")
        total_label.setProperty("role", "big")
        total_row.addWidget(total_label)
        self.total_field = CountBox()
        self.total_field.setObjectName("count-total")
        self.total_field.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.total_field.setPlaceholderText("0.00")
        self.total_field.entered.connect(self.accept)
        self.total_field.textEdited.connect(lambda _: self._show_total())
        self._ok_text = ok_text
        self._confirming: Decimal | None = None
        self._busy = False
        total_row.addWidget(self.total_field, 1)
        layout.addLayout(total_row)
        self.counted_label = QLabel("")
        self.counted_label.setProperty("role", "muted")
        layout.addWidget(self.counted_label)
        self.error_label = QLabel("")
        self.error_label.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.error_label.setWordWrap(True)
        layout.addWidget(self.error_label)
        buttons = QHBoxLayout()
        cancel = button("Cancel  Esc")
        cancel.clicked.connect(self.reject)
        self.ok = button(f"{ok_text}  ↵", "primary")
        self.ok.setObjectName("count-ok")
        self.ok.clicked.connect(self.accept)
        for b in (cancel, self.ok):
            b.setAutoDefault(False)  # Enter is the boxes' to handle, never a button's
        buttons.addWidget(cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        layout.addLayout(buttons)
        first = next(iter(self.fields.values()), self.total_field)
        first.setFocus()

    def _next_after(self, face: Decimal) -> None:
        faces = list(self.fields)
        i = faces.index(face)
        nxt = self.fields[faces[i + 1]] if i + 1 < len(faces) else self.total_field
        nxt.setFocus()
        nxt.selectAll()

    def pieces(self) -> dict[Decimal, int]:
        out = {}
        for face, field in self.fields.items():
            text = field.text().strip()
            if text:
                out[face] = int(text)
        return out

    def _pieces_changed(self) -> None:
        pieces = self.pieces()
        if pieces:
            total = count_total(pieces, self.fmt.currency)
            self.total_field.setText(f"{quantize(total, self.fmt.currency):f}")
            self.total_field.setReadOnly(True)
        else:
            self.total_field.setReadOnly(False)
        self._show_total()

    def _show_total(self) -> None:
        value = self.total()
        self.counted_label.setText("" if value is None else f"Counted: {self.fmt.money(value)}")
        self.error_label.setText("")
        self._unconfirm()

    def _unconfirm(self) -> None:
        self._confirming = None
        self.ok.setText(f"{self._ok_text}  ↵")

    def total(self) -> Decimal | None:
        text = self.total_field.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    def accept(self) -> None:
        if self._busy:  # the count is on its way: a second Enter changes nothing
            return
        text = self.total_field.text().strip()
        total = self.total()
        if not text and not self.pieces():
            self.show_error("Count the cash first (type the total, or the notes and coins)")
            return
        if total is None:
            self.show_error(f"“{text}” is not an amount")
            return
        if total > self.max_total:
            self.show_error(
                f"{self.fmt.money(total)} cannot be in a till drawer (at most "
                f"{self.fmt.money(self.max_total)}): count again. A barcode scanned in?"
            )
            return
        if total < 0:
            self.show_error("A count cannot be negative")
            return
        if self._confirming != total:
            self._confirming = total
            self.ok.setText(f"{self._ok_text} with {self.fmt.money(total)}?  ↵")
            self.counted_label.setText(
                f"Counted: {self.fmt.money(total)}. Enter again to confirm; edit to change."
            )
            return
        self._busy = True
        self.ok.setEnabled(False)
        self.submitted.emit(total, self.pieces())

    def finish(self) -> None:
        super().accept()

    def show_error(self, message: str) -> None:
        self._busy = False
        self.ok.setEnabled(True)
        self._unconfirm()
        self.error_label.setText(message)


class ShiftReportDialog(QDialog):
    """The X or Z report: the figures that matter in large type, then the report exactly as
    it prints. An X report offers closing the shift from here."""

    def __init__(
        self,
        title: str,
        summary: list[tuple[str, str, str]],
        lines: tuple[str, ...] | list[str],
        *,
        closing_offered: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        panel = QFrame()
        panel.setProperty("role", "panel")
        grid = QGridLayout(panel)
        self.values: dict[str, QLabel] = {}
        for col, (name, value, role) in enumerate(summary):
            label = QLabel(name)
            label.setProperty("role", "muted")
            shown = QLabel(value)
            shown.setObjectName(f"summary-{col}")
            shown.setProperty("role", "big")
            if role:
                shown.setStyleSheet(f"color: {role}; font-size: 26px; font-weight: 800;")
            grid.addWidget(label, 0, col)
            grid.addWidget(shown, 1, col)
            self.values[name] = shown
        layout.addWidget(panel)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setProperty("role", "receipt")
        self.text.setReadOnly(True)
        font = QFont("DejaVu Sans Mono")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(10)
        self.text.setFont(font)
        self.text.setMinimumWidth(self.text.fontMetrics().horizontalAdvance("M" * 44) + 40)
        self.text.setMinimumHeight(300)
        layout.addWidget(self.text, 1)
        row = QHBoxLayout()
        self.done_button = button("Done  Esc")
        self.done_button.clicked.connect(self.reject)
        self.print_button = button("Print  ^P", "primary")
        self.print_button.setObjectName("print-report")
        self.close_shift_button = button("Close shift…  F6", "danger")
        self.close_shift_button.setObjectName("close-shift")
        self.close_shift_button.setVisible(closing_offered)
        # The receipt printer setting, offered where the manager already is (the X report).
        self.printer_button = button("Printer…")
        self.printer_button.setObjectName("printer-settings")
        self.printer_button.setVisible(closing_offered)
        # The day's takings (also Ctrl+T on the sale screen), from the X or a Z report.
        self.takings_button = button("Takings…  ^T")
        self.takings_button.setObjectName("takings")
        row.addWidget(self.done_button)
        row.addStretch(1)
        row.addWidget(self.takings_button)
        row.addWidget(self.close_shift_button)
        row.addWidget(self.printer_button)
        row.addWidget(self.print_button)
        layout.addLayout(row)
        QShortcut(QKeySequence("Ctrl+P"), self).activated.connect(self.print_button.click)
        QShortcut(QKeySequence("Ctrl+T"), self).activated.connect(self.takings_button.click)
        if closing_offered:
            QShortcut(QKeySequence("F6"), self).activated.connect(self.close_shift_button.click)


class PastZDialog(QDialog):
    """The Z reports of this till's closed shifts, latest first. Up/Down choose, Enter (or a
    double click) opens the chosen one as it printed at its close, to read or print again."""

    chosen = Signal(object)  # uuid.UUID of the shift

    def __init__(
        self, shifts: Sequence[ClosedShift], fmt: Formatter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Past Z reports")
        self.setModal(True)
        self.shifts = list(shifts)
        layout = QVBoxLayout(self)
        heading = QLabel("Past Z reports")
        heading.setProperty("role", "title")
        layout.addWidget(heading)
        if not self.shifts:
            empty = QLabel("No shift has been closed on this till yet.")
            empty.setProperty("role", "muted")
            layout.addWidget(empty)
        self.table = QTableWidget(len(self.shifts), 4)
        self.table.setObjectName("past-z")
        self.table.setHorizontalHeaderLabels(["Closed", "Closed by", "Counted", "Over/short"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for row, shift in enumerate(self.shifts):
            z = f"Z {shift.z_number}  ·  " if shift.z_number is not None else ""
            cells = [
                z + fmt.when(shift.closed_at),
                shift.closed_by_name,
                fmt.money(shift.counted_cash) if shift.counted_cash is not None else "",
                fmt.money(shift.over_short) if shift.over_short is not None else "",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col >= 2:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for col in (0, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _: self.open_chosen())
        layout.addWidget(self.table, 1)
        row_layout = QHBoxLayout()
        done = button("Done  Esc")
        done.clicked.connect(self.reject)
        self.open_button = button("Open  ↵", "primary")
        self.open_button.setObjectName("open-z")
        self.open_button.setEnabled(bool(self.shifts))
        self.open_button.clicked.connect(self.open_chosen)
        row_layout.addWidget(done)
        row_layout.addStretch(1)
        row_layout.addWidget(self.open_button)
        layout.addLayout(row_layout)
        self.resize(560, 420)
        if self.shifts:
            self.table.selectRow(0)
        self.table.setFocus()

    def open_chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.chosen.emit(self.shifts[rows[0].row()].shift_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_chosen()
            return
        super().keyPressEvent(event)
