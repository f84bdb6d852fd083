"""Signing in: check the password, issue a token, list the caller's orgs."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from sync_server.auth.schemas import MembershipRead, MeResponse, TokenResponse, UserRead
from sync_server.auth.security import create_access_token, hash_password, needs_rehash
from sync_server.auth.security import verify_password as _verify
from sync_server.config import Settings
from sync_server.errors import Unauthorized
from sync_server.org import repository as org_repository
from sync_server.org.models import User

logger = logging.getLogger(__name__)


def memberships_of(*, db_session: Session, user: User) -> list[MembershipRead]:
    return [
        MembershipRead(org_id=org.id, org_name=org.name, role=m.role)
        for m, org in org_repository.memberships_of_user(db_session, user_id=user.id)
    ]


def login(*, db_session: Session, settings: Settings, email: str, password: str) -> TokenResponse:
    user = org_repository.user_by_email(db_session, email=email)
    if not _verify(password, user.password_hash if user else None) or user is None:
        raise Unauthorized("Wrong email or password", code="invalid_credentials")
    if not user.is_active:
        raise Unauthorized("This account is disabled", code="account_disabled")
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db_session.commit()
    token, ttl = create_access_token(user_id=user.id, settings=settings)
    logger.info("user %s signed in", user.id)
    return TokenResponse(
        access_token=token,
        expires_in=ttl,
        user=UserRead.model_validate(user),
        memberships=memberships_of(db_session=db_session, user=user),
    )


def me(*, db_session: Session, user: User) -> MeResponse:
    return MeResponse(
        user=UserRead.model_validate(user),
        memberships=memberships_of(db_session=db_session, user=user),
    )
