"""A manager's receipt printer: a file, a network printer (host and port) or a USB one
(vendor and product id in hexadecimal), and whether a cash sale opens the drawer.

"Test print" prints a short page through the settings on screen, before they are saved,
and shows the printer's answer here; Save keeps them. The dialog only asks: the caller
runs the test and the save (``test_requested`` / ``save_requested``) on the worker.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.receipts.printer_settings import (
    KINDS,
    drawer_kick_enabled,
    validate_printer_settings,
)
from arcoiris_desktop.ui.banner import Banner
from arcoiris_desktop.ui.dialogs import button, choice_row

KIND_LABELS = {"file": "File", "network": "Network", "usb": "USB"}


class PrinterDialog(QDialog):
    test_requested = Signal(dict)  # validated settings, not saved
    save_requested = Signal(dict)

    def __init__(
        self,
        current: Mapping[str, str],
        *,
        default_path: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Receipt printer")
        self.setObjectName("printer-settings")
        self.setMinimumWidth(600)  # a whole file path fits
        self.busy = False  # a test or a save is running
        layout = QVBoxLayout(self)
        title = QLabel("Receipt printer")
        title.setProperty("role", "title")
        layout.addWidget(title)
        self.banner = Banner()
        layout.addWidget(self.banner)

        kinds, self.kind_group, self.kind_buttons = choice_row(
            self, [(kind, KIND_LABELS[kind]) for kind in KINDS], "kind", self._kind_changed
        )
        layout.addLayout(kinds)

        form = QFormLayout()
        self.path = QLineEdit(current.get("path") or default_path)
        self.path.setObjectName("path")
        self.host = QLineEdit(current.get("host", ""))
        self.host.setObjectName("host")
        self.host.setPlaceholderText("192.168.1.50")
        self.port = QLineEdit(current.get("port", "9100"))
        self.port.setObjectName("port")
        self.port.setPlaceholderText("9100")
        self.vendor_id = QLineEdit(current.get("vendor_id", ""))
        self.vendor_id.setObjectName("vendor_id")
        self.vendor_id.setPlaceholderText("04b8")
        self.product_id = QLineEdit(current.get("product_id", ""))
        self.product_id.setObjectName("product_id")
        self.product_id.setPlaceholderText("0202")
        form.addRow("File", self.path)
        form.addRow("Host", self.host)
        form.addRow("Port", self.port)
        form.addRow("USB vendor id (hex)", self.vendor_id)
        form.addRow("USB product id (hex)", self.product_id)
        layout.addLayout(form)
        self._rows = {
            "file": (self.path,),
            "network": (self.host, self.port),
            "usb": (self.vendor_id, self.product_id),
        }

        self.drawer_kick = QCheckBox("Open the cash drawer on cash sales (drawer kick)")
        self.drawer_kick.setObjectName("drawer-kick")
        self.drawer_kick.setChecked(drawer_kick_enabled(current))
        layout.addWidget(self.drawer_kick)

        row = QHBoxLayout()
        self.cancel_button = button("Cancel  Esc")
        self.cancel_button.clicked.connect(self.reject)
        self.test_button = button("Test print")
        self.test_button.setObjectName("test-print")
        self.test_button.clicked.connect(self._test)
        self.save_button = button("Save", "primary")
        self.save_button.setObjectName("save-printer")
        self.save_button.clicked.connect(self._save)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        row.addWidget(self.test_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)

        kind = (current.get("kind") or "file").strip().lower()
        self.kind_buttons.get(kind, self.kind_buttons["file"]).setChecked(True)
        self._kind_changed()

    # -- reading the form ------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return next((k for k, b in self.kind_buttons.items() if b.isChecked()), "file")

    def values(self) -> dict[str, str]:
        """What the form says, unchecked."""
        return {
            "kind": self.kind,
            "path": self.path.text(),
            "host": self.host.text(),
            "port": self.port.text(),
            "vendor_id": self.vendor_id.text(),
            "product_id": self.product_id.text(),
            "drawer_kick": "on" if self.drawer_kick.isChecked() else "off",
        }

    def checked_values(self) -> dict[str, str] | None:
        """The form's settings if they are valid, else None with the reason on screen."""
        try:
            return validate_printer_settings(self.values())
        except ValueError as exc:
            self.banner.error(str(exc))
            return None

    def _kind_changed(self) -> None:
        for kind, fields in self._rows.items():
            for f in fields:
                f.setEnabled(kind == self.kind)
        first = self._rows[self.kind][0]
        first.setFocus()

    # -- actions ---------------------------------------------------------------------------

    def _test(self) -> None:
        if self.busy:
            return
        values = self.checked_values()
        if values is None:
            return
        self.busy = True
        self.banner.info("Printing a test page…")
        self.test_requested.emit(values)

    def _save(self) -> None:
        if self.busy:
            return
        values = self.checked_values()
        if values is None:
            return
        self.busy = True
        self.save_requested.emit(values)

    def test_done(self, ok: bool, message: str) -> None:
        self.busy = False
        (self.banner.info if ok else self.banner.error)(message)

    def save_failed(self, message: str) -> None:
        self.busy = False
        self.banner.error(message)

    def saved(self) -> None:
        self.busy = False
        self.accept()
