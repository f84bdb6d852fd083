"""The banner: what went wrong (or right) in one line, with a beep for mistakes."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget


class Banner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setVisible(False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)

    def _show(self, text: str, role: str, seconds: float) -> None:
        self.setText(text)
        self.setProperty("role", role)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(True)
        self._timer.start(int(seconds * 1000))

    def error(self, text: str) -> None:
        QApplication.beep()
        self._show(text, "banner-error", 8)

    def warn(self, text: str) -> None:
        self._show(text, "banner-warn", 8)

    def info(self, text: str) -> None:
        self._show(text, "banner-info", 4)

    def clear_message(self) -> None:
        self.setVisible(False)
        self.setText("")

    @property
    def kind(self) -> str:
        return str(self.property("role") or "") if self.isVisible() else ""
