"""Sign in: tap your name, type your PIN. Works offline (argon2 hashes on this till).

Five wrong PINs in a row and each further try waits (2 s, 4 s, 8 s...); ten and that person
is locked until a manager types their PIN into the same box to unlock them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from arcoiris_desktop.staff import LOCK_AFTER, SLOW_AFTER, SignInResult, Staff
from arcoiris_desktop.till import Till
from arcoiris_desktop.ui.banner import Banner
from arcoiris_desktop.ui.dialogs import button
from arcoiris_desktop.ui.worker import Worker


class LoginScreen(QWidget):
    signed_in = Signal(object)  # Staff

    def __init__(
        self, till: Till, worker: Worker, *, demo_pins: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.till = till
        self.worker = worker
        self.demo_pins = demo_pins or {}
        self._staff: list[Staff] = []
        self._chosen: Staff | None = None
        self._unlocking: Staff | None = None  # locked out: the PIN box takes a manager's PIN

        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 30, 40, 30)
        title = QLabel(till.config.store_name or "Arcoiris POS")
        title.setProperty("role", "title")
        outer.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        sub = QLabel(f"{till.config.terminal_name} · sign in to sell")
        sub.setProperty("role", "muted")
        outer.addWidget(sub, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.banner = Banner()
        outer.addWidget(self.banner)

        body = QHBoxLayout()
        outer.addLayout(body, 1)
        people_panel = QFrame()
        people_panel.setProperty("role", "panel")
        self.people = QGridLayout(people_panel)
        body.addWidget(people_panel, 3)

        pin_panel = QFrame()
        pin_panel.setProperty("role", "panel")
        pin_layout = QVBoxLayout(pin_panel)
        self.who = QLabel("Tap your name")
        self.who.setProperty("role", "big")
        pin_layout.addWidget(self.who)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText("PIN")
        self.pin.setMaxLength(8)
        self.pin.returnPressed.connect(self.submit)
        pin_layout.addWidget(self.pin)
        keys = QGridLayout()
        for i, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "OK"]):
            b = button(key, "primary" if key == "OK" else "key")
            b.setMinimumHeight(56)
            b.clicked.connect(lambda _=False, k=key: self._key(k))
            keys.addWidget(b, i // 3, i % 3)
        pin_layout.addLayout(keys)
        pin_layout.addStretch(1)
        body.addWidget(pin_panel, 2)

        if self.demo_pins:
            hint = QLabel(
                "Demo till — PINs: "
                + ",  ".join(f"{name} {pin}" for name, pin in self.demo_pins.items())
            )
            hint.setProperty("role", "banner-warn")
            outer.addWidget(hint)

    def load(self) -> None:
        self.worker.run(self.till.staff, done=self._show_staff, failed=self._failed)

    def _show_staff(self, staff: list[Staff]) -> None:
        self._staff = staff
        while self.people.count():
            item = self.people.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.setParent(None)
                widget.deleteLater()
        for i, person in enumerate(staff):
            b = button(f"{person.full_name}\n{person.role.title()}", "tile")
            b.setObjectName(f"staff-{person.role}-{i}")
            b.clicked.connect(lambda _=False, p=person: self.choose(p))
            self.people.addWidget(b, i // 2, i % 2)
        self.people.setRowStretch((len(staff) + 1) // 2, 1)
        if len(staff) == 1:
            self.choose(staff[0])

    def choose(self, person: Staff) -> None:
        self._chosen = person
        self._unlocking = None
        self.pin.setPlaceholderText("PIN")
        self.who.setText(f"PIN for {person.full_name}")
        self.pin.clear()
        self.pin.setFocus()

    def choose_by_role(self, role: str) -> None:
        for person in self._staff:
            if person.role == role:
                self.choose(person)
                return

    def _key(self, key: str) -> None:
        if key == "C":
            self.pin.clear()
        elif key == "OK":
            self.submit()
        else:
            self.pin.insert(key)
        self.pin.setFocus()

    def submit(self) -> None:
        if self._chosen is None:
            self.banner.error("Tap your name first")
            return
        pin = self.pin.text()
        self.pin.clear()
        if self._unlocking is not None:
            self.worker.run(
                self.till.unlock,
                self._unlocking.user_id,
                pin,
                done=self._unlocked,
                failed=self._failed,
            )
            return
        self.worker.run(
            self.till.sign_in, self._chosen.user_id, pin, done=self._done, failed=self._failed
        )

    def _done(self, result: SignInResult | None) -> None:
        self.pin.setFocus()
        if result is None:
            self.banner.error("Type your PIN, then OK")
            return
        if result.ok and result.staff is not None:
            self.banner.clear_message()
            self.signed_in.emit(result.staff)
            return
        if result.status == "locked":
            self._lock(self._chosen)
        elif result.status == "wait":
            self.banner.error(f"Too many wrong PINs: wait {result.wait_seconds} s")
        elif result.failures < SLOW_AFTER:
            self.banner.error(f"Wrong PIN ({result.failures} of {SLOW_AFTER}). Try again.")
        else:
            self.banner.error(
                f"Wrong PIN ({result.failures} of {LOCK_AFTER}). "
                f"Too many wrong PINs: wait {result.wait_seconds} s"
            )

    def _lock(self, person: Staff | None) -> None:
        if person is None:
            return
        self._unlocking = person
        self.pin.setPlaceholderText("Manager PIN")
        self.who.setText(f"Locked: manager PIN to unlock {person.first_name}")
        self.banner.error(f"Locked: a manager's PIN unlocks {person.full_name}")

    def _unlocked(self, manager: Staff | None) -> None:
        person = self._unlocking
        self.pin.setFocus()
        if person is None:
            return
        if manager is None:
            self.banner.error(f"That is not a manager's PIN: {person.full_name} stays locked")
            return
        self._unlocking = None
        self.pin.setPlaceholderText("PIN")
        self.who.setText(f"PIN for {person.full_name}")
        self.banner.info(f"{manager.first_name} unlocked {person.first_name}: type your PIN")

    def _failed(self, exc: BaseException) -> None:
        self.banner.error(f"Could not sign in: {exc}")

    def reset(self) -> None:
        self._chosen = None
        self._unlocking = None
        self.pin.setPlaceholderText("PIN")
        self.who.setText("Tap your name")
        self.pin.clear()
        self.banner.clear_message()
