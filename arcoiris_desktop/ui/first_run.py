"""A till's first start when HQ does not know it yet: a manager enrols it here, once, and the
till then starts on HQ's catalog. (``--demo`` tries the till without HQ; ``--enroll`` does the
same from a script.)"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from arcoiris_desktop.ui.sync_dialog import EnrollDialog
from arcoiris_desktop.ui.theme import STYLE
from arcoiris_desktop.ui.worker import Worker

WELCOME = (
    "This till is not enrolled with HQ yet. A manager enrols it once, with their own "
    "sign-in; it then takes HQ's catalog, prices and staff, and sells with or without a "
    "network."
)


class FirstRunDialog(EnrollDialog):
    """The enrolment form on a welcome screen. ``enrol`` (the values as keywords) runs off
    the UI thread: it registers the till and takes the catalog, which can take a while."""

    def __init__(self, enrol: Callable[..., object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Arcoiris POS")
        if parent is None:  # the first window of the app: the till's look
            self.setStyleSheet(STYLE)
        self._enrol = enrol
        self._worker = Worker(self)
        self.intro = intro = QLabel(f"<h2>Enrol this till with HQ</h2><p>{WELCOME}</p>")
        intro.setWordWrap(True)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, intro)
        self.ok.clicked.connect(self._submit)
        self.finished.connect(lambda _: self._worker.shutdown())
        self.enrolled = False

    def reject(self) -> None:
        """Cancel and Esc close the screen, but not while HQ is answering: the till may be
        enrolled by then (closing would wait for it anyway)."""
        if not self._worker.busy:
            super().reject()

    def _submit(self) -> None:
        if self.enrolled:  # the catalog did not come down: start anyway, it keeps trying
            self.accept()
            return
        values = self.values()
        missing = [k for k in ("url", "email", "password", "terminal_code") if not values[k]]
        if missing or values["url"] in ("https://", "http://"):
            self.banner.error("Fill in HQ's address, your email and password, and a till code.")
            return
        self.ok.setEnabled(False)
        self.banner.warn("Enrolling and taking HQ's catalog… (a large catalog takes a minute)")
        self._worker.run(self._enrol, done=self._enrolled, failed=self._refused, **values)

    def _enrolled(self, result: object) -> None:
        self.enrolled = True
        status = result[1] if isinstance(result, tuple) else None
        problem = getattr(status, "last_error", None)
        if not problem:
            self.accept()
            return
        self.intro.setText("<h2>This till is enrolled with HQ</h2>")
        self.ok.setText("Start the till")
        self.ok.setEnabled(True)
        self.banner.warn(
            f"Enrolled, but HQ's catalog has not come down yet ({problem}). The till keeps "
            "trying on its own: start it now and it fills in as soon as HQ answers."
        )

    def _refused(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.banner.error(f"Not enrolled: {exc}")


def enrol_first(enrol: Callable[..., object]) -> bool:
    """Show the welcome screen until the till is enrolled (True) or the manager closes it."""
    dialog = FirstRunDialog(enrol)
    dialog.resize(620, dialog.sizeHint().height())
    return dialog.exec() == QDialog.DialogCode.Accepted
