"""A till's first start, HQ not knowing it yet: a manager enrols it on the welcome screen
and the till starts on HQ's catalog; a refusal says why and lets them try again. And the
same from a script: ``arcoiris-desktop --enroll`` as a real process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from PySide6.QtWidgets import QDialog

from arcoiris_desktop.db.database import DB_FILENAME, Database
from arcoiris_desktop.sync.setup import enroll_till
from arcoiris_desktop.till import Till
from arcoiris_desktop.ui.first_run import FirstRunDialog
from tests.sync.conftest import FaultyTransport


def _fill(qtbot, dialog: FirstRunDialog, url: str, password: str, code: str) -> None:
    """The welcome screen on show, filled in by HQ's demo manager."""
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.url.setText(url)
    dialog.email.setText("manager@arcoiris.example")
    dialog.password.setText(password)
    dialog.code.setText(code)


def test_the_welcome_screen_enrols_the_till(qtbot, live_server, tmp_path):
    data_dir = tmp_path / "new-till"
    db = Database(data_dir / DB_FILENAME)
    try:
        dialog = FirstRunDialog(lambda **values: enroll_till(db, data_dir, **values))
        _fill(qtbot, dialog, live_server.url, "not the password", "F1")
        dialog.name.setText("Front till")
        dialog.ok.click()
        qtbot.waitUntil(lambda: dialog.banner.kind == "banner-error", timeout=10_000)
        assert "Not enrolled" in dialog.banner.text() and dialog.ok.isEnabled()
        dialog.grab().save(str(tmp_path / "first-run-refused.png"))

        dialog.password.setText("arcoiris-manager")
        dialog.ok.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=60_000)
        till = Till(db, data_dir=data_dir)
        assert till.config.terminal_code == "F1" and till.config.store_name.startswith("Arcoiris")
        assert till.staff() and till.search("a")
    finally:
        db.close()


def test_enrolled_but_no_catalog_yet_says_so_and_starts_anyway(qtbot, live_server, tmp_path):
    data_dir = tmp_path / "slow-hq"
    wire = FaultyTransport(only="/api/sync/pull", plan=["5xx"])  # HQ's first answer fails
    db = Database(data_dir / DB_FILENAME)
    try:
        dialog = FirstRunDialog(
            lambda **values: enroll_till(db, data_dir, transport=wire, **values)
        )
        _fill(qtbot, dialog, live_server.url, "arcoiris-manager", "F3")
        dialog.ok.click()
        qtbot.waitUntil(lambda: dialog.enrolled, timeout=60_000)
        assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
        assert "has not come down yet" in dialog.banner.text() and "502" in dialog.banner.text()
        assert dialog.ok.text() == "Start the till"
        dialog.grab().save(str(tmp_path / "first-run-no-catalog.png"))
        dialog.ok.click()
        assert dialog.result() == QDialog.DialogCode.Accepted
        assert Till(db, data_dir=data_dir).config.terminal_code == "F3"
    finally:
        db.close()


def test_enrol_from_the_command_line(live_server, tmp_path):
    data_dir = tmp_path / "scripted"
    env = {
        **os.environ,
        "ARCOIRIS_PASSWORD": "arcoiris-manager",
        "ARCOIRIS_CREDENTIAL_STORE": "file",
    }

    def enrol(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "arcoiris_desktop", "--data-dir", str(data_dir),
             "--enroll", live_server.url, "--email", "manager@arcoiris.example",
             "--terminal-code", "F2", *extra],
            env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    wrong_store = enrol("--store", "NOPE")
    assert wrong_store.returncode == 1 and "no store 'NOPE'" in wrong_store.stderr
    assert "Traceback" not in wrong_store.stderr
    done = enrol("--terminal-name", "Till F2")
    assert done.returncode == 0, done.stderr
    assert "enrolled as F2" in done.stdout and "catalog at version" in done.stdout
    credential = data_dir / "device-credential"
    assert stat.S_IMODE(credential.stat().st_mode) == 0o600
    assert "no OS keyring here" in done.stdout  # said so, and in the till's log
    assert "no OS keyring here" in (data_dir / "till.log").read_text()
    db = Database(data_dir / DB_FILENAME)
    try:
        assert Till(db, data_dir=data_dir).config.terminal_name == "Till F2"
    finally:
        db.close()
