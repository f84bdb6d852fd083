"""The manager's view of sync: what is waiting for HQ, what HQ refused and why; enrolment."""

from __future__ import annotations

import datetime as dt
import itertools

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.sync.engine import SyncStatus
from arcoiris_desktop.ui.banner import Banner
from arcoiris_desktop.ui.dialogs import button
from arcoiris_desktop.ui.format import Formatter


def _table(headers: list[str], rows: list[tuple[object, ...]], fmt: Formatter) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(_shown(value, fmt)))
    header = table.horizontalHeader()
    for c in range(len(headers) - 1):
        header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _shown(value: object, fmt: Formatter) -> str:
    """A stored moment (ISO text, UTC) in the store's time, as receipts show it."""
    text = str(value)
    if len(text) >= 19 and text[4] == "-" and "T" in text:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        if moment.tzinfo is None:  # the till stores UTC
            moment = moment.replace(tzinfo=dt.UTC)
        return fmt.when(moment)
    return text


class SyncDialog(QDialog):
    def __init__(
        self,
        status: SyncStatus | None,
        waiting: list[tuple[int, str, str, str]],
        rejected: list[tuple[int, str, str, str]],
        parent: QWidget | None = None,
        *,
        fmt: Formatter | None = None,
    ) -> None:
        super().__init__(parent)
        fmt = fmt or Formatter("EUR", "en", "UTC")
        self.setWindowTitle("Sync with HQ")
        self.setMinimumSize(760, 460)
        layout = QVBoxLayout(self)
        if status is None:
            summary = "This till is not enrolled with HQ: its sales stay here, safely."
        else:
            when = fmt.when(status.last_success) if status.last_success else "never"
            summary = (
                f"{'Online' if status.online else 'Offline'} · last successful sync {when} · "
                f"catalog version {status.catalog_version}"
            )
            if status.blocked:
                summary += f"\nStopped: {status.blocked}"
            elif status.last_error:
                summary += f"\nLast attempt: {status.last_error}"
        label = QLabel(summary)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.tabs = QTabWidget()
        self.waiting = _table(["Seq", "What", "Receipt", "When"], list(waiting), fmt)
        self.refused = _table(["Seq", "What", "Receipt", "Why HQ refused it"], list(rejected), fmt)
        self.tabs.addTab(self.waiting, f"Waiting ({len(waiting)})")
        self.tabs.addTab(self.refused, f"Refused by HQ ({len(rejected)})")
        if rejected and not waiting:
            self.tabs.setCurrentWidget(self.refused)  # what the warning sent them here for
        layout.addWidget(self.tabs)
        row = QHBoxLayout()
        self.sync_now = button("Sync now", "primary")
        self.enrol = button("Enrol with HQ…")
        close = button("Close")
        close.clicked.connect(self.accept)
        row.addWidget(self.enrol)
        row.addStretch(1)
        row.addWidget(self.sync_now)
        row.addWidget(close)
        layout.addLayout(row)
        self.sync_now.setEnabled(status is not None)


class EnrollDialog(QDialog):
    """A manager registers this till: server, their own sign-in, store and till names."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enrol this till with HQ")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.banner = Banner()
        layout.addWidget(self.banner)
        form = QFormLayout()
        self.url = QLineEdit("https://")
        self.email = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.store = QLineEdit("MAIN")
        self.code = QLineEdit("T01")
        self.name = QLineEdit("Till 1")
        for text, field in [
            ("HQ server", self.url),
            ("Manager email", self.email),
            ("Password", self.password),
            ("Store code", self.store),
            ("Till code", self.code),
            ("Till name", self.name),
        ]:
            form.addRow(text, field)
        layout.addLayout(form)
        row = QHBoxLayout()
        cancel = button("Cancel")
        cancel.clicked.connect(self.reject)
        self.ok = button("Enrol", "primary")
        row.addStretch(1)
        row.addWidget(cancel)
        row.addWidget(self.ok)
        layout.addLayout(row)
        # By keyboard: Enter moves down the form, and Enter in the last field enrols.
        fields = [self.url, self.email, self.password, self.store, self.code, self.name]
        for field, after in itertools.pairwise(fields):
            field.returnPressed.connect(after.setFocus)
            field.returnPressed.connect(after.selectAll)
        self.name.returnPressed.connect(self.ok.click)

    def values(self) -> dict[str, str]:
        return {
            "url": self.url.text().strip(),
            "email": self.email.text().strip(),
            "password": self.password.text(),
            "store_code": self.store.text().strip(),
            "terminal_code": self.code.text().strip(),
            "terminal_name": self.name.text().strip(),
        }
