"""The manager's takings screen on a real till database, offscreen: the figures it shows
are the database's, a change of period asks again, the PDF carries the figures as text,
and it renders at the till's two screen sizes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from sqlalchemy import text

from arcoiris_desktop.reports.takings import Period, takings
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.takings_screen import TakingsDialog
from arcoiris_desktop.ui.takings_shots import move_sale, seed_two_days
from arcoiris_desktop.ui.theme import STYLE
from arcoiris_desktop.ui.worker import Worker
from arcoiris_shared.takings import time_zone
from tests.desktop.conftest import MILK, sell_for_cash


def _today(till) -> dt.date:
    return dt.datetime.now(time_zone(till.config.timezone)).date()


@pytest.fixture
def screen(qtbot, till):
    """The dialog over ``till``'s own database; ``asked`` records every fetch."""
    worker = Worker()
    fmt = Formatter(till.config.currency, till.config.locale, till.config.timezone)
    asked: list[Period] = []
    printed: list[object] = []
    stores: list[bool] = []

    def fetch(period: Period, whole_store: bool):
        asked.append(period)
        stores.append(whole_store)
        view = takings(till.db, till.config, period)
        if whole_store:  # as the lead's fetch answers with HQ's figures
            at = dt.datetime(2026, 12, 3, 14, 5)
            return dataclasses.replace(view, source="store", as_of=at)
        return view

    def make(**kw):
        kw.setdefault("on_print", printed.append)
        dialog = TakingsDialog(fetch, worker, fmt, today=_today(till), **kw)
        dialog.setStyleSheet(STYLE)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: dialog.view is not None and not worker.busy, timeout=5000)
        return dialog

    make.printed, make.stores = printed, stores  # type: ignore[attr-defined]
    yield make, asked, fmt
    worker.shutdown()


def _sql_money(db, sql: str) -> D:
    with db.read() as s:
        return D(s.execute(text(sql)).scalar() or 0).scaleb(-4)


def test_the_tiles_show_the_databases_figures(screen, till, db):
    seed_two_days(till, _today(till))
    make, _asked, fmt = screen
    dialog = make()
    today = _today(till)
    start = dt.datetime.combine(today, dt.time(), time_zone(till.config.timezone)).astimezone(
        dt.UTC
    )
    since = start.strftime("%Y-%m-%dT%H:%M:%S")
    net = _sql_money(db, f"SELECT sum(total) FROM sales WHERE occurred_at >= '{since}'")
    tax = _sql_money(db, f"SELECT sum(tax_total) FROM sales WHERE occurred_at >= '{since}'")
    with db.read() as s:
        n = s.execute(
            text("SELECT count(*) FROM sales WHERE kind = 'sale' AND occurred_at >= :t"),
            {"t": since},
        ).scalar()
    assert net > 0
    assert dialog.figure_text("net_takings") == fmt.money(net)
    assert dialog.figure_text("tax_total") == fmt.money(tax)
    assert dialog.figure_text("sales_count") == str(n)
    # Last week's beside it, and the change in per cent.
    last_week = dialog.view.compared.net_takings
    assert last_week > 0
    compare = dialog.tiles["net_takings"].compare.text()
    assert fmt.money(last_week) in compare and "%" in compare
    assert dialog.top_revenue.item(0, 0).text() == dialog.view.figures.top_by_revenue[0].name


def test_yesterday_and_a_range_ask_again(screen, till, db, cashier, qtbot):
    sale = sell_for_cash(till, cashier, [MILK])
    yesterday = _today(till) - dt.timedelta(days=1)
    noon = dt.datetime.combine(yesterday, dt.time(12), time_zone(till.config.timezone))
    move_sale(db, sale.receipt_code, noon)
    make, asked, fmt = screen
    dialog = make()
    assert dialog.figure_text("sales_count") == "0"
    dialog.period_buttons["yesterday"].click()
    qtbot.waitUntil(lambda: dialog.view.period == Period(yesterday, yesterday), timeout=5000)
    assert dialog.figure_text("net_takings") == fmt.money(D("3.09"))
    dialog.period_buttons["range"].click()
    first = _today(till) - dt.timedelta(days=3)
    dialog.first_date.setDate(QDate(first.year, first.month, first.day))
    qtbot.waitUntil(lambda: dialog.view.period == Period(first, _today(till)), timeout=5000)
    assert dialog.figure_text("sales_count") == "1"
    assert asked[-1] == Period(first, _today(till))
    assert len(asked) >= 3


def test_the_pdf_holds_the_net_takings_and_the_top_item(screen, till, tmp_path: Path):
    seed_two_days(till, _today(till))
    make, _asked, fmt = screen
    dialog = make()
    path = tmp_path / "takings.pdf"
    dialog.save_pdf(path)
    reader = PdfReader(str(path))
    # Qt's PDF spaces words with tabs and joins "fl" as a ligature: read as a person would.
    raw = " ".join(page.extract_text() for page in reader.pages)
    words = " ".join(unicodedata.normalize("NFKC", raw).split())
    view = dialog.view
    assert fmt.money(view.figures.net_takings) in words
    assert view.figures.top_by_revenue[0].name in words
    assert view.label in words
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4 in points


def test_it_renders_at_both_screen_sizes(screen, till, qtbot):
    seed_two_days(till, _today(till))
    make, _asked, _fmt = screen
    dialog = make()
    for w, h in ((1024, 768), (1920, 1080)):
        dialog.resize(w, h)
        qtbot.wait(20)
        image = dialog.grab().toImage()
        assert (image.width(), image.height()) == (w, h)
        assert dialog.close_button.geometry().right() <= w
        assert dialog.print_button.isVisible() and dialog.close_button.isVisible()
        image.save(f"/tmp/takings_{w}x{h}.png")  # noqa: S108


def test_the_whole_store_says_how_fresh_hqs_figures_are(screen, qtbot):
    make, _asked, _fmt = screen
    dialog = make()
    assert dialog.note.isHidden()
    dialog.whole_store.click()
    qtbot.waitUntil(lambda: dialog.view.source == "store", timeout=5000)
    assert make.stores[-1] is True
    assert dialog.note.isVisible()
    assert dialog.note.text() == "Whole store, as of HQ's last sync at 14:05"


def test_this_shift_asks_for_the_open_shift(screen, till, qtbot):
    make, asked, _fmt = screen
    shift = till.current_shift()
    dialog = make(shift_id=shift.id)
    dialog.period_buttons["shift"].click()
    qtbot.waitUntil(lambda: dialog.view.period.shift_id == shift.id, timeout=5000)
    assert asked[-1].shift_id == shift.id
    assert dialog.view.label.startswith("Shift")
    without = make()
    assert not without.period_buttons["shift"].isEnabled()  # no shift given: not offered


def test_keys_print_and_close(screen, qtbot, tmp_path: Path):
    make, _asked, _fmt = screen
    dialog = make()
    dialog.activateWindow()
    qtbot.keyClick(dialog, Qt.Key.Key_F9)
    assert make.printed == [dialog.view]
    dialog.save_csv(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().startswith("section,key,label")
    assert dialog.status.text() == "Saved t.csv"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
