"""The manager's takings screen: a period's figures against the same days whole weeks
earlier, the hours as a chart, tenders, cashiers, the top items, the audit list and low
stock; printed, saved as PDF or CSV.

The dialog never touches the database: ``fetch(period, whole_store)`` runs on the Worker
and answers a ``TakingsView`` (``reports.takings.takings`` for this till, HQ's figures for
the whole store); only the latest answer is shown, so a quick change of period cannot
paint an older one over it. Keyboard: Alt+letter picks a period, F9 prints, F10 saves a PDF,
F11 a CSV, Esc closes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.reports.export import takings_csv
from arcoiris_desktop.reports.takings import Period, TakingsView, compare_days
from arcoiris_desktop.ui.charts import BarList, HourChart
from arcoiris_desktop.ui.dialogs import choice_row
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.takings_words import TILES, change, percent, short_label, shown
from arcoiris_desktop.ui.theme import ACCENT, DANGER, MUTED
from arcoiris_desktop.ui.worker import Worker

Fetch = Callable[[Period, bool], TakingsView]
PERIODS = (
    ("today", "&Today"),
    ("yesterday", "&Yesterday"),
    ("day", "A &date"),
    ("range", "Date &range"),
    ("shift", "This s&hift"),
)


class Tile(QFrame):
    """One figure: its title, the value large, last week's value and the change."""

    def __init__(self, key: str, title: str) -> None:
        super().__init__()
        self.setObjectName(f"tile-{key}")
        self.setProperty("role", "panel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        head = QLabel(title)
        head.setProperty("role", "muted")
        self.value = QLabel("\u2013")
        self.value.setObjectName(f"value-{key}")
        self.value.setStyleSheet("font-size: 24px; font-weight: 700;")
        self.compare = QLabel("")
        self.compare.setObjectName(f"compare-{key}")
        self.compare.setWordWrap(True)
        for w in (head, self.value, self.compare):
            layout.addWidget(w)


def _table(name: str, headers: tuple[str, ...], right: tuple[int, ...] = ()) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(list(headers))
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    head = t.horizontalHeader()
    for c in range(len(headers)):
        mode = QHeaderView.ResizeMode.ResizeToContents
        head.setSectionResizeMode(c, mode)
    head.setStretchLastSection(True)
    t.setProperty("right_columns", right)
    t.setMinimumHeight(180)
    return t


def _fill(table: QTableWidget, rows: Sequence[tuple[str, ...]], empty: str = "None") -> None:
    right: tuple[int, ...] = table.property("right_columns") or ()
    table.setRowCount(max(1, len(rows)))
    if not rows:
        table.setSpan(0, 0, 1, table.columnCount())
        item = QTableWidgetItem(empty)
        item.setForeground(Qt.GlobalColor.gray)
        table.setItem(0, 0, item)
        return
    table.clearSpans()
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _section(title: str, body: QWidget) -> QFrame:
    box = QFrame()
    box.setProperty("role", "panel")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(12, 8, 12, 10)
    head = QLabel(title)
    head.setStyleSheet("font-size: 17px; font-weight: 700;")
    layout.addWidget(head)
    layout.addWidget(body, 1)
    return box


class TakingsDialog(QDialog):
    """The takings screen (objectName ``takings``).

    ``fetch(period, whole_store)`` answers the figures (run on ``worker``); ``on_print`` gets
    the shown view to print (the caller runs it on its worker), None hides Print. ``today``
    is the store's local date; ``shift_id`` the open shift, None disables "This shift"."""

    def __init__(
        self,
        fetch: Fetch,
        worker: Worker,
        fmt: Formatter,
        *,
        today: dt.date,
        shift_id: uuid.UUID | None = None,
        on_print: Callable[[TakingsView], None] | None = None,
        store_available: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("takings")
        self.setWindowTitle("Takings")
        self.setModal(True)
        self.fetch, self.worker, self.fmt = fetch, worker, fmt
        self.today, self.shift_id, self.on_print = today, shift_id, on_print
        self.view: TakingsView | None = None
        self._asked = 0  # the latest request's number; older answers are dropped
        self.resize(1024, 740)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(14, 10, 14, 10)
        top = QHBoxLayout()
        self.title = QLabel("Takings")
        self.title.setProperty("role", "title")
        top.addWidget(self.title, 1)
        self.status = QLabel("")
        self.status.setObjectName("takings-status")
        self.status.setProperty("role", "muted")
        top.addWidget(self.status)
        outer.addLayout(top)

        picker, self._group, self.period_buttons = choice_row(
            self, PERIODS, "period", self._period_changed
        )
        picker.takeAt(picker.count() - 1)  # the stretch: the dates follow the buttons
        self.first_date, self.last_date = QDateEdit(), QDateEdit()
        for name, edit in (("first-date", self.first_date), ("last-date", self.last_date)):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setDate(QDate(today.year, today.month, today.day))
            edit.setMaximumDate(QDate(today.year, today.month, today.day))
            edit.dateChanged.connect(self._period_changed)
            picker.addWidget(edit)
        self.to_label = QLabel("to")
        picker.insertWidget(picker.indexOf(self.last_date), self.to_label)
        picker.addStretch(1)
        self.whole_store = QCheckBox("&Whole store")
        self.whole_store.setObjectName("whole-store")
        self.whole_store.setEnabled(store_available)
        self.whole_store.toggled.connect(self._period_changed)
        picker.addWidget(self.whole_store)
        outer.addLayout(picker)
        self.period_buttons["shift"].setEnabled(shift_id is not None)
        self.note = QLabel("")
        self.note.setObjectName("takings-note")
        self.note.setWordWrap(True)
        self.note.setProperty("role", "banner-warn")
        self.note.hide()
        outer.addWidget(self.note)

        body = QWidget()
        grid = QVBoxLayout(body)
        grid.setContentsMargins(0, 0, 6, 0)
        grid.setSpacing(10)
        tiles = QGridLayout()
        tiles.setSpacing(8)
        self.tiles: dict[str, Tile] = {}
        for i, (key, title, _kind, _up) in enumerate(TILES):
            tile = Tile(key, title)
            self.tiles[key] = tile
            tiles.addWidget(tile, i // 4, i % 4)
        grid.addLayout(tiles)

        self.chart = HourChart(fmt)
        self.chart.setObjectName("hour-chart")
        self.chart.setMinimumHeight(240)
        self.tenders, self.cashiers = BarList(fmt), BarList(fmt)
        self.tenders.setObjectName("by-tender")
        self.cashiers.setObjectName("by-cashier")
        side = QVBoxLayout()
        side.addWidget(_section("By tender", self.tenders))
        side.addWidget(_section("By cashier", self.cashiers))
        row = QHBoxLayout()
        row.addWidget(_section("Takings by hour", self.chart), 3)
        row.addLayout(side, 2)
        grid.addLayout(row)

        self.tax = _table("tax-table", ("Rate", "Base", "Tax"), (1, 2))
        self.tax.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tax.horizontalHeader().setStretchLastSection(False)
        self.top_revenue = _table("top-revenue", ("Item", "Qty", "Revenue"), (1, 2))
        self.top_quantity = _table("top-quantity", ("Item", "Qty", "Revenue"), (1, 2))
        for t in (self.top_revenue, self.top_quantity):
            t.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            t.horizontalHeader().setStretchLastSection(False)
            t.setMinimumHeight(330)
        row = QHBoxLayout()
        row.addWidget(_section("Top 10 by revenue", self.top_revenue), 1)
        row.addWidget(_section("Top 10 by quantity", self.top_quantity), 1)
        grid.addLayout(row)

        self.audit = _table("audit-table", ("Time", "What", "By", "Approved by"))
        self.audit.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.audit.horizontalHeader().setStretchLastSection(False)
        self.audit.setWordWrap(True)
        self.audit.setMinimumHeight(240)
        self.low = _table("low-stock", ("Item", "On hand", "Reorder at"), (1, 2))
        self.low.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.low.horizontalHeader().setStretchLastSection(False)
        row = QHBoxLayout()
        row.addWidget(_section("Audit list", self.audit), 3)
        right = QVBoxLayout()
        right.addWidget(_section("Tax by rate", self.tax))
        right.addWidget(_section("Low stock", self.low))
        row.addLayout(right, 2)
        grid.addLayout(row)

        scroll = QScrollArea()
        scroll.setObjectName("takings-scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.print_button = QPushButton("Print (F9)")
        self.pdf_button = QPushButton("PDF… (F10)")
        self.csv_button = QPushButton("CSV… (F11)")
        self.close_button = QPushButton("Close (Esc)")
        self.close_button.setProperty("role", "primary")
        self.print_button.setVisible(on_print is not None)
        for b in (self.print_button, self.pdf_button, self.csv_button):
            buttons.addWidget(b)
            b.setAutoDefault(False)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        outer.addLayout(buttons)
        self.print_button.clicked.connect(self.print_view)
        self.pdf_button.clicked.connect(self._ask_pdf)
        self.csv_button.clicked.connect(self._ask_csv)
        self.close_button.clicked.connect(self.reject)
        for key, slot in (("F9", self.print_view), ("F10", self._ask_pdf), ("F11", self._ask_csv)):
            QShortcut(QKeySequence(key), self, slot)
        self.period_buttons["today"].setChecked(True)  # asks for today

    # -- the period ------------------------------------------------------------------------

    def period(self) -> Period:
        picked = next(k for k, b in self.period_buttons.items() if b.isChecked())
        first = _date(self.first_date.date())
        last = _date(self.last_date.date())
        if picked == "yesterday":
            day = self.today - dt.timedelta(days=1)
            return Period(day, day)
        if picked == "day":
            return Period(first, first)
        if picked == "range":
            return Period(min(first, last), max(first, last))
        if picked == "shift" and self.shift_id is not None:
            return Period(self.today, self.today, shift_id=self.shift_id)
        return Period(self.today, self.today)

    def _period_changed(self, *_: object) -> None:
        checked = [k for k, b in self.period_buttons.items() if b.isChecked()]
        if not checked:
            return  # a radio unchecked on its way to another
        picked = checked[0]
        self.first_date.setEnabled(picked in ("day", "range"))
        self.last_date.setVisible(picked == "range")
        self.to_label.setVisible(picked == "range")
        self.refresh()

    def refresh(self) -> None:
        self._asked += 1
        asked = self._asked
        self.status.setText("Counting…")
        self.worker.run(
            self.fetch,
            self.period(),
            self.whole_store.isChecked(),
            done=lambda view: self._answer(asked, view),
            failed=lambda exc: self._failed(asked, exc),
        )

    def _failed(self, asked: int, exc: BaseException) -> None:
        if asked == self._asked:
            self.status.setText("")
            self.note.setText(f"The takings could not be counted: {exc}")
            self.note.show()

    def _answer(self, asked: int, view: TakingsView) -> None:
        if asked == self._asked:
            self.show_view(view)

    # -- showing ---------------------------------------------------------------------------

    def show_view(self, view: TakingsView) -> None:
        self.view = view
        fmt, f, c = self.fmt, view.figures, view.compared
        self.title.setText(f"Takings: {view.label}")
        self.status.setText(f"Compared with {view.compare_label}")
        note = view.note
        if not note and view.source == "store" and view.as_of is not None:
            note = f"Whole store, as of HQ's last sync at {view.as_of:%H:%M}"
        elif not note and self.whole_store.isChecked() and view.source == "till":
            note = "This till only: offline"
        self.note.setText(note)
        self.note.setVisible(bool(note))
        weeks = compare_days(view.period) // 7
        earlier = "Last week" if weeks == 1 else f"{weeks} weeks earlier"
        for key, _title, kind, up in TILES:
            a, b = getattr(f, key), getattr(c, key)
            tile = self.tiles[key]
            tile.value.setText(shown(fmt, a, kind))
            ratio = change(a, b)
            before = f"{earlier} {shown(fmt, b, kind)}"
            if ratio is None:
                tile.compare.setText(f"{before}\n")
                tile.compare.setStyleSheet(f"color: {MUTED};")
            else:
                good = (ratio >= 0) == up
                colour = ACCENT if ratio == 0 or good else DANGER
                tile.compare.setText(f"{before}\n{percent(fmt, ratio)}")
                tile.compare.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.chart.set_data(view.hours, short_label(view.label), short_label(view.compare_label))
        self.tenders.set_rows(
            [(f"{t.method.capitalize()} ({t.count})", t.amount) for t in f.by_tender]
        )
        self.cashiers.set_rows(
            [
                (view.cashier_names.get(x.cashier_id, "Someone"), x.amount)
                for x in sorted(f.by_cashier, key=lambda x: -x.amount)
            ]
        )
        _fill(
            self.tax,
            [(t.name, fmt.money(t.base), fmt.money(t.amount)) for t in f.tax_by_rate],
        )
        for table, items in (
            (self.top_revenue, f.top_by_revenue),
            (self.top_quantity, f.top_by_quantity),
        ):
            _fill(
                table,
                [(i.name, fmt.qty(i.quantity), fmt.money(i.amount)) for i in items],
                "Nothing sold",
            )
        _fill(
            self.audit,
            [
                (
                    f"{a.at:%H:%M}"
                    if view.period.first == view.period.last
                    else f"{a.at:%d/%m %H:%M}",
                    a.what,
                    a.by,
                    a.approved_by or "",
                )
                for a in view.audit
            ],
            "Nothing to review",
        )
        self.audit.resizeRowsToContents()
        _fill(
            self.low,
            [(s.name, fmt.qty(s.on_hand), fmt.qty(s.reorder_point)) for s in view.low_stock],
            "Nothing under its reorder point",
        )

    def figure_text(self, key: str) -> str:
        """What the tile of ``key`` shows (for tests and the screen reader alike)."""
        return self.tiles[key].value.text()

    # -- print, PDF, CSV -------------------------------------------------------------------

    def print_view(self) -> None:
        if self.view is not None and self.on_print is not None:
            self.on_print(self.view)

    def _default_name(self, ext: str) -> str:
        p = self.view.period if self.view else Period(self.today, self.today)
        when = p.first.isoformat() if p.first == p.last else f"{p.first}_{p.last}"
        return str(Path.home() / f"takings-{when}.{ext}")

    def _ask_pdf(self) -> None:
        if self.view is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the takings as PDF", self._default_name("pdf"), "PDF (*.pdf)"
        )
        if path:
            self.save_pdf(path)

    def _ask_csv(self) -> None:
        if self.view is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the takings as CSV", self._default_name("csv"), "CSV (*.csv)"
        )
        if path:
            self.save_csv(path)

    def save_pdf(self, path: str | Path) -> None:
        from arcoiris_desktop.ui.takings_pdf import write_pdf

        if self.view is not None:
            self._saved(path, lambda: write_pdf(self.view, Path(path), self.fmt))  # type: ignore[arg-type]

    def save_csv(self, path: str | Path) -> None:
        if self.view is not None:
            view = self.view
            self._saved(path, lambda: Path(path).write_text(takings_csv(view), encoding="utf-8"))

    def _saved(self, path: str | Path, write: Callable[[], object]) -> None:
        try:
            write()
        except OSError as exc:
            self.status.setText(f"Could not save {Path(path).name}: {exc.strerror or exc}")
            return
        self.status.setText(f"Saved {Path(path).name}")


def _date(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())
