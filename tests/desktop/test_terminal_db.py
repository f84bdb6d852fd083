"""The terminal's database: upgrades keep every unsynced row; a corrupt or newer database is
refused and left byte for byte as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from arcoiris_desktop.db.database import (
    DB_FILENAME,
    Database,
    DatabaseRefused,
    alembic_config,
    make_engine,
)
from tests.desktop.conftest import schema_drift


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_head_schema_matches_the_models(db: Database):
    with db.engine.connect() as conn:
        assert schema_drift(conn) == []
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_writer_without_checks_or_waits_leaves_both_on_for_the_next(db: Database):
    def settings(session: Session) -> tuple[int, int]:
        conn = session.connection()
        return (
            int(conn.exec_driver_sql("PRAGMA foreign_keys").scalar() or 0),
            int(conn.exec_driver_sql("PRAGMA synchronous").scalar() or 0),
        )

    with db.write(foreign_keys=False) as s:
        assert settings(s) == (0, 2)
    with db.write(durable=False) as s:
        assert settings(s) == (1, 1)  # NORMAL
    with db.write() as s:
        assert settings(s) == (1, 2)  # FULL
    with db.read() as s:
        assert settings(s) == (1, 2)


def test_the_log_folds_into_the_file_on_a_thread_of_its_own(db: Database):
    with db.write() as s:
        conn = s.connection().connection.driver_connection
        assert isinstance(conn, sqlite3.Connection)
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("CREATE TABLE filler (x)")
        conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 2000)
    before = db.path.stat().st_size
    db.fold_wal_in_background()
    db.wait_for_background()
    assert db.path.stat().st_size - before >= 2000 * 500  # the rows are in the file now


def test_upgrade_from_the_first_schema_keeps_unsynced_rows(tmp_path: Path):
    path = tmp_path / DB_FILENAME
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "t0001")
    org, item = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as conn:
        for seq in (1, 2, 3):
            conn.execute(
                text(
                    "INSERT INTO outbox (seq, op_id, kind, payload, occurred_at, created_at) "
                    "VALUES (:s, :o, 'sale.completed', :p, '2026-11-01T10:00:00.000000Z', "
                    "'2026-11-01T10:00:00.000000Z')"
                ),
                {"s": seq, "o": uuid.uuid4().hex, "p": f'{{"sale": {{"n": {seq}}}}}'},
            )
        conn.execute(
            text(
                "INSERT INTO items (org_id, id, sku, name, unit, price, tracked, weighed, "
                "is_active, created_at, updated_at) VALUES (:org, :id, 'OLD-1', 'Café molido', "
                "'each', 45000, 1, 0, 1, '2026-11-01T10:00:00.000000Z', "
                "'2026-11-01T10:00:00.000000Z')"
            ),
            {"org": org.hex, "id": item.hex},
        )
        conn.execute(
            text(
                "INSERT INTO item_barcodes (org_id, barcode, item_id) VALUES (:o, '96385074', :i)"
            ),
            {"o": org.hex, "i": item.hex},
        )
    engine.dispose()

    db = Database(path)  # upgrades to head
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT seq, kind, payload FROM outbox ORDER BY seq")).all()
            assert [(r[0], r[1]) for r in rows] == [
                (1, "sale.completed"),
                (2, "sale.completed"),
                (3, "sale.completed"),
            ]
            assert [r[2] for r in rows] == [f'{{"sale": {{"n": {n}}}}}' for n in (1, 2, 3)]
        from arcoiris_desktop.catalog.lookup import search

        with db.read() as session:
            # Items that were there before the upgrade are searchable after it.
            assert [i.sku for i in search(session, org, "cafe")] == ["OLD-1"]
            assert [i.sku for i in search(session, org, "9638")] == ["OLD-1"]
            # Money stored as scaled integers by the first schema reads back exact.
            assert search(session, org, "cafe")[0].price == Decimal("4.50")
    finally:
        db.close()
    from migrations.terminal import HEAD

    assert (tmp_path / f"{DB_FILENAME}.before-{HEAD}").exists()


def test_a_newer_database_is_refused_untouched(tmp_path: Path, db: Database, data_dir: Path):
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 't9999'")
    db.close()  # the last connection closing folds the WAL back into the file
    path = data_dir / DB_FILENAME
    before = _digest(path)
    with pytest.raises(DatabaseRefused, match="newer Arcoiris"):
        Database(path)
    assert _digest(path) == before


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b"this is not a database at all" + b[30:],
        lambda b: b[:16] + b"\xff" * 84 + b[100:],  # a mangled header
        lambda b: b[: len(b) // 3],  # truncated
    ],
)
def test_a_corrupt_database_is_refused_untouched(data_dir: Path, damage):
    path = data_dir / DB_FILENAME
    path.write_bytes(damage(path.read_bytes()))
    before = _digest(path)
    with pytest.raises(DatabaseRefused):
        Database(path)
    assert _digest(path) == before


def test_the_app_says_so_and_exits_without_a_traceback(data_dir: Path):
    path = data_dir / DB_FILENAME
    path.write_bytes(b"garbage" * 1000)
    proc = subprocess.run(
        [sys.executable, "-m", "arcoiris_desktop.app", "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 2
    assert "not an Arcoiris database" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert path.read_bytes() == b"garbage" * 1000


def test_an_unconfigured_till_opens_on_the_welcome_screen(qtbot, tmp_path: Path, capsys):
    """No identity and no --demo: the till asks a manager to enrol it; closing the screen
    leaves it unenrolled and says what else there is."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from arcoiris_desktop.app import main
    from arcoiris_desktop.ui.first_run import FirstRunDialog

    seen: list[FirstRunDialog] = []

    def close_it() -> None:
        shown = QApplication.activeModalWidget()
        if isinstance(shown, FirstRunDialog):
            seen.append(shown)
            shown.reject()
        else:
            QTimer.singleShot(50, close_it)

    QTimer.singleShot(50, close_it)
    assert main(["--data-dir", str(tmp_path)]) == 2
    assert seen and "not enrolled" in seen[0].intro.text()
    err = capsys.readouterr().err
    assert "not enrolled" in err and "--demo" in err and "--enroll" in err


def test_damage_inside_the_file_is_found_after_start_up(qtbot, data_dir: Path):
    """A page mangled in the middle passes the quick start-up check; the full check behind
    the first screen finds it and says so on the till."""
    from arcoiris_desktop.till import Till
    from arcoiris_desktop.ui.main_window import MainWindow

    path = data_dir / DB_FILENAME
    raw = bytearray(path.read_bytes())
    page = int.from_bytes(raw[16:18], "big")
    victim = (len(raw) // page // 2) * page  # a page in the middle: catalog rows
    raw[victim + 8 : victim + page] = b"\x00\xff" * ((page - 8) // 2)
    path.write_bytes(bytes(raw))
    db = Database(path)
    try:
        w = MainWindow(Till(db, data_dir=data_dir))
        qtbot.addWidget(w)
        qtbot.waitUntil(lambda: w.database_problem is not None, timeout=10_000)
        assert "damaged" in w.login.banner.text()
        assert w.queue.text() == "DATABASE DAMAGED"
        w.worker.shutdown()
    finally:
        db.close()


def test_the_declared_head_is_the_scripts_head():
    from alembic.script import ScriptDirectory

    from migrations.terminal import HEAD

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD
