"""The takings screen's two charts, painted with QPainter.

Not QtCharts: it lives in PySide6-Addons, a ~300 MB extra dependency on every till for two
simple charts. ``HourChart`` draws this period's takings per hour as bars and the comparison
period as a line with dots; ``BarList`` draws labelled horizontal bars (by tender, by
cashier). Both take plain Decimals and a ``Formatter`` for their labels, and ``paint_into``
lets the PDF draw the same chart at print resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.theme import ACCENT, INK, MUTED

COMPARE = QColor("#c77d00")
GRID = QColor("#e3e6ea")
FIRST_HOUR, LAST_HOUR = 8, 20  # always shown, so a quiet morning still reads as a day


def hour_span(hours: dict[int, tuple[Decimal, Decimal]]) -> range:
    """The hours worth drawing: 8-20 at least, widened to the first and last hour with
    anything in either series."""
    busy = [h for h, (a, b) in hours.items() if a or b]
    first = min([FIRST_HOUR, *busy])
    last = max([LAST_HOUR, *busy])
    return range(first, last + 1)


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round top for the axis (1, 2, 2.5, 5 x 10^n) at or over ``value``."""
    if value <= 0:
        return Decimal(10)
    exp = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if exp * step >= value:
            return exp * step
    return exp * 10


class HourChart(QWidget):
    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.hours: dict[int, tuple[Decimal, Decimal]] = {}
        self.labels = ("Today", "Last week")
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(600, 260)

    def set_data(self, hours: dict[int, tuple[Decimal, Decimal]], this: str, other: str) -> None:
        self.hours = dict(hours)
        self.labels = (this, other)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("white"))
        self.paint_into(p, QRectF(self.rect()))
        p.end()

    def paint_into(self, p: QPainter, area: QRectF, font_px: float = 12) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(p.font())
        font.setPixelSize(max(8, int(font_px)))
        p.setFont(font)
        fm = p.fontMetrics()
        span = hour_span(self.hours)
        top = _nice_ceiling(max([Decimal(0)] + [max(a, b) for a, b in self.hours.values()]))
        axis_w = max(fm.horizontalAdvance(self.fmt.money(top)), 30) + 8
        legend_h = fm.height() + 8
        plot = QRectF(
            area.left() + axis_w,
            area.top() + legend_h + 4,
            area.width() - axis_w - 8,
            area.height() - legend_h - fm.height() - 14,
        )
        if plot.width() <= 10 or plot.height() <= 10:
            return
        # Grid and the money axis: 0, 1/4 ... top.
        for i in range(5):
            value = top * i / 4
            y = plot.bottom() - plot.height() * i / 4
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor(MUTED))
            p.drawText(
                QRectF(area.left(), y - fm.height() / 2, axis_w - 6, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self.fmt.money(value),
            )
        slot = plot.width() / len(span)
        bar_w = max(2.0, slot * 0.62)
        points: list[QPointF] = []
        label_every = 1 if fm.horizontalAdvance("00") * 1.8 < slot else 2
        for i, hour in enumerate(span):
            a, b = self.hours.get(hour, (Decimal(0), Decimal(0)))
            x = plot.left() + slot * i + slot / 2
            if a > 0:
                h = float(a / top) * plot.height()
                p.fillRect(QRectF(x - bar_w / 2, plot.bottom() - h, bar_w, h), QColor(ACCENT))
            points.append(
                QPointF(x, plot.bottom() - float(max(b, Decimal(0)) / top) * plot.height())
            )
            if i % label_every == 0:
                p.setPen(QColor(MUTED))
                p.drawText(
                    QRectF(x - slot, plot.bottom() + 4, slot * 2, fm.height()),
                    Qt.AlignmentFlag.AlignHCenter,
                    f"{hour:02d}",
                )
        p.setPen(QPen(COMPARE, 2))
        p.drawPolyline(points)
        p.setBrush(COMPARE)
        for pt in points:
            p.drawEllipse(pt, 3, 3)
        # Legend, top right.
        x = plot.right()
        for text, colour, bar in (
            (self.labels[1], COMPARE, False),
            (self.labels[0], QColor(ACCENT), True),
        ):
            w = fm.horizontalAdvance(text)
            x -= w
            p.setPen(QColor(INK))
            p.drawText(QPointF(x, area.top() + fm.ascent() + 2), text)
            x -= 20
            mid = area.top() + fm.height() / 2 + 2
            if bar:
                p.fillRect(QRectF(x, mid - 5, 14, 10), colour)
            else:
                p.setPen(QPen(colour, 2))
                p.drawLine(QPointF(x, mid), QPointF(x + 14, mid))
                p.setBrush(colour)
                p.drawEllipse(QPointF(x + 7, mid), 3, 3)
            x -= 18
        p.setBrush(Qt.BrushStyle.NoBrush)


class BarList(QWidget):
    """Horizontal bars, one a row: a label left, the bar, the amount right."""

    ROW = 30

    def __init__(self, fmt: Formatter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fmt = fmt
        self.rows: list[tuple[str, Decimal]] = []
        self.empty_text = "Nothing yet"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def set_rows(self, rows: Sequence[tuple[str, Decimal]]) -> None:
        self.rows = list(rows)
        self.setMinimumHeight(max(1, len(self.rows)) * self.ROW + 8)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, max(1, len(self.rows)) * self.ROW + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = p.fontMetrics()
        if not self.rows:
            p.setPen(QColor(MUTED))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            p.end()
            return
        width = self.width()
        label_w = min(width * 0.4, max(fm.horizontalAdvance(t) for t, _ in self.rows) + 10)
        amount_w = max(fm.horizontalAdvance(self.fmt.money(a)) for _, a in self.rows) + 10
        top = max(abs(a) for _, a in self.rows) or Decimal(1)
        bar_space = max(10.0, width - label_w - amount_w - 8)
        for i, (text, amount) in enumerate(self.rows):
            y = 4 + i * self.ROW
            p.setPen(QColor(INK))
            shown = fm.elidedText(text, Qt.TextElideMode.ElideRight, int(label_w - 8))
            p.drawText(
                QRectF(0, y, label_w - 6, self.ROW - 6), Qt.AlignmentFlag.AlignVCenter, shown
            )
            w = float(abs(amount) / top) * bar_space
            p.fillRect(QRectF(label_w, y + 5, max(w, 1.0), self.ROW - 16), QColor(ACCENT))
            p.drawText(
                QRectF(label_w + w + 6, y, amount_w, self.ROW - 6),
                Qt.AlignmentFlag.AlignVCenter,
                self.fmt.money(amount),
            )
        p.end()
