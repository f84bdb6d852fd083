"""The customer picker: type a name, phone or email (results as you type, arrows and Enter
pick), or add a new customer in the form below (Ctrl+N) and attach them to the sale."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.customers.service import CustomerInfo
from arcoiris_desktop.ui.banner import Banner
from arcoiris_desktop.ui.dialogs import button

SEARCH_DELAY_MS = 150


class CustomerDialog(QDialog):
    search_requested = Signal(str)
    add_requested = Signal(str, str, str)  # name, phone, email

    def __init__(self, current: CustomerInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Customer")
        self.chosen: CustomerInfo | None = None
        self.adding = False
        self.detach = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        layout = QVBoxLayout(self)
        title = QLabel("Customer for this sale")
        title.setProperty("role", "title")
        layout.addWidget(title)
        self.banner = Banner()
        layout.addWidget(self.banner)
        if current is not None:
            now = QLabel(f"Now: {current.name}  ·  {current.contact}".rstrip(" ·"))
            now.setProperty("role", "muted")
            layout.addWidget(now)
        self.search = QLineEdit()
        self.search.setObjectName("customer-search")
        self.search.setPlaceholderText("Name, phone or email")
        self.search.textEdited.connect(lambda _: self._timer.start(SEARCH_DELAY_MS))
        self.search.returnPressed.connect(self._pick_current)
        self.search.installEventFilter(self)
        layout.addWidget(self.search)
        self.results = QListWidget()
        self.results.setObjectName("customer-results")
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.results.itemActivated.connect(lambda _: self._pick_current())
        self.results.itemClicked.connect(lambda _: self._pick_current())
        self.results.setMinimumHeight(180)
        layout.addWidget(self.results, 1)
        self._found: list[CustomerInfo] = []

        panel = QFrame()
        panel.setProperty("role", "panel")
        form = QFormLayout(panel)
        heading = QLabel("New customer  (Ctrl+N)")
        heading.setProperty("role", "big")
        form.addRow(heading)
        self.name = QLineEdit()
        self.name.setObjectName("customer-name")
        self.phone = QLineEdit()
        self.phone.setObjectName("customer-phone")
        self.email = QLineEdit()
        self.email.setObjectName("customer-email")
        form.addRow("Name", self.name)
        form.addRow("Phone", self.phone)
        form.addRow("Email", self.email)
        for field in (self.name, self.phone, self.email):
            field.returnPressed.connect(self._add)
        layout.addWidget(panel)

        row = QHBoxLayout()
        cancel = button("Cancel  Esc")
        cancel.clicked.connect(self.reject)
        row.addWidget(cancel)
        if current is not None:
            remove = button("No customer", "danger")
            remove.setObjectName("customer-detach")
            remove.clicked.connect(self._detach)
            row.addWidget(remove)
        row.addStretch(1)
        self.add_button = button("Add and attach", "")
        self.add_button.setObjectName("customer-add")
        self.add_button.clicked.connect(self._add)
        self.pick_button = button("Attach  ↵", "primary")
        self.pick_button.clicked.connect(self._pick_current)
        row.addWidget(self.add_button)
        row.addWidget(self.pick_button)
        layout.addLayout(row)
        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(lambda: self.name.setFocus())
        self._timer.timeout.connect(lambda: self.search_requested.emit(self.search.text()))
        self.setMinimumWidth(620)
        self.search.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count():
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
        return super().eventFilter(watched, event)

    def show_results(self, text: str, found: list[CustomerInfo]) -> None:
        if text != self.search.text():
            return  # typing went on; a newer search is coming
        self._found = found
        self.results.clear()
        for c in found:
            item = QListWidgetItem(f"{c.name}    {c.contact}")
            self.results.addItem(item)
        if found:
            self.results.setCurrentRow(0)
        elif len(text.strip()) >= 2:
            self.results.addItem(QListWidgetItem("No customer found: add them below (Ctrl+N)"))
            self.name.setText(text.strip() if not any(ch.isdigit() for ch in text) else "")

    def _pick_current(self) -> None:
        row = self.results.currentRow()
        if 0 <= row < len(self._found):
            self.chosen = self._found[row]
            self.accept()

    def _add(self) -> None:
        if self.adding:  # being written: a second Enter must not make a second customer
            return
        self.adding = True
        self.add_requested.emit(self.name.text(), self.phone.text(), self.email.text())

    def add_refused(self, message: str) -> None:
        self.adding = False
        self.banner.error(message)

    def _detach(self) -> None:
        self.detach = True
        self.accept()

    def added(self, customer: CustomerInfo) -> None:
        self.chosen = customer
        self.accept()
