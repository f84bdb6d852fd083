"""The takings as an A4 PDF a manager can e-mail: the same figures and tables as the screen,
laid out by a QTextDocument (HTML) so the text stays real text a reader can search and copy;
only the hour chart is a picture (``HourChart`` painted at print resolution)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, QUrl
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)

from arcoiris_desktop.reports.takings import TakingsView
from arcoiris_desktop.ui.charts import HourChart
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.takings_words import TILES, change, percent, short_label, shown

_CSS = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #1d1d1f; }
h1 { font-size: 16pt; margin: 0; }
h2 { font-size: 11pt; margin-top: 10pt; margin-bottom: 3pt; }
td, th { padding: 2pt 5pt; }
th { background: #eef0f3; text-align: left; }
.r { text-align: right; }
.muted { color: #5f6368; }
"""


def _table(
    headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: tuple[int, ...]
) -> str:
    if not rows:
        return "<p class='muted'>None</p>"
    head = "".join(
        f"<th{' class=r' if i in right else ''}>{escape(h)}</th>" for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=r' if i in right else ''}>{escape(c)}</td>" for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table width='100%' cellspacing='0' border='0'><tr>{head}</tr>{body}</table>"


def takings_html(view: TakingsView, fmt: Formatter, store: str = "") -> str:
    f, c = view.figures, view.compared
    parts = [f"<html><head><style>{_CSS}</style></head><body>"]
    parts.append(f"<h1>Takings: {escape(view.label)}</h1>")
    sub = f"{escape(store)} — " if store else ""
    where = "the whole store" if view.source == "store" else "this till"
    parts.append(
        f"<p class='muted'>{sub}Figures of {where}, compared with "
        f"{escape(view.compare_label)}.{(' ' + escape(view.note)) if view.note else ''}</p>"
    )
    rows = []
    for key, title, kind, _up in TILES:
        a, b = getattr(f, key), getattr(c, key)
        ratio = change(a, b)
        rows.append(
            (
                title,
                shown(fmt, a, kind),
                shown(fmt, b, kind),
                "" if ratio is None else percent(fmt, ratio),
            )
        )
    parts.append("<h2>Summary</h2>")
    parts.append(_table(("Figure", "This period", "Compared", "Change"), rows, (1, 2, 3)))
    parts.append("<h2>Takings by hour</h2><p><img src='chart://hours' width='900'></p>")
    parts.append("<h2>Tax by rate</h2>")
    parts.append(
        _table(
            ("Rate", "Base", "Tax"),
            [(t.name, fmt.money(t.base), fmt.money(t.amount)) for t in f.tax_by_rate],
            (1, 2),
        )
    )
    parts.append("<h2>By tender</h2>")
    parts.append(
        _table(
            ("Tender", "Count", "Amount"),
            [(t.method.capitalize(), str(t.count), fmt.money(t.amount)) for t in f.by_tender],
            (1, 2),
        )
    )
    parts.append("<h2>By cashier</h2>")
    parts.append(
        _table(
            ("Cashier", "Sales", "Refunds", "Amount"),
            [
                (
                    view.cashier_names.get(x.cashier_id, "Someone"),
                    str(x.sales),
                    str(x.refunds),
                    fmt.money(x.amount),
                )
                for x in f.by_cashier
            ],
            (1, 2, 3),
        )
    )
    for title, items in (
        ("Top 10 by revenue", f.top_by_revenue),
        ("Top 10 by quantity", f.top_by_quantity),
    ):
        parts.append(f"<h2>{title}</h2>")
        parts.append(
            _table(
                ("Item", "SKU", "Qty", "Revenue"),
                [(i.name, i.sku, fmt.qty(i.quantity), fmt.money(i.amount)) for i in items],
                (2, 3),
            )
        )
    parts.append("<h2>Audit list</h2>")
    parts.append(
        _table(
            ("Time", "What", "By", "Approved by"),
            [(f"{a.at:%d/%m %H:%M}", a.what, a.by, a.approved_by or "") for a in view.audit],
            (),
        )
    )
    parts.append("<h2>Low stock</h2>")
    parts.append(
        _table(
            ("Item", "SKU", "On hand", "Reorder at"),
            [(s.name, s.sku, fmt.qty(s.on_hand), fmt.qty(s.reorder_point)) for s in view.low_stock],
            (2, 3),
        )
    )
    parts.append("</body></html>")
    return "".join(parts)


def _chart_image(view: TakingsView, fmt: Formatter) -> QImage:
    chart = HourChart(fmt)
    chart.set_data(view.hours, short_label(view.label), short_label(view.compare_label))
    image = QImage(1600, 560, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    chart.paint_into(p, QRectF(0, 0, 1600, 560), font_px=26)
    p.end()
    return image


def write_pdf(view: TakingsView, path: Path, fmt: Formatter, store: str = "") -> None:
    """The view as an A4 PDF at ``path`` (pages as many as the tables need)."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
    writer.setResolution(150)
    writer.setTitle(f"Takings {view.label}")
    writer.setCreator("Arcoiris POS")
    doc = QTextDocument()
    doc.addResource(
        QTextDocument.ResourceType.ImageResource, QUrl("chart://hours"), _chart_image(view, fmt)
    )
    doc.setHtml(takings_html(view, fmt, store))
    layout = writer.pageLayout()
    rect = layout.paintRectPixels(writer.resolution())
    doc.setPageSize(QSizeF(rect.width(), rect.height()))
    doc.print_(writer)
