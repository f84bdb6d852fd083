"""The first sale of a new install, in the real program started as a process.

``arcoiris-desktop --demo --data-dir <a folder no test made>``: a manager signs in, opens a
shift, sells, pays cash. The receipt's bytes must be in the file printer's output and the change
on screen. A new install's first receipt once failed (python-escpos's cache folder did not
exist) and the cashier saw "Something went wrong" instead of the change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.desktop.conftest import MILK
from tests.desktop.escpos_reader import parse_escpos

ROOT = Path(__file__).resolve().parents[2]


def drive(tmp_path: Path, *args: str, cash: str = "10") -> tuple[dict[str, object], Path]:
    data_dir = tmp_path / "new-install"
    out = tmp_path / "screen.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESCPOS_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "tests.desktop.drive_till", str(out), MILK, cash, "--"),
            *("--demo", "--demo-items", "200", "--data-dir", str(data_dir), *args),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    screen = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in screen, (screen, proc.stderr)
    return screen, data_dir


def test_the_first_sale_of_a_new_demo_install_prints_and_shows_the_change(tmp_path):
    screen, data_dir = drive(tmp_path)
    assert screen["window_visible"] and screen["exit_code"] == 0
    assert screen["total"] == "€3.09"
    assert screen["change"] == "€6.91", screen
    assert "Change: €6.91" in str(screen["banner"])
    assert screen["printed_ok"], screen["print_message"]

    data = (data_dir / "receipts" / "printer.bin").read_bytes()
    assert data.startswith(b"\x1bp"), "cash opens the drawer before the receipt prints"
    job = parse_escpos(data)
    text = "\n".join(job.texts)
    assert "Fresco Whole Milk 250 g" in text and "T01-000001" in text
    log = (data_dir / "till.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "printing T01-000001 failed" not in log


def test_a_printer_that_fails_never_hides_the_change(tmp_path):
    """A file where the printer's folder should be: every job fails, the drawer kick too. The
    change stays on screen and the cashier is told to reprint."""
    data_dir = tmp_path / "new-install"
    data_dir.mkdir()
    (data_dir / "receipts").write_text("not a folder", encoding="utf-8")
    screen, _ = drive(tmp_path)
    assert screen["change"] == "€6.91", screen
    assert not screen["printed_ok"]
    assert "Receipt not printed" in str(screen["print_message"])
    assert "drawer did not open" in str(screen["print_message"])
    assert "Something went wrong" not in str(screen["banner"])
