"""Who is at the till: PIN sign-in (argon2, local, offline) and what each role may do."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arcoiris_desktop.audit import record_audit
from arcoiris_desktop.db.local import AuditEntry, StaffMember
from arcoiris_shared.passwords import hash_secret, verify_secret

APPROVER_ROLES = frozenset({"manager", "owner"})


@dataclass(frozen=True, slots=True)
class Staff:
    user_id: uuid.UUID
    full_name: str
    role: str

    @property
    def can_approve(self) -> bool:
        """Managers and owners approve overrides, big discounts and refunds with their PIN."""
        return self.role in APPROVER_ROLES

    @property
    def first_name(self) -> str:
        return self.full_name.split()[0] if self.full_name.strip() else self.full_name


hash_pin = hash_secret


def list_staff(session: Session) -> list[Staff]:
    rows = session.scalars(
        select(StaffMember).where(StaffMember.is_active.is_(True)).order_by(StaffMember.full_name)
    )
    return [Staff(r.user_id, r.full_name, r.role) for r in rows]


MAX_PIN_LENGTH = 64


def _is_pin(pin: object) -> bool:
    """A PIN worth checking: a non-empty string of sane length (None, bytes, numbers, or a
    megabyte of text are refused without hashing anything)."""
    return isinstance(pin, str) and 0 < len(pin) <= MAX_PIN_LENGTH


def sign_in(session: Session, user_id: uuid.UUID | None, pin: str | None) -> Staff | None:
    """The staff member, if the PIN is theirs and they are active; None otherwise (no PIN
    at all, or no such person, is simply a refusal)."""
    if not _is_pin(pin) or not isinstance(user_id, uuid.UUID):
        return None
    assert isinstance(pin, str)
    row = session.get(StaffMember, user_id)
    if row is None or not row.is_active or not verify_secret(pin, row.pin_hash):
        return None
    return Staff(row.user_id, row.full_name, row.role)


def approver_by_pin(session: Session, pin: str | None) -> Staff | None:
    """The manager or owner whose PIN this is (an approval names a PIN, not a person)."""
    if not _is_pin(pin):
        return None
    assert isinstance(pin, str)
    rows = session.scalars(
        select(StaffMember).where(
            StaffMember.is_active.is_(True), StaffMember.role.in_(APPROVER_ROLES)
        )
    )
    for row in rows:
        if verify_secret(pin, row.pin_hash):
            return Staff(row.user_id, row.full_name, row.role)
    return None


# -- wrong PINs: slow down, then lock -------------------------------------------------------
#
# Nothing new is stored: the till's own audit log is the record. A person's consecutive
# wrong PINs are their "sign_in.failed" entries since their last "sign_in" (a right PIN)
# or "sign_in.unlocked" (a manager's PIN), read newest first by the log's primary key, so
# a restart keeps the count. Refusals while waiting or locked are audited too, but do not
# count: the PIN was not even checked.

SLOW_AFTER = 5  # wrong PINs in a row before each further try waits
LOCK_AFTER = 10  # wrong PINs in a row before a manager's PIN is needed

SIGNED_IN = "sign_in"
FAILED = "sign_in.failed"
REFUSED = "sign_in.refused"  # a try while waiting or locked (PIN not checked)
LOCKED = "sign_in.locked"
UNLOCKED = "sign_in.unlocked"
UNLOCK_REFUSED = "sign_in.unlock_refused"
_COUNTED = (SIGNED_IN, FAILED, UNLOCKED)


def delay_after(failures: int) -> int:
    """Seconds a try must wait after this many wrong PINs in a row: 0 under five, then
    2, 4, 8, 16, 32."""
    return 0 if failures < SLOW_AFTER else 2 ** (failures - SLOW_AFTER + 1)


@dataclass(frozen=True, slots=True)
class PinState:
    failures: int  # wrong PINs in a row since the last right PIN or unlock
    wait_seconds: int  # before the next try is checked (0: now)
    locked: bool


@dataclass(frozen=True, slots=True)
class SignInResult:
    status: str  # "ok" | "wrong" | "wait" | "locked"
    staff: Staff | None = None
    failures: int = 0
    wait_seconds: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def pin_state(session: Session, user_id: uuid.UUID, now: dt.datetime) -> PinState:
    """Where this person stands: how many wrong PINs in a row, how long to wait, locked."""
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.occurred_at)
        .where(AuditEntry.actor_id == user_id, AuditEntry.action.in_(_COUNTED))
        .order_by(AuditEntry.id.desc())
        .limit(LOCK_AFTER)
    ).all()
    failures = 0
    last_failure: dt.datetime | None = None
    for action, occurred_at in rows:
        if action != FAILED:
            break
        if last_failure is None:
            last_failure = _utc(occurred_at)
        failures += 1
    if failures >= LOCK_AFTER:
        return PinState(failures, 0, True)
    wait = 0
    if last_failure is not None and failures >= SLOW_AFTER:
        left = (
            last_failure + dt.timedelta(seconds=delay_after(failures)) - _utc(now)
        ).total_seconds()
        wait = max(0, math.ceil(left))
    return PinState(failures, wait, False)


def _audit(
    session: Session,
    action: str,
    user_id: uuid.UUID,
    now: dt.datetime,
    *,
    approver_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    record_audit(
        session,
        action=action,
        actor_id=user_id,
        approver_id=approver_id,
        details=details,
        occurred_at=_utc(now),
    )


def attempt_sign_in(
    session: Session, user_id: uuid.UUID | None, pin: str | None, *, now: dt.datetime
) -> SignInResult:
    """One try at the PIN pad, audited in the caller's (write) session: "ok", "wrong",
    "wait" (too many wrong PINs: the PIN is not checked until ``wait_seconds`` pass) or
    "locked" (ten wrong in a row: only a manager's PIN, through :func:`unlock`, opens it).
    No PIN at all is a refusal that neither counts nor is audited (an OK tapped early)."""
    if not isinstance(user_id, uuid.UUID):
        return SignInResult("wrong")
    state = pin_state(session, user_id, now)
    if not _is_pin(pin):
        return SignInResult("wrong", failures=state.failures)
    if state.locked:
        _audit(session, REFUSED, user_id, now, details={"reason": "locked"})
        return SignInResult("locked", failures=state.failures)
    if state.wait_seconds:
        _audit(session, REFUSED, user_id, now, details={"reason": "wait"})
        return SignInResult("wait", failures=state.failures, wait_seconds=state.wait_seconds)
    person = sign_in(session, user_id, pin)
    if person is not None:
        _audit(session, SIGNED_IN, user_id, now)
        return SignInResult("ok", staff=person)
    failures = state.failures + 1
    _audit(session, FAILED, user_id, now, details={"in_a_row": failures})
    if failures >= LOCK_AFTER:
        _audit(session, LOCKED, user_id, now, details={"in_a_row": failures})
        return SignInResult("locked", failures=failures)
    return SignInResult("wrong", failures=failures, wait_seconds=delay_after(failures))


def unlock(
    session: Session, user_id: uuid.UUID, manager_pin: str | None, *, now: dt.datetime
) -> Staff | None:
    """A manager's (or owner's) PIN clears this person's wrong-PIN count; the manager who
    unlocked is returned and audited as the approver. A wrong PIN, or a manager unlocking
    themselves, is refused (and audited)."""
    manager = approver_by_pin(session, manager_pin)
    if manager is None or manager.user_id == user_id:
        _audit(session, UNLOCK_REFUSED, user_id, now)
        return None
    _audit(session, UNLOCKED, user_id, now, approver_id=manager.user_id)
    return manager
