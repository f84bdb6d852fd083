"""The first sale of a new install, in the real program started as a process.

``arcoiris-desktop --demo --data-dir <a folder no test made>``: a manager signs in, opens a
shift, sells, pays cash. The receipt's bytes must be in the file printer's output and the change
on screen. A new install's first receipt once failed (python-escpos's cache folder did not
exist) and the cashier saw "Something went wrong" instead of the change.
"""

from __future__ import annotations

from pathlib import Path

from tests.desktop.conftest import MILK
from tests.desktop.drive_till import assert_first_receipt, drive


def drive_demo(tmp_path: Path) -> tuple[dict[str, object], Path]:
    data_dir = tmp_path / "new-install"
    return drive(tmp_path, data_dir, "--demo", "--demo-items", "200", barcode=MILK), data_dir


def test_the_first_sale_of_a_new_demo_install_prints_and_shows_the_change(tmp_path):
    screen, data_dir = drive_demo(tmp_path)
    assert screen["window_visible"] and screen["exit_code"] == 0
    assert screen["total"] == "€3.09"
    assert screen["change"] == "€6.91", screen
    assert "Change: €6.91" in str(screen["banner"])
    assert screen["printed_ok"], screen["print_message"]
    assert_first_receipt(data_dir, "T01-000001")


def test_a_printer_that_fails_never_hides_the_change(tmp_path):
    """A file where the printer's folder should be: every job fails, the drawer kick too. The
    change stays on screen and the cashier is told to reprint."""
    data_dir = tmp_path / "new-install"
    data_dir.mkdir()
    (data_dir / "receipts").write_text("not a folder", encoding="utf-8")
    screen, _ = drive_demo(tmp_path)
    assert screen["change"] == "€6.91", screen
    assert not screen["printed_ok"]
    assert "Receipt not printed" in str(screen["print_message"])
    assert "drawer did not open" in str(screen["print_message"])
    assert "Something went wrong" not in str(screen["banner"])
