"""Creating orgs, managing members and their roles, reading and changing settings."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy.orm import Session

from sync_server.accounting import service as accounting_service
from sync_server.auth.permissions import ASSIGNABLE_ROLES, ROLE_PERMISSIONS
from sync_server.auth.security import hash_password
from sync_server.changelog import service as changelog
from sync_server.deps import OrgContext
from sync_server.errors import Conflict, Forbidden, NotFound, Unprocessable
from sync_server.org import repository, synced
from sync_server.org.models import Organization, User, UserOrgRole
from sync_server.org.schemas import (
    MemberCreate,
    MemberRead,
    MemberUpdate,
    MyOrgRead,
    OrgCreate,
    OrgRead,
    OrgSettings,
    OrgSettingsUpdate,
    OrgUpdate,
    RoleRead,
    slugify,
)

logger = logging.getLogger(__name__)


def _free_slug(db_session: Session, wanted: str) -> str:
    slug, n = wanted, 1
    while repository.slug_taken(db_session, slug=slug):
        n += 1
        slug = f"{wanted[:58]}-{n}"
    return slug


def create_org(*, db_session: Session, owner: User, data: OrgCreate) -> MyOrgRead:
    """A new org with its owner and its default chart of accounts (settings default in code)."""
    org = stage_org(db_session=db_session, owner=owner, data=data)
    db_session.commit()
    logger.info("org %s created by %s", org.id, owner.id)
    return MyOrgRead(**OrgRead.model_validate(org).model_dump(), role="owner")


def stage_org(*, db_session: Session, owner: User, data: OrgCreate) -> Organization:
    if data.slug is not None and repository.slug_taken(db_session, slug=data.slug):
        raise Conflict(f"The slug {data.slug!r} is taken", code="slug_taken")
    org = Organization(
        name=data.name,
        slug=data.slug or _free_slug(db_session, slugify(data.name)),
        currency=data.currency,
        locale=data.locale,
        timezone=data.timezone,
    )
    db_session.add(org)
    db_session.flush()
    db_session.add(UserOrgRole(org_id=org.id, user_id=owner.id, role="owner"))
    accounting_service.seed_default_chart(db_session=db_session, org_id=org.id)
    # Version 1 from birth: a terminal's first snapshot always has a version to stand on.
    changelog.bump(db_session, org_id=org.id)
    db_session.flush()
    return org


def my_orgs(*, db_session: Session, user: User) -> list[MyOrgRead]:
    return [
        MyOrgRead(**OrgRead.model_validate(org).model_dump(), role=m.role)
        for m, org in repository.memberships_of_user(db_session, user_id=user.id)
    ]


def update_org(*, db_session: Session, ctx: OrgContext, data: OrgUpdate) -> OrgRead:
    org = db_session.get(Organization, ctx.org_id)
    assert org is not None  # the org context was built from it
    changed = []
    for field, value in data.model_dump(exclude_unset=True).items():
        if value is None:
            raise Unprocessable(f"{field} cannot be null", details={"field": field})
        if getattr(org, field) != value:
            changed.append(field)
        setattr(org, field, value)
    # The tills hear of the org's name, currency, locale and timezone as settings (their
    # receipts and reports print them): a change is logged like any setting's.
    keys = [synced.setting_key(f) for f in changed if f in synced.ORG_FIELDS]
    if keys:
        changelog.record(db_session, org_id=ctx.org_id, changes=[("setting", k) for k in keys])
    db_session.commit()
    return OrgRead.model_validate(org)


def roles() -> list[RoleRead]:
    return [
        RoleRead(
            role=role,
            permissions=sorted(p.value for p in perms),
            can_assign=sorted(ASSIGNABLE_ROLES[role]),
        )
        for role, perms in ROLE_PERMISSIONS.items()
    ]


def _member_read(m: UserOrgRole, u: User) -> MemberRead:
    return MemberRead(
        user_id=u.id,
        email=u.email,
        full_name=u.full_name,
        role=m.role,
        is_active=m.is_active,
        has_pin=m.pin_hash is not None,
    )


def list_members(
    *, db_session: Session, org_id: uuid.UUID, limit: int, offset: int
) -> list[MemberRead]:
    rows = repository.members(db_session, org_id=org_id, limit=limit, offset=offset)
    return [_member_read(m, u) for m, u in rows]


def _check_may_assign(ctx: OrgContext, role: str) -> None:
    if role not in ASSIGNABLE_ROLES.get(ctx.role, frozenset()):
        raise Forbidden(
            f"A {ctx.role} may not give someone the {role} role",
            code="role_not_assignable",
            details={"role": role},
        )


def stage_user(*, db_session: Session, email: str, full_name: str, password: str) -> User:
    """A new user (staged, not committed). Emails are unique whatever their case."""
    if repository.user_by_email(db_session, email=email) is not None:
        raise Conflict(f"A user with email {email} exists", code="email_taken")
    user = User(email=email.lower(), full_name=full_name, password_hash=hash_password(password))
    db_session.add(user)
    db_session.flush()
    return user


def stage_membership(
    *, db_session: Session, org_id: uuid.UUID, user: User, role: str, pin: str | None
) -> UserOrgRole:
    if repository.membership(db_session, org_id=org_id, user_id=user.id) is not None:
        raise Conflict(f"{user.email} is already a member", code="already_member")
    membership = UserOrgRole(
        org_id=org_id,
        user_id=user.id,
        role=role,
        pin_hash=hash_password(pin) if pin else None,
    )
    db_session.add(membership)
    db_session.flush()
    return membership


def add_member(*, db_session: Session, ctx: OrgContext, data: MemberCreate) -> MemberRead:
    """Add a person to the org: a new user with a password, or an existing user by email."""
    _check_may_assign(ctx, data.role)
    user = repository.user_by_email(db_session, email=data.email)
    if user is None:
        if data.password is None:
            raise Unprocessable("A new user needs a password", details=[{"field": "body.password"}])
        user = stage_user(
            db_session=db_session,
            email=data.email,
            full_name=data.full_name,
            password=data.password,
        )
    membership = stage_membership(
        db_session=db_session, org_id=ctx.org_id, user=user, role=data.role, pin=data.pin
    )
    changelog.record(db_session, org_id=ctx.org_id, changes=[("staff", user.id)])
    db_session.commit()
    return _member_read(membership, user)


def update_member(
    *, db_session: Session, ctx: OrgContext, user_id: uuid.UUID, data: MemberUpdate
) -> MemberRead:
    membership = repository.membership(db_session, org_id=ctx.org_id, user_id=user_id)
    user = db_session.get(User, user_id)
    if membership is None or user is None:
        raise NotFound("No such member in this organization", code="member_not_found")
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None:
            raise Unprocessable(f"{field} cannot be null", details={"field": field})
    # Touching someone's membership needs the right to give them their current role.
    _check_may_assign(ctx, membership.role)
    if "role" in changes:
        _check_may_assign(ctx, changes["role"])
    losing_owner = membership.role == "owner" and (
        changes.get("role", "owner") != "owner" or changes.get("is_active") is False
    )
    if losing_owner and repository.count_active_owners(db_session, org_id=ctx.org_id) <= 1:
        raise Conflict("An organization keeps at least one active owner", code="last_owner")
    if "role" in changes:
        membership.role = changes["role"]
    if "is_active" in changes:
        membership.is_active = changes["is_active"]
    if "pin" in changes:
        membership.pin_hash = hash_password(changes["pin"])
    if "full_name" in changes:
        user.full_name = changes["full_name"]
    changelog.record(db_session, org_id=ctx.org_id, changes=[("staff", user.id)])
    db_session.commit()
    return _member_read(membership, user)


def get_settings(*, db_session: Session, org_id: uuid.UUID) -> OrgSettings:
    stored = repository.settings_of(db_session, org_id=org_id)
    known = {k: v for k, v in stored.items() if k in OrgSettings.model_fields}
    return OrgSettings.model_validate(known)


_NULLABLE_SETTINGS = frozenset({"cash_rounding_increment"})


def update_settings(
    *, db_session: Session, org_id: uuid.UUID, data: OrgSettingsUpdate
) -> OrgSettings:
    changes: dict[str, Any] = data.model_dump(mode="json", exclude_unset=True)
    for key, value in changes.items():
        if value is None and key not in _NULLABLE_SETTINGS:
            raise Unprocessable(f"{key} cannot be null", details={"field": key})
    # Validate the merged result before writing any of it.
    merged = get_settings(db_session=db_session, org_id=org_id).model_dump(mode="json")
    merged.update(changes)
    OrgSettings.model_validate(merged)
    for key, value in changes.items():
        repository.put_setting(db_session, org_id=org_id, key=key, value=value)
    changelog.record(db_session, org_id=org_id, changes=[("setting", k) for k in changes])
    db_session.commit()
    return get_settings(db_session=db_session, org_id=org_id)
