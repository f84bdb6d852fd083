"""The banner: what went wrong (or right) in one line, with a beep for mistakes.

A banner keeps its place while it has nothing to say: two lines' height are reserved, so a
message that comes and goes 4-8 s later never moves what a cashier is about to click (a click
meant for one cart line once landed on the next when a banner pushed the table down)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QWidget

BANNER_FONT_PX = 17
BANNER_PADDING_PX = 10


class Banner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setIndent(14)  # the style's side padding is lost on a wrapped label
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._reserve_height()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_message)

    def _show(self, text: str, role: str, seconds: float) -> None:
        self.setText(text)
        self.setProperty("role", role)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setToolTip(text)  # a message longer than its two lines is whole here
        self._timer.start(int(seconds * 1000))

    def _reserve_height(self) -> None:
        """Two lines of the banner's font and its padding, whether or not it shows a message:
        the height is the same before, during and after one."""
        font = QFont(self.font())
        font.setPixelSize(BANNER_FONT_PX)  # the theme's banner roles' font-size
        lines = QFontMetrics(font).lineSpacing() * 2
        self.setFixedHeight(lines + BANNER_PADDING_PX * 2 + 4)

    def error(self, text: str) -> None:
        QApplication.beep()
        self._show(text, "banner-error", 8)

    def warn(self, text: str) -> None:
        self._show(text, "banner-warn", 8)

    def info(self, text: str) -> None:
        self._show(text, "banner-info", 4)

    def clear_message(self) -> None:
        self.setText("")
        self.setToolTip("")
        self.setProperty("role", "")
        self.style().unpolish(self)
        self.style().polish(self)

    @property
    def kind(self) -> str:
        return str(self.property("role") or "") if self.text() else ""
