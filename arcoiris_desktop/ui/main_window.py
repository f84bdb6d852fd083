"""The till's window: sign-in, the sale screen and returns, with a status bar and idle lock."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication, QWindow
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QMainWindow, QStackedWidget

from arcoiris_desktop.db.local import Setting
from arcoiris_desktop.staff import Staff
from arcoiris_desktop.sync.engine import SyncStatus
from arcoiris_desktop.till import Till
from arcoiris_desktop.ui.dialogs import OneDialog, button
from arcoiris_desktop.ui.login import LoginScreen
from arcoiris_desktop.ui.refund_screen import RefundScreen
from arcoiris_desktop.ui.sale_screen import SaleScreen
from arcoiris_desktop.ui.sync_dialog import EnrollDialog, SyncDialog
from arcoiris_desktop.ui.sync_runner import SyncRunner
from arcoiris_desktop.ui.theme import STYLE
from arcoiris_desktop.ui.worker import Worker

logger = logging.getLogger(__name__)

# How the till's window starts: the local ``window_mode`` setting, one of these.
WINDOW_MODES = ("maximised", "fullscreen", "window")
DEFAULT_WINDOW_MODE = "maximised"
# The smallest screen a till has: every screen fits in it.
SMALLEST_SCREEN = (1024, 768)
# After a dialog closes, how long a loss of focus counts as the dialog's doing (a kiosk
# without a window manager hands X's focus to the root window) rather than a person's.
_RECLAIM_SECONDS = 1.0


def window_mode_setting(till: Till) -> str:
    """The ``window_mode`` setting (maximised, fullscreen or window); maximised if unset
    or unknown."""
    try:
        with till.db.read() as session:
            row = session.get(Setting, "window_mode")
            value = None if row is None else row.value
    except Exception:  # a setting must never keep the till from starting
        logger.warning("could not read the window_mode setting", exc_info=True)
        return DEFAULT_WINDOW_MODE
    mode = str(value).strip().lower() if value is not None else DEFAULT_WINDOW_MODE
    if mode == "maximized":
        mode = "maximised"
    if mode not in WINDOW_MODES:
        logger.warning("unknown window_mode %r: the till starts maximised", value)
        return DEFAULT_WINDOW_MODE
    return mode


class MainWindow(QMainWindow):
    def __init__(self, till: Till, *, demo_pins: dict[str, str] | None = None) -> None:
        super().__init__()
        self.till = till
        self.worker = Worker(self)
        self.cashier: Staff | None = None
        self.database_problem: str | None = None
        self.last_sync: SyncStatus | None = None
        self.setWindowTitle(
            f"Arcoiris POS — {till.config.store_name} · {till.config.terminal_name}"
        )
        self.setStyleSheet(STYLE)

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.login = LoginScreen(till, self.worker, demo_pins=demo_pins)
        self.sale = SaleScreen(till, self.worker)
        self.refunds = RefundScreen(till, self.worker)
        for screen in (self.login, self.sale, self.refunds):
            self.stack.addWidget(screen)
        self.login.signed_in.connect(self._signed_in)
        self.sale.lock_requested.connect(self.lock)
        self.sale.returns_requested.connect(self.show_returns)
        self.sale.sale_completed.connect(lambda _: self.refresh_status())
        self.sale.facts_written.connect(self.refresh_status)
        self.refunds.back.connect(self.show_sale)
        self.refunds.refunded.connect(lambda _: self.refresh_status())

        self.who = QLabel("")
        self.queue = QLabel("")
        self.sync_button = button("Sync…")
        self.sync_button.setFlat(True)
        self.sync_button.clicked.connect(self.show_sync)
        self.statusBar().addWidget(self.who, 1)
        self.statusBar().addPermanentWidget(self.queue)
        self.statusBar().addPermanentWidget(self.sync_button)
        self.dialogs = OneDialog()  # the window's own: sync status, enrolment

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.timeout.connect(self._idle_lock)
        self._reclaim_until = 0.0
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self._focus_window_changed)
        self.stack.setCurrentWidget(self.login)
        self.login.load()
        self.refresh_status()
        # The full check reads every page: it runs behind the first screen, never before it.
        self.worker.run(self.till.check_database, done=self._database_checked)
        self.sync_runner: SyncRunner | None = None
        engine = till.sync_engine()
        if engine is not None:
            self.sync_runner = SyncRunner(engine, self)
            self.sync_runner.status_changed.connect(self._sync_status)
            self.sale.sale_completed.connect(self._poke_sync)
            self.sale.facts_written.connect(self._poke_sync)
            self.refunds.refunded.connect(self._poke_sync)
            self.sync_runner.start()

    # -- the window on the till's screen ---------------------------------------------------

    def show_for_till(self, mode: str | None = None) -> str:
        """Show the window as a till shows it: ``mode`` (maximised, fullscreen or window),
        or the ``window_mode`` setting when None (maximised unless it says otherwise).
        Every screen fits from 1024x768 up. Returns the mode used."""
        if mode is None:
            mode = window_mode_setting(self.till)
        if mode not in WINDOW_MODES:
            raise ValueError(f"window mode {mode!r}: one of {', '.join(WINDOW_MODES)}")
        if mode == "fullscreen":
            self.showFullScreen()
        elif mode == "maximised":
            # Sized for the smallest till first: un-maximised, it still fits a small screen.
            self.resize(*SMALLEST_SCREEN)
            self.showMaximized()
        else:
            self.resize(*SMALLEST_SCREEN)
            self.show()
        self.raise_()
        self.activateWindow()
        return mode

    @property
    def active_dialog(self) -> QDialog | None:
        """The window's own dialog open, if any (``dialogs.current``)."""
        return self.dialogs.current

    def _focus_window_changed(self, window: QWindow | None) -> None:
        if window is None and time.monotonic() < self._reclaim_until:
            QTimer.singleShot(0, self.take_focus_back)

    def _dialog_closed(self) -> None:
        self._reclaim_until = time.monotonic() + _RECLAIM_SECONDS
        QTimer.singleShot(0, self.take_focus_back)

    def take_focus_back(self) -> None:
        """After a dialog closes: make this window the active one again with the screen's
        field focused, so F-keys and the scanner work without a click. Without a window
        manager, X gives the focus to the root window when a dialog goes."""
        if not self.isVisible() or self.isMinimized():
            return
        if QApplication.activeModalWidget() is not None or QApplication.activePopupWidget():
            return
        for top in QApplication.topLevelWidgets():
            if top is not self and isinstance(top, QDialog) and top.isVisible():
                return  # another dialog is still up: it keeps the focus
        active = QApplication.activeWindow()
        if active is not None and active is not self:
            return  # a window of someone else's choosing
        if active is None:
            self.raise_()
            self.activateWindow()
        self._focus_screen()

    def _focus_screen(self) -> None:
        current = self.stack.currentWidget()
        focused = QApplication.focusWidget()
        if current is self.sale:
            self.sale.focus_scan()
        elif current is self.login:
            self.login.pin.setFocus()
        elif current is not None and (focused is None or not focused.isVisible()):
            current.setFocus()

    # -- navigation --------------------------------------------------------------------------

    def _signed_in(self, person: Staff) -> None:
        self.cashier = person
        self.sale.start(person)
        self.stack.setCurrentWidget(self.sale)
        self._arm_idle()
        self.refresh_status()

    def show_sale(self) -> None:
        if self.cashier is None:
            return
        self.stack.setCurrentWidget(self.sale)
        self.sale.focus_scan()

    def show_returns(self) -> None:
        if self.cashier is None:
            return
        self.refunds.start(self.cashier)
        self.stack.setCurrentWidget(self.refunds)

    def lock(self) -> None:
        """Lock the till: the cart stays, anyone must sign in again."""
        self.sale.clear_for_lock()
        self.cashier = None
        self.idle.stop()
        self.login.reset()
        self.stack.setCurrentWidget(self.login)
        self.refresh_status()

    def _idle_lock(self) -> None:
        if self.cashier is not None:
            self.lock()
            self.login.banner.warn("Locked after a while without use")

    def _arm_idle(self) -> None:
        seconds = self.till.config.idle_lock_seconds
        if self.cashier is not None and seconds > 0:
            self.idle.start(seconds * 1000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self._arm_idle()
        elif (
            kind == QEvent.Type.Hide
            and isinstance(watched, QDialog)
            and watched.isWindow()
            and not event.spontaneous()
        ):
            self._dialog_closed()
        return super().eventFilter(watched, event)

    # -- status ------------------------------------------------------------------------------

    def refresh_status(self) -> None:
        cfg = self.till.config
        who = self.cashier.full_name if self.cashier else "locked"
        self.who.setText(f"{cfg.store_name} · {cfg.terminal_name} · {who}")
        self.worker.run(self.till.waiting_ops, done=self._show_queue)

    def _database_checked(self, problem: str | None) -> None:
        self.database_problem = problem
        if problem:
            self.login.banner.error(
                "This till's database is damaged. Keep selling only if a manager says so, "
                f"and call support. ({problem[:120]})"
            )
            self.queue.setText("DATABASE DAMAGED")
            self.queue.setStyleSheet("color: #b3261e; font-weight: 700;")

    def _show_queue(self, waiting: int) -> None:
        if self.sync_runner is None:
            self.queue.setText(f"Not enrolled with HQ · {waiting} records kept on this till")
        elif self.last_sync is not None:
            self._sync_status(self.last_sync)

    def show_sync(self) -> None:
        self.worker.run(
            lambda: (self.till.waiting_list(), self.till.rejected_list()), done=self._open_sync
        )

    def _open_sync(self, lists: tuple[list[tuple[int, str, str, str]], ...]) -> None:
        waiting, rejected = lists
        status = self.last_sync if self.sync_runner is not None else None
        dialog = SyncDialog(status, waiting, rejected, parent=self)
        dialog.sync_now.clicked.connect(self._poke_sync)
        dialog.enrol.clicked.connect(self.show_enrol)
        self.dialogs.open(dialog)

    def show_enrol(self) -> None:
        self.dialogs.accept()
        dialog = EnrollDialog(parent=self)

        def submit() -> None:
            values = dialog.values()
            dialog.ok.setEnabled(False)
            dialog.banner.info("Enrolling…")

            def done(result: object) -> None:
                dialog.accept()
                self.login.banner.info(
                    "Enrolled with HQ. Restart the till to sell from HQ's catalog."
                )

            def failed(exc: BaseException) -> None:
                dialog.ok.setEnabled(True)
                dialog.banner.error(f"Not enrolled: {exc}")

            self.worker.run(self.till.enroll, done=done, failed=failed, **values)

        dialog.ok.clicked.connect(submit)
        self.dialogs.open(dialog)

    def _poke_sync(self, _: object = None) -> None:
        if self.sync_runner is not None:
            self.sync_runner.poke()

    def _sync_status(self, status: SyncStatus) -> None:
        """Online or not, what waits, when HQ last heard from us, and anything refused."""
        self.last_sync = status
        if self.database_problem:
            return
        when = (
            status.last_success.astimezone().strftime("%H:%M") if status.last_success else "never"
        )
        if status.blocked:
            text, color = f"Sync stopped: {status.blocked[:90]}", "#b3261e"
        elif status.online:
            text, color = f"Online · {status.waiting} waiting · synced {when}", "#0b6e4f"
        else:
            text, color = f"Offline · {status.waiting} waiting · last sync {when}", "#8a5a00"
        if status.rejected:  # first, where a narrow window cannot cut it off
            text = f"⚠ {status.rejected} refused by HQ · {text}"
            color = "#b3261e"
        self.queue.setText(text)
        self.queue.setStyleSheet(f"color: {color}; font-weight: 600;")

    def closeEvent(self, event: QEvent) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.disconnect(self._focus_window_changed)
        self._reclaim_until = 0.0
        self.till.stop_background_work()
        if self.sync_runner is not None:
            self.sync_runner.stop()
        self.worker.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]
