"""A manager's stock move: receive goods, adjust (damage, loss, found) or count an item.

Scan or type the item (Enter looks it up), then the quantity, the reason and a note;
Enter records it. The dialog stays open after each move so a delivery or a shelf can be
worked through item after item; the level the till shows is on screen throughout.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.catalog.lookup import CatalogItem
from arcoiris_desktop.ui.banner import Banner
from arcoiris_desktop.ui.dialogs import button, choice_row

MODES = (("receipt", "Receive goods  F1"), ("adjustment", "Adjust  F2"), ("count", "Count  F3"))
WHY = (("damage", "Damaged"), ("loss", "Lost / stolen"), ("found", "Found"))


class StockMoveDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stock")
        self.item: CatalogItem | None = None
        self.busy = False  # a move is being written
        layout = QVBoxLayout(self)
        title = QLabel("Stock move")
        title.setProperty("role", "title")
        layout.addWidget(title)
        self.banner = Banner()
        layout.addWidget(self.banner)
        modes, self.mode_group, self.mode_buttons = choice_row(
            self, MODES, "mode", self._mode_changed
        )
        layout.addLayout(modes)
        from PySide6.QtGui import QKeySequence, QShortcut

        for n, (key, _) in enumerate(MODES, start=1):
            shortcut = QShortcut(QKeySequence(f"F{n}"), self)
            shortcut.activated.connect(lambda k=key: self.set_mode(k))

        form = QFormLayout()
        self.item_field = QLineEdit()
        self.item_field.setObjectName("stock-item")
        self.item_field.setPlaceholderText("Scan the item, or type its SKU or name, then Enter")
        form.addRow("Item", self.item_field)
        self.item_label = QLabel("No item yet")
        self.item_label.setProperty("role", "big")
        self.item_label.setWordWrap(True)
        form.addRow("", self.item_label)
        self.quantity_label = QLabel("Quantity")
        self.quantity = QLineEdit()
        self.quantity.setObjectName("stock-quantity")
        form.addRow(self.quantity_label, self.quantity)
        self.why = QComboBox()
        self.why.setObjectName("stock-why")
        for key, text in WHY:
            self.why.addItem(text, key)
        self.why_label = QLabel("Why")
        form.addRow(self.why_label, self.why)
        self.cost_label = QLabel("Unit cost (optional)")
        self.cost = QLineEdit()
        self.cost.setObjectName("stock-cost")
        form.addRow(self.cost_label, self.cost)
        self.note = QLineEdit()
        self.note.setObjectName("stock-note")
        self.note_label = QLabel("Note")
        form.addRow(self.note_label, self.note)
        layout.addLayout(form)
        row = QHBoxLayout()
        done = button("Done  Esc")
        done.clicked.connect(self.reject)
        self.record = button("Record  ↵", "primary")
        self.record.setObjectName("stock-record")
        row.addWidget(done)
        row.addStretch(1)
        row.addWidget(self.record)
        layout.addLayout(row)
        self.quantity.returnPressed.connect(self.record.click)
        self.cost.returnPressed.connect(self.record.click)
        self.note.returnPressed.connect(self.record.click)
        self.set_mode("receipt")
        self.item_field.setFocus()
        self.setMinimumWidth(640)

    @property
    def mode(self) -> str:
        return next(k for k, b in self.mode_buttons.items() if b.isChecked())

    def set_mode(self, mode: str) -> None:
        self.mode_buttons[mode].setChecked(True)

    def _mode_changed(self) -> None:
        if not any(b.isChecked() for b in self.mode_buttons.values()):
            return
        mode = self.mode
        self.quantity_label.setText(
            {"receipt": "Quantity received", "adjustment": "How many", "count": "Counted"}[mode]
        )
        for widget in (self.why, self.why_label):
            widget.setVisible(mode == "adjustment")
        for field in (self.cost, self.cost_label):
            field.setVisible(mode == "receipt")
        self.note_label.setText("Note (required)" if mode == "adjustment" else "Note")

    def show_item(self, item: CatalogItem | None, level: Decimal | None) -> None:
        self.item = item
        if item is None:
            self.item_label.setText("No item yet")
            return
        unit = "" if item.unit == "each" else f" {item.unit}"
        shown = "" if level is None else f"   ·   the till shows {level.normalize():f}{unit}"
        self.item_label.setText(f"{item.name}{shown}")
        self.quantity.setFocus()
        self.quantity.selectAll()

    def amount(self, field: QLineEdit) -> Decimal | None:
        text = field.text().strip().replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    def ready_for_next(self) -> None:
        # The next quantity must never land on the item just moved.
        self.show_item(None, None)
        self.quantity.clear()
        self.cost.clear()
        self.note.clear()
        self.item_field.clear()
        self.item_field.setFocus()
