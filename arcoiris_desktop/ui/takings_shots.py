"""Takings screenshots: a demo till with a day of sales and the same weekday last week
beside it, the takings screen rendered at 1024x768 and 1920x1080 (``screenshots.py`` calls
``render_takings_screenshots``; the tests use ``seed_two_days``)."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from arcoiris_desktop.db.database import Database
    from arcoiris_desktop.till import Till

# (hour of the local clock, barcodes) of the day's sales; last week's are a quieter copy.
DAY = (
    (8, ("8410001000008", "8410001000015")),
    (9, ("8410001000022", "8410001000039", "8410001000008")),
    (10, ("8410001000046",)),
    (11, ("8410001000060", "8410001000077", "8410001000008", "8410001000015")),
    (12, ("8410001000039", "8410001000039", "8410001000008")),
    (13, ("8410001000084", "8410001000022")),
    (15, ("8410001000015",)),
    (16, ("8410001000060", "8410001000046", "8410001000008")),
    (17, ("8410001000077", "8410001000039")),
)
LAST_WEEK = (
    (9, ("8410001000008",)),
    (10, ("8410001000022", "8410001000015")),
    (12, ("8410001000039",)),
    (14, ("8410001000046", "8410001000008")),
    (17, ("8410001000060",)),
    (18, ("8410001000015", "8410001000077")),
)


from arcoiris_desktop.sales import rollup  # noqa: E402


def move_sale(db: Database, receipt_code: str, when: dt.datetime) -> None:
    """Put a sale (and its payments) at ``when``: the till only ever sells now."""
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with db.write() as s:
        sale_id = s.execute(
            text("SELECT id FROM sales WHERE receipt_code = :c"), {"c": receipt_code}
        ).scalar_one()
        s.execute(
            text("UPDATE sales SET occurred_at = :t WHERE id = :i"), {"t": stamp, "i": sale_id}
        )
        s.execute(
            text("UPDATE payments SET occurred_at = :t WHERE sale_id = :i"),
            {"t": stamp, "i": sale_id},
        )
        rollup.rebuild(s.connection())  # the day it counts under moved too


def seed_two_days(till: Till, day: dt.date) -> None:
    """Sales through the till's own services on ``day`` and a week earlier, at the hours of
    ``DAY`` and ``LAST_WEEK`` (the shift must be open)."""
    from arcoiris_shared.takings import time_zone

    tz = time_zone(till.config.timezone)
    cashier = next(s for s in till.staff() if s.role == "cashier")
    for date, plan in ((day, DAY), (day - dt.timedelta(days=7), LAST_WEEK)):
        for hour, codes in plan:
            cart = till.new_cart()
            for code in codes:
                cart.add_scan(till.scan(code))
            tender = till.new_tender(cart.totals().total)
            tender.add_cash(tender.cash_due)
            sale = till.complete(cart, tender, cashier)
            when = dt.datetime.combine(date, dt.time(hour, 17), tz)
            move_sale(till.db, sale.receipt_code, when)


def render_takings_screenshots(out_dir: Path) -> list[Path]:
    """``18-takings-1024x768.png`` and ``18-takings-1920x1080.png`` in ``out_dir``."""
    from PySide6.QtWidgets import QApplication

    from arcoiris_desktop.catalog.demo import seed_demo
    from arcoiris_desktop.db.database import DB_FILENAME, Database
    from arcoiris_desktop.reports.takings import takings
    from arcoiris_desktop.till import Till
    from arcoiris_desktop.ui.format import Formatter
    from arcoiris_desktop.ui.takings_screen import TakingsDialog
    from arcoiris_desktop.ui.theme import STYLE
    from arcoiris_desktop.ui.worker import Worker
    from arcoiris_shared.takings import time_zone

    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(STYLE)  # type: ignore[attr-defined]
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        db = Database(data / DB_FILENAME)
        seed_demo(db, items=600)
        till = Till(db, data_dir=data)
        manager = next(s for s in till.staff() if s.role == "manager")
        till.open_shift(manager, Decimal("100.00"))
        config = till.config
        today = dt.datetime.now(time_zone(config.timezone)).date()
        seed_two_days(till, today)
        worker = Worker()
        fmt = Formatter(config.currency, config.locale, config.timezone)
        dialog = TakingsDialog(
            lambda period, _store: takings(db, config, period),
            worker,
            fmt,
            today=today,
            on_print=lambda _view: None,
        )
        dialog.show()
        deadline = time.monotonic() + 10
        while dialog.view is None and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        for w, h in ((1024, 768), (1920, 1080)):
            dialog.resize(w, h)
            for _ in range(5):
                app.processEvents()
            path = out_dir / f"18-takings-{w}x{h}.png"
            dialog.grab().save(str(path))
            saved.append(path)
        dialog.close()
        worker.shutdown()
        db.close()
    return saved
