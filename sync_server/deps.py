"""Request context as ``Annotated`` aliases: the session, the caller, the org they act in."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.auth.permissions import Permission, has_permission
from sync_server.auth.security import InvalidToken, decode_access_token
from sync_server.config import Settings
from sync_server.db import session_scope
from sync_server.errors import BadRequest, Forbidden, Unauthorized
from sync_server.org.models import Organization, User, UserOrgRole


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    yield from session_scope(request.app.state.session_factory)


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session)]

_bearer = HTTPBearer(auto_error=False)


def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <token>'")
    try:
        user_id = decode_access_token(credentials.credentials, settings=settings)
    except InvalidToken as exc:
        raise Unauthorized(f"The access token is not valid ({exc})", code="invalid_token") from exc
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthorized("This account no longer exists or is disabled", code="invalid_token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


@dataclass(frozen=True, slots=True)
class OrgContext:
    """Who is acting, in which org, with which role. Every org-scoped query filters on it."""

    org_id: uuid.UUID
    org: Organization
    user: User
    role: str

    @property
    def user_id(self) -> uuid.UUID:
        return self.user.id

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)


def get_org_context(
    session: SessionDep,
    user: CurrentUser,
    x_org_id: Annotated[str | None, Header(alias="X-Org-ID")] = None,
) -> OrgContext:
    if x_org_id is None or not x_org_id.strip():
        raise BadRequest("The X-Org-ID header is required for this request", code="org_required")
    try:
        org_id = uuid.UUID(x_org_id.strip())
    except ValueError as exc:
        raise BadRequest(
            "X-Org-ID must be an organization id (a UUID)",
            code="org_id_invalid",
            details={"header": "X-Org-ID"},
        ) from exc
    row = session.execute(
        select(UserOrgRole, Organization)
        .join(Organization, Organization.id == UserOrgRole.org_id)
        .where(
            UserOrgRole.org_id == org_id,
            UserOrgRole.user_id == user.id,
            UserOrgRole.is_active.is_(True),
        )
    ).first()
    if row is None:
        # The same answer whether the org exists or not: a foreign org id reveals nothing.
        raise Forbidden("You are not a member of this organization", code="org_forbidden")
    membership, org = row
    return OrgContext(org_id=org_id, org=org, user=user, role=membership.role)


OrgContextDep = Annotated[OrgContext, Depends(get_org_context)]


def require(permission: Permission) -> Callable[[OrgContext], OrgContext]:
    """A dependency that passes the org context on only if the caller's role allows it."""

    def check(ctx: OrgContextDep) -> OrgContext:
        if not ctx.can(permission):
            raise Forbidden(
                f"Your role ({ctx.role}) may not do this",
                code="permission_denied",
                details={"permission": permission.value, "role": ctx.role},
            )
        return ctx

    return check
