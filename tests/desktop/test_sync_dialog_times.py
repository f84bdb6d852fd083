"""One time zone everywhere a person reads a time: the sync dialog shows the store's, as the
receipts do (it showed the machine's: UTC on a till set up that way)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel

from arcoiris_desktop.sync.engine import SyncStatus
from arcoiris_desktop.ui.format import Formatter
from arcoiris_desktop.ui.sync_dialog import SyncDialog


def test_waiting_ops_and_the_last_sync_are_in_the_store_s_time(qtbot):
    fmt = Formatter("EUR", "es_ES", "Europe/Madrid")  # UTC+2 in July
    status = SyncStatus(last_success=dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC))
    waiting = [(1, "sale.completed", "T01-000001", "2026-07-01T09:30:00+00:00")]
    dialog = SyncDialog(status, waiting, [], fmt=fmt)
    qtbot.addWidget(dialog)
    assert dialog.waiting.item(0, 3).text() == "01/07/2026 11:30"
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("last successful sync 01/07/2026 12:00" in t for t in texts), texts
