"""Who is at the till: PIN sign-in (argon2, local, offline) and what each role may do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from arcoiris_desktop.db.local import StaffMember
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
