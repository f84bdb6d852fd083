"""Drive the real ``arcoiris-desktop`` program in its own process, as a person at the till would.

A test starts ``python -m tests.desktop.drive_till OUT -- <arcoiris-desktop arguments>``: this
runs the program's own ``main`` (its logging, data folder, demo seed, window) and, once the main
window shows, presses real keys on it: a manager signs in with the PIN, F6 opens a shift with a
100.00 float, a barcode is scanned, F12, cash typed and Enter until the sale is done. What the
screen then shows is written as JSON to OUT and the program quits. Nothing here reaches into
the till's database: it reads the widgets, as a person reads the screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tests.desktop.escpos_reader import parse_escpos

STEP_TIMEOUT_S = 20.0


def _steps(
    window: Any, out: dict[str, Any], barcode: str, cash: str
) -> Iterator[Callable[[], bool]]:
    """Each yield is a condition to wait for before the next step runs."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from arcoiris_desktop.catalog.demo import DEMO_TILL_STAFF

    yield lambda: window.login.people.count() > 0
    manager = next(s for s in DEMO_TILL_STAFF if s.role == "manager")
    window.login.choose_by_role("manager")
    QTest.keyClicks(window.login.pin, manager.pin)
    QTest.keyClick(window.login.pin, Qt.Key.Key_Return)
    yield lambda: window.stack.currentWidget() is window.sale
    sale = window.sale

    QTest.keyClick(sale.scan_field, Qt.Key.Key_F6)
    yield lambda: sale.active_dialog is not None and sale.active_dialog.isVisible()
    count = sale.active_dialog
    QTest.keyClicks(count.total_field, "100.00")
    QTest.keyClick(count.total_field, Qt.Key.Key_Return)  # "Open shift with €100.00?"
    QTest.keyClick(count.total_field, Qt.Key.Key_Return)  # yes
    yield lambda: sale.shift is not None and sale.active_dialog is None

    QTest.keyClicks(sale.scan_field, barcode)
    QTest.keyClick(sale.scan_field, Qt.Key.Key_Return)
    yield lambda: not sale.cart.is_empty
    out["total"] = sale.total_label.text()

    QTest.keyClick(sale.scan_field, Qt.Key.Key_F12)
    yield lambda: sale.active_dialog is not None and sale.active_dialog.isVisible()
    tender = sale.active_dialog
    QTest.keyClicks(tender.cash_field, cash)
    for _ in range(3):  # Enter shows the change, the next one completes
        if not tender.isVisible():
            break
        QTest.keyClick(tender.cash_field, Qt.Key.Key_Return)
    yield lambda: sale.last_print is not None
    out["change"] = sale.change_label.text() if sale.change_label.isVisible() else ""
    out["banner"] = sale.banner.text()
    out["printed_ok"] = sale.last_print.ok
    out["print_message"] = sale.last_print.message
    shot = os.environ.get("DRIVE_SCREENSHOT")
    if shot:  # what the cashier sees after the sale, for a person to look at
        window.grab().save(shot)


def _fill_welcome_screen(values: list[str], out: dict[str, Any]) -> None:
    """A first start: the manager types HQ's address, their sign-in and the till's code on the
    welcome screen and presses Enter, as soon as it shows."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest

    from arcoiris_desktop.ui.first_run import FirstRunDialog

    url, email, password, code = values
    original = FirstRunDialog.exec

    def exec_and_fill(dialog: FirstRunDialog) -> int:
        def fill() -> None:
            out["welcome_shown"] = dialog.isVisible()
            for field, text in (
                (dialog.url, url),
                (dialog.email, email),
                (dialog.password, password),
                (dialog.code, code),
            ):
                field.clear()
                QTest.keyClicks(field, text)
            QTest.keyClick(dialog.code, Qt.Key.Key_Return)  # on to the till's name
            QTest.keyClick(dialog.name, Qt.Key.Key_Return)  # enrol

        QTimer.singleShot(50, fill)
        return int(original(dialog))

    FirstRunDialog.exec = exec_and_fill  # type: ignore[method-assign,assignment]


def run(out_path: Path, argv: list[str], barcode: str, cash: str) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from arcoiris_desktop import app
    from arcoiris_desktop.ui.main_window import MainWindow

    out: dict[str, Any] = {}
    original_exec = QApplication.exec

    def drive(window: MainWindow) -> None:
        steps = _steps(window, out, barcode, cash)
        state: dict[str, Any] = {"wait": next(steps), "since": time.monotonic()}

        def tick() -> None:
            try:
                if state["wait"]():
                    state["wait"], state["since"] = next(steps), time.monotonic()
                elif time.monotonic() - state["since"] > STEP_TIMEOUT_S:
                    out["error"] = (
                        f"timed out waiting at line {state['wait'].__code__.co_firstlineno}: "
                        f"dialog {window.sale.active_dialog!r}, "
                        f"banner {window.sale.banner.text()!r},"
                        f" active window {QApplication.activeWindow()!r}"
                    )
                    QApplication.quit()
                    return
            except StopIteration:
                QApplication.quit()
                return
            except Exception:
                out["error"] = traceback.format_exc()
                QApplication.quit()
                return
            QTimer.singleShot(20, tick)

        QTimer.singleShot(20, tick)

    def exec_and_drive(self: QApplication) -> int:
        """The program's own event loop, with the driver started on the window it shows."""
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        out["window_visible"] = bool(windows) and windows[0].isVisible()
        if windows:
            drive(windows[0])
        else:
            QTimer.singleShot(0, QApplication.quit)
        return int(original_exec())

    QApplication.exec = exec_and_drive  # type: ignore[method-assign,assignment]
    welcome = os.environ.get("DRIVE_WELCOME")
    if welcome:
        _fill_welcome_screen(welcome.split("|"), out)
    code = app.main(argv)
    out["exit_code"] = code
    out_path.write_text(json.dumps(out), encoding="utf-8")
    return 0


ROOT = Path(__file__).resolve().parents[2]


def drive(
    work: Path,
    data_dir: Path,
    *args: str,
    barcode: str,
    cash: str = "10",
    welcome: tuple[str, str, str, str] | None = None,
) -> dict[str, Any]:
    """Run ``arcoiris-desktop --data-dir DATA_DIR *ARGS`` as its own process, driven through a
    sale; returns what the screen showed. For tests."""
    out = work / f"screen-{data_dir.name}.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESCPOS_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["ARCOIRIS_CREDENTIAL_STORE"] = "file"
    if welcome:
        env["DRIVE_WELCOME"] = "|".join(welcome)
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "tests.desktop.drive_till", str(out), barcode, cash, "--"),
            *("--data-dir", str(data_dir), *args),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    screen: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    assert "error" not in screen, (screen, proc.stderr[-2000:])
    return screen


def assert_first_receipt(data_dir: Path, code: str) -> None:
    """The drawer kick, then the receipt, in the file printer's output; no traceback logged."""
    data = (data_dir / "receipts" / "printer.bin").read_bytes()
    assert data.startswith(b"\x1bp"), "cash opens the drawer before the receipt prints"
    job = parse_escpos(data)
    text = "\n".join(job.texts)
    assert "Fresco Whole Milk 250 g" in text and code in text
    log = (data_dir / "till.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and f"printing {code} failed" not in log


if __name__ == "__main__":
    args = sys.argv[1:]
    sep = args.index("--")
    out_file, barcode, cash = Path(args[0]), args[1], args[2]
    sys.exit(run(out_file, args[sep + 1 :], barcode, cash))
