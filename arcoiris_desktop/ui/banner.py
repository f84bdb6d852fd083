"""The banner: what went wrong (or right) in one line, with a beep for mistakes."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

_WRAP = int(Qt.TextFlag.TextWordWrap)


class Banner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setIndent(14)  # the style's side padding is lost on a wrapped label
        self.setVisible(False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)

    def _show(self, text: str, role: str, seconds: float) -> None:
        self.setText(text)
        self.setProperty("role", role)
        self.style().unpolish(self)
        self.style().polish(self)
        # A wrapped label gets squeezed to a sliver in a crowded column: ask for the height
        # its text needs at the width it has (at least one line and its padding).
        margins = self.contentsMargins()
        width = max(self.width(), 200) - margins.left() - margins.right()
        needed = self.fontMetrics().boundingRect(0, 0, width, 10_000, _WRAP, text).height()
        self.setMinimumHeight(needed + margins.top() + margins.bottom() + 24)
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
