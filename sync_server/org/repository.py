"""Queries on the ``core`` tables. Repositories read and stage writes; they never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_server.org.models import Organization, OrgSetting, User, UserOrgRole


def user_by_email(db_session: Session, *, email: str) -> User | None:
    return db_session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).first()


def memberships_of_user(
    db_session: Session, *, user_id: uuid.UUID
) -> Sequence[tuple[UserOrgRole, Organization]]:
    rows = db_session.execute(
        select(UserOrgRole, Organization)
        .join(Organization, Organization.id == UserOrgRole.org_id)
        .where(UserOrgRole.user_id == user_id, UserOrgRole.is_active.is_(True))
        .order_by(Organization.name)
    ).all()
    return [(m, o) for m, o in rows]


def membership(db_session: Session, *, org_id: uuid.UUID, user_id: uuid.UUID) -> UserOrgRole | None:
    return db_session.get(UserOrgRole, (org_id, user_id))


def members(
    db_session: Session, *, org_id: uuid.UUID, limit: int, offset: int
) -> Sequence[tuple[UserOrgRole, User]]:
    rows = db_session.execute(
        select(UserOrgRole, User)
        .join(User, User.id == UserOrgRole.user_id)
        .where(UserOrgRole.org_id == org_id)
        .order_by(User.full_name, User.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(m, u) for m, u in rows]


def count_active_owners(db_session: Session, *, org_id: uuid.UUID) -> int:
    return int(
        db_session.scalar(
            select(func.count()).where(
                UserOrgRole.org_id == org_id,
                UserOrgRole.role == "owner",
                UserOrgRole.is_active.is_(True),
            )
        )
        or 0
    )


def slug_taken(db_session: Session, *, slug: str) -> bool:
    return db_session.scalar(select(Organization.id).where(Organization.slug == slug)) is not None


def settings_of(db_session: Session, *, org_id: uuid.UUID) -> dict[str, Any]:
    return {
        s.key: s.value
        for s in db_session.scalars(select(OrgSetting).where(OrgSetting.org_id == org_id))
    }


def put_setting(db_session: Session, *, org_id: uuid.UUID, key: str, value: Any) -> None:
    current = db_session.get(OrgSetting, (org_id, key))
    if current is None:
        db_session.add(OrgSetting(org_id=org_id, key=key, value=value))
    else:
        current.value = value
