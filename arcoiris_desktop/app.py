"""``arcoiris-desktop``: start the till.

    arcoiris-desktop --demo              # a demo store, seeded once, PINs on the sign-in screen
    arcoiris-desktop --data-dir DIR      # keep the database somewhere else

Data lives in the platform's user data folder (platformdirs) unless ``--data-dir`` says
otherwise. A database that is damaged or newer than this app stops start-up with a message
and is left exactly as it was.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

logger = logging.getLogger(__name__)

APP_NAME = "ArcoirisPOS"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arcoiris-desktop", description="Arcoiris POS terminal")
    parser.add_argument("--data-dir", type=Path, help="where the database and logs live")
    parser.add_argument("--demo", action="store_true", help="seed a demo store on first start")
    parser.add_argument(
        "--demo-items", type=int, default=4_000, help="how many items the demo catalog has"
    )
    enrol = parser.add_argument_group("enrolment (a scripted roll-out; a manager's account)")
    enrol.add_argument("--enroll", metavar="URL", help="register this till with HQ and exit")
    enrol.add_argument("--email", help="the manager's email")
    enrol.add_argument("--store", default="MAIN", help="the store's code at HQ")
    enrol.add_argument("--terminal-code", help="e.g. T03 (letters and digits)")
    enrol.add_argument("--terminal-name", help="e.g. 'Till 3'")
    enrol.add_argument("--org-id", help="when the manager belongs to several organizations")
    # For `make bench`: say when the first screen takes input, with memory in use, and quit.
    parser.add_argument("--report-ready", action="store_true", help=argparse.SUPPRESS)
    return parser


def _report_when_ready(app: object, window: object) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from arcoiris_desktop.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)

    def check() -> None:
        if window.login.people.count() == 0:
            QTimer.singleShot(2, check)
            return
        QApplication.processEvents()
        rss_kb = 0
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss_kb = int(line.split()[1])
        print(f"READY rss_mb={rss_kb / 1024:.1f}", flush=True)
        QApplication.quit()

    QTimer.singleShot(0, check)


def _setup_logging(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[logging.FileHandler(data_dir / "till.log", encoding="utf-8")],
    )
    # python-escpos caches its printer profiles; keep them with the till, not in /tmp. It
    # writes the pickle into that folder but never creates it: a new install's first receipt
    # failed with FileNotFoundError until this made it.
    os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(data_dir / "cache"))
    Path(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"]).mkdir(parents=True, exist_ok=True)


def _refuse(message: str) -> int:
    """Tell the person at the till, in a window if one can open, and on stderr."""
    print(f"arcoiris-desktop: {message}", file=sys.stderr)
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox

        app = QApplication.instance() or QApplication(sys.argv[:1])
        if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
            QMessageBox.critical(None, "Arcoiris POS cannot start", message)
        del app
    except Exception:  # no display at all: stderr has said it
        logger.debug("no window for the start-up message", exc_info=True)
    return 2


def _enroll(db: object, data_dir: Path, args: argparse.Namespace) -> int:
    import getpass

    from arcoiris_desktop.db.database import Database
    from arcoiris_desktop.sync.client import SyncError
    from arcoiris_desktop.sync.credentials import CredentialStore
    from arcoiris_desktop.sync.setup import enroll_till

    assert isinstance(db, Database)
    missing = [f"--{n}" for n in ("email", "terminal_code") if not getattr(args, n)]
    if missing:
        print(f"arcoiris-desktop: --enroll needs {', '.join(missing)}", file=sys.stderr)
        return 2
    password = os.environ.get("ARCOIRIS_PASSWORD") or (
        getpass.getpass(f"Password for {args.email}: ") if sys.stdin.isatty() else ""
    )
    if not password:
        print("arcoiris-desktop: no password (set ARCOIRIS_PASSWORD)", file=sys.stderr)
        return 2
    try:
        enrolled, status = enroll_till(
            db,
            data_dir,
            url=args.enroll,
            email=args.email,
            password=password,
            store_code=args.store,
            terminal_code=args.terminal_code,
            terminal_name=args.terminal_name or f"Till {args.terminal_code}",
            org_id=args.org_id,
        )
    except SyncError as exc:
        print(f"arcoiris-desktop: enrolment failed: {exc}", file=sys.stderr)
        return 1
    print(f"enrolled as {enrolled.terminal_code} ({enrolled.terminal_id})")
    store = CredentialStore(data_dir)
    if not store.uses_keyring:  # whoever scripts the roll-out should know where it is
        print(f"no OS keyring here: the device credential is in {store.file} (mode 600)")
    if status.last_error:
        print(f"first sync did not finish ({status.last_error}); it will retry", file=sys.stderr)
    else:
        print(f"catalog at version {status.catalog_version}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    data_dir: Path = args.data_dir or default_data_dir()
    _setup_logging(data_dir)

    from arcoiris_desktop.config import NotConfigured
    from arcoiris_desktop.db.database import DB_FILENAME, Database, DatabaseRefused
    from arcoiris_desktop.till import Till

    try:
        db = Database(data_dir / DB_FILENAME)
    except DatabaseRefused as exc:
        return _refuse(str(exc))
    if args.enroll:
        try:
            return _enroll(db, data_dir, args)
        finally:
            db.close()
    till: Till | None = None
    try:
        if args.demo:
            from arcoiris_desktop.catalog.demo import seed_demo

            seed_demo(db, items=args.demo_items)
        till = Till(db, data_dir=data_dir)
    except NotConfigured:
        pass  # a first start: a manager enrols it below

    from PySide6.QtWidgets import QApplication

    from arcoiris_desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    if till is None:
        from arcoiris_desktop.sync.setup import enroll_till
        from arcoiris_desktop.ui.first_run import enrol_first

        if not enrol_first(lambda **values: enroll_till(db, data_dir, **values)):
            db.close()
            print(
                "arcoiris-desktop: not enrolled. Enrol with HQ to sell (or start with --demo "
                "to try the till, or --enroll URL from a script).",
                file=sys.stderr,
            )
            return 2
        till = Till(db, data_dir=data_dir)
    demo_pins = None
    if args.demo:
        from arcoiris_desktop.catalog.demo import DEMO_TILL_STAFF

        demo_pins = {s.full_name.split()[0]: s.pin for s in DEMO_TILL_STAFF}
    window = MainWindow(till, demo_pins=demo_pins)
    window.show_for_till()  # maximised unless the till's window_mode setting says otherwise
    if args.report_ready:
        _report_when_ready(app, window)
    code = app.exec()
    db.close()
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
