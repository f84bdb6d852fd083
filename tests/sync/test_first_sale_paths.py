"""The first sale on each way a till starts, as the real program in its own process, on a data
folder no test made: enrolled from a script (``--enroll``) then started, and enrolled on the
welcome screen at its first start. (The demo start is in tests/desktop/test_first_sale.py.)"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.desktop.conftest import MILK
from tests.desktop.drive_till import assert_first_receipt, drive
from tests.sync.conftest import MANAGER


def test_a_till_enrolled_from_a_script_prints_its_first_receipt(live_server, tmp_path):
    data_dir = tmp_path / "scripted"
    env = {**os.environ, "ARCOIRIS_CREDENTIAL_STORE": "file", "ARCOIRIS_PASSWORD": MANAGER[1]}
    env = {k: v for k, v in env.items() if not k.startswith("ESCPOS_")}
    enrol = subprocess.run(
        [
            *(sys.executable, "-m", "arcoiris_desktop.app", "--data-dir", str(data_dir)),
            *("--enroll", live_server.url, "--email", MANAGER[0], "--terminal-code", "S1"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert enrol.returncode == 0, enrol.stderr
    screen = drive(tmp_path, data_dir, barcode=MILK)
    assert screen["change"] == "€6.91", screen
    assert screen["printed_ok"], screen["print_message"]
    assert_first_receipt(data_dir, "S1-000001")


def test_a_till_enrolled_on_the_welcome_screen_prints_its_first_receipt(live_server, tmp_path):
    data_dir = tmp_path / "welcomed"
    screen = drive(
        tmp_path,
        data_dir,
        barcode=MILK,
        welcome=(live_server.url, MANAGER[0], MANAGER[1], "W1"),
    )
    assert screen["welcome_shown"] and screen["window_visible"]
    assert screen["change"] == "€6.91", screen
    assert screen["printed_ok"], screen["print_message"]
    assert_first_receipt(data_dir, "W1-000001")
