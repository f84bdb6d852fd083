"""Wrong PINs lock out: five in a row and each try waits (2 s, 4 s, 8 s...), ten and only a
manager's PIN unlocks; a right PIN resets the count; the count survives a restart (it is
read back from the till's own audit log). Domain with a fake clock, then the real screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import select

from arcoiris_desktop.db.database import Database
from arcoiris_desktop.db.local import AuditEntry
from arcoiris_desktop.till import Till
from arcoiris_desktop.ui.main_window import MainWindow
from tests.desktop.conftest import (
    CASHIER_PIN,
    DB_FILENAME,
    MANAGER_PIN,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
WRONG = "5555"  # nobody's PIN (the demo owner's is 9999)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def tick(self, seconds: float) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


def _wrong(till: Till, user_id, clock: Clock, times: int, gap: float = 60.0):
    result = None
    for _ in range(times):
        result = till.sign_in(user_id, WRONG, now=clock.tick(gap))
    return result


def _actions(db: Database, user_id) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.actor_id == user_id)
                .order_by(AuditEntry.id)
            )
        )


def test_four_wrong_pins_are_counted_and_a_right_one_resets(bare_till, cashier):
    clock = Clock()
    results = [bare_till.sign_in(cashier.user_id, WRONG, now=clock.tick(1)) for _ in range(4)]
    assert [(r.status, r.failures, r.wait_seconds) for r in results] == [
        ("wrong", 1, 0),
        ("wrong", 2, 0),
        ("wrong", 3, 0),
        ("wrong", 4, 0),
    ]
    ok = bare_till.sign_in(cashier.user_id, CASHIER_PIN, now=clock.tick(1))
    assert ok.ok and ok.staff == cashier
    again = bare_till.sign_in(cashier.user_id, WRONG, now=clock.tick(1))
    assert (again.status, again.failures) == ("wrong", 1)


def test_five_wrong_pins_make_each_try_wait_longer(bare_till, cashier, db):
    clock = Clock()
    fifth = _wrong(bare_till, cashier.user_id, clock, 5, gap=1)
    assert (fifth.status, fifth.failures, fifth.wait_seconds) == ("wrong", 5, 2)

    # within the 2 s even the right PIN is refused, unchecked and uncounted
    early = bare_till.sign_in(cashier.user_id, CASHIER_PIN, now=clock.tick(1))
    assert (early.status, early.wait_seconds, early.staff) == ("wait", 1, None)
    sixth = bare_till.sign_in(cashier.user_id, WRONG, now=clock.tick(1))
    assert (sixth.status, sixth.failures, sixth.wait_seconds) == ("wrong", 6, 4)
    waiting = bare_till.sign_in(cashier.user_id, WRONG, now=clock.tick(1))
    assert (waiting.status, waiting.wait_seconds) == ("wait", 3)
    seventh = bare_till.sign_in(cashier.user_id, WRONG, now=clock.tick(3))
    assert (seventh.failures, seventh.wait_seconds) == (7, 8)

    # once the wait is over the right PIN signs in and the count starts again
    ok = bare_till.sign_in(cashier.user_id, CASHIER_PIN, now=clock.tick(8))
    assert ok.ok
    assert bare_till.sign_in(cashier.user_id, WRONG, now=clock.tick(1)).failures == 1
    assert _actions(db, cashier.user_id).count("sign_in.refused") == 2


def test_ten_wrong_pins_lock_until_a_manager_unlocks(bare_till, cashier, manager, db):
    clock = Clock()
    tenth = _wrong(bare_till, cashier.user_id, clock, 10)
    assert (tenth.status, tenth.failures) == ("locked", 10)

    # locked even with the right PIN, however long after
    later = bare_till.sign_in(cashier.user_id, CASHIER_PIN, now=clock.tick(86400))
    assert (later.status, later.staff) == ("locked", None)

    # a wrong manager PIN, or the cashier's own, does not unlock
    assert bare_till.unlock(cashier.user_id, WRONG, now=clock.tick(1)) is None
    assert bare_till.unlock(cashier.user_id, CASHIER_PIN, now=clock.tick(1)) is None
    assert bare_till.sign_in(cashier.user_id, CASHIER_PIN, now=clock.tick(1)).status == "locked"

    unlocked_by = bare_till.unlock(cashier.user_id, MANAGER_PIN, now=clock.tick(1))
    assert unlocked_by == manager
    ok = bare_till.sign_in(cashier.user_id, CASHIER_PIN, now=clock.tick(1))
    assert ok.ok and ok.staff == cashier

    # every failure, the lock and the unlock are in the audit log, naming who and when
    actions = _actions(db, cashier.user_id)
    assert actions.count("sign_in.failed") == 10
    assert actions.count("sign_in.locked") == 1
    assert actions.count("sign_in.unlock_refused") == 2
    with db.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "sign_in.unlocked")
        ).one()
    assert entry.actor_id == cashier.user_id
    assert entry.approver_id == manager.user_id
    assert entry.occurred_at == T0 + dt.timedelta(seconds=600 + 86400 + 4)


def test_a_restart_keeps_the_count(db, data_dir: Path, cashier):
    clock = Clock()
    first = Till(db, data_dir=data_dir)
    _wrong(first, cashier.user_id, clock, 9)
    db.close()

    reopened = Database(data_dir / DB_FILENAME)
    try:
        restarted = Till(reopened, data_dir=data_dir)
        tenth = restarted.sign_in(cashier.user_id, WRONG, now=clock.tick(60))
        assert (tenth.status, tenth.failures) == ("locked", 10)
        assert restarted.sign_in(cashier.user_id, CASHIER_PIN, now=clock.tick(60)).status == (
            "locked"
        )
    finally:
        reopened.close()


def test_one_persons_wrong_pins_do_not_lock_another(bare_till, cashier, manager):
    clock = Clock()
    _wrong(bare_till, cashier.user_id, clock, 10)
    assert bare_till.sign_in(manager.user_id, MANAGER_PIN, now=clock.tick(1)).ok


# -- the screen -----------------------------------------------------------------------------


def _type(qtbot, w: MainWindow, pin: str) -> None:
    qtbot.keyClicks(w.login.pin, pin)
    qtbot.keyClick(w.login.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not w.worker.busy, timeout=5000)


def _an_hour_ago() -> Clock:
    """Wrong PINs typed long enough ago that no wait is still running (written straight to
    the log through the Till, so the screen test need not sit out 2 + 4 + 8 + 16 s)."""
    clock = Clock()
    clock.now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    return clock


def test_the_screen_counts_wrong_pins_then_makes_them_wait(
    qtbot, no_shift_window, bare_till, cashier
):
    w = no_shift_window
    w.login.choose_by_role("cashier")
    _type(qtbot, w, WRONG)
    assert w.login.banner.text() == "Wrong PIN (1 of 5). Try again."
    _wrong(bare_till, cashier.user_id, _an_hour_ago(), 3)
    _type(qtbot, w, WRONG)
    assert w.login.banner.text() == "Wrong PIN (5 of 10). Too many wrong PINs: wait 2 s"
    _type(qtbot, w, CASHIER_PIN)  # at once: refused without being checked
    assert w.login.banner.text() in {
        "Too many wrong PINs: wait 2 s",
        "Too many wrong PINs: wait 1 s",
    }
    assert w.stack.currentWidget() is w.login


def test_the_screen_locks_then_a_manager_unlocks(
    qtbot, no_shift_window, bare_till, cashier, tmp_path: Path
):
    w = no_shift_window
    _wrong(bare_till, cashier.user_id, _an_hour_ago(), 9)
    w.login.choose_by_role("cashier")
    _type(qtbot, w, WRONG)  # the tenth
    assert w.login.banner.text() == f"Locked: a manager's PIN unlocks {cashier.full_name}"
    assert w.login.who.text() == "Locked: manager PIN to unlock Carlos"
    shot = tmp_path / "login-locked.png"
    assert w.grab().save(str(shot))

    _type(qtbot, w, CASHIER_PIN)  # the right PIN, but locked: the box now wants a manager's
    assert w.login.banner.text() == "That is not a manager's PIN: Carlos Cashier stays locked"
    assert w.stack.currentWidget() is w.login
    _type(qtbot, w, MANAGER_PIN)
    assert w.login.banner.text() == "Marta unlocked Carlos: type your PIN"
    assert w.login.who.text() == "PIN for Carlos Cashier"
    _type(qtbot, w, CASHIER_PIN)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.sale)
